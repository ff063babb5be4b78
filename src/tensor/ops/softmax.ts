import { allocate, type FloatArray } from '../../core/dtype.js';
import { normalizeDim, numel } from '../../core/shape.js';
import { softmaxAxisRef } from '../../kernels/ref/reduce.js';
import { record } from '../record.js';
import { Tensor } from '../tensor.js';
import { requireFloat } from './util.js';

function softmaxImpl(op: string, x: Tensor, dim: number, log: boolean): Tensor {
  requireFloat(x, op);
  const d = normalizeDim(dim, x.ndim, op);
  const shape0 = x.ndim === 0 ? [1] : x.shape;
  const outer = numel(shape0.slice(0, d));
  const size = shape0[d];
  const inner = numel(shape0.slice(d + 1));
  const out = new Tensor(allocate(x.dtype, x.numel()), x.shape);
  softmaxAxisRef(x.data as FloatArray, outer, size, inner, out.data as FloatArray, log);
  return record(op, [x], out, [out], (g) => {
    const gx = new Tensor(allocate(g.dtype, g.numel()), g.shape);
    const gd = g.data;
    const yd = out.data;
    const r = gx.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let s = 0;
        for (let k = 0; k < size; k++) {
          const p = (o * size + k) * inner + i;
          s += log ? gd[p] : gd[p] * yd[p];
        }
        for (let k = 0; k < size; k++) {
          const p = (o * size + k) * inner + i;
          r[p] = log ? gd[p] - Math.exp(yd[p]) * s : yd[p] * (gd[p] - s);
        }
      }
    }
    return [gx];
  });
}

/** Softmax along `dim`. @example softmax(logits, -1) */
export function softmax(x: Tensor, dim = -1): Tensor {
  return softmaxImpl('softmax', x, dim, false);
}

/**
 * log(softmax(x)) along `dim`, computed stably.
 *
 * @example
 * const logp = logSoftmax(logits, -1); // (N, C)
 */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  return softmaxImpl('logSoftmax', x, dim, true);
}
