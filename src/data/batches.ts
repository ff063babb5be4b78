import { checkOptions } from '../core/check.js';
import { ConfigError } from '../core/errors.js';
import { defaultGenerator, type Generator } from '../core/rng.js';

/**
 * Options of {@link batches}.
 *
 * @example
 * for (const idx of batches(100, { batchSize: 32, shuffle: true, generator: new Generator(0) })) {
 *   // idx: Int32Array of up to 32 row indices
 * }
 */
export interface BatchOptions {
  /** Indices per batch. Required, >= 1. */
  batchSize: number;
  /** Visit the indices in a random order. Default false (0, 1, 2, ...). */
  shuffle?: boolean;
  /** Seeded generator for `shuffle` (default: the global one, see `manualSeed`). Only valid with `shuffle: true`. */
  generator?: Generator;
  /** Drop the last batch when it has fewer than `batchSize` indices. Default false. */
  dropLast?: boolean;
}

/**
 * Mini-batches of sample indices for one epoch: `ceil(n / batchSize)` Int32Arrays
 * (`floor(n / batchSize)` with `dropLast`), each of length `batchSize` except possibly the
 * last. Without `dropLast` every index in `[0, n)` appears exactly once. With `shuffle`,
 * the permutation is drawn from `generator` when `batches` is called, so the same seed
 * gives the same batches and each call (epoch) advances the generator. Gather the rows
 * with `takeRows`.
 *
 * @throws ConfigError when `n` is not a non-negative integer, `batchSize` is not a
 *   positive integer, or `generator` is given without `shuffle: true`.
 * @example
 * const g = new Generator(42);
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   for (const idx of batches(x.shape[0], { batchSize: 32, shuffle: true, generator: g })) {
 *     const xb = takeRows(x, idx); // (idx.length, L, F)
 *     const yb = takeRows(y, idx);
 *   }
 * }
 */
export function batches(n: number, options: BatchOptions): IterableIterator<Int32Array> {
  const op = 'batches';
  if (options === undefined || options === null || typeof options !== 'object') {
    throw new ConfigError(
      `${op}: options with a batchSize are required, e.g. { batchSize: 32 }; got ${String(options)}`,
    );
  }
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError(`${op}: n must be a non-negative integer; got ${String(n)}`);
  checkOptions(op, options, ['batchSize', 'shuffle', 'generator', 'dropLast']);
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new ConfigError(
      `${op}: batchSize must be a positive integer; expected >= 1, got ${String(batchSize)}`,
    );
  }
  const shuffle = options.shuffle ?? false;
  if (options.generator !== undefined && !shuffle) {
    throw new ConfigError(
      `${op}: generator is only used to shuffle; pass shuffle: true or leave generator out`,
    );
  }
  const order = new Int32Array(n); // (n,)
  if (shuffle) {
    const g = options.generator ?? defaultGenerator;
    order.set(g.permutation(n));
  } else {
    for (let i = 0; i < n; i++) order[i] = i;
  }
  const end = options.dropLast ? n - (n % batchSize) : n;
  return (function* (): IterableIterator<Int32Array> {
    for (let start = 0; start < end; start += batchSize)
      yield order.slice(start, Math.min(start + batchSize, end));
  })();
}
