import { showValue } from '../core/check.js';
import { allocateFloat } from '../core/dtype.js';
import { DTypeError, FormatError, ShapeError, StateError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { asMatrix, type NumericData } from './as-matrix.js';

/**
 * What a scaler's `transform`, `inverseTransform` and `fitTransform` return for data of
 * type `D`: the same kind of container (arrays of numbers come back as new, mutable arrays).
 *
 * @example
 * const z: number[] = new StandardScaler().fitTransform([1, 2, 3]); // Scaled<number[]>
 */
export type Scaled<D extends NumericData> = D extends Tensor
  ? Tensor
  : D extends Float32Array
    ? Float32Array
    : D extends Float64Array
      ? Float64Array
      : D extends readonly (readonly number[])[]
        ? number[][]
        : D extends readonly number[]
          ? number[]
          : NumericData;

/**
 * The shared front of `MinMaxScaler` and `StandardScaler`: per-feature affine scaling.
 *
 * Data is 1-D (`number[]`, `Float32Array`, `Float64Array`, 1-D tensor: one feature) or
 * 2-D (`number[][]` or a tensor `(n, F)`: one statistic per column). Tensors of higher rank,
 * such as windows `(N, L, F)`, are scaled per last-dimension feature. `transform` and
 * `inverseTransform` return the same kind of container as their input (same shape and
 * float dtype for tensors), and never modify the input.
 *
 * A scaler fitted on ONE feature also takes data with several columns and applies that
 * feature's statistics to each: `(N, horizon)` predictions of a univariate series go back
 * to the data's units with `inverseTransform(pred)`.
 *
 * Fit on the training split only (`chronologicalSplit`), then transform the training,
 * validation and test data with the same fitted scaler; fitting on all data leaks the
 * future into training.
 *
 * @example
 * const s = new StandardScaler().fit(train);
 * const z = s.transform(test);
 * const back = s.inverseTransform(z); // equals test up to rounding
 * const units = s.inverseTransform(model.predict(x)); // (N, horizon) predictions of the series
 */
export abstract class Scaler {
  /** The class name used in messages and in `toJSON().type`. */
  protected abstract readonly name: string;

  /**
   * The two per-feature statistics of the fitted data, each `(F,)`: MinMaxScaler's
   * minimum and maximum, StandardScaler's mean and standard deviation. Null before fit.
   */
  protected stats: readonly [Float64Array, Float64Array] | null = null;

  /** Number of features seen by `fit` (null before fit). */
  get nFeatures(): number | null {
    return this.stats === null ? null : this.stats[0].length;
  }

  /** Whether `fit` has been called (or the scaler was loaded from a fitted JSON). */
  get fitted(): boolean {
    return this.nFeatures !== null;
  }

  /** The two per-feature statistics (see `stats`) of `values`, a row-major `(rows, cols)` matrix. */
  protected abstract fitMatrix(
    values: ArrayLike<number>,
    rows: number,
    cols: number,
  ): [Float64Array, Float64Array];

  /**
   * The coefficients of column `c`: `transform(v) = (v - sub) / div + add` and
   * `inverseTransform(z) = (z - add) * div + sub`; `div` is never 0.
   */
  protected abstract affine(c: number): [sub: number, div: number, add: number];

  /**
   * Learns the per-feature statistics of `data` (the training data) and returns `this`.
   * @throws ShapeError on empty or ragged data; FormatError on NaN or infinite values.
   */
  fit(data: NumericData): this {
    const m = asMatrix(data, `${this.name}.fit`, true);
    if (m.rows === 0 || m.cols === 0) {
      throw new ShapeError(
        `${this.name}.fit: expected at least one sample and one feature, got ${m.rows} x ${m.cols}`,
      );
    }
    const v = m.values;
    for (let r = 0; r < m.rows; r++) {
      for (let c = 0; c < m.cols; c++) {
        const x = v[r * m.cols + c];
        if (!Number.isFinite(x)) {
          throw new FormatError(
            `${this.name}.fit: expected finite values; got ${x} at row ${r}, column ${c}`,
          );
        }
      }
    }
    this.stats = this.fitMatrix(v, m.rows, m.cols);
    return this;
  }

  /** Scales `data` with the fitted statistics. Same container, shape and dtype as the input. */
  transform<D extends NumericData>(data: D): Scaled<D> {
    return this.apply(data, 'transform', false) as Scaled<D>;
  }

  /** Undoes `transform` (e.g. maps predictions back to the original units). */
  inverseTransform<D extends NumericData>(data: D): Scaled<D> {
    return this.apply(data, 'inverseTransform', true) as Scaled<D>;
  }

  /** `fit(data)` then `transform(data)`. */
  fitTransform<D extends NumericData>(data: D): Scaled<D> {
    return this.fit(data).transform(data);
  }

  /** A copy of statistic `i` (see `stats`), or null before fit: the public getters' value. */
  protected stat(i: 0 | 1): Float64Array | null {
    return this.stats === null ? null : this.stats[i].slice();
  }

  /** Statistic `i` (see `stats`) as a plain array, or null before fit: for `toJSON`. */
  protected statJSON(i: 0 | 1): number[] | null {
    return this.stats === null ? null : Array.from(this.stats[i]);
  }

  private apply(data: NumericData, method: string, inverse: boolean): NumericData {
    const op = `${this.name}.${method}`;
    const n = this.nFeatures;
    if (n === null) throw new StateError(`${op}: the scaler is not fitted; call fit(trainData) first`);
    if (data instanceof Tensor && data.dtype === 'int32') {
      throw new DTypeError(`${op}: expected a float tensor (float32 or float64), got int32`);
    }
    const m = asMatrix(data, op, true);
    // one fitted feature scales any number of columns (e.g. predictions (N, horizon) of one series)
    const broadcast = n === 1 && m.cols > 1;
    if (m.cols !== n && !broadcast && !(m.rows === 0 && m.cols === 0)) {
      throw new ShapeError(`${op}: number of features must match fit; expected ${n}, got ${m.cols}`);
    }
    const cols = m.cols;
    const sub = new Float64Array(cols); // (cols,)
    const div = new Float64Array(cols); // (cols,)
    const add = new Float64Array(cols); // (cols,)
    for (let c = 0; c < cols; c++) [sub[c], div[c], add[c]] = this.affine(broadcast ? 0 : c);
    const src = m.values; // (rows, cols)
    const len = m.rows * cols;
    const out = new Float64Array(len); // (rows, cols)
    if (inverse) {
      for (let i = 0; i < len; i++) {
        const c = i % cols;
        out[i] = (src[i] - add[c]) * div[c] + sub[c];
      }
    } else {
      for (let i = 0; i < len; i++) {
        const c = i % cols;
        out[i] = (src[i] - sub[c]) / div[c] + add[c];
      }
    }
    return rebuild(data, out, m.oneDim, cols);
  }

  /** A plain-object snapshot of the options and fitted statistics (JSON-serialisable). */
  abstract toJSON(): object;

  /** Reads `json[key]` as an array of finite numbers (or null when `nullable`); FormatError otherwise. */
  protected static numberArray(json: Record<string, unknown>, key: string, op: string): number[] | null {
    const v = json[key];
    if (v === null) return null;
    if (!Array.isArray(v) || !v.every((e) => typeof e === 'number' && Number.isFinite(e))) {
      throw new FormatError(
        `${op}: "${key}" must be an array of finite numbers or null; got ${showValue(v)}`,
      );
    }
    return v as number[];
  }

  /**
   * Reads the two statistics of a `toJSON()` object, under `keys`: both null (an unfitted
   * scaler), or non-empty arrays of finite numbers of one length; FormatError otherwise.
   */
  protected static readStats(
    json: Record<string, unknown>,
    keys: readonly [string, string],
    op: string,
  ): [number[], number[]] | null {
    const a = Scaler.numberArray(json, keys[0], op);
    const b = Scaler.numberArray(json, keys[1], op);
    if (
      (a === null) !== (b === null) ||
      (a !== null && b !== null && (a.length !== b.length || a.length === 0))
    ) {
      throw new FormatError(
        `${op}: "${keys[0]}" and "${keys[1]}" must both be null or non-empty arrays of equal length; got lengths ${a?.length ?? 'null'} and ${b?.length ?? 'null'}`,
      );
    }
    return a === null || b === null ? null : [a, b];
  }

  /** Takes the statistics `readStats` returned (fromJSON, once everything is checked); returns `this`. */
  protected restore(stats: readonly [number[], number[]] | null): this {
    this.stats = stats === null ? null : [Float64Array.from(stats[0]), Float64Array.from(stats[1])];
    return this;
  }

  /** Checks that `json` is an object whose `type` is `type`; FormatError otherwise. */
  protected static checkType(json: unknown, type: string, op: string): Record<string, unknown> {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new FormatError(
        `${op}: expected an object from toJSON(), got ${json === null ? 'null' : typeof json}`,
      );
    }
    const obj = json as Record<string, unknown>;
    if (obj.type !== type)
      throw new FormatError(`${op}: expected type "${type}", got ${JSON.stringify(obj.type) ?? 'undefined'}`);
    return obj;
  }
}

function rebuild(like: NumericData, out: Float64Array, oneDim: boolean, cols: number): NumericData {
  if (like instanceof Tensor) {
    const data = allocateFloat(like.dtype === 'float64' ? 'float64' : 'float32', out.length);
    data.set(out);
    return new Tensor(data, like.shape);
  }
  if (like instanceof Float32Array) return Float32Array.from(out);
  if (like instanceof Float64Array) return out;
  if (oneDim) return Array.from(out);
  const rows: number[][] = [];
  for (let r = 0; r < out.length / cols; r++) rows.push(Array.from(out.subarray(r * cols, (r + 1) * cols)));
  return rows;
}
