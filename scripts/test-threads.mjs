// Runs the compiled test suite twice: single-threaded (LONGSHORT_NUM_THREADS=1) and on
// two threads with every recurrent call split however small
// (LONGSHORT_NUM_THREADS=2 LONGSHORT_PARALLEL_MIN_FLOPS=0), so the golden and property
// tests check both paths. Fails if either run fails.
//
// Usage: node scripts/test-threads.mjs [run-tests.mjs arguments...]
//   e.g. node scripts/test-threads.mjs --test-reporter=dot nn/rnn tensor/ops/recurrent
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const runner = path.join(path.dirname(new URL(import.meta.url).pathname), 'run-tests.mjs');
const runs = [
  { LONGSHORT_NUM_THREADS: '1' },
  { LONGSHORT_NUM_THREADS: '2', LONGSHORT_PARALLEL_MIN_FLOPS: '0' },
];
let failed = false;
for (const env of runs) {
  const label = Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.log(`test-threads: ${label}`);
  const r = spawnSync(process.execPath, [runner, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) {
    console.error(`test-threads: FAILED with ${label}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
