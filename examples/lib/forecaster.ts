/*
 * A trained forecaster: the model, its scalers, window, horizon, transform, feature
 * names and the residual bounds of its prediction interval (split-conformal, per step
 * ahead; examples/lib/forecasting.ts gathers the residuals). Forecasts from any
 * origin of a series (actual history before it), past the end of the data (blocks of
 * `horizon` steps, each block after the first fed the forecasts before it), and the
 * interval around each forecast.
 */
import { ConfigError, Tensor, type SequentialModel, type StandardScaler } from '../../src/index.js';

/** The residual bounds of an interval, per step ahead. */
export interface Interval {
  /** Nominal coverage, e.g. 0.8. */
  level: number;
  /** Lower conformal bound of actual - forecast (about its (1 - level) / 2 quantile), per step ahead (H,). */
  lower: number[];
  /** Upper conformal bound of actual - forecast (about its (1 + level) / 2 quantile), per step ahead (H,). */
  upper: number[];
  /** Residuals per step ahead the bounds come from. */
  origins: number;
}

export interface Forecaster {
  model: SequentialModel;
  window: number;
  horizon: number;
  transform: 'none' | 'diff';
  /** Feature columns fed beside the target (input channels 1..). */
  features: string[];
  /** Input channels' scaler: (rows, 1 + features), fitted on the training part. */
  xScaler: StandardScaler;
  /** Targets' scaler: (N, horizon) changes ('diff') or the level ('none', broadcast). */
  yScaler: StandardScaler;
  interval: Interval | null;
}

/** The model's input rows (n, C) row-major: target then features, differenced for 'diff' (row 0 unused). */
export function inputRows(y: Float64Array, features: Float64Array[], diff: boolean): Float64Array {
  const n = y.length;
  const cols = [y, ...features];
  const C = cols.length;
  const out = new Float64Array(n * C); // (n, C)
  for (let t = 0; t < n; t++) {
    for (let c = 0; c < C; c++)
      out[t * C + c] = diff ? (t === 0 ? 0 : cols[c][t] - cols[c][t - 1]) : cols[c][t];
  }
  return out;
}

/** Forecasts (B, H) in the data's units from each origin (the first unknown index; history before it). */
export function forecastFrom(
  f: Forecaster,
  y: Float64Array,
  features: Float64Array[],
  origins: readonly number[],
): number[][] {
  const W = f.window;
  const C = 1 + f.features.length;
  const diff = f.transform === 'diff';
  if (features.length !== f.features.length) {
    throw new ConfigError(
      `the forecaster reads ${f.features.length} feature column(s) (${f.features.join(', ') || 'none'}); got ${features.length}`,
    );
  }
  const need = W + (diff ? 1 : 0);
  const bad = origins.find((o) => o < need || o > y.length);
  if (bad !== undefined)
    throw new ConfigError(
      `a forecast needs ${need} known points before its origin (--window ${W}${diff ? ' + 1 for differences' : ''}); got ${Math.min(bad, y.length)}`,
    );
  const rows = inputRows(y, features, diff);
  const x = new Float32Array(origins.length * W * C); // (B, W, C)
  origins.forEach((org, b) => {
    const win = Array.from({ length: W }, (_, i) =>
      Array.from(rows.subarray((org - W + i) * C, (org - W + i + 1) * C)),
    );
    x.set(f.xScaler.transform(win).flat(), b * W * C);
  });
  const out = f.model.predict(new Tensor(x, [origins.length, W, C])); // (B, H) scaled
  const H = f.horizon;
  const scaledRows = Array.from({ length: origins.length }, (_, b) =>
    Array.from(out.data.subarray(b * H, (b + 1) * H), Number),
  );
  const units = f.yScaler.inverseTransform(scaledRows);
  return units.map((r, b) => (diff ? r.map((v) => y[origins[b] - 1] + v) : r));
}

