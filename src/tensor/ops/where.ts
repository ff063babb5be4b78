import { allocate } from '../../core/dtype.js';
import { broadcastShapes } from '../../core/shape.js';
import { binaryBroadcastRef, broadcastStrides } from '../../kernels/ref/broadcast.js';
import { record } from '../record.js';
import { Tensor } from '../tensor.js';
import { map } from './map.js';
import { asTensor, promote, sumTo, type Operand } from './util.js';

/**
 * Picks `a` where `cond` is non-zero and `b` elsewhere, with broadcasting.
 * @example where(gt(x, 0), x, 0)
 */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const dtype = promote(a, b);
  const ta = asTensor(a, dtype);
  const tb = asTensor(b, dtype);
  const shape = broadcastShapes(broadcastShapes(cond.shape, ta.shape, 'where'), tb.shape, 'where');
  const n = shape.reduce((p, s) => p * s, 1);
  const c = broadcastTo(cond, shape, n);
  const ea = broadcastTo(ta, shape, n);
  const out = broadcastTo(tb, shape, n);
  const cd = c.data;
  const od = out.data;
  const ad = ea.data;
  for (let i = 0; i < n; i++) if (cd[i] !== 0) od[i] = ad[i];
  return record('where', [ta, tb], out, [], (g) => {
    const ga = map(g, (v) => v);
    const gb = map(g, (v) => v);
    for (let i = 0; i < n; i++) {
      if (cd[i] !== 0) gb.data[i] = 0;
      else ga.data[i] = 0;
    }
    return [sumTo(ga, ta.shape), sumTo(gb, tb.shape)];
  });
}

/** A fresh copy of `t` broadcast to `shape` (`n` elements), in `t`'s dtype. */
function broadcastTo(t: Tensor, shape: readonly number[], n: number): Tensor {
  const out = new Tensor(allocate(t.dtype, n), shape);
  const strides = broadcastStrides(t.shape, shape);
  binaryBroadcastRef((v) => v, t.data, strides, t.data, strides, out.data, shape);
  return out;
}
