/*
 * Between padded and packed batches, after torch.nn.utils.rnn: packPaddedSequence,
 * padPackedSequence, packSequence and padSequence.
 *
 * Packing and padding are gathers of rows (`indexSelect`), so gradients flow through
 * them to the padded input (and back from the padded output to the packed data).
 */
import { checkOptions, showValue } from '../../core/check.js';
import { ConfigError, ShapeError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import { cat, full, indexSelect, reshape, Tensor } from '../../tensor/index.js';

import { indexArray, int32Tensor, PackedSequence, type Lengths } from './packed-sequence-class.js';

function readLengths(lengths: Lengths, op: string): number[] {
  if (lengths instanceof Tensor) {
    if (lengths.ndim !== 1)
      throw new ShapeError(`${op}: lengths must be 1-D; expected 1 dimension, got ${lengths.ndim}`);
    return Array.from(lengths.data);
  }
  if (lengths === null || typeof lengths !== 'object' || typeof lengths.length !== 'number') {
    throw new ConfigError(`${op}: lengths must be an array or a 1-D tensor; got ${showValue(lengths)}`);
  }
  return Array.from(lengths);
}

/**
 * @example
 * const packed = packPaddedSequence(padded, [5, 3, 2], { batchFirst: true, enforceSorted: true });
 */
export interface PackPaddedOptions {
  /** The input is `(B, T, *)` instead of `(T, B, *)`. Default: false. */
  batchFirst?: boolean;
  /**
   * Require `lengths` sorted in decreasing order (no permutation is recorded).
   * With false the batch is sorted here and the permutation kept. Default: true.
   */
  enforceSorted?: boolean;
}

/**
 * Packs a padded batch of variable-length sequences, after
 * `torch.nn.utils.rnn.pack_padded_sequence`.
 *
 * Args:
 * - `input`: `(T, B, *)`, or `(B, T, *)` with `batchFirst`; T the longest length.
 * - `lengths`: B positive lengths, each at most T (sorted decreasingly unless
 *   `enforceSorted` is false).
 * - `options.batchFirst` (default false), `options.enforceSorted` (default true).
 *
 * Returns a PackedSequence with `data` `(sum(lengths), *)`. Differentiable: the
 * gradient of `data` flows back to the valid positions of `input` (zero on padding).
 *
 * @example
 * const x = randn([4, 3, 2]);                      // (T=4, B=3, 2)
 * const p = packPaddedSequence(x, [2, 4, 1], { enforceSorted: false });
 * p.batchSizes.toArray();                          // [3, 2, 1, 1]
 */
export function packPaddedSequence(
  input: Tensor,
  lengths: Lengths,
  options: PackPaddedOptions = {},
): PackedSequence {
  const op = 'packPaddedSequence';
  checkOptions(op, options, ['batchFirst', 'enforceSorted']);
  const batchFirst = options.batchFirst ?? false;
  const enforceSorted = options.enforceSorted ?? true;
  if (!(input instanceof Tensor)) throw new ShapeError(`${op}: input must be a Tensor; got ${typeof input}`);
  if (input.ndim < 2) {
    throw new ShapeError(
      `${op}: input must have at least 2 dimensions, (T, B, *) or (B, T, *) with batchFirst; got ${input.ndim}-D ${formatShape(input.shape)}`,
    );
  }
  const B = batchFirst ? input.shape[0] : input.shape[1];
  const T = batchFirst ? input.shape[1] : input.shape[0];
  const lens = readLengths(lengths, op);
  if (lens.length !== B) {
    throw new ShapeError(
      `${op}: Expected len(lengths) to be equal to batch_size; expected ${B}, got ${lens.length}`,
    );
  }
  lens.forEach((l, i) => {
    if (!Number.isInteger(l) || l <= 0) {
      throw new ShapeError(
        `${op}: Length of all samples has to be greater than 0; expected a positive integer, got ${l} at position ${i}`,
      );
    }
    if (l > T) {
      throw new ShapeError(
        `${op}: lengths must not exceed the padded sequence length; expected at most ${T}, got ${l} at position ${i}`,
      );
    }
  });
  let order: number[];
  let sortedIndices: Tensor | null = null;
  if (enforceSorted) {
    for (let i = 1; i < B; i++) {
      if (lens[i] > lens[i - 1]) {
        throw new ConfigError(
          `${op}: lengths array must be sorted in decreasing order when enforceSorted is true; ` +
            `expected lengths[${i}] <= ${lens[i - 1]}, got ${lens[i]}; pass { enforceSorted: false } to sort here`,
        );
      }
    }
    order = lens.map((_, i) => i);
  } else {
    order = lens.map((_, i) => i).sort((a, b) => lens[b] - lens[a] || a - b);
    sortedIndices = int32Tensor(order);
  }
  const maxLen = B === 0 ? 0 : lens[order[0]];
  const batchSizes = new Int32Array(maxLen);
  for (let t = 0; t < maxLen; t++) {
    let n = 0;
    while (n < B && lens[order[n]] > t) n++;
    batchSizes[t] = n;
  }
  const rows: number[] = [];
  for (let t = 0; t < maxLen; t++) {
    for (let j = 0; j < batchSizes[t]; j++) rows.push(batchFirst ? order[j] * T + t : t * B + order[j]);
  }
  const rest = input.shape.slice(2);
  const flat = reshape(input, [T * B, ...rest]);
  const data = indexSelect(flat, 0, int32Tensor(rows));
  return new PackedSequence(data, new Tensor(batchSizes, [maxLen]), sortedIndices, null);
}

/**
 * @example
 * const [padded, lengths] = padPackedSequence(packed, { batchFirst: true, paddingValue: 0, totalLength: 10 });
 */
export interface PadPackedOptions {
  /** Return `(B, T, *)` instead of `(T, B, *)`. Default: false. */
  batchFirst?: boolean;
  /** The value of padded positions. Default: 0. */
  paddingValue?: number;
  /** Pad to this length (at least the longest sequence). Default: the longest length. */
  totalLength?: number;
}

/**
 * Pads a packed batch back to a tensor, after `torch.nn.utils.rnn.pad_packed_sequence`;
 * the inverse of `packPaddedSequence`.
 *
 * Args:
 * - `sequence`: a PackedSequence.
 * - `options.batchFirst` (default false), `options.paddingValue` (default 0),
 *   `options.totalLength` (default: the longest length; must not be shorter).
 *
 * Returns `[padded, lengths]`: `padded` is `(T, B, *)` (or `(B, T, *)`) in the original
 * batch order, `lengths` a 1-D int32 tensor of the B lengths in that order.
 * Differentiable w.r.t. `sequence.data`.
 *
 * @example
 * const [padded, lengths] = padPackedSequence(packed, { batchFirst: true, totalLength: 4 });
 */
export function padPackedSequence(
  sequence: PackedSequence,
  options: PadPackedOptions = {},
): [Tensor, Tensor] {
  const op = 'padPackedSequence';
  checkOptions(op, options, ['batchFirst', 'paddingValue', 'totalLength']);
  if (!(sequence instanceof PackedSequence))
    throw new ConfigError(`${op}: expected a PackedSequence; got ${String(sequence)}`);
  const batchFirst = options.batchFirst ?? false;
  const paddingValue = options.paddingValue ?? 0;
  const bs = indexArray(sequence.batchSizes);
  const maxLen = bs.length;
  const total = options.totalLength ?? maxLen;
  if (!Number.isInteger(total) || total < maxLen) {
    throw new ShapeError(
      `${op}: Expected totalLength to be at least the length of the longest sequence in input; expected at least ${maxLen}, got ${total}`,
    );
  }
  const B = sequence.batchSize;
  const data = sequence.data;
  const rest = data.shape.slice(1);
  const sortedLens = new Array<number>(B).fill(0);
  const offsets = new Array<number>(maxLen);
  let off = 0;
  for (let t = 0; t < maxLen; t++) {
    offsets[t] = off;
    off += bs[t];
    for (let j = 0; j < bs[t]; j++) sortedLens[j] = t + 1;
  }
  const unsorted = sequence.unsortedIndices === null ? null : indexArray(sequence.unsortedIndices);
  const padRow = data.shape[0];
  const idx = new Int32Array(total * B);
  for (let t = 0; t < total; t++) {
    for (let b = 0; b < B; b++) {
      const j = unsorted === null ? b : unsorted[b];
      idx[batchFirst ? b * total + t : t * B + b] = t < sortedLens[j] ? offsets[t] + j : padRow;
    }
  }
  const pad = full([1, ...rest], paddingValue, { dtype: data.dtype });
  const extended = cat([data, pad], 0);
  const flat = indexSelect(extended, 0, new Tensor(idx, [idx.length]));
  const padded = reshape(flat, batchFirst ? [B, total, ...rest] : [total, B, ...rest]);
  const lengths = Int32Array.from({ length: B }, (_, b) => sortedLens[unsorted === null ? b : unsorted[b]]);
  return [padded, new Tensor(lengths, [B])];
}

/**
 * @example
 * const padded = padSequence([randn([3, 8]), randn([5, 8])], { batchFirst: true, paddingValue: 0 }); // (2, 5, 8)
 */
export interface PadSequenceOptions {
  /** Return `(B, T, *)` instead of `(T, B, *)`. Default: false. */
  batchFirst?: boolean;
  /** The value of padded positions. Default: 0. */
  paddingValue?: number;
}

/**
 * Stacks sequences of different lengths into one padded tensor, after
 * `torch.nn.utils.rnn.pad_sequence`.
 *
 * Args:
 * - `sequences`: B tensors `(L_i, *)` with the same trailing sizes and dtype.
 * - `options.batchFirst` (default false), `options.paddingValue` (default 0).
 *
 * Returns `(T, B, *)` (or `(B, T, *)`), T the longest L_i. Differentiable.
 *
 * @example
 * padSequence([ones([3, 2]), ones([1, 2])]).shape; // [3, 2, 2]
 */
export function padSequence(sequences: readonly Tensor[], options: PadSequenceOptions = {}): Tensor {
  const op = 'padSequence';
  checkOptions(op, options, ['batchFirst', 'paddingValue']);
  const given: unknown = sequences; // checked as unknown: Array.isArray would narrow sequences to any[]
  if (!Array.isArray(given))
    throw new ConfigError(`${op}: expected an array of tensors; got ${typeof given}`);
  if (sequences.length === 0)
    throw new ShapeError(`${op}: received an empty list of sequences; expected at least 1 tensor, got 0`);
  const batchFirst = options.batchFirst ?? false;
  const paddingValue = options.paddingValue ?? 0;
  const first = sequences[0];
  if (!(first instanceof Tensor) || first.ndim < 1) {
    throw new ShapeError(
      `${op}: every sequence must be a tensor of at least 1 dimension (L, *); got ${first instanceof Tensor ? '0-D' : typeof first} at position 0`,
    );
  }
  const rest = first.shape.slice(1);
  sequences.forEach((s, i) => {
    if (!(s instanceof Tensor) || s.ndim !== first.ndim || s.shape.slice(1).some((v, k) => v !== rest[k])) {
      throw new ShapeError(
        `${op}: every sequence must have the trailing sizes of the first; expected [L, ${rest.join(', ')}], got ${s instanceof Tensor ? formatShape(s.shape) : typeof s} at position ${i}`,
      );
    }
  });
  const B = sequences.length;
  const T = Math.max(...sequences.map((s) => s.shape[0]));
  const flatParts = sequences.map((s) => reshape(s, [s.shape[0], ...rest]));
  const pad = full([1, ...rest], paddingValue, { dtype: first.dtype });
  const stacked = cat([...flatParts, pad], 0);
  const starts: number[] = [];
  let off = 0;
  for (const s of sequences) {
    starts.push(off);
    off += s.shape[0];
  }
  const padRow = off;
  const idx = new Int32Array(T * B);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++)
      idx[batchFirst ? b * T + t : t * B + b] = t < sequences[b].shape[0] ? starts[b] + t : padRow;
  }
  const flat = indexSelect(stacked, 0, new Tensor(idx, [idx.length]));
  return reshape(flat, batchFirst ? [B, T, ...rest] : [T, B, ...rest]);
}

/**
 * @example
 * const packed = packSequence([randn([3, 8]), randn([5, 8])], { enforceSorted: false });
 */
export interface PackSequenceOptions {
  /** Require the sequences sorted by decreasing length. Default: true. */
  enforceSorted?: boolean;
}

/**
 * Packs a list of variable-length sequences, after `torch.nn.utils.rnn.pack_sequence`:
 * `packPaddedSequence(padSequence(sequences), lengths, { enforceSorted })`.
 *
 * Args:
 * - `sequences`: B tensors `(L_i, *)`, each L_i >= 1.
 * - `options.enforceSorted` (default true): require decreasing lengths.
 *
 * @example
 * const p = packSequence([a, b, c], { enforceSorted: false });
 */
export function packSequence(
  sequences: readonly Tensor[],
  options: PackSequenceOptions = {},
): PackedSequence {
  checkOptions('packSequence', options, ['enforceSorted']);
  const padded = padSequence(sequences);
  return packPaddedSequence(
    padded,
    sequences.map((s) => s.shape[0]),
    { enforceSorted: options.enforceSorted ?? true },
  );
}
