import { checkOptions } from '../core/check.js';
import { allocateFloat, getDefaultDtype, type FloatDType } from '../core/dtype.js';
import { ConfigError, ShapeError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { asMatrix, type NumericData } from './as-matrix.js';

/**
 * Options of {@link timeseriesWindows}.
 *
 * @example
 * const { x, y } = timeseriesWindows(series, { window: 24, horizon: 12, stride: 1 });
 */
export interface TimeseriesWindowOptions {
  /** Input time steps per sample (`L` of a batchFirst LSTM input). Required, >= 1. */
  window: number;
  /** Future time steps to predict after each window. Default 1. */
  horizon?: number;
  /** Time steps between the starts of consecutive windows. Default 1. */
  stride?: number;
  /**
   * Which feature columns form the target. A single index gives `y` of shape
   * `(N, horizon)`; an array of indices gives `(N, horizon, Ft)` with `Ft = length`.
   * Default: column 0 as a single index for 1-D series, all columns (as an array) for 2-D series.
   */
  targetColumns?: number | readonly number[];
  /**
   * Element type of `x` and `y`. Default: the input's (float32 / float64 typed arrays and
   * float tensors); `getDefaultDtype()` for plain arrays and int32 tensors.
   */
  dtype?: FloatDType;
}

/**
 * The samples produced by {@link timeseriesWindows}.
 *
 * @example
 * const { x, y } = timeseriesWindows(Float32Array.from([1, 2, 3, 4, 5]), { window: 3 });
 * // x (2, 3, 1): [1,2,3], [2,3,4]; y (2, 1): 4, 5
 */
export interface TimeseriesWindows {
  /** Inputs, shape `(N, window, F)`: batch first, ready for `new LSTM(F, H, { batchFirst: true })`. */
  x: Tensor;
  /** Targets, shape `(N, horizon)` (single target column) or `(N, horizon, Ft)` (array of target columns). */
  y: Tensor;
}

function checkPositive(value: number, name: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError(
      `timeseriesWindows: ${name} must be a positive integer; expected >= 1, got ${String(value)}`,
    );
  }
}

/**
 * Cuts a series into supervised (input window, future target) samples for sequence models.
 *
 * `series` is univariate (`number[]`, `Float32Array`, `Float64Array`, or a 1-D tensor of
 * length `T`, read as `F = 1` feature) or multivariate (a 2-D tensor or `number[][]` of
 * shape `(T, F)`: time steps by features). Sample `i` starts at time `s = i * stride`:
 *
 * - `x[i, t, f] = series[s + t, f]` for `t < window`: shape `(N, window, F)`;
 * - `y[i, h] = series[s + window + h, c]` (single target column `c`): shape `(N, horizon)`,
 *   or `y[i, h, j] = series[s + window + h, targetColumns[j]]`: shape `(N, horizon, Ft)`;
 *
 * with `N = floor((T - window - horizon) / stride) + 1` (the last, incomplete steps are
 * dropped). By default a 1-D series gives `y` of shape `(N, horizon)` and a 2-D series
 * `(N, horizon, F)` (all columns); pass `targetColumns: 0` to predict column 0 only as
 * `(N, horizon)`, or `targetColumns: [0, 2]` for `(N, horizon, 2)`.
 *
 * Scale the series first (see `MinMaxScaler`, `StandardScaler`), fitting the scaler on the
 * training part only. The outputs are new tensors that do not share memory with `series`.
 *
 * @throws ConfigError when `window`, `horizon` or `stride` is not a positive integer, or a
 *   target column is out of range.
 * @throws ShapeError when the series is shorter than `window + horizon` or is not 1-D / 2-D.
 * @example
 * const { x, y } = timeseriesWindows([1, 2, 3, 4, 5, 6], { window: 3 });
 * // x: shape [3, 3, 1] = [[[1],[2],[3]], [[2],[3],[4]], [[3],[4],[5]]]; y: shape [3, 1] = [[4], [5], [6]]
 * const m = timeseriesWindows(tensor([[1, 10], [2, 20], [3, 30], [4, 40]]), { window: 2, targetColumns: 1 });
 * // m.x: [2, 2, 2]; m.y: [2, 1] = [[30], [40]]
 */
export function timeseriesWindows(series: NumericData, options: TimeseriesWindowOptions): TimeseriesWindows {
  const op = 'timeseriesWindows';
  if (options === undefined || options === null || typeof options !== 'object') {
    throw new ConfigError(
      `${op}: options with a window size are required, e.g. { window: 12 }; got ${String(options)}`,
    );
  }
  checkOptions(op, options, ['window', 'horizon', 'stride', 'targetColumns', 'dtype']);
  const { window } = options;
  const horizon = options.horizon ?? 1;
  const stride = options.stride ?? 1;
  checkPositive(window, 'window');
  checkPositive(horizon, 'horizon');
  checkPositive(stride, 'stride');
  const m = asMatrix(series, op);
  const T = m.rows;
  const F = m.cols;
  if (F === 0)
    throw new ShapeError(`${op}: series must have at least one feature column; got shape [${T}, 0]`);
  if (T < window + horizon) {
    throw new ShapeError(
      `${op}: series length must be at least window + horizon = ${window} + ${horizon}; expected >= ${window + horizon}, got ${T}`,
    );
  }
  const targetSpec = options.targetColumns ?? (m.oneDim ? 0 : Array.from({ length: F }, (_, i) => i));
  const single = typeof targetSpec === 'number';
  const targets: readonly number[] = single ? [targetSpec] : targetSpec;
  if (!single && targets.length === 0)
    throw new ConfigError(`${op}: targetColumns must not be empty; expected at least one column index`);
  const seen = new Set<number>();
  for (const c of targets) {
    if (!Number.isInteger(c) || c < 0 || c >= F) {
      throw new ConfigError(
        `${op}: targetColumns out of range; expected integers in [0, ${F - 1}], got ${String(c)}`,
      );
    }
    if (seen.has(c)) throw new ConfigError(`${op}: targetColumns must be distinct; got column ${c} twice`);
    seen.add(c);
  }
  const dtype = options.dtype ?? m.dtype ?? getDefaultDtype();
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new ConfigError(`${op}: dtype must be 'float32' or 'float64'; got ${String(dtype)}`);
  }
  const N = Math.floor((T - window - horizon) / stride) + 1;
  const Ft = targets.length;
  const src = m.values; // (T, F)
  const xData = allocateFloat(dtype, N * window * F); // (N, window, F)
  const yData = allocateFloat(dtype, N * horizon * Ft); // (N, horizon, Ft)
  for (let i = 0; i < N; i++) {
    const s = i * stride;
    const xBase = i * window * F;
    const srcBase = s * F;
    for (let k = 0; k < window * F; k++) xData[xBase + k] = src[srcBase + k];
    for (let h = 0; h < horizon; h++) {
      const row = (s + window + h) * F;
      const yBase = (i * horizon + h) * Ft;
      for (let j = 0; j < Ft; j++) yData[yBase + j] = src[row + targets[j]];
    }
  }
  return {
    x: new Tensor(xData, [N, window, F]),
    y: new Tensor(yData, single ? [N, horizon] : [N, horizon, Ft]),
  };
}
