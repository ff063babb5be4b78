/*
 * The baselines every forecast is compared with, and the error measures: the naive
 * forecast (the last known value) and the seasonal naive (the value one season earlier),
 * both from the same origins as the model.
 */

/** Errors of one forecaster over the tail. */
export interface Errors {
  rmse: number;
  mae: number;
}

export function errors(actual: ArrayLike<number>, pred: ArrayLike<number>): Errors {
  let se = 0;
  let ae = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = pred[i] - actual[i];
    se += d * d;
    ae += Math.abs(d);
  }
  return { rmse: Math.sqrt(se / actual.length), mae: ae / actual.length };
}

/** The baseline's description. */
export function baselineName(season: number): string {
  return season <= 1 ? 'naive (last known value)' : `seasonal naive (value ${season} steps earlier)`;
}

/**
 * The (seasonal-)naive forecast of y[testStart..]: origins every `horizon` steps, each
 * point y[t - season * k] with the smallest k reaching a value known at its origin.
 */
export function naiveForecast(
  y: Float64Array,
  testStart: number,
  horizon: number,
  season: number,
): Float64Array {
  const s = Math.max(1, season);
  const out = new Float64Array(y.length - testStart);
  for (let org = testStart; org < y.length; org += horizon) {
    for (let h = 0; h < horizon && org + h < y.length; h++) {
      const k = Math.floor(h / s) + 1;
      out[org + h - testStart] = y[org + h - k * s];
    }
  }
  return out;
}
