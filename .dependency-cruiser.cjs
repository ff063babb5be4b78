// Dependency direction for longshort (DESIGN.md section 2):
//
//   core <- kernels <- parallel;  core <- autograd;
//   tensor <- nn <- optim, io <- models <- index <- cli, examples
//
// Each layer rule below is "from LAYER, anything in src/ that is NOT on the
// allowed list is forbidden". Type-only imports count the same as value imports
// (tsPreCompilationDeps: true).
//
// Run: depcruise src cli examples --config .dependency-cruiser.cjs

/** Forbid `from` (a src layer) importing anything in src/ outside `allowed`. */
function layer(name, from, allowed, comment) {
  return {
    name,
    severity: 'error',
    comment,
    from: { path: from },
    to: { path: '^src/', pathNot: `^src/(${allowed.join('|')})/` },
  };
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles anywhere in src/.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    layer('core-is-leaf', '^src/core/', ['core'], 'src/core imports nothing else from src/.'),
    layer(
      'kernels-only-core',
      '^src/kernels/',
      ['core', 'kernels'],
      'src/kernels may import only core (and kernels).',
    ),
    // ref/ is the executable spec: self-contained, it never reaches a dispatching or fast
    // kernel (the sequence drivers take their GEMM as a parameter, the reference one by default).
    {
      ...layer(
        'kernels-ref-only-core',
        '^src/kernels/ref/',
        ['core', 'kernels/ref'],
        'src/kernels/ref imports only core (and ref/ itself).',
      ),
      severity: 'error',
    },
    layer(
      'parallel-only-core-kernels',
      '^src/parallel/',
      ['core', 'kernels', 'parallel'],
      'src/parallel may import only core and kernels.',
    ),
    layer(
      'autograd-only-core',
      '^src/autograd/',
      ['core', 'autograd'],
      'src/autograd knows no Tensor: it may import only core.',
    ),
    layer(
      'tensor-layer',
      '^src/tensor/',
      ['core', 'kernels', 'autograd', 'parallel', 'tensor'],
      'src/tensor may import core, kernels, autograd, parallel.',
    ),
    layer(
      'nn-never-calls-kernels',
      '^src/nn/',
      ['core', 'parallel', 'autograd', 'tensor', 'nn'],
      'src/nn builds on tensor and never imports src/kernels directly (nor anything above it).',
    ),
    layer(
      'optim-layer',
      '^src/optim/',
      ['core', 'autograd', 'tensor', 'nn', 'optim'],
      'src/optim may import core, autograd, tensor, nn.',
    ),
    layer(
      'io-layer',
      '^src/io/',
      ['core', 'autograd', 'tensor', 'nn', 'io'],
      'src/io may import core, autograd, tensor, nn.',
    ),
    layer('data-layer', '^src/data/', ['core', 'tensor', 'data'], 'src/data may import core and tensor.'),
    layer(
      'models-layer',
      '^src/models/',
      ['core', 'tensor', 'nn', 'optim', 'io', 'data', 'models'],
      'src/models (the Keras-like front) builds on tensor, nn, optim, io and data; never on kernels, parallel or interop.',
    ),
    layer(
      'interop-layer',
      '^src/interop/',
      ['core', 'autograd', 'tensor', 'nn', 'optim', 'io', 'data', 'models', 'interop'],
      'src/interop builds nn modules and Sequential models from other formats; nothing below imports it.',
    ),
    {
      name: 'only-index-imports-index',
      severity: 'error',
      comment: 'src/index.ts is the public entry; nothing inside src/ imports it (models included).',
      from: { path: '^src/', pathNot: '^src/index\\.ts$' },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'src-stays-inside-src',
      severity: 'error',
      comment: 'Library code never imports tests, benchmarks, cli, examples or build output.',
      from: { path: '^src/' },
      to: { path: '^(test|bench|cli|examples|dist|scripts)/' },
    },
    {
      name: 'cli-examples-only-public-entry',
      severity: 'error',
      comment: 'cli/ and examples/ import only the public entry (src/index.ts or its built form).',
      from: { path: '^(cli|examples)/' },
      to: {
        path: '^(src|dist)/',
        pathNot: '^(src/index\\.ts|dist/src/index\\.(js|d\\.ts))$',
      },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import must resolve (also catches a broken .js -> .ts mapping).',
      from: { path: '^(src|cli|examples)/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'src-not-to-dev-dep',
      severity: 'error',
      comment: 'The published library must not import devDependencies (fast-check, eslint, ...).',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
