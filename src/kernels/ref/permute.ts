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
  // When the last dim stays last (e.g. a batch-first <-> time-major swap), whole rows of
  // `inner` elements are copied; else single elements (inner = 1). The multi-index `idx`
  // walks the `outer` leading output dims, `src` following it through x's strides.
  const keepsLast = rank >= 2 && perm[rank - 1] === rank - 1 && shape[rank - 1] > 1;
  const inner = keepsLast ? shape[rank - 1] : 1;
  const outer = keepsLast ? rank - 1 : rank;
  const idx = new Array<number>(outer).fill(0);
  let src = 0;
  for (let o = 0; o < n; o += inner) {
    if (inner >= 16) out.set(x.subarray(src, src + inner), o);
    else for (let k = 0; k < inner; k++) out[o + k] = x[src + k];
    let d = outer - 1;
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
