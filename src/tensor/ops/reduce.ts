import { allocate, getDefaultDtype } from '../../core/dtype.js';
import { ShapeError } from '../../core/errors.js';
import { normalizeDim, numel } from '../../core/shape.js';
import { maxAxisRef } from '../../kernels/ref/reduce.js';
import { record } from '../record.js';
import { Tensor } from '../tensor.js';
import { expand } from './shape-ops.js';
import { castTo, requireFloat, sumAxisKeepDim } from './util.js';

/**
 * Which dims to reduce: undefined = all; a number or a list of numbers.
 *
 * @example
 * sum(x, [0, 1]); // over dims 0 and 1
 * mean(x, -1);    // over the last dim
 * sum(x);         // over all
 */
export type Dims = number | readonly number[] | undefined;

function dimsOf(x: Tensor, dims: Dims, op: string): number[] {
  if (dims === undefined) return x.shape.map((_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  const out = [...new Set(list.map((d) => normalizeDim(d, x.ndim, op)))];
  // a 0-d tensor accepts dim 0 / -1, and reducing over it is the identity
  if (x.ndim === 0) return [];
  return out.sort((a, b) => a - b);
}

function reducedShape(x: Tensor, dims: number[], keepdim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.ndim; i++) {
    if (dims.includes(i)) {
      if (keepdim) out.push(1);
    } else out.push(x.shape[i]);
  }
  return out;
}

/** Sums over one dim at a time (the output keeps a size-1 dim there). */
function sumRaw(x: Tensor, dims: number[]): Tensor {
  let cur = x;
  for (const d of dims) cur = sumAxisKeepDim(cur, d);
  return cur;
}

/**
 * Sum of all elements, or over `dim` (a number or list), like `torch.sum`.
 * @example x.sum(); x.sum(1, true) // keepdim
 */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = dimsOf(x, dim, 'sum');
  const kept = sumRaw(x, dims);
  const shape = reducedShape(x, dims, keepdim);
  const out = new Tensor(kept.data, shape);
  const keptShape = kept.shape;
  return record('sum', [x], out, [], (g) => [expand(new Tensor(g.data, keptShape), x.shape)]);
}

/**
 * Mean of all elements or over `dim`.
 *
 * @example
 * mean(tensor([[1, 2], [3, 4]]), 0); // [2, 3]
 */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const src = x.dtype === 'int32' ? castTo(x, getDefaultDtype()) : x;
  const dims = dimsOf(src, dim, 'mean');
  let count = 1;
  for (const d of dims) count *= src.shape[d];
  const kept = sumRaw(src, dims);
  const od = kept.data;
  for (let i = 0; i < od.length; i++) od[i] /= count;
  const out = new Tensor(od, reducedShape(src, dims, keepdim));
  const keptShape = kept.shape;
  return record('mean', [src], out, [], (g) => {
    const e = expand(new Tensor(g.data, keptShape), src.shape);
    const d = e.data;
    for (let i = 0; i < d.length; i++) d[i] /= count;
    return [e];
  });
}

function maxMin(
  op: string,
  x: Tensor,
  dim: number,
  keepdim: boolean,
  sign: 1 | -1,
): { values: Tensor; indices: Tensor } {
  const d = normalizeDim(dim, x.ndim, op);
  const shape0 = x.ndim === 0 ? [1] : x.shape;
  const outer = numel(shape0.slice(0, d));
  const inner = numel(shape0.slice(d + 1));
  const size = shape0[d];
  const vals = allocate(x.dtype, outer * inner);
  const idx = new Int32Array(outer * inner);
  if (size === 0)
    throw new ShapeError(
      `${op}: cannot reduce over an empty dimension; expected size > 0 at dim ${d}, got 0`,
    );
  maxAxisRef(x.data, outer, size, inner, vals, idx, sign);
  const shape = x.ndim === 0 ? [] : reducedShape(x, [d], keepdim);
  const values = new Tensor(vals, shape);
  const indices = new Tensor(idx, shape);
  record(op, [x], values, [], (g) => {
    const gx = new Tensor(allocate(g.dtype, x.numel()), x.shape);
    const gd = g.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const k = o * inner + i;
        gx.data[o * size * inner + idx[k] * inner + i] = gd[k];
      }
    }
    return [gx];
  });
  return { values, indices };
}

/**
 * Max (or min) over all elements. As in PyTorch, the gradient is shared evenly by every
 * element equal to the result (ties, or NaNs when the result is NaN).
 */
