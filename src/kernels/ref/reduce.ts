import type { DataArray, FloatArray } from '../../core/dtype.js';

/**
 * Reductions over the middle axis of a tensor viewed as [outer, dim, inner].
 * Outputs are [outer, inner].
 */
export function sumAxisRef(x: DataArray, outer: number, dim: number, inner: number, out: DataArray): void {
  for (let o = 0; o < outer; o++) {
    const base = o * dim * inner;
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += x[base + d * inner + i];
      out[o * inner + i] = s;
    }
  }
}

/** Max (or min with `sign` -1) and its first index over the middle axis; NaN wins. */
export function maxAxisRef(
  x: DataArray,
  outer: number,
  dim: number,
  inner: number,
  values: DataArray,
  indices: Int32Array,
  sign: 1 | -1 = 1,
): void {
  for (let o = 0; o < outer; o++) {
    const base = o * dim * inner;
    for (let i = 0; i < inner; i++) {
      let best = x[base + i];
      let bi = 0;
      if (!Number.isNaN(best)) {
        for (let d = 1; d < dim; d++) {
          const v = x[base + d * inner + i];
          if (Number.isNaN(v)) {
            best = v;
            bi = d;
            break;
          }
          if (sign * v > sign * best) {
            best = v;
            bi = d;
          }
        }
      }
      values[o * inner + i] = best;
      indices[o * inner + i] = bi;
    }
  }
}

/** Softmax (or log-softmax) over the middle axis, numerically stable. */
export function softmaxAxisRef(
  x: FloatArray,
  outer: number,
  dim: number,
  inner: number,
  out: FloatArray,
  log: boolean,
): void {
  for (let o = 0; o < outer; o++) {
    const base = o * dim * inner;
    for (let i = 0; i < inner; i++) {
      let m = -Infinity;
      for (let d = 0; d < dim; d++) m = Math.max(m, x[base + d * inner + i]);
      let s = 0;
      for (let d = 0; d < dim; d++) s += Math.exp(x[base + d * inner + i] - m);
      if (log) {
        const lse = m + Math.log(s);
        for (let d = 0; d < dim; d++) out[base + d * inner + i] = x[base + d * inner + i] - lse;
      } else {
        for (let d = 0; d < dim; d++) out[base + d * inner + i] = Math.exp(x[base + d * inner + i] - m) / s;
      }
    }
  }
}
