import { checkOptions } from '../core/check.js';
import { FormatError } from '../core/errors.js';
import { Scaler } from './scaler.js';

/**
 * The JSON form of a {@link StandardScaler} (`mean`/`std` are null before fit).
 *
 * @example
 * const json: StandardScalerJSON = new StandardScaler().fit([1, 2, 3]).toJSON();
 * const scaler = StandardScaler.fromJSON(json);
 */
export interface StandardScalerJSON {
  type: 'StandardScaler';
  mean: number[] | null;
  std: number[] | null;
}

/**
 * Standardises each feature to zero mean and unit variance, like scikit-learn's
 * `StandardScaler`: `z = (x - mean) / std` with the population standard deviation
 * (`ddof = 0`, dividing by `n`). A constant feature (`std === 0`) is divided by 1, so it
 * maps to 0, never NaN.
 *
 * Input is 1-D (one feature) or 2-D `(n, F)` (per column); see {@link Scaler}. Fit on the
 * training data only, then transform every split with the same scaler.
 *
 * @example
 * const scaler = new StandardScaler().fit([[1, 10], [3, 10]]);
 * scaler.mean;                        // Float64Array [2, 10]
 * scaler.transform([[1, 10]]);        // [[-1, 0]]
 * scaler.inverseTransform([[-1, 0]]); // [[1, 10]]
 */
export class StandardScaler extends Scaler {
  protected readonly name = 'StandardScaler';

  /**
   * A scaler to `fit`. It takes no options: mean and standard deviation are always
   * both used (scikit-learn's `with_mean` / `with_std` are not supported, so an options
   * object with any key is a ConfigError).
   */
  constructor(options: Record<string, never> = {}) {
    super();
    checkOptions('StandardScaler', options, []);
  }

  /** Per-feature mean of the fitted data (a copy; null before fit). */
  get mean(): Float64Array | null {
    return this.stat(0);
  }

  /** Per-feature population standard deviation of the fitted data (a copy; null before fit). */
  get std(): Float64Array | null {
    return this.stat(1);
  }

  protected fitMatrix(values: ArrayLike<number>, rows: number, cols: number): [Float64Array, Float64Array] {
    const mean = new Float64Array(cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] += values[r * cols + c];
    for (let c = 0; c < cols; c++) mean[c] /= rows;
    // two-pass variance: exact zero for constant columns, no cancellation
    const std = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const d = values[r * cols + c] - mean[c];
        std[c] += d * d;
      }
    }
    for (let c = 0; c < cols; c++) std[c] = Math.sqrt(std[c] / rows);
    return [mean, std];
  }

  protected affine(c: number): [number, number, number] {
    const [mean, std] = this.stats as readonly [Float64Array, Float64Array];
    return [mean[c], std[c] === 0 ? 1 : std[c], 0];
  }

  /** The fitted statistics as plain JSON data. */
  toJSON(): StandardScalerJSON {
    return {
      type: 'StandardScaler',
      mean: this.statJSON(0),
      std: this.statJSON(1),
    };
  }

  /**
   * Rebuilds a scaler from `toJSON()` output, validating everything first.
   * @throws FormatError on a malformed object.
   */
  static fromJSON(json: unknown): StandardScaler {
    const op = 'StandardScaler.fromJSON';
    const obj = Scaler.checkType(json, 'StandardScaler', op);
    const stats = Scaler.readStats(obj, ['mean', 'std'], op);
    if (stats !== null) {
      const std = stats[1];
      const bad = std.findIndex((v) => v < 0);
      if (bad >= 0)
        throw new FormatError(`${op}: "std" must be non-negative; got ${std[bad]} at feature ${bad}`);
    }
    return new StandardScaler().restore(stats);
  }
}
