import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ConfigError, ShapeError } from '../../src/core/errors.js';
import { CharVocab } from '../../src/data/char-vocab.js';
import { charRnnBatches } from '../../src/data/char-rnn-batches.js';

const iota = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

test('layout: batchSize contiguous streams walked seqLength steps at a time', () => {
  // 2 streams, 3 steps, 14 ids -> numBatches = floor(13 / 6) = 2, stream length 6
  const data = charRnnBatches(iota(14), { batchSize: 2, seqLength: 3 });
  assert.equal(data.numBatches, 2);
  assert.equal(data.streamLength, 6);
  assert.equal(data.unusedIds, 2);
  const bs = Array.from(data);
  assert.equal(bs.length, 2);
  assert.deepEqual(bs[0].x.toNested(), [
    [0, 1, 2],
    [6, 7, 8],
  ]);
  assert.deepEqual(bs[0].y.toNested(), [
    [1, 2, 3],
    [7, 8, 9],
  ]);
  assert.deepEqual(bs[1].x.toNested(), [
    [3, 4, 5],
    [9, 10, 11],
  ]);
  assert.deepEqual(bs[1].y.toNested(), [
    [4, 5, 6],
    [10, 11, 12],
  ]);
  for (const { x, y } of bs) {
    assert.equal(x.dtype, 'int32');
    assert.equal(y.dtype, 'int32');
    assert.deepEqual(x.shape, [2, 3]);
    assert.deepEqual(y.shape, [2, 3]);
  }
});

test('continuity: row r of batch k+1 continues row r of batch k; y is x shifted by one', () => {
  for (const [n, B, L] of [
    [1000, 4, 7],
    [101, 10, 10],
    [500, 1, 13],
    [64, 3, 1],
  ]) {
    const ids = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 1009); // distinct-ish, not monotone
    const data = charRnnBatches(ids, { batchSize: B, seqLength: L });
    const bs = Array.from(data);
    assert.equal(bs.length, Math.floor((n - 1) / (B * L)));
    const S = data.streamLength;
    for (let k = 0; k < bs.length; k++) {
      const x = bs[k].x.data;
      const y = bs[k].y.data;
      for (let r = 0; r < B; r++) {
        for (let t = 0; t < L; t++) {
          assert.equal(x[r * L + t], ids[r * S + k * L + t]);
          assert.equal(y[r * L + t], ids[r * S + k * L + t + 1]);
          if (t + 1 < L) assert.equal(y[r * L + t], x[r * L + t + 1]);
        }
        if (k + 1 < bs.length) {
          // the next batch's first input is the next character after this batch's last input
          assert.equal(bs[k + 1].x.data[r * L], y[r * L + L - 1], `row ${r}, batch ${k}`);
        }
      }
    }
    // the streams tile the used prefix without gaps or overlaps
    const stitched: number[] = [];
    for (let r = 0; r < B; r++) for (const b of bs) stitched.push(...b.x.data.subarray(r * L, r * L + L));
    assert.deepEqual(stitched, Array.from(ids.subarray(0, B * S)));
  }
});

test('re-iterable: each for..of is an epoch in the same order', () => {
  const data = charRnnBatches(iota(50), { batchSize: 2, seqLength: 4 });
  const a = Array.from(data, (b) => b.x.toArray());
  const b = Array.from(data, (b2) => b2.x.toArray());
  assert.deepEqual(a, b);
});

test('works on encoded text and accepts a number array', () => {
  const text = 'hello world, hello char-rnn';
  const v = CharVocab.fromText(text);
  const data = charRnnBatches(v.encode(text), { batchSize: 2, seqLength: 4 });
  const first = Array.from(data)[0];
  assert.equal(v.decode((first.x.data as Int32Array).subarray(0, 4)), 'hell');
  assert.equal(v.decode((first.y.data as Int32Array).subarray(0, 4)), 'ello');
  assert.equal(charRnnBatches([0, 1, 2, 3], { batchSize: 1, seqLength: 3 }).numBatches, 1);
});

test('errors', () => {
  assert.equal(charRnnBatches(iota(10), { batchSize: 3, seqLength: 3 }).numBatches, 1);
  assert.throws(
    () => charRnnBatches(iota(9), { batchSize: 3, seqLength: 3 }),
    (e: unknown) => {
      assert.ok(e instanceof ShapeError);
      assert.equal(
        e.message,
        'charRnnBatches: too little data for one batch; expected at least batchSize * seqLength + 1 = 10 ids, got 9 (reduce batchSize or seqLength)',
      );
      return true;
    },
  );
  assert.throws(
    () => charRnnBatches(iota(9), { batchSize: 3, seqLength: 3 }),
    /expected at least batchSize \* seqLength \+ 1 = 10 ids, got 9/,
  );
  assert.throws(
    () => charRnnBatches(iota(100), { batchSize: 0, seqLength: 3 }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /batchSize must be a positive integer; expected >= 1, got 0/.test(e.message),
  );
  assert.throws(
    () => charRnnBatches(iota(100), { batchSize: 2, seqLength: 1.5 }),
    /seqLength must be a positive integer/,
  );
  assert.throws(() => charRnnBatches([0, 1.5, 2, 3], { batchSize: 1, seqLength: 1 }), ShapeError);
});
