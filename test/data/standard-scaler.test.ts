import { test } from 'node:test';
import assert from 'node:assert/strict';

import { FormatError, ShapeError, StateError } from '../../src/core/errors.js';
import { Generator } from '../../src/core/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { StandardScaler } from '../../src/data/standard-scaler.js';

test('population mean and std per column (ddof = 0, like sklearn)', () => {
  const s = new StandardScaler().fit([
    [1, 10, 5],
    [3, 20, 5],
    [5, 60, 5],
    [7, 30, 5],
  ]);
  assert.deepEqual(Array.from(s.mean!), [4, 30, 5]);
  // sklearn: StandardScaler().fit(X).scale_ -> [2.23606798, 18.70828693, 1.]
  assert.ok(Math.abs(s.std![0] - Math.sqrt(5)) < 1e-15);
  assert.ok(Math.abs(s.std![1] - Math.sqrt(350)) < 1e-12);
  assert.equal(s.std![2], 0);
  const z = s.transform([
    [1, 10, 5],
    [7, 30, 5],
  ]);
  assert.ok(Math.abs(z[0][0] + 3 / Math.sqrt(5)) < 1e-15);
  assert.ok(Math.abs(z[1][1]) < 1e-15);
  assert.equal(z[0][2], 0); // constant column -> 0, no NaN
  assert.equal(z[1][2], 0);
});

test('the documented example', () => {
  const s = new StandardScaler().fit([
    [1, 10],
    [3, 10],
  ]);
  assert.deepEqual(s.transform([[1, 10]]), [[-1, 0]]);
  assert.deepEqual(s.inverseTransform([[-1, 0]]), [[1, 10]]);
});

test('transformed training data has mean 0 and std 1', () => {
  const g = new Generator(11);
  const x = Array.from({ length: 1000 }, () => g.normal(50, 7));
  const z = new StandardScaler().fitTransform(x);
  const mean = z.reduce((a, b) => a + b, 0) / z.length;
  const std = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length);
  assert.ok(Math.abs(mean) < 1e-12);
  assert.ok(Math.abs(std - 1) < 1e-12);
});

test('inverseTransform(transform(x)) == x', () => {
  const g = new Generator(5);
  const flat = Array.from({ length: 60 }, (_, i) => (i % 3 === 2 ? -4 : g.normal(1e4, 300)));
  const t = new Tensor(Float64Array.from(flat), [20, 3]);
  const s = new StandardScaler().fit(t);
  const back = s.inverseTransform(s.transform(t));
  assert.deepEqual(back.shape, [20, 3]);
  for (let i = 0; i < flat.length; i++)
    assert.ok(Math.abs(back.data[i] - flat[i]) <= 1e-12 * Math.abs(flat[i]), `at ${i}`);
  const t32 = new Tensor(Float32Array.from(flat), [20, 3]);
  const b32 = s.inverseTransform(s.transform(t32));
  assert.equal(b32.dtype, 'float32');
  for (let i = 0; i < flat.length; i++)
    assert.ok(Math.abs(b32.data[i] - t32.data[i]) <= 1e-6 * Math.abs(flat[i]), `f32 at ${i}`);
  const uni = [3, 1, 4, 1, 5, 9, 2, 6];
  const su = new StandardScaler().fit(uni);
  const bu = su.inverseTransform(su.transform(uni));
  for (let i = 0; i < uni.length; i++) assert.ok(Math.abs(bu[i] - uni[i]) < 1e-14);
});

test('toJSON / fromJSON round trip', () => {
  const s = new StandardScaler().fit([
    [1, 2],
    [3, 2],
  ]);
  const json = JSON.parse(JSON.stringify(s)) as unknown;
  assert.deepEqual(json, { type: 'StandardScaler', mean: [2, 2], std: [1, 0] });
  const copy = StandardScaler.fromJSON(json);
  assert.deepEqual(copy.transform([[5, 7]]), s.transform([[5, 7]]));
  assert.equal(StandardScaler.fromJSON(new StandardScaler().toJSON()).fitted, false);
});

test('errors', () => {
  const s = new StandardScaler();
  assert.throws(
    () => s.transform([1, 2]),
    (e: unknown) =>
      e instanceof StateError &&
      /^StandardScaler.transform: the scaler is not fitted; call fit\(trainData\) first$/.test(e.message),
  );
  assert.throws(() => s.fit(new Float64Array(0)), ShapeError);
  assert.throws(() => s.fit([[1, Infinity]]), FormatError);
  s.fit([
    [1, 2],
    [3, 4],
  ]);
  assert.throws(
    () => s.transform([[1, 2, 3]]),
    (e: unknown) => e instanceof ShapeError && /expected 2, got 3/.test(e.message),
  );
  assert.throws(
    () => StandardScaler.fromJSON({ type: 'StandardScaler', mean: [1, 2], std: [1] }),
    FormatError,
  );
  assert.throws(
    () => StandardScaler.fromJSON({ type: 'StandardScaler', mean: [1], std: [-1] }),
    /"std" must be non-negative/,
  );
  assert.throws(
    () => StandardScaler.fromJSON({ type: 'MinMaxScaler', mean: null, std: null }),
    /expected type "StandardScaler", got "MinMaxScaler"/,
  );
  assert.throws(() => StandardScaler.fromJSON('x'), FormatError);
});

test('a scaler fitted on one feature maps (N, horizon) predictions back, each column with that feature', () => {
  const s = new StandardScaler().fit([10, 12, 14]); // mean 12, std sqrt(8/3)
  const sd = Math.sqrt(8 / 3);
  const z = [
    [0, 1, -1],
    [2, 0, 0.5],
  ];
  const back = s.inverseTransform(z);
  assert.deepEqual(
    back.map((r) => r.map((v) => +v.toFixed(9))),
    z.map((r) => r.map((v) => +(12 + v * sd).toFixed(9))),
  );
  const t = s.inverseTransform(new Tensor(Float32Array.from(z.flat()), [2, 3]));
  assert.deepEqual(t.shape, [2, 3]);
  assert.ok(Math.abs(t.data[1] - (12 + sd)) < 1e-5);
  assert.deepEqual(
    s.transform(back).map((r) => r.map((v) => +v.toFixed(9))),
    z,
  );
  // with several fitted features the columns must still match
  const two = new StandardScaler().fit([
    [1, 2],
    [3, 4],
  ]);
  assert.throws(
    () => two.inverseTransform([[1, 2, 3]]),
    /number of features must match fit; expected 2, got 3/,
  );
});