/**
 * Split-conformal bounds of a sample of residuals: the order statistics of ranks
 * floor((n + 1)(1 - level) / 2) and ceil((n + 1)(1 + level) / 2) (1-based) of the n sorted
 * residuals, the finite-sample correction that makes the band cover at least `level` of
 * a new residual exchangeable with them. With fewer than (1 + level) / (1 - level)
 * residuals the ranks are clamped to 1 and n (the sample's range: the band is then
 * narrower than the level asks).
 */
export function conformalBounds(residuals: readonly number[], level: number): [number, number] {
  const n = residuals.length;
  if (n === 0) throw new ConfigError('conformalBounds: no residuals to take quantiles of');
  const s = [...residuals].sort((a, b) => a - b);
  const eps = 1e-9; // (n + 1) * (1 - 0.8) / 2 is 1.9999999999999996 for n = 19: the rank is 2
  const lo = Math.min(n, Math.max(1, Math.floor((n + 1) * ((1 - level) / 2) + eps)));
  const hi = Math.max(1, Math.min(n, Math.ceil((n + 1) * ((1 + level) / 2) - eps)));
  return [s[lo - 1], s[hi - 1]];
}

/**
 * The interval of residuals (actual - forecast) per step ahead: `residuals[h]` holds the
 * residuals at step h + 1 (each from an origin whose value h steps on is known), and
 * {@link conformalBounds} of each gives that step's band. `origins` is the count behind
 * each step.
 */
export function residualInterval(residuals: readonly (readonly number[])[], level: number): Interval {
  const lower: number[] = [];
  const upper: number[] = [];
  for (const res of residuals) {
    const [lo, hi] = conformalBounds(res, level);
    lower.push(lo);
    upper.push(hi);
  }
  return { level, lower, upper, origins: Math.min(...residuals.map((r) => r.length)) };
}

/** The residuals actual - forecast per step ahead (H arrays) of forecasts `preds` from `origins` (blocks wholly known). */
export function residualsOf(
  y: Float64Array,
  origins: readonly number[],
  preds: readonly (readonly number[])[],
  H: number,
): number[][] {
  return Array.from({ length: H }, (_, h) => origins.map((o, b) => y[o + h] - preds[b][h]));
}

/**
 * The interval around a forecast `h` steps into block `block` (0 = the first `horizon`
 * steps past the origin). Later blocks start from forecasts, so their band is widened as
 * if the errors of the blocks before added up independently (a root-sum-of-squares of the
 * last step's quantile per earlier block).
 */
export function intervalOf(f: Forecaster, forecast: number, h: number, block = 0): [number, number] {
  const iv = f.interval;
  if (iv === null) return [NaN, NaN];
  const H = f.horizon;
  const widen = (q: number, qH: number): number => Math.sqrt(block * qH * qH + q * q) - Math.abs(q);
  return [
    forecast + iv.lower[h] - widen(iv.lower[h], iv.lower[H - 1]),
    forecast + iv.upper[h] + widen(iv.upper[h], iv.upper[H - 1]),
  ];
}

/** Forecasts of the `steps` points after the end of `y`, with their interval. */
export function forecastFuture(
  f: Forecaster,
  y: Float64Array,
  features: Float64Array[],
  steps: number,
): { values: Float64Array; lower: Float64Array; upper: Float64Array } {
  const H = f.horizon;
  if (!Number.isInteger(steps) || steps < 1)
    throw new ConfigError(`--future must be a positive integer; got ${steps}`);
  if (f.features.length > 0 && steps > H) {
    throw new ConfigError(
      `with --features the future reaches only one horizon (the features' future is unknown); expected --future <= ${H}, got ${steps}`,
    );
  }
  const values = new Float64Array(steps);
  const lower = new Float64Array(steps);
  const upper = new Float64Array(steps);
  let hist = y;
  for (let b = 0; b * H < steps; b++) {
    const [block] = forecastFrom(f, hist, features, [hist.length]);
    for (let h = 0; h < H && b * H + h < steps; h++) {
      const s = b * H + h;
      values[s] = block[h];
      [lower[s], upper[s]] = intervalOf(f, block[h], h, b);
    }
    const next = new Float64Array(hist.length + H);
    next.set(hist);
    next.set(block, hist.length);
    hist = next;
  }
  return { values, lower, upper };
}
