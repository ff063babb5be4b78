/*
 * `longshort bench [args...]`: runs the benchmark harness (`node bench/run.mjs`) of a
 * source checkout with the given arguments; the published package has no bench/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../examples/lib/common.js';

export function benchCommand(args: string[]): number {
  const script = path.join(repoRoot(), 'bench', 'run.mjs');
  if (!existsSync(script)) {
    throw new Error(
      `no benchmark harness here (${script} does not exist); benchmarks run from a source checkout of longshort: npm run bench:install && npm run bench`,
    );
  }
  const r = spawnSync(process.execPath, [script, ...args], {
    stdio: 'inherit',
    cwd: path.dirname(path.dirname(script)),
  });
  if (r.error) throw new Error(`cannot run ${script}: ${r.error.message}`);
  return r.status ?? 1;
}
