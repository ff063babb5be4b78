import { allocate } from '../../core/dtype.js';
import { ConfigError, DTypeError, ShapeError } from '../../core/errors.js';
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
 * Elements `start..end` (exclusive, negatives from the end) along `dim`, with `step`.
 * @example x.slice(0, -1) // drops the last step of a time-major sequence
 */
export function slice(x: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  const d = normalizeDim(dim, x.ndim, 'slice');
  const size = x.shape[d];
  if (!Number.isInteger(step) || step <= 0)
    throw new ConfigError(`slice: step must be a positive integer; got ${step}`);
  if (!Number.isInteger(start) || (end !== undefined && !Number.isInteger(end))) {
    throw new ConfigError(`slice: start and end must be integers; got start ${start}, end ${String(end)}`);
  }
  const clampIdx = (i: number): number => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const s = clampIdx(start);
  const e = Math.max(clampIdx(end ?? size), s);
  const len = Math.ceil((e - s) / step);
  const outer = numel(x.shape.slice(0, d));
  const inner = numel(x.shape.slice(d + 1));
  const shape = x.shape.slice();
  shape[d] = len;
  const out = new Tensor(allocate(x.dtype, outer * len * inner), shape);
  const src = x.data;
  const dst = out.data;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < len; k++) {
      const from = (o * size + s + k * step) * inner;
      dst.set(src.subarray(from, from + inner), (o * len + k) * inner);
    }
  }
  return record('slice', [x], out, [], (g) => {
    const gx = new Tensor(allocate(g.dtype, x.numel()), x.shape);
    const gd = g.data;
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < len; k++) {
        const to = (o * size + s + k * step) * inner;
        gx.data.set(gd.subarray((o * len + k) * inner, (o * len + k + 1) * inner), to);
      }
    }
    return [gx];
  });
}

/**
 * `length` elements from `start` along `dim`, like `torch.narrow`.
 *
 * @example
 * narrow(arange(10), 0, 2, 3); // [2, 3, 4]
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim(dim, x.ndim, 'narrow');
  const size = x.shape[d];
  if (!Number.isInteger(start) || start < -size || start > size) {
    throw new ShapeError(
      `narrow: start out of range; expected an integer in [${-size}, ${size}], got ${start}`,
    );
  }
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(length) || length < 0 || s < 0 || s + length > size) {
    throw new ShapeError(
      `narrow: start (${start}) + length (${length}) exceeds dimension size; expected at most ${size}, got ${s + length}`,
    );
  }
  return slice(x, d, s, s + length);
}

/**
 * One entry `index` along `dim`, with that dim removed (`x[index]` for dim 0).
 *
 * @example
 * select(randn([4, 28, 128]), 1, -1); // the last time step: (4, 128)
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim(dim, x.ndim, 'select');
  const size = x.shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new ShapeError(
      `select: index out of range for dim ${d}; expected in [${-size}, ${size - 1}], got ${index}`,
    );
  }
  return squeeze(slice(x, d, index < 0 ? index + size : index, (index < 0 ? index + size : index) + 1), d);
}

/**
 * Concatenates along `dim`; all other sizes must match.
 * @example cat([a, b], 0)
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError('cat: expected a non-empty list of tensors; got 0 tensors');
  const first = tensors[0];
  for (const [i, x] of tensors.entries()) {
    if (x.ndim === 0)
      throw new ShapeError(
        `cat: zero-dimensional tensor (at position ${i}) cannot be concatenated; expected at least 1 dim, got 0`,
      );
  }
  const d = normalizeDim(dim, first.ndim, 'cat');
  for (const [i, x] of tensors.entries()) {
    if (x.dtype !== first.dtype)
      throw new DTypeError(
        `cat: all tensors must have one dtype; expected ${first.dtype}, got ${x.dtype} at position ${i}`,
      );
    if (x.ndim !== first.ndim || x.shape.some((s, k) => k !== d && s !== first.shape[k])) {
      throw new ShapeError(
        `cat: sizes must match except in dim ${d}; expected ${formatShape(first.shape)} (any size at dim ${d}), got ${formatShape(x.shape)} at position ${i}`,
      );
    }
  }
  const outer = numel(first.shape.slice(0, d));
  const inner = numel(first.shape.slice(d + 1));
  const total = tensors.reduce((s, x) => s + x.shape[d], 0);
  const shape = first.shape.slice();
  shape[d] = total;
  const out = new Tensor(allocate(first.dtype, outer * total * inner), shape);
  let off = 0;
  const offsets: number[] = [];
  for (const x of tensors) {
    offsets.push(off);
    const len = x.shape[d] * inner;
    for (let o = 0; o < outer; o++)
      out.data.set(x.data.subarray(o * len, (o + 1) * len), o * total * inner + off * inner);
    off += x.shape[d];
  }
  return record('cat', tensors, out, [], (g) =>
    tensors.map((x, i) => slice(g, d, offsets[i], offsets[i] + x.shape[d])),
  );
}

/** Stacks equal-shaped tensors along a new dim. @example stack([h1, h2]) */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0)
    throw new ShapeError('stack: expected a non-empty list of tensors; got 0 tensors');
  const first = tensors[0];
  for (const [i, x] of tensors.entries()) {
    if (!shapesEqual(x.shape, first.shape)) {
      throw new ShapeError(
        `stack: all tensors must have one shape; expected ${formatShape(first.shape)}, got ${formatShape(x.shape)} at position ${i}`,
      );
    }
  }
  const d = normalizeDim(dim, first.ndim + 1, 'stack');
  return cat(
    tensors.map((x) => unsqueeze(x, d)),
    d,
  );
}

/**
 * Splits into pieces of `splitSize` (the last may be smaller) along `dim`.
 *
 * @example
 * const [a, b] = split(arange(5), 3); // [0, 1, 2], [3, 4]
 */
