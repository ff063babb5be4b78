import type { DataArray } from '../../core/dtype.js';
import type { Shape } from '../../core/shape.js';

/**
 * Strides of `shape` seen through broadcasting to `outShape` (0 where the dimension is
 * broadcast), aligned to the rank of `outShape`.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const st = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = rank - shape.length + i;
    st[o] = shape[i] === 1 && outShape[o] !== 1 ? 0 : s;
    s *= shape[i];
  }
  return st;
}

/**
 * out[i] = f(a[ia], b[ib]) over `outShape`, where ia/ib follow the broadcast strides.
 * `out` has numel(outShape) elements.
 */
export function binaryBroadcastRef(
  f: (x: number, y: number) => number,
  a: DataArray,
  aStrides: readonly number[],
  b: DataArray,
  bStrides: readonly number[],
  out: DataArray,
  outShape: Shape,
): void {
  const rank = outShape.length;
  const n = out.length;
  if (n === 0) return;
  if (rank === 0) {
    out[0] = f(a[0], b[0]);
    return;
  }
  const idx = new Array<number>(rank).fill(0);
  const last = rank - 1;
  const inner = outShape[last];
  const sa = aStrides[last];
  const sb = bStrides[last];
  let ia = 0;
  let ib = 0;
  let o = 0;
  while (o < n) {
    let pa = ia;
    let pb = ib;
    for (let j = 0; j < inner; j++) {
      out[o++] = f(a[pa], b[pb]);
      pa += sa;
      pb += sb;
    }
    // advance the odometer over the outer dimensions
    let d = last - 1;
    while (d >= 0) {
      idx[d]++;
      ia += aStrides[d];
      ib += bStrides[d];
      if (idx[d] < outShape[d]) break;
      ia -= aStrides[d] * outShape[d];
      ib -= bStrides[d] * outShape[d];
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
}

/** Copies `x` broadcast to `outShape` (strides from `broadcastStrides`). */
export function expandRef(x: DataArray, xStrides: readonly number[], out: DataArray, outShape: Shape): void {
  binaryBroadcastRef((v) => v, x, xStrides, x, xStrides, out, outShape);
}
