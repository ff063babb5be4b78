import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ConfigError, DTypeError, FormatError, ShapeError, StateError } from '../../src/core/errors.js';
import { Generator } from '../../src/core/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { MinMaxScaler } from '../../src/data/min-max-scaler.js';

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tol * (1 + Math.abs(expected[i])),
      `at ${i}: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

test('maps the fitted min/max of each column to featureRange', () => {
  const data = [
    [1, -5, 7],
    [3, 5, 7],
    [2, 0, 7],
  ];
  const s = new MinMaxScaler();
  const z = s.fitTransform(data);
  assert.deepEqual(z, [
    [0, 0, 0],
    [1, 1, 0],
    [0.5, 0.5, 0],
  ]); // constant column -> 0, no NaN
  assert.deepEqual(Array.from(s.dataMin!), [1, -5, 7]);
  assert.deepEqual(Array.from(s.dataMax!), [3, 5, 7]);
  assert.equal(s.nFeatures, 3);
  const r = new MinMaxScaler({ featureRange: [-1, 1] }).fitTransform([0, 5, 10]);
  assert.deepEqual(r, [-1, 0, 1]);
});

test('matches sklearn on a hand-computed case, including values outside the fitted range', () => {
  // sklearn: MinMaxScaler((2, 4)).fit([[0], [10]]).transform([[5], [20], [-10]]) = [[3], [6], [0]]
  const s = new MinMaxScaler({ featureRange: [2, 4] }).fit([[0], [10]]);
  assert.deepEqual(s.transform([[5], [20], [-10]]), [[3], [6], [0]]);
});

test('inverseTransform(transform(x)) == x for every container kind', () => {
  const g = new Generator(3);
  const rows = Array.from({ length: 50 }, () => [g.normal(100, 30), g.uniform(-1e-3, 1e-3), 42]);
  const s = new MinMaxScaler({ featureRange: [-1, 1] }).fit(rows);
  const back = s.inverseTransform(s.transform(rows));
  close(back.flat(), rows.flat(), 1e-14);

  const t64 = new Tensor(Float64Array.from(rows.flat()), [50, 3]);
  const z64 = s.transform(t64);
  assert.equal(z64.dtype, 'float64');
  assert.deepEqual(z64.shape, [50, 3]);
  close(s.inverseTransform(z64).data, t64.data, 1e-14);

  const t32 = new Tensor(Float32Array.from(rows.flat()), [50, 3]);
  const z32 = s.transform(t32);
  assert.equal(z32.dtype, 'float32');
  close(s.inverseTransform(z32).data, t32.data, 1e-6);

  // windows (N, L, F): scaled per last-dimension feature
  const w = new Tensor(Float64Array.from(rows.flat()), [10, 5, 3]);
  const zw = s.transform(w);
  assert.deepEqual(zw.shape, [10, 5, 3]);
  close(zw.data, z64.data, 0);

  const uni = new MinMaxScaler().fit(new Float32Array([1, 2, 4]));
  const zu = uni.transform(new Float32Array([1, 2, 4]));
  assert.ok(zu instanceof Float32Array);
  close(zu, [0, 1 / 3, 1], 1e-7);
  close(uni.inverseTransform(zu), [1, 2, 4], 1e-6);
  const zd = uni.transform(new Float64Array([3]));
  assert.ok(zd instanceof Float64Array);
});

test('transform does not modify its input', () => {
  const src = new Float64Array([1, 2, 3]);
  new MinMaxScaler().fitTransform(src);
  assert.deepEqual(Array.from(src), [1, 2, 3]);
});

test('toJSON / fromJSON round trip, before and after fit', () => {
  const s = new MinMaxScaler({ featureRange: [-2, 3] }).fit([
    [1, 2],
    [5, -6],
  ]);
  const json = JSON.parse(JSON.stringify(s)) as unknown;
  assert.deepEqual(json, { type: 'MinMaxScaler', featureRange: [-2, 3], dataMin: [1, -6], dataMax: [5, 2] });
  const copy = MinMaxScaler.fromJSON(json);
  assert.deepEqual(copy.transform([[3, 0]]), s.transform([[3, 0]]));
  const unfitted = MinMaxScaler.fromJSON(new MinMaxScaler().toJSON());
  assert.equal(unfitted.fitted, false);
  assert.deepEqual(unfitted.featureRange, [0, 1]);
});

test('errors', () => {
  for (const bad of [[1, 1], [2, 1], [0, Infinity], [0]] as unknown as [number, number][]) {
    assert.throws(
      () => new MinMaxScaler({ featureRange: bad }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(
          e.message,
          /^MinMaxScaler: featureRange must be \[min, max\] with finite min < max; expected e\.g\. \[0, 1\], got /,
        );
        return true;
      },
    );
  }
  const s = new MinMaxScaler();
  assert.throws(
    () => s.transform([1]),
    (e: unknown) =>
      e instanceof StateError && /MinMaxScaler.transform: the scaler is not fitted/.test(e.message),
  );
  assert.throws(() => s.inverseTransform([1]), StateError);
  assert.throws(() => s.fit([]), ShapeError);
  assert.throws(
    () => s.fit([1, NaN]),
    (e: unknown) => e instanceof FormatError && /got NaN at row 1, column 0/.test(e.message),
  );
  s.fit([
    [1, 2],
    [3, 4],
  ]);
  assert.throws(
    () => s.transform([[1, 2, 3]]),
    /MinMaxScaler.transform: number of features must match fit; expected 2, got 3/,
  );
  assert.throws(() => s.transform(new Tensor(new Int32Array(2), [1, 2])), DTypeError);
  assert.throws(() => MinMaxScaler.fromJSON({ type: 'StandardScaler' }), FormatError);
  assert.throws(() => MinMaxScaler.fromJSON(null), FormatError);
  assert.throws(
    () => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [1], dataMax: null }),
    FormatError,
  );
  assert.throws(
    () => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [2], dataMax: [1] }),
    FormatError,
  );
  assert.throws(
    () => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [0, 1], dataMin: ['a'], dataMax: [1] }),
    FormatError,
  );
  assert.throws(
    () => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [1, 0], dataMin: null, dataMax: null }),
    FormatError,
  );
});
