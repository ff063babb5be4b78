import type { DataArray } from '../../core/dtype.js';
import type { Shape } from '../../core/shape.js';

/** out = x permuted: out dimension i is x dimension perm[i]. */
export function permuteRef(x: DataArray, shape: Shape, perm: readonly number[], out: DataArray): void {
  const rank = shape.length;
  const n = x.length;
  if (n === 0) return;
  const xStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    xStrides[i] = s;
    s *= shape[i];
  }
  const outShape = perm.map((p) => shape[p]);
  const st = perm.map((p) => xStrides[p]);
  if (rank >= 2 && perm[rank - 1] === rank - 1 && shape[rank - 1] > 1) {
    // the last dim stays last (e.g. a batch-first <-> time-major swap): copy whole rows
    const inner = shape[rank - 1];
    const r1 = rank - 1;
    const idx = new Array<number>(r1).fill(0);
    let src = 0;
    for (let o = 0; o < n; o += inner) {
      if (inner >= 16) out.set(x.subarray(src, src + inner), o);
      else for (let k = 0; k < inner; k++) out[o + k] = x[src + k];
      let d = r1 - 1;
      while (d >= 0) {
        idx[d]++;
        src += st[d];
        if (idx[d] < outShape[d]) break;
        src -= st[d] * outShape[d];
        idx[d] = 0;
        d--;
      }
    }
    return;
  }
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < n; o++) {
    out[o] = x[src];
    let d = rank - 1;
    while (d >= 0) {
      idx[d]++;
      src += st[d];
      if (idx[d] < outShape[d]) break;
      src -= st[d] * outShape[d];
      idx[d] = 0;
      d--;
    }
  }
}
