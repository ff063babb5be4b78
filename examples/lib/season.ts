/*
 * Choosing the seasonal-naive baseline's season from the data, with the variogram
 * V(k) = mean((y[t] - y[t-k])^2): a season s is a lag where V has a local minimum that
 * dips to at most half of V's maximum over the shorter lags (the value one season back
 * is much closer than the values half a season back). White noise has a flat variogram
 * and a random walk a rising one, so neither gets a season; a trend only lifts V slowly,
 * so CO2 keeps its 12 months. With candidates from the date spacing (12 for monthly
 * data, 7 for daily, ...) only those lags are tried, else every lag up to a third of the
 * series (at most 500); of the lags that qualify, the shortest whose V is within 10% of V's
 * range of the deepest dip (the fundamental, not its multiples). No lag qualifies: no season (1), so a series
 * without one never gets a 12-month baseline just because its dates are monthly.
 */

/** The variogram of `y` at `lag`: the mean squared difference of points `lag` apart. */
export function variogram(y: ArrayLike<number>, lag: number): number {
  let s = 0;
  for (let t = lag; t < y.length; t++) s += (y[t] - y[t - lag]) ** 2;
  return s / Math.max(1, y.length - lag);
}

/** What {@link detectSeason} found. */
export interface SeasonChoice {
  /** The season (>= 2), or 1 when none was found. */
  season: number;
  /** V(season) / max V(k < season) at the chosen lag, or the lowest ratio seen (1 if none). */
  ratio: number;
  /** The ratio a lag must reach (at most). */
  threshold: number;
}

const THRESHOLD = 0.5;

/**
 * The season of `y` (pass the training part only), or 1.
 * @param candidates Lags to try (from the calendar); default every lag 2..min(n/3, 500).
 */
export function detectSeason(y: ArrayLike<number>, candidates?: readonly number[]): SeasonChoice {
  const maxLag = Math.min(Math.floor(y.length / 3), 500);
  const v = new Float64Array(maxLag + 2); // V(0..maxLag+1)
  for (let k = 1; k <= maxLag + 1 && k < y.length; k++) v[k] = variogram(y, k);
  const lags = [...(candidates ?? Array.from({ length: Math.max(0, maxLag - 1) }, (_, i) => i + 2))]
    .filter((l) => l >= 2 && l <= maxLag)
    .sort((a, b) => a - b);
  const found: [number, number][] = [];
  let lowest = 1;
  let before = 0; // max V(k) for k < lag, kept up as lags grow
  let k = 1;
  for (const lag of lags) {
    for (; k < lag; k++) before = Math.max(before, v[k]);
    if (before <= 0) continue;
    const ratio = v[lag] / before;
    lowest = Math.min(lowest, ratio);
    if (ratio <= THRESHOLD && v[lag] <= v[lag - 1] && v[lag] <= v[lag + 1]) found.push([lag, v[lag]]);
  }
  if (found.length === 0) return { season: 1, ratio: lowest, threshold: THRESHOLD };
  const deepest = Math.min(...found.map(([, vv]) => vv));
  const top = Math.max(...v);
  const [lag] = found.find(([, vv]) => vv <= deepest + 0.1 * top) as [number, number];
  let maxBefore = 0;
  for (let j = 1; j < lag; j++) maxBefore = Math.max(maxBefore, v[j]);
  return { season: lag, ratio: v[lag] / maxBefore, threshold: THRESHOLD };
}
