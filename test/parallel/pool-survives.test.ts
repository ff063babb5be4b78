// The pool survives its workers: a worker thread that exits or hangs in the middle of a
// call makes that call fail within a bounded time, with a typed error naming the op,
// and the next call runs on a fresh pool with the same results.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { StateError } from '../../src/core/errors.js';
import { rnnSequenceForwardF32 } from '../../src/kernels/f32-rnn-sequence-wasmsimd.js';
import type { RnnSequenceInputs } from '../../src/kernels/ref/rnn-sequence-ref.js';
import { poolStats, rnnTeam, setNumThreads } from '../../src/parallel/index.js';
import {
  exitWorkerForTest,
  poolRestarts,
  setParallelThresholds,
  shutdownThreads,
} from '../../src/parallel/pool.js';

const prev = setParallelThresholds(0, 0);
after(() => {
  setParallelThresholds(...prev);
  shutdownThreads();
});

function inputs(): RnnSequenceInputs {
  let s = 7;
  const a = (n: number): Float32Array =>
    Float32Array.from({ length: n }, () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 4294967296 - 0.5;
    });
  const I = 5;
  const H = 16;
  const T = 6;
  const B = 4;
  return {
    kind: 'lstm',
    I,
    H,
    Hout: H,
    batchSizes: Int32Array.from({ length: T }, () => B),
    reverse: false,
    x: a(T * B * I),
    h0: a(B * H),
    c0: a(B * H),
    wIh: a(4 * H * I),
    wHh: a(4 * H * H),
    bIh: a(4 * H),
    bHh: a(4 * H),
    wHr: null,
  };
}

function forward(threads: number): Float32Array {
  setNumThreads(threads);
  const team = threads > 1 ? rnnTeam() : null;
  return Float32Array.from(rnnSequenceForwardF32(inputs(), { team }).out.output);
}

test('a worker that exits mid-call: the call fails in under 5 s naming the op; the next call succeeds', (t) => {
  setNumThreads(2);
  if (rnnTeam() === null) {
    t.skip('threads are unavailable here');
    return;
  }
  const want = forward(1);
  assert.deepEqual(forward(2), want);
  const r0 = poolRestarts();
  const t0 = Date.now();
  assert.throws(
    () => exitWorkerForTest('recurrentLayer'),
    (e: unknown) =>
      e instanceof StateError &&
      /^recurrentLayer: worker thread 1 failed: the worker thread exited during the call/.test(e.message),
  );
  assert.ok(Date.now() - t0 < 5000, `failed after ${Date.now() - t0} ms`);
  const calls = poolStats().calls;
  assert.deepEqual(forward(2), want, 'the next call, on a fresh pool');
  assert.equal(poolRestarts(), r0 + 1);
  assert.ok(poolStats().calls >= 1 && poolStats().calls <= calls, 'the new pool ran the call on 2 threads');
  assert.equal(poolStats().workers, 1);
});

test('a worker that hangs: the call fails after the deadline naming the op; the next call succeeds', (t) => {
  setNumThreads(2);
  if (rnnTeam() === null) {
    t.skip('threads are unavailable here');
    return;
  }
  const want = forward(1);
  const t0 = Date.now();
  assert.throws(
    () => exitWorkerForTest('recurrentLayer', 'hang'),
    (e: unknown) =>
      e instanceof StateError &&
      /^recurrentLayer: worker threads did not finish within \d+ ms/.test(e.message),
  );
  assert.ok(Date.now() - t0 < 5000, `failed after ${Date.now() - t0} ms`);
  assert.deepEqual(forward(2), want);
});
