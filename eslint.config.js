// ESLint flat config. Syntax-only typescript-eslint rules (no type information),
// so linting stays fast. Dependency direction is checked by dependency-cruiser
// (.dependency-cruiser.cjs), not here.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    'dist/',
    'node_modules/',
    'bench/',
    'src/kernels/wasm/assembly/', // AssemblyScript: its own tsconfig, compiled by scripts/build-wasm.mjs
    'coverage/',
    '**/*.js',
    '**/*.cjs',
    '**/*.mjs',
    '**/*.d.ts',
  ]),
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    rules: {
      // Unused names are errors, but a leading underscore marks an intentional one.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
