// Taking parts of a tensor along a dimension (slice, narrow, select, split, chunk) and
// joining tensors along one (cat, stack).
import { allocate } from '../../core/dtype.js';
import { ConfigError, DTypeError, ShapeError } from '../../core/errors.js';
import { formatShape, normalizeDim, numel, shapesEqual } from '../../core/shape.js';
import { record } from '../record.js';
import { Tensor } from '../tensor.js';

import { squeeze, unsqueeze } from './reshape-ops.js';

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
