// Helpers of the Keras tests: the relative error they bound, and one Python process
// with Keras (the .venv of scripts/setup-python.sh) for the cross-checks.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from '../../helpers/fixtures.js';

const PY = join(repoRoot, '.venv', 'bin', 'python');

/** Whether .venv has Keras (probed once per test file). */
export const hasKeras =
  existsSync(PY) &&
  spawnSync(PY, ['-c', 'import keras'], { env: { ...process.env, KERAS_BACKEND: 'jax' } }).status === 0;

/** max |got - want| / max |want|, after checking the lengths agree. */
export function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  assert.equal(got.length, want.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < want.length; i++) {
    num = Math.max(num, Math.abs(got[i] - want[i]));
    den = Math.max(den, Math.abs(want[i]));
  }
  return num / den;
}

/**
 * Runs `code` with .venv's Python and Keras (JAX backend) and returns the JSON its last
 * line of output prints; a failure fails the test with Python's stderr.
 */
export function runKeras(code: string, args: readonly string[]): unknown {
  const r = spawnSync(PY, ['-c', code, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KERAS_BACKEND: 'jax' },
    timeout: 300_000,
    maxBuffer: 64 << 20,
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}
