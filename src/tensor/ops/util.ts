import { allocate, getDefaultDtype, type DType } from '../../core/dtype.js';
import { DTypeError } from '../../core/errors.js';
import { numel, shapesEqual, type Shape } from '../../core/shape.js';
import { sumAxisRef } from '../../kernels/ref/reduce.js';
import { record } from '../record.js';
import { Tensor } from '../tensor.js';

/**
 * A tensor or a plain number (broadcast as a 0-d tensor).
 *
 * @example
 * add(x, 1);        // a number broadcasts
 * add(x, zeros([3]));
 */
export type Operand = Tensor | number;

/** PyTorch's type promotion for element-wise binary ops. */
export function promote(a: Operand, b: Operand): DType {
  const da = a instanceof Tensor ? a.dtype : null;
  const db = b instanceof Tensor ? b.dtype : null;
  if (da !== null && db !== null) {
    if (da === db) return da;
    if (da === 'float64' || db === 'float64') return 'float64';
    return 'float32';
  }
  const t = (da ?? db) as DType;
  const n = (a instanceof Tensor ? b : a) as number;
  if (t === 'int32' && !Number.isInteger(n)) return getDefaultDtype();
  return t;
}

/** Returns `x` as a tensor of `dtype` (numbers become 0-d tensors; casts copy). */
export function asTensor(x: Operand, dtype: DType): Tensor {
  if (x instanceof Tensor) return x.dtype === dtype ? x : castTo(x, dtype);
  const d = allocate(dtype, 1);
  d[0] = x;
  return new Tensor(d, []);
}

/**
 * A differentiable cast (gradients flow back for float-to-float casts).
 *
 * @example
 * const y = castTo(x, 'float64'); // gradients flow back to x
 */
export function castTo(x: Tensor, dtype: DType): Tensor {
  const out = new Tensor(allocate(dtype, x.numel()), x.shape);
  if (dtype === 'int32') {
    const s = x.data;
    const o = out.data;
    for (let i = 0; i < s.length; i++) o[i] = Math.trunc(s[i]);
    return out;
  }
  out.data.set(x.data);
  return record('to', [x], out, [], (g) => [castTo(g, x.dtype)]);
}

/** Throws unless `t` is a float tensor. */
export function requireFloat(t: Tensor, op: string, what = 'input'): void {
  if (t.dtype === 'int32') {
    throw new DTypeError(`${op}: ${what} must be a float tensor; expected float32 or float64, got int32`);
  }
}

/**
 * Sums `grad` (shaped like a broadcast result) down to `shape`. No graph is recorded.
 *
 * @example
 * sumTo(onesLike(zeros([2, 3])), [3]); // [2, 2, 2]: the gradient of a broadcast (3) -> (2, 3)
 */
export function sumTo(grad: Tensor, shape: Shape): Tensor {
  if (shapesEqual(grad.shape, shape)) return grad;
  let cur = grad;
  const lead = grad.ndim - shape.length;
  // sum away leading dims
  if (lead > 0) {
    const outer = numel(grad.shape.slice(0, lead));
    const inner = numel(grad.shape.slice(lead));
    const out = allocate(grad.dtype, inner);
    sumAxisRef(grad.data, 1, outer, inner, out);
    cur = new Tensor(out, grad.shape.slice(lead));
  }
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1 && cur.shape[d] !== 1) cur = sumAxisKeepDim(cur, d);
  }
  return cur;
}

/** The sum over dimension `d`, kept as size 1; no graph. */
export function sumAxisKeepDim(x: Tensor, d: number): Tensor {
  const outer = numel(x.shape.slice(0, d));
  const inner = numel(x.shape.slice(d + 1));
  const out = allocate(x.dtype, outer * inner);
  sumAxisRef(x.data, outer, x.shape[d], inner, out);
  const shape = x.shape.slice();
  shape[d] = 1;
  return new Tensor(out, shape);
}
