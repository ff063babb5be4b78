// setNumThreads / getNumThreads: validation, the LONGSHORT_NUM_THREADS override, the default.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { it } from 'node:test';
import { ConfigError } from '../../src/core/errors.js';
import { getNumThreads, MAX_THREADS, setNumThreads } from '../../src/parallel/index.js';
import * as tensorApi from '../../src/tensor/index.js';

const entry = new URL('../../src/parallel/index.js', import.meta.url).href;

/** getNumThreads() in a fresh process with `env` added. */
function childThreads(env: Record<string, string>): { n: number; stderr: string } {
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(entry)}); console.log(m.getNumThreads());`,
    ],
    {
      env: { ...process.env, LONGSHORT_NUM_THREADS: '', ...env },
      encoding: 'utf8',
      timeout: 30000,
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return { n: Number(r.stdout.trim()), stderr: r.stderr };
}

it('setNumThreads accepts integers in 1..64 and getNumThreads reports them', () => {
  try {
    setNumThreads(1);
    assert.equal(getNumThreads(), 1);
    setNumThreads(3);
    assert.equal(getNumThreads(), 3);
    setNumThreads(MAX_THREADS);
    assert.equal(getNumThreads(), MAX_THREADS);
  } finally {
    setNumThreads(2);
  }
});

it('setNumThreads rejects non-integers, values < 1 or > 64, and non-numbers with ConfigError', () => {
  for (const bad of [0, -1, 1.5, NaN, Infinity, MAX_THREADS + 1, '2', null, undefined]) {
    assert.throws(
      () => setNumThreads(bad as unknown as number),
      (e: unknown) =>
        e instanceof ConfigError && /setNumThreads: n must be an integer in 1\.\.64/.test(e.message),
      String(bad),
    );
  }
});

it('is exported with getNumThreads through the tensor entry (and so the public one)', () => {
  assert.equal(tensorApi.setNumThreads, setNumThreads);
  assert.equal(tensorApi.getNumThreads, getNumThreads);
});

it('LONGSHORT_NUM_THREADS overrides the default; an invalid value warns and keeps the default', () => {
  assert.equal(childThreads({ LONGSHORT_NUM_THREADS: '1' }).n, 1);
  assert.equal(childThreads({ LONGSHORT_NUM_THREADS: '3' }).n, 3);
  const bad = childThreads({ LONGSHORT_NUM_THREADS: 'lots' });
  assert.equal(bad.n, Math.min(8, availableParallelism()));
  assert.match(bad.stderr, /LONGSHORT_NUM_THREADS must be an integer/);
  // the default: the available parallelism, capped at 8
  assert.equal(childThreads({}).n, Math.min(8, availableParallelism()));
});
