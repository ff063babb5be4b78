import { checkOptions } from '../core/check.js';
import { ConfigError, FormatError } from '../core/errors.js';
import { Scaler } from './scaler.js';

/**
 * Options of {@link MinMaxScaler}.
 *
 * @example
 * const scaler = new MinMaxScaler({ featureRange: [-1, 1] }).fit(series);
 */
export interface MinMaxScalerOptions {
  /** The target range `[min, max]` with `min < max`. Default `[0, 1]`. */
  featureRange?: readonly [number, number];
}

/**
 * The JSON form of a {@link MinMaxScaler} (`dataMin`/`dataMax` are null before fit).
 *
 * @example
 * const json: MinMaxScalerJSON = new MinMaxScaler().fit([1, 2, 3]).toJSON();
 * const scaler = MinMaxScaler.fromJSON(json);
 */
export interface MinMaxScalerJSON {
  type: 'MinMaxScaler';
  featureRange: [number, number];
  dataMin: number[] | null;
  dataMax: number[] | null;
}

/**
 * Scales each feature to `featureRange` using the minimum and maximum seen by `fit`, like
 * scikit-learn's `MinMaxScaler`: `z = (x - dataMin) / (dataMax - dataMin) * (max - min) + min`.
 * A constant feature (`dataMax === dataMin`) maps to `min`, never NaN. Values outside the
 * fitted range map outside `featureRange` (no clipping).
 *
 * Input is 1-D (one feature) or 2-D `(n, F)` (per column); see {@link Scaler}. Fit on the
 * training data only, then transform every split with the same scaler; `inverseTransform`
 * maps predictions back to the original units.
 *
 * @example
 * const scaler = new MinMaxScaler({ featureRange: [-1, 1] });
 * const trainZ = scaler.fitTransform(train);     // train: number[] | Float32Array | Tensor (n, F) ...
 * const testZ = scaler.transform(test);
 * const pred = scaler.inverseTransform(modelOutput);
 * const copy = MinMaxScaler.fromJSON(JSON.parse(JSON.stringify(scaler)));
 */
export class MinMaxScaler extends Scaler {
  protected readonly name = 'MinMaxScaler';
  /** The target range `[min, max]`. */
  readonly featureRange: readonly [number, number];

  constructor(options: MinMaxScalerOptions = {}) {
    super();
    checkOptions('MinMaxScaler', options, ['featureRange']);
    const range = options.featureRange ?? [0, 1];
    if (
      !Array.isArray(range) ||
      range.length !== 2 ||
      !Number.isFinite(range[0]) ||
      !Number.isFinite(range[1]) ||
      !(range[0] < range[1])
    ) {
      throw new ConfigError(
        `MinMaxScaler: featureRange must be [min, max] with finite min < max; expected e.g. [0, 1], got ${JSON.stringify(range) ?? String(range)}`,
      );
    }
    this.featureRange = Object.freeze<[number, number]>([range[0], range[1]]);
  }

  /** Per-feature minimum of the fitted data (a copy; null before fit). */
  get dataMin(): Float64Array | null {
    return this.stat(0);
  }

  /** Per-feature maximum of the fitted data (a copy; null before fit). */
  get dataMax(): Float64Array | null {
    return this.stat(1);
  }

  protected fitMatrix(values: ArrayLike<number>, rows: number, cols: number): [Float64Array, Float64Array] {
    const min = new Float64Array(cols).fill(Infinity);
    const max = new Float64Array(cols).fill(-Infinity);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = values[r * cols + c];
        if (v < min[c]) min[c] = v;
        if (v > max[c]) max[c] = v;
      }
    }
    return [min, max];
  }

  protected affine(c: number): [number, number, number] {
    const [lo, hi] = this.featureRange;
    const [dataMin, dataMax] = this.stats as readonly [Float64Array, Float64Array];
    const min = dataMin[c];
    const range = dataMax[c] - min;
    // sklearn treats a zero range as 1, so a constant feature maps to featureRange[0]
    const div = (range === 0 ? 1 : range) / (hi - lo);
    return [min, div, lo];
  }

  /** The options and fitted statistics as plain JSON data. */
  toJSON(): MinMaxScalerJSON {
    return {
      type: 'MinMaxScaler',
      featureRange: [this.featureRange[0], this.featureRange[1]],
      dataMin: this.statJSON(0),
      dataMax: this.statJSON(1),
    };
  }

  /**
   * Rebuilds a scaler from `toJSON()` output. Everything is validated before anything is
   * assigned. @throws FormatError on a malformed object.
   */
  static fromJSON(json: unknown): MinMaxScaler {
    const op = 'MinMaxScaler.fromJSON';
    const obj = Scaler.checkType(json, 'MinMaxScaler', op);
    const range = obj.featureRange;
    if (
      !Array.isArray(range) ||
      range.length !== 2 ||
      !range.every((v) => typeof v === 'number' && Number.isFinite(v)) ||
      !(range[0] < range[1])
    ) {
      throw new FormatError(
        `${op}: "featureRange" must be [min, max] with finite min < max; got ${JSON.stringify(range) ?? String(range)}`,
      );
    }
    const stats = Scaler.readStats(obj, ['dataMin', 'dataMax'], op);
    if (stats !== null) {
      const [min, max] = stats;
      for (let c = 0; c < min.length; c++) {
        if (!(min[c] <= max[c]))
          throw new FormatError(
            `${op}: dataMin must not exceed dataMax; got ${min[c]} > ${max[c]} at feature ${c}`,
          );
      }
    }
    return new MinMaxScaler({ featureRange: [range[0] as number, range[1] as number] }).restore(stats);
  }
}
