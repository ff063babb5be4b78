// The strided-offset walk behind Transpose, Slice, Expand and broadcasting, against the
// offsets written out from their definition (sum over axes of index * stride).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { broadcastIndex, stridedOffsets } from '../../../src/interop/onnx/strided.js';
import { lcg } from '../../helpers/random.js';

/** Offset k of the walk, from k's multi-index over `shape`. */
function definition(shape: readonly number[], strides: readonly number[], start: number): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    let rest = k;
    let off = start;
    for (let d = shape.length - 1; d >= 0; d--) {
      off += (rest % shape[d]) * strides[d];
      rest = Math.floor(rest / shape[d]);
    }
    out.push(off);
  }
  return out;
}

test('stridedOffsets matches the definition for ranks 0-4, sizes 0-4, strides of either sign', () => {
  const rand = lcg(7);
  const int = (lo: number, hi: number): number => lo + Math.floor(((rand() + 1) / 2) * (hi - lo + 1));
  for (let trial = 0; trial < 300; trial++) {
    const r = int(0, 4);
    const shape = Array.from({ length: r }, () => int(0, 4));
    const strides = Array.from({ length: r }, () => int(-20, 20));
    const start = int(0, 100);
    assert.deepEqual(
      Array.from(stridedOffsets(shape, strides, start)),
      definition(shape, strides, start),
      `shape [${shape.join(', ')}], strides [${strides.join(', ')}], start ${start}`,
    );
  }
});

test('broadcastIndex repeats the size-1 and missing axes', () => {
  // (2, 1) broadcast to (3, 2, 2): element [i, j, k] reads [j, 0]
  assert.deepEqual(Array.from(broadcastIndex([2, 1], [3, 2, 2])), [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]);
  // (3,) broadcast to (2, 3)
  assert.deepEqual(Array.from(broadcastIndex([3], [2, 3])), [0, 1, 2, 0, 1, 2]);
});
