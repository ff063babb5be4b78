// Runs the compiled tests: every dist/test/**/*.test.js whose source
// test/**/*.test.ts still exists, with `node --test`.
//
// Why not plain `node --test dist/test/`: on Node 20 a directory argument runs
// EVERY .js file under it (helpers included), and glob arguments are only
// supported from Node 21. Compiled tests whose .ts source was deleted are
// skipped, since tsc never removes stale output from dist/.
//
// Usage: node scripts/run-tests.mjs [node --test flags...] [path filters...]
//   e.g. node scripts/run-tests.mjs --test-reporter=spec tensor/ nn/rnn
// Arguments starting with "-" are passed to node; any other argument keeps only
// the test files whose path (relative to dist/test/) contains it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const distTests = path.join('dist', 'test');
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(full));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) found.push(full);
  }
  return found;
}

const all = findTests(distTests).sort();
const stale = all.filter(
  (f) => !existsSync(path.join('test', path.relative(distTests, f)).replace(/\.js$/, '.ts')),
);
for (const f of stale) console.warn(`run-tests: skipping ${f} (its test/**/*.ts source no longer exists)`);
const files = all
  .filter((f) => !stale.includes(f))
  .filter(
    (f) =>
      filters.length === 0 ||
      filters.some((s) => path.relative(distTests, f).split(path.sep).join('/').includes(s)),
  );

if (files.length === 0) {
  console.error(
    `run-tests: no test files found under ${distTests}/ (did \`npm run build\` run?)` +
      (filters.length ? ` matching ${filters.join(', ')}` : ''),
  );
  process.exit(1);
}

const result = spawnSync(process.execPath, ['--enable-source-maps', '--test', ...flags, ...files], {
  stdio: 'inherit',
  // Test files run in child processes; pass source maps on so stack traces point at .ts.
  env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --enable-source-maps`.trim() },
});
if (result.error) {
  console.error(result.error.message);
  process.exit(1);
}
process.exit(result.status ?? 1);
