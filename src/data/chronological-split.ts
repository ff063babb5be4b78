import { checkOptions } from '../core/check.js';
import { ConfigError, ShapeError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Fractions of {@link chronologicalSplit}: each in [0, 1], summing to at most 1.
 *
 * @example
 * chronologicalSplit(series.length, { train: 0.8, validation: 0.1, test: 0.1 });
 */
export interface SplitFractions {
  /** Fraction of the data for training (first). Default 0.7. */
  train?: number;
  /** Fraction for validation (second). Default 0.15. */
  validation?: number;
  /** Fraction for testing (last). Default 0.15. */
  test?: number;
}

/**
 * A half-open index range `[start, end)`.
 *
 * @example
 * const { train } = chronologicalSplit(100, { train: 0.8, validation: 0.1, test: 0.1 });
 * train.start; // 0
 * train.end;   // 80 (exclusive)
 */
export interface IndexRange {
  start: number;
  end: number;
}

/**
 * Three consecutive parts, in time order.
 *
 * @example
 * const { train, validation, test }: Split<IndexRange> = chronologicalSplit(series.length, { train: 0.7, validation: 0.15, test: 0.15 });
 */
export interface Split<T> {
  train: T;
  validation: T;
  test: T;
}

/**
 * What {@link chronologicalSplit} can slice: arrays, typed arrays, or tensors (along dim 0).
 *
 * @example
 * const { train } = chronologicalSplit(Float64Array.from(series), { train: 0.8, test: 0.2 });
 */
export type Sliceable = readonly unknown[] | Float32Array | Float64Array | Int32Array | Tensor;

const EPS = 1e-9;

/**
 * Splits a time series into train / validation / test parts **in time order** (no
 * shuffling, so the model is never trained on the future of what it is tested on).
 *
 * With a count `n`, returns the half-open index ranges; with an array, typed array or
 * tensor, returns copies of the parts (tensors are split along dim 0: a `(T, F)` series
 * gives `(Ttrain, F)`, ...). Boundaries are `floor(n * train)` and
 * `floor(n * (train + validation))`; the test part ends at `floor(n * (train + validation + test))`,
 * which is `n` when the fractions sum to 1, so every element is used. Fractions summing to
 * less than 1 leave the tail unused.
 *
 * Fit scalers on the `train` part only.
 *
 * @throws ConfigError when a fraction is negative, above 1 or not a number, the fractions
 *   sum to more than 1, or `n` is not a non-negative integer.
 * @example
 * chronologicalSplit(100);
 * // { train: { start: 0, end: 70 }, validation: { start: 70, end: 85 }, test: { start: 85, end: 100 } }
 * const { train, validation, test } = chronologicalSplit(series, { train: 0.8, validation: 0.1, test: 0.1 });
 */
export function chronologicalSplit(n: number, fractions?: SplitFractions): Split<IndexRange>;
export function chronologicalSplit<T extends Sliceable>(
  data: T,
  fractions?: SplitFractions,
): Split<T extends Tensor ? Tensor : T extends readonly (infer E)[] ? E[] : T>;
export function chronologicalSplit(
  data: number | Sliceable,
  fractions: SplitFractions = {},
): Split<IndexRange> | Split<unknown> {
  const op = 'chronologicalSplit';
  checkOptions(op, fractions, ['train', 'validation', 'test']);
  const train = fractions.train ?? 0.7;
  const validation = fractions.validation ?? 0.15;
  const test = fractions.test ?? 0.15;
  for (const [name, f] of [
    ['train', train],
    ['validation', validation],
    ['test', test],
  ] as const) {
    if (typeof f !== 'number' || !Number.isFinite(f) || f < 0 || f > 1) {
      throw new ConfigError(`${op}: ${name} fraction must be a number in [0, 1]; got ${String(f)}`);
    }
  }
  const total = train + validation + test;
  if (total > 1 + EPS) {
    throw new ConfigError(
      `${op}: fractions must sum to at most 1; got train ${train} + validation ${validation} + test ${test} = ${total}` +
        ' (omitted fractions default to 0.7 / 0.15 / 0.15: set all three)',
    );
  }
  let n: number;
  if (typeof data === 'number') {
    if (!Number.isInteger(data) || data < 0)
      throw new ConfigError(`${op}: n must be a non-negative integer; got ${data}`);
    n = data;
  } else if (data instanceof Tensor) {
    if (data.ndim === 0)
      throw new ShapeError(`${op}: expected a tensor with at least one dimension, got a scalar`);
    n = data.shape[0];
  } else {
    n = data.length;
  }
  const cut = (f: number): number => (f >= 1 - EPS ? n : Math.min(n, Math.floor(n * f + EPS)));
  const b1 = cut(train);
  const b2 = cut(train + validation);
  const b3 = cut(total);
  const ranges: Split<IndexRange> = {
    train: { start: 0, end: b1 },
    validation: { start: b1, end: b2 },
    test: { start: b2, end: b3 },
  };
  if (typeof data === 'number') return ranges;
  const take = (r: IndexRange): unknown => {
    if (data instanceof Tensor) {
      const row = data.shape.slice(1).reduce((a, b) => a * b, 1);
      return new Tensor(data.data.slice(r.start * row, r.end * row), [
        r.end - r.start,
        ...data.shape.slice(1),
      ]);
    }
    return data.slice(r.start, r.end);
  };
  return { train: take(ranges.train), validation: take(ranges.validation), test: take(ranges.test) };
}
