// Walking a shape through strides: the source offsets behind Transpose (permuted strides),
// Slice (scaled strides) and broadcasting (stride 0 on the size-1 axes).
import { allocValue, numelOf, type Value } from './value.js';

/**
 * The flat source offsets of the elements of `shape` in row-major order, where one step
 * along axis d moves `strides[d]` elements (negative or 0 allowed) and element 0 is at
 * `start`: out[k] is the index to read output element k from. Shape (r,), strides (r,).
 */
export function stridedOffsets(shape: readonly number[], strides: readonly number[], start = 0): Int32Array {
  const n = numelOf(shape);
  const idx = new Int32Array(n);
  const r = shape.length;
  // int32 copies (integer arithmetic in the loop); an axis of size 1 never moves, so its
  // stride is 0 there (a Slice step may exceed int32 on such an axis)
  const dims = Int32Array.from(shape);
  const st = Int32Array.from(strides, (s, d) => (shape[d] > 1 ? s : 0));
  const pos = new Int32Array(r);
  // the innermost axis as a run, then the outer axes advanced like an odometer
  const inner = r > 0 ? dims[r - 1] : 1;
  const innerStride = r > 0 ? st[r - 1] : 0;
  let cur = start;
  for (let k = 0; k < n; k += inner) {
    for (let j = 0; j < inner; j++) idx[k + j] = cur + j * innerStride;
    for (let d = r - 2; d >= 0; d--) {
      pos[d]++;
      cur += st[d];
      if (pos[d] < dims[d]) break;
      cur -= st[d] * pos[d];
      pos[d] = 0;
    }
  }
  return idx;
}

/** For each output element, the flat index into an input of `shape` broadcast to `out`. */
export function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array {
  const r = out.length;
  const strides = new Array<number>(r).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[r - shape.length + i] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return stridedOffsets(out, strides);
}

/** A value of `shape` (x's element kind) whose element k is x's element `offsets[k]`. */
export function gatherOffsets(x: Value, shape: readonly number[], offsets: Int32Array): Value {
  const out = allocValue(x.kind, shape);
  const src = x.data;
  const dst = out.data;
  for (let k = 0; k < dst.length; k++) dst[k] = src[offsets[k]];
  return out;
}
