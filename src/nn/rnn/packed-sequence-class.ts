/*
 * PackedSequence, after torch.nn.utils.rnn: the time-major packed data of a batch of
 * variable-length sequences, the active batch size per step and the sort permutation.
 */
import { ConfigError, DTypeError, ShapeError } from '../../core/errors.js';
import { Tensor } from '../../tensor/index.js';

/**
 * Sequence lengths: a plain array, a typed array or a 1-D tensor.
 *
 * @example
 * packPaddedSequence(padded, [5, 3, 2]);
 * packPaddedSequence(padded, Int32Array.of(5, 3, 2));
 * packPaddedSequence(padded, tensor([5, 3, 2], { dtype: 'int32' }));
 */
export type Lengths = Tensor | ArrayLike<number>;

/** An int32 tensor of `values`. */
export function int32Tensor(values: ArrayLike<number>): Tensor {
  return new Tensor(Int32Array.from(values), [values.length]);
}

/** The elements of an int32 tensor (a view). */
export function indexArray(t: Tensor): Int32Array {
  return t.data as Int32Array;
}

/**
 * The inverse of a permutation: `inv[perm[i]] = i`. Null stays null.
 *
 * @example
 * invertPermutation(tensor([2, 0, 1], { dtype: 'int32' })); // [1, 2, 0]
 */
export function invertPermutation(permutation: Tensor | null): Tensor | null {
  if (permutation === null) return null;
  const p = indexArray(permutation);
  const inv = new Int32Array(p.length);
  for (let i = 0; i < p.length; i++) inv[p[i]] = i;
  return new Tensor(inv, [p.length]);
}

function checkIndexTensor(t: Tensor, what: string, n: number): void {
  if (!(t instanceof Tensor) || t.dtype !== 'int32' || t.ndim !== 1) {
    throw new DTypeError(
      `PackedSequence: ${what} must be a 1-D int32 tensor; got ${t instanceof Tensor ? `${t.ndim}-D ${t.dtype}` : typeof t}`,
    );
  }
  if (t.numel() !== n) {
    throw new ShapeError(
      `PackedSequence: ${what} must list every sequence of the batch; expected ${n} entries, got ${t.numel()}`,
    );
  }
  const seen = new Uint8Array(n);
  for (const v of indexArray(t)) {
    if (v < 0 || v >= n || seen[v] === 1) {
      throw new ConfigError(
        `PackedSequence: ${what} must be a permutation of 0..${n - 1}; got [${Array.from(indexArray(t)).join(', ')}]`,
      );
    }
    seen[v] = 1;
  }
}

/**
 * A batch of variable-length sequences packed step by step, after
 * `torch.nn.utils.rnn.PackedSequence`. Build one with `packPaddedSequence` or
 * `packSequence` rather than by hand.
 *
 * The sequences are sorted by decreasing length; `data` holds step 0 of every
 * sequence, then step 1 of the sequences at least 2 long, and so on: the rows of step
 * `t` start at `batchSizes[0] + ... + batchSizes[t-1]`, and only the first
 * `batchSizes[t]` sorted sequences are active at step `t`.
 *
 * Attributes:
 * - `data`: `(sum(batchSizes), *)`, the packed steps.
 * - `batchSizes`: 1-D int32 tensor `(L)`, non-increasing, the batch size at each step.
 * - `sortedIndices`: 1-D int32 tensor `(N)` with the original batch index of each
 *   sorted position, or null when the input was already sorted.
 * - `unsortedIndices`: its inverse (null with it).
 *
 * Recurrent layers accept a PackedSequence and return one with the same
 * `batchSizes` and indices; their states are in the caller's (unsorted) batch order.
 *
 * @example
 * const packed = packPaddedSequence(x, [3, 1, 2], { enforceSorted: false });
 * const [out, [hN, cN]] = lstm.forward(packed);
 * const [padded, lengths] = padPackedSequence(out as PackedSequence);
 */
export class PackedSequence {
  readonly data: Tensor;
  readonly batchSizes: Tensor;
  readonly sortedIndices: Tensor | null;
  readonly unsortedIndices: Tensor | null;

  /**
   * @param data `(sum(batchSizes), *)` packed rows
   * @param batchSizes non-increasing positive batch sizes per step (1-D int32 tensor or array)
   * @param sortedIndices original index of each sorted position, or null (default)
   * @param unsortedIndices inverse of `sortedIndices`; computed when omitted
   */
  constructor(
    data: Tensor,
    batchSizes: Tensor | ArrayLike<number>,
    sortedIndices: Tensor | null = null,
    unsortedIndices: Tensor | null = null,
  ) {
    const bs = batchSizes instanceof Tensor ? batchSizes : int32Tensor(batchSizes);
    if (!(data instanceof Tensor))
      throw new ShapeError(`PackedSequence: data must be a Tensor; got ${typeof data}`);
    if (bs.dtype !== 'int32' || bs.ndim !== 1) {
      throw new DTypeError(
        `PackedSequence: batchSizes must be a 1-D int32 tensor; got ${bs.ndim}-D ${bs.dtype}`,
      );
    }
    const b = indexArray(bs);
    let total = 0;
    for (let t = 0; t < b.length; t++) {
      if (!Number.isInteger(b[t]) || b[t] <= 0 || (t > 0 && b[t] > b[t - 1])) {
        throw new ConfigError(
          `PackedSequence: batchSizes must be positive and non-increasing; got [${Array.from(b).join(', ')}]`,
        );
      }
      total += b[t];
    }
    if (data.ndim === 0 || data.shape[0] !== total) {
      throw new ShapeError(
        `PackedSequence: data.size(0) must equal sum(batchSizes); expected ${total}, got ${data.ndim === 0 ? 'a 0-D tensor' : data.shape[0]}`,
      );
    }
    const n = b.length === 0 ? 0 : b[0];
    if (sortedIndices !== null) checkIndexTensor(sortedIndices, 'sortedIndices', n);
    if (unsortedIndices !== null) checkIndexTensor(unsortedIndices, 'unsortedIndices', n);
    if (unsortedIndices !== null && sortedIndices === null) {
      throw new ConfigError(
        'PackedSequence: unsortedIndices needs sortedIndices; expected both or neither, got only unsortedIndices',
      );
    }
    this.data = data;
    this.batchSizes = bs;
    this.sortedIndices = sortedIndices;
    this.unsortedIndices = unsortedIndices ?? invertPermutation(sortedIndices);
  }

  /** The batch size N (the number of sequences). */
  get batchSize(): number {
    const b = indexArray(this.batchSizes);
    return b.length === 0 ? 0 : b[0];
  }

  /** The same packing around other data (e.g. a layer's output), like PyTorch's `_replace`. */
  withData(data: Tensor): PackedSequence {
    return new PackedSequence(data, this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }

  toString(): string {
    return `PackedSequence(data=${this.data.toString()}, batchSizes=[${Array.from(indexArray(this.batchSizes)).join(', ')}])`;
  }
}
