import { checkOptions } from '../core/check.js';
import { ConfigError, ShapeError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Options of {@link charRnnBatches}.
 *
 * @example
 * const data = charRnnBatches(ids, { batchSize: 50, seqLength: 50 });
 */
export interface CharRnnBatchOptions {
  /** Number of parallel streams (rows of each batch). Required, >= 1. */
  batchSize: number;
  /** Time steps per batch (truncated-BPTT length). Required, >= 1. */
  seqLength: number;
}

/**
 * One batch of {@link charRnnBatches}: int32 tensors `(batchSize, seqLength)`.
 *
 * @example
 * for (const { x, y } of charRnnBatches(ids, { batchSize: 50, seqLength: 50 })) {
 *   // x, y: int32 (50, 50); y[r, t] is the character after x[r, t]
 * }
 */
export interface CharRnnBatch {
  /** Input ids, shape `(batchSize, seqLength)`. */
  x: Tensor;
  /** Target ids (the next character of each input), shape `(batchSize, seqLength)`. */
  y: Tensor;
}

/**
 * A re-iterable sequence of batches: each `for ... of` is one epoch in the same order.
 *
 * @example
 * const data = charRnnBatches(vocab.encode(text), { batchSize: 50, seqLength: 50 });
 * console.log(data.numBatches, data.streamLength);
 * for (const batch of data) {
 *   // one epoch, in the same order every time
 * }
 */
export interface CharRnnBatches extends Iterable<CharRnnBatch> {
  /** Batches per epoch: `floor((ids.length - 1) / (batchSize * seqLength))`. */
  readonly numBatches: number;
  /** Ids per stream: `numBatches * seqLength`. */
  readonly streamLength: number;
  /** Ids at the end of the input that no batch uses as input. */
  readonly unusedIds: number;
}

/**
 * Batches for stateful character-level language models, laid out like karpathy/char-rnn's
 * `CharSplitLMMinibatchLoader`: the id stream is cut into `batchSize` contiguous streams,
 * one per batch row, and each stream is walked `seqLength` steps at a time. With
 * `S = streamLength = numBatches * seqLength`, batch `k` holds
 *
 * - `x[r, t] = ids[r * S + k * seqLength + t]`
 * - `y[r, t] = ids[r * S + k * seqLength + t + 1]` (the next character)
 *
 * so row `r` of batch `k + 1` continues row `r` of batch `k`: carry the LSTM state
 * `(h, c)` from one batch to the next (detached, for truncated BPTT) and reset it at the
 * start of each epoch. The first `numBatches * batchSize * seqLength` ids are inputs and
 * the targets reach one id further; the rest (`unusedIds`) is dropped. Unlike char-rnn,
 * which wraps the last target around to `ids[0]`, every target here is the true next id.
 *
 * @throws ConfigError when `batchSize` or `seqLength` is not a positive integer.
 * @throws ShapeError when `ids` holds fewer than `batchSize * seqLength + 1` ids (one batch).
 * @example
 * const vocab = CharVocab.fromText(text);
 * const data = charRnnBatches(vocab.encode(text), { batchSize: 50, seqLength: 50 });
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   let state = null;                       // fresh state each epoch
 *   for (const { x, y } of data) {          // x, y: int32 (50, 50)
 *     // [out, state] = lstm.forward(embed(x), state) ... loss vs y ... state = detach(state)
 *   }
 * }
 */
export function charRnnBatches(
  ids: Int32Array | readonly number[],
  options: CharRnnBatchOptions,
): CharRnnBatches {
  const op = 'charRnnBatches';
  if (options === undefined || options === null || typeof options !== 'object') {
    throw new ConfigError(
      `${op}: options are required, e.g. { batchSize: 50, seqLength: 50 }; got ${String(options)}`,
    );
  }
  checkOptions(op, options, ['batchSize', 'seqLength']);
  const { batchSize, seqLength } = options;
  for (const [name, v] of [
    ['batchSize', batchSize],
    ['seqLength', seqLength],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0)
      throw new ConfigError(`${op}: ${name} must be a positive integer; expected >= 1, got ${String(v)}`);
  }
  const data = ids instanceof Int32Array ? ids : Int32Array.from(ids);
  if (!(ids instanceof Int32Array)) {
    for (let i = 0; i < ids.length; i++) {
      if (!Number.isInteger(ids[i]))
        throw new ShapeError(`${op}: ids must be integers; got ${ids[i]} at position ${i}`);
    }
  }
  const perBatch = batchSize * seqLength;
  if (data.length < perBatch + 1) {
    throw new ShapeError(
      `${op}: too little data for one batch; expected at least batchSize * seqLength + 1 = ${perBatch + 1} ids, got ${data.length} ` +
        '(reduce batchSize or seqLength)',
    );
  }
  const numBatches = Math.floor((data.length - 1) / perBatch);
  const S = numBatches * seqLength;
  const snapshot = data.slice(0, numBatches * perBatch + 1); // later changes to ids do not leak in
  return {
    numBatches,
    streamLength: S,
    unusedIds: data.length - numBatches * perBatch,
    *[Symbol.iterator](): Iterator<CharRnnBatch> {
      for (let k = 0; k < numBatches; k++) {
        const x = new Int32Array(perBatch); // (batchSize, seqLength)
        const y = new Int32Array(perBatch); // (batchSize, seqLength)
        for (let r = 0; r < batchSize; r++) {
          const from = r * S + k * seqLength;
          x.set(snapshot.subarray(from, from + seqLength), r * seqLength);
          y.set(snapshot.subarray(from + 1, from + 1 + seqLength), r * seqLength);
        }
        yield { x: new Tensor(x, [batchSize, seqLength]), y: new Tensor(y, [batchSize, seqLength]) };
      }
    },
  };
}
