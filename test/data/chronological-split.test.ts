import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ConfigError } from '../../src/core/errors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { chronologicalSplit } from '../../src/data/chronological-split.js';

test('default 70/15/15 index ranges, contiguous and in order', () => {
  assert.deepEqual(chronologicalSplit(100), {
    train: { start: 0, end: 70 },
    validation: { start: 70, end: 85 },
    test: { start: 85, end: 100 },
  });
});

test('proportions: floor of cumulative fractions, every element used when they sum to 1', () => {
  for (let n = 0; n <= 60; n++) {
    for (const f of [
      { train: 0.7, validation: 0.15, test: 0.15 },
      { train: 0.8, validation: 0.1, test: 0.1 },
      { train: 0.6, validation: 0.2, test: 0.2 },
      { train: 1 / 3, validation: 1 / 3, test: 1 / 3 },
      { train: 0.5, validation: 0, test: 0.5 },
    ]) {
      const s = chronologicalSplit(n, f);
      assert.equal(s.train.start, 0);
      assert.equal(s.train.end, s.validation.start);
      assert.equal(s.validation.end, s.test.start);
      assert.equal(s.test.end, n, `n=${n} ${JSON.stringify(f)}`);
      assert.equal(s.train.end, Math.floor(n * f.train + 1e-9));
      assert.ok(Math.abs(s.train.end - n * f.train) < 1);
      assert.ok(Math.abs(s.validation.end - s.validation.start - n * f.validation) < 2);
      assert.ok(Math.abs(s.test.end - s.test.start - n * f.test) < 2);
    }
  }
});

test('fractions summing to less than 1 leave the tail unused', () => {
  assert.deepEqual(chronologicalSplit(10, { train: 0.5, validation: 0.2, test: 0.1 }), {
    train: { start: 0, end: 5 },
    validation: { start: 5, end: 7 },
    test: { start: 7, end: 8 },
  });
});

test('slices arrays, typed arrays and tensors (along dim 0) without shuffling', () => {
  const arr = Array.from({ length: 20 }, (_, i) => i);
  const a = chronologicalSplit(arr);
  assert.deepEqual(a.train, arr.slice(0, 14));
  assert.deepEqual(a.validation, [14, 15, 16]);
  assert.deepEqual(a.test, [17, 18, 19]);

  const f64 = Float64Array.from(arr);
  const b = chronologicalSplit(f64, { train: 0.5, validation: 0.25, test: 0.25 });
  assert.ok(b.train instanceof Float64Array);
  assert.deepEqual(Array.from(b.test), [15, 16, 17, 18, 19]);
  b.train[0] = 99; // a copy
  assert.equal(f64[0], 0);

  const t = new Tensor(
    Float32Array.from({ length: 40 }, (_, i) => i),
    [20, 2],
  );
  const c = chronologicalSplit(t, { train: 0.8, validation: 0.1, test: 0.1 });
  assert.deepEqual(c.train.shape, [16, 2]);
  assert.deepEqual(c.validation.toNested(), [
    [32, 33],
    [34, 35],
  ]);
  assert.deepEqual(c.test.toNested(), [
    [36, 37],
    [38, 39],
  ]);
  assert.equal(c.test.dtype, 'float32');
});

test('errors', () => {
  assert.throws(
    () => chronologicalSplit(10, { train: 0.8 }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(
        e.message,
        /^chronologicalSplit: fractions must sum to at most 1; got train 0.8 \+ validation 0.15 \+ test 0.15 = 1.1/,
      );
      return true;
    },
  );
  assert.throws(
    () => chronologicalSplit(10, { train: -0.1, validation: 0, test: 0 }),
    /train fraction must be a number in \[0, 1\]; got -0.1/,
  );
  assert.throws(() => chronologicalSplit(10, { train: 0.5, validation: NaN, test: 0 }), ConfigError);
  assert.throws(() => chronologicalSplit(10, { train: 0.5, validation: 0, test: 1.5 }), ConfigError);
  assert.throws(() => chronologicalSplit(-1), /n must be a non-negative integer; got -1/);
  assert.throws(() => chronologicalSplit(2.5), ConfigError);
});