function maxMinAll(op: string, x: Tensor, sign: 1 | -1): Tensor {
  const n = x.numel();
  if (n === 0) throw new ShapeError(`${op}: cannot reduce an empty tensor; expected size > 0, got 0`);
  const vals = allocate(x.dtype, 1);
  maxAxisRef(x.data, 1, n, 1, vals, new Int32Array(1), sign);
  const out = new Tensor(vals, []);
  return record(op, [x], out, [x], (g) => {
    const v = vals[0];
    const xd = x.data;
    const hit = (e: number): boolean => e === v || (Number.isNaN(e) && Number.isNaN(v));
    let count = 0;
    for (let i = 0; i < n; i++) if (hit(xd[i])) count++;
    const gx = new Tensor(allocate(g.dtype, n), x.shape);
    const share = g.data[0] / count;
    for (let i = 0; i < n; i++) if (hit(xd[i])) gx.data[i] = share;
    return [gx];
  });
}

/**
 * Maximum of all elements, or `{ values, indices }` along `dim` (like `torch.max(x, dim)`).
 * Along a dim the gradient flows to the first maximal element (the returned index); over
 * all elements it is shared by the tied ones.
 *
 * @example
 * max(tensor([1, 5, 3]));                             // 5 (0-d)
 * const { values, indices } = max(tensor([[1, 5], [7, 2]]), 1); // [5, 7], [1, 0]
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  if (dim === undefined) return maxMinAll('max', x, 1);
  return maxMin('max', x, dim, keepdim, 1);
}

/**
 * Minimum of all elements, or `{ values, indices }` along `dim`.
 *
 * @example
 * min(tensor([4, 1, 3])); // 1 (0-d)
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  if (dim === undefined) return maxMinAll('min', x, -1);
  return maxMin('min', x, dim, keepdim, -1);
}

/**
 * Index of the maximum (int32), over all elements (flattened) or along `dim`.
 *
 * @example
 * argmax(tensor([[1, 5], [7, 2]]), 1); // int32 [1, 0]
 */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined) return maxMin('argmax', reshapeFlat(x), 0, false, 1).indices;
  return maxMin('argmax', x, dim, keepdim, 1).indices;
}

/**
 * Index of the minimum (int32).
 *
 * @example
 * argmin(tensor([3, 1, 2])); // int32 1
 */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined) return maxMin('argmin', reshapeFlat(x), 0, false, -1).indices;
  return maxMin('argmin', x, dim, keepdim, -1).indices;
}

/**
 * log(sum(exp(x))) over `dim`, computed stably.
 *
 * @example
 * logsumexp(tensor([[0, 0], [1, 1]]), 1); // [log 2, 1 + log 2]
 */
export function logsumexp(x: Tensor, dim: number, keepdim = false): Tensor {
  requireFloat(x, 'logsumexp');
  const d = normalizeDim(dim, x.ndim, 'logsumexp');
  const shape0 = x.ndim === 0 ? [1] : x.shape;
  const outer = numel(shape0.slice(0, d));
  const inner = numel(shape0.slice(d + 1));
  const size = shape0[d];
  const out = allocate(x.dtype, outer * inner);
  const soft = new Tensor(allocate(x.dtype, x.numel()), x.shape);
  const xd = x.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let m = -Infinity;
      for (let k = 0; k < size; k++) m = Math.max(m, xd[(o * size + k) * inner + i]);
      if (!Number.isFinite(m)) m = 0;
      let s = 0;
      for (let k = 0; k < size; k++) s += Math.exp(xd[(o * size + k) * inner + i] - m);
      const lse = m + Math.log(s);
      out[o * inner + i] = lse;
      for (let k = 0; k < size; k++)
        soft.data[(o * size + k) * inner + i] = Math.exp(xd[(o * size + k) * inner + i] - lse);
    }
  }
  const keptShape = x.shape.slice();
  if (x.ndim > 0) keptShape[d] = 1;
  const res = new Tensor(out, x.ndim === 0 ? [] : reducedShape(x, [d], keepdim));
  return record('logsumexp', [x], res, [], (g) => {
    const e = expand(new Tensor(g.data, keptShape), x.shape);
    const ed = e.data;
    for (let i = 0; i < ed.length; i++) ed[i] *= soft.data[i];
    return [e];
  });
}

function reshapeFlat(x: Tensor): Tensor {
  // a view of all elements as 1-D; shares the graph through a reshape node
  const out = new Tensor(x.storage, [x.numel()]);
  return record('reshape', [x], out, [], (g) => [new Tensor(g.data, x.shape)]);
}