export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.ndim, 'split');
  const size = x.shape[d];
  let sizes: number[];
  if (typeof splitSize === 'number') {
    if (!Number.isInteger(splitSize) || splitSize <= 0)
      throw new ConfigError(`split: splitSize must be a positive integer; got ${splitSize}`);
    sizes = [];
    for (let s = 0; s < size; s += splitSize) sizes.push(Math.min(splitSize, size - s));
  } else {
    sizes = splitSize.slice();
    for (const s of sizes) {
      if (!Number.isInteger(s) || s < 0)
        throw new ConfigError(
          `split: sizes must be non-negative integers; got ${s} in ${formatShape(sizes)}`,
        );
    }
    const sum = sizes.reduce((a, b) => a + b, 0);
    if (sum !== size)
      throw new ShapeError(`split: sizes must sum to the dim's size; expected ${size}, got ${sum}`);
  }
  const out: Tensor[] = [];
  let s = 0;
  for (const len of sizes) {
    out.push(slice(x, d, s, s + len));
    s += len;
  }
  return out;
}

/**
 * Splits into `chunks` nearly equal pieces along `dim`, like `torch.chunk`.
 *
 * @example
 * const [a, b] = chunk(arange(6), 2); // [0, 1, 2], [3, 4, 5]
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0)
    throw new ConfigError(`chunk: chunks must be a positive integer; got ${chunks}`);
  const d = normalizeDim(dim, x.ndim, 'chunk');
  return split(x, Math.max(1, Math.ceil(x.shape[d] / chunks)), d);
}

function checkIndex(index: Tensor, op: string): void {
  if (index.dtype !== 'int32')
    throw new DTypeError(`${op}: index must be an int32 tensor; expected int32, got ${index.dtype}`);
}

/**
 * Picks entries `index` (1-D int32) along `dim`, like `torch.index_select`.
 * @example indexSelect(weight, 0, tokens) // an embedding lookup
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndex(index, 'indexSelect');
  if (index.ndim > 1)
    throw new ShapeError(`indexSelect: index must be 0-D or 1-D; expected <= 1 dims, got ${index.ndim}`);
  const d = normalizeDim(dim, x.ndim, 'indexSelect');
  const size = x.shape[d];
  const outer = numel(x.shape.slice(0, d));
  const inner = numel(x.shape.slice(d + 1));
  const idx = index.data as Int32Array;
  for (const i of idx) {
    if (i < 0 || i >= size)
      throw new ShapeError(
        `indexSelect: index out of range for dim ${d}; expected in [0, ${size - 1}], got ${i}`,
      );
  }
  const n = idx.length;
  const shape = x.shape.slice();
  shape[d] = n;
  const out = new Tensor(allocate(x.dtype, outer * n * inner), shape);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      const from = (o * size + idx[k]) * inner;
      out.data.set(x.data.subarray(from, from + inner), (o * n + k) * inner);
    }
  }
  return record('indexSelect', [x], out, [], (g) => {
    const gx = new Tensor(allocate(g.dtype, x.numel()), x.shape);
    const gd = g.data;
    const xd = gx.data;
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < n; k++) {
        const to = (o * size + idx[k]) * inner;
        const from = (o * n + k) * inner;
        for (let j = 0; j < inner; j++) xd[to + j] += gd[from + j];
      }
    }
    return [gx];
  });
}

/**
 * out[i][j] = x[i][index[i][j]] for dim 1 (and likewise for any dim), like `torch.gather`.
 * `index` has x's rank; its sizes may be smaller than x's except along `dim`.
 *
 * @example
 * gather(tensor([[1, 2], [3, 4]]), 1, tensor([[0, 0], [1, 0]], { dtype: 'int32' })); // [[1, 1], [4, 3]]
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndex(index, 'gather');
  const d = normalizeDim(dim, x.ndim, 'gather');
  if (index.ndim !== x.ndim)
    throw new ShapeError(`gather: index must have the input's rank; expected ${x.ndim}, got ${index.ndim}`);
  for (let k = 0; k < x.ndim; k++) {
    if (k !== d && index.shape[k] > x.shape[k]) {
      throw new ShapeError(
        `gather: index size at dim ${k} must not exceed the input's; expected <= ${x.shape[k]}, got ${index.shape[k]}`,
      );
    }
  }
  const rank = x.ndim;
  const xStrides: number[] = new Array<number>(rank);
  let s = 1;
  for (let k = rank - 1; k >= 0; k--) {
    xStrides[k] = s;
    s *= x.shape[k];
  }
  const n = index.numel();
  const srcPos = new Int32Array(n);
  const idx = index.data as Int32Array;
  const pos = new Array<number>(rank).fill(0);
  for (let o = 0; o < n; o++) {
    const v = idx[o];
    if (v < 0 || v >= x.shape[d])
      throw new ShapeError(
        `gather: index out of range for dim ${d}; expected in [0, ${x.shape[d] - 1}], got ${v}`,
      );
    let off = 0;
    for (let k = 0; k < rank; k++) off += (k === d ? v : pos[k]) * xStrides[k];
    srcPos[o] = off;
    for (let k = rank - 1; k >= 0; k--) {
      if (++pos[k] < index.shape[k]) break;
      pos[k] = 0;
    }
  }
  const out = new Tensor(allocate(x.dtype, n), index.shape);
  for (let o = 0; o < n; o++) out.data[o] = x.data[srcPos[o]];
  return record('gather', [x], out, [], (g) => {
    const gx = new Tensor(allocate(g.dtype, x.numel()), x.shape);
    for (let o = 0; o < n; o++) gx.data[srcPos[o]] += g.data[o];
    return [gx];
  });
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
