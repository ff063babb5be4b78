import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ConfigError } from '../../src/core/errors.js';
import { Generator, manualSeed } from '../../src/core/rng.js';
import { batches } from '../../src/data/batches.js';

function collect(it: Iterable<Int32Array>): number[][] {
  return Array.from(it, (b) => Array.from(b));
}

test('in order by default; the last batch may be short', () => {
  assert.deepEqual(collect(batches(7, { batchSize: 3 })), [[0, 1, 2], [3, 4, 5], [6]]);
  assert.deepEqual(collect(batches(6, { batchSize: 3 })), [
    [0, 1, 2],
    [3, 4, 5],
  ]);
  assert.deepEqual(collect(batches(2, { batchSize: 5 })), [[0, 1]]);
  assert.deepEqual(collect(batches(0, { batchSize: 5 })), []);
  for (const b of batches(5, { batchSize: 2 })) assert.ok(b instanceof Int32Array);
});

test('dropLast drops only a short last batch', () => {
  assert.deepEqual(collect(batches(7, { batchSize: 3, dropLast: true })), [
    [0, 1, 2],
    [3, 4, 5],
  ]);
  assert.deepEqual(collect(batches(6, { batchSize: 3, dropLast: true })), [
    [0, 1, 2],
    [3, 4, 5],
  ]);
  assert.deepEqual(collect(batches(2, { batchSize: 3, dropLast: true })), []);
});

test('every index exactly once, with and without shuffle, for many sizes', () => {
  const g = new Generator(1);
  for (let n = 0; n <= 40; n++) {
    for (const batchSize of [1, 2, 3, 7, 40, 64]) {
      for (const shuffle of [false, true]) {
        const bs = collect(batches(n, shuffle ? { batchSize, shuffle, generator: g } : { batchSize }));
        assert.equal(bs.length, Math.ceil(n / batchSize));
        bs.forEach((b, i) =>
          assert.equal(b.length, i < bs.length - 1 ? batchSize : n - batchSize * (bs.length - 1)),
        );
        assert.deepEqual(
          bs.flat().sort((a, b) => a - b),
          Array.from({ length: n }, (_, i) => i),
        );
        const dropped = collect(
          batches(
            n,
            shuffle ? { batchSize, shuffle, generator: g, dropLast: true } : { batchSize, dropLast: true },
          ),
        );
        assert.equal(dropped.length, Math.floor(n / batchSize));
        assert.equal(new Set(dropped.flat()).size, dropped.length * batchSize);
      }
    }
  }
});

test('seeded shuffle is reproducible and changes between epochs', () => {
  const run = (seed: number): number[][][] => {
    const g = new Generator(seed);
    return [0, 1, 2].map(() => collect(batches(50, { batchSize: 8, shuffle: true, generator: g })));
  };
  const a = run(42);
  assert.deepEqual(a, run(42));
  assert.notDeepEqual(a, run(43));
  assert.notDeepEqual(a[0], a[1]); // each epoch advances the generator
  assert.notDeepEqual(
    a[0].flat(),
    Array.from({ length: 50 }, (_, i) => i),
  );
  // without a generator, the default one (manualSeed) is used
  manualSeed(7);
  const d1 = collect(batches(30, { batchSize: 4, shuffle: true }));
  manualSeed(7);
  assert.deepEqual(collect(batches(30, { batchSize: 4, shuffle: true })), d1);
});

test('errors are thrown at the call, not at the first next()', () => {
  assert.throws(
    () => batches(10, { batchSize: 0 }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message === 'batches: batchSize must be a positive integer; expected >= 1, got 0',
  );
  assert.throws(() => batches(10, { batchSize: 2.5 }), ConfigError);
  assert.throws(() => batches(-1, { batchSize: 2 }), /batches: n must be a non-negative integer; got -1/);
  assert.throws(
    () => batches(10, { batchSize: 2, generator: new Generator(0) }),
    /generator is only used to shuffle/,
  );
  assert.throws(() => batches(10, undefined as unknown as { batchSize: number }), ConfigError);
});
