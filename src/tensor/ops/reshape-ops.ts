// Ops that change the shape or the order of the dimensions (views where the layout
// allows), expand, and the copy / detach pair.
import { allocate } from '../../core/dtype.js';
import { ShapeError } from '../../core/errors.js';
import {
  broadcastShapes,
  formatShape,
  inferShape,
  normalizeDim,
  numel,
  shapesEqual,
  type Shape,
} from '../../core/shape.js';
import { binaryBroadcastRef, broadcastStrides } from '../../kernels/ref/broadcast.js';
import { permuteRef } from '../../kernels/ref/permute.js';
import { record } from '../record.js';
import { Tensor } from '../tensor.js';
import { sumTo } from './util.js';

/**
 * The same elements with a new shape (one size may be -1). Shares memory with `x`.
 * @example x.reshape([2, -1])
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const s = inferShape(shape, x.numel(), 'reshape');
  const out = new Tensor(x.storage, s);
  return record('reshape', [x], out, [], (g) => [new Tensor(g.data, x.shape)]);
}

/**
 * Alias of `reshape` (all tensors are contiguous, so every view is valid).
 *
 * @example
 * view(arange(6), [2, 3]); // (2, 3)
 */
export function view(x: Tensor, shape: Shape): Tensor {
  return reshape(x, shape);
}

/**
 * Flattens dims `startDim..endDim` into one.
 *
 * @example
 * flatten(zeros([2, 3, 4]), 1); // (2, 12)
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim(startDim, x.ndim, 'flatten');
  const e = normalizeDim(endDim, x.ndim, 'flatten');
  if (s > e) throw new ShapeError(`flatten: startDim must not come after endDim; expected ${s} <= ${e}`);
  const shape = [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/**
 * Inserts a size-1 dim at `dim`.
 *
 * @example
 * unsqueeze(zeros([3]), 0); // (1, 3)
 */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim + 1, 'unsqueeze');
  const shape = x.shape.slice();
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

/**
 * Removes size-1 dims (all, or only `dim`).
 *
 * @example
 * squeeze(zeros([1, 3, 1])); // (3)
 */
export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined)
    return reshape(
      x,
      x.shape.filter((s) => s !== 1),
    );
  const d = normalizeDim(dim, x.ndim, 'squeeze');
  if (x.shape[d] !== 1) return x;
  const shape = x.shape.slice();
  shape.splice(d, 1);
  return reshape(x, shape);
}

/**
 * Reorders dims: output dim i is input dim `dims[i]`. Copies.
 * @example x.permute([1, 0, 2]) // (L, N, H) -> (N, L, H)
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) {
    throw new ShapeError(
      `permute: number of dims must match the input's rank; expected ${x.ndim}, got ${dims.length}`,
    );
  }
  const perm = dims.map((d) => normalizeDim(d, x.ndim, 'permute'));
  if (new Set(perm).size !== perm.length)
    throw new ShapeError(`permute: repeated dim in ${formatShape(dims)}`);
  const shape = perm.map((p) => x.shape[p]);
  if (perm.every((p, i) => p === i)) return reshape(x, shape);
  const out = new Tensor(allocate(x.dtype, x.numel()), shape);
  permuteRef(x.data, x.shape, perm, out.data);
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return record('permute', [x], out, [], (g) => [permute(g, inv)]);
}

/** Swaps two dims. @example x.transpose(0, 1) */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim(dim0, x.ndim, 'transpose');
  const b = normalizeDim(dim1, x.ndim, 'transpose');
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/**
 * Matrix transpose of a tensor with at most 2 dims.
 *
 * @example
 * t(zeros([2, 3])); // (3, 2)
 */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new ShapeError(`t: expects a tensor with <= 2 dims; got ${x.ndim}`);
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

/**
 * Broadcasts to `shape` (a copy; -1 keeps a size). Gradient sums back.
 *
 * @example
 * expand(tensor([1, 2]), [3, 2]); // (3, 2), rows [1, 2]
 */
export function expand(x: Tensor, shape: Shape): Tensor {
  const lead = shape.length - x.ndim;
  if (lead < 0)
    throw new ShapeError(
      `expand: the target must have at least the input's rank; expected >= ${x.ndim} dims, got ${shape.length}`,
    );
  shape.forEach((s, i) => {
    if (s === -1 && i < lead) {
      throw new ShapeError(
        `expand: -1 is not allowed in a leading, new dimension; expected a size at dim ${i}, got -1 in ${formatShape(shape)}`,
      );
    }
  });
  const target = shape.map((s, i) => (s === -1 ? x.shape[i - lead] : s));
  const b = broadcastShapes(x.shape, target, 'expand');
  if (!shapesEqual(b, target)) {
    throw new ShapeError(`expand: cannot expand ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  if (shapesEqual(x.shape, target)) return x;
  const out = new Tensor(allocate(x.dtype, numel(target)), target);
  const st = broadcastStrides(x.shape, target);
  binaryBroadcastRef((v) => v, x.data, st, x.data, st, out.data, target);
  return record('expand', [x], out, [], (g) => [sumTo(g, x.shape)]);
}

/**
 * A copy with its own memory that stays in the graph.
 *
 * @example
 * const y = clone(x); // own memory, still in the graph
 */
export function clone(x: Tensor): Tensor {
  const out = new Tensor(x.data.slice(), x.shape);
  return record('clone', [x], out, [], (g) => [g]);
}

/**
 * The same values cut from the graph (shares memory), like MXNet's BlockGrad: use it on
 * state carried between batches for truncated backpropagation through time.
 *
 * @example
 * state = [detach(hN), detach(cN)]; // truncated BPTT: no gradient into earlier batches
 */
export function detach(x: Tensor): Tensor {
  return new Tensor(x.storage, x.shape);
}
