import { test } from 'node:test';
import assert from 'node:assert/strict';

import { DTypeError, ShapeError } from '../../src/core/errors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { batches } from '../../src/data/batches.js';
import { takeRows } from '../../src/data/take-rows.js';

test('gathers rows along dim 0, keeping the dtype and the trailing shape', () => {
  const x = new Tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2]);
  const r = takeRows(x, [2, 0, 2]);
  assert.deepEqual(r.shape, [3, 2]);
  assert.equal(r.dtype, 'float32');
  assert.deepEqual(r.toNested(), [
    [5, 6],
    [1, 2],
    [5, 6],
  ]);
  const w = new Tensor(
    Float64Array.from({ length: 24 }, (_, i) => i),
    [4, 3, 2],
  );
  const rw = takeRows(w, new Int32Array([3, 1]));
  assert.deepEqual(rw.shape, [2, 3, 2]);
  assert.equal(rw.dtype, 'float64');
  assert.deepEqual(rw.toArray(), [18, 19, 20, 21, 22, 23, 6, 7, 8, 9, 10, 11]);
  const ids = new Tensor(new Int32Array([7, 8, 9]), [3]);
  const ri = takeRows(ids, new Tensor(new Int32Array([1]), [1]));
  assert.equal(ri.dtype, 'int32');
  assert.deepEqual(ri.toArray(), [8]);
  assert.deepEqual(takeRows(x, []).shape, [0, 2]);
});

test('a copy: changing the result leaves the source alone', () => {
  const x = new Tensor(new Float32Array([1, 2]), [2]);
  const r = takeRows(x, [0]);
  r.data[0] = 9;
  assert.equal(x.data[0], 1);
});

test('with batches: the batches of an epoch reassemble the data', () => {
  const x = new Tensor(
    Float32Array.from({ length: 30 }, (_, i) => i),
    [10, 3],
  );
  const seen = new Set<number>();
  for (const idx of batches(10, { batchSize: 4 })) {
    const xb = takeRows(x, idx);
    for (let i = 0; i < idx.length; i++) {
      assert.deepEqual(Array.from(xb.data.subarray(i * 3, i * 3 + 3)), [
        idx[i] * 3,
        idx[i] * 3 + 1,
        idx[i] * 3 + 2,
      ]);
      seen.add(idx[i]);
    }
  }
  assert.equal(seen.size, 10);
});

test('errors', () => {
  const x = new Tensor(new Float32Array(6), [3, 2]);
  assert.throws(
    () => takeRows(x, [0, 3]),
    (e: unknown) =>
      e instanceof ShapeError &&
      e.message === 'takeRows: index out of range at position 1; expected an integer in [0, 2], got 3',
  );
  assert.throws(() => takeRows(x, [-1]), ShapeError);
  assert.throws(() => takeRows(x, [0.5]), ShapeError);
  assert.throws(() => takeRows(new Tensor(new Float32Array([1]), []), [0]), ShapeError);
  assert.throws(() => takeRows(x, new Tensor(new Float32Array([0]), [1])), DTypeError);
  assert.throws(() => takeRows(x, new Tensor(new Int32Array([0, 1]), [1, 2])), ShapeError);
});
