/*
 * The forecasting pipeline shared by examples/sine.ts, examples/forecast.ts and
 * `longshort forecast`: a series (and optional feature columns) -> chronological split
 * (train | validation | held-out test tail) -> scalers fitted on the training part only
 * -> windows -> an LSTM -> Dense(horizon) model trained with early stopping on the
 * validation slice -> DIRECT multi-step forecasts over the test tail, with prediction
 * intervals, against two baselines.
 *
 * Forecasting protocol (the same information for the model and the baselines): the tail
 * is cut into blocks of `horizon` steps; for each block the origin is its first point,
 * everything before it is known (actual values, never the model's own predictions), and
 * every forecaster predicts the whole block at once:
 * - the model maps the last `window` (transformed, scaled) rows of target and features
 *   to `horizon` outputs (direct multi-step: one Dense output per step ahead);
 * - the naive baseline repeats the last known value;
 * - the seasonal-naive baseline repeats the value one season earlier, y[t - season * k]
 *   with the smallest k that reaches a known value.
 *
 * Prediction intervals (split-conformal on refit folds): the residuals come from forecasts
 * that no model was trained or early-stopped on. With V the validation length and t_f =
 * the tail's start - (f - 1) V, fold f = 1..K (default 2) refits a model with the same
 * settings on the points before t_f - 2V, early-stopped on [t_f - 2V, t_f - V), and lets
 * it forecast every origin of [t_f - V, t_f) whose block ends inside (fold 1: the main
 * model's validation slice; fold 2: the slice before). Those residuals, pooled over the
 * folds, give per step ahead the band's conformal bounds: the order statistics of ranks
 * floor((n + 1)(1 - level) / 2) and ceil((n + 1)(1 + level) / 2) of the n residuals (for
 * 80%, about their 10% and 90% quantiles). The main model's own validation residuals come
 * out too small: early stopping picked the epoch that fits them best
 * (scripts/eval-intervals.mjs measures both on pseudo-tails); `intervalFolds: 0` uses them
 * anyway. The tail never enters the interval, so the share of tail points inside the band
 * is an honest coverage figure.
 *
 * Transforms: 'none' models the scaled levels; 'diff' feeds first differences
 * y[t] - y[t-1] (features too) and predicts the change from the last known value,
 * y[o+h] - y[o-1], which lets a trending series (CO2, prices) leave the range seen in training.
 */
import {
  ConfigError,
  Generator,
  StandardScaler,
  Tensor,
  callbacks,
  chronologicalSplit,
  layers,
  manualSeed,
  sequential,
  type Callback,
  type Logs,
  type SequentialModel,
} from '../../src/index.js';
import { baselineName, errors, naiveForecast, type Errors } from './baselines.js';
import type { Forecaster } from './forecaster.js';
import { forecastFrom, inputRows, intervalOf, residualInterval, residualsOf } from './forecaster.js';

export { baselineName, errors, type Errors } from './baselines.js';

/** Settings of {@link runForecast}. */
export interface ForecastOptions {
  /** Name of the series (titles, log). */
  name: string;
  /** Input steps per sample. */
  window: number;
  /** Steps predicted at once (direct multi-step). */
  horizon: number;
  /** Points held out at the end as the test tail. */
  test: number;
  /** Points before the tail used for early stopping and the interval residuals. */
  validation: number;
  /** Seasonal period of the seasonal-naive baseline; 1 = none (that row is left out). */
  season: number;
  transform: 'none' | 'diff';
  hidden: number;
  layers: number;
  epochs: number;
  /** Early-stopping patience (epochs without a better validation loss). */
  patience: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** Nominal coverage of the prediction interval, in (0, 1). Default 0.8. */
  level?: number;
  /**
   * Refit folds behind the interval's residuals (see the file comment); 0: the model's own
   * validation residuals. Default: 2, or as many as the series holds (fewer are printed).
   */
  intervalFolds?: number;
  /** Print a line every this many epochs (0: none). */
  logEvery: number;
  /** Where lines go. */
  log: (line: string) => void;
  /** Rewrites a live progress line (terminals), or nothing. */
  progress?: (line: string) => void;
}

/** What {@link runForecast} returns. */
export interface ForecastResult {
  /** Index of the first held-out point. */
  testStart: number;
  /** Held-out actual values and the model's forecasts (same length). */
  actual: Float64Array;
  predicted: Float64Array;
  /** The prediction interval around `predicted`. */
  lower: Float64Array;
  upper: Float64Array;
  /** Share of `actual` inside [lower, upper], and the nominal level. */
  coverage: number;
  level: number;
  /** Residuals per step ahead behind the interval's bounds. */
  intervalOrigins: number;
  /** Refit folds those residuals come from (0: the model's validation residuals). */
  intervalFolds: number;
  /** The baselines over the tail: naive (last value) always, seasonal naive when season > 1. */
  baselines: { name: string; forecast: Float64Array; errors: Errors }[];
  model: Errors;
  epochsRun: number;
  bestEpoch: number;
  bestValLoss: number;
  trainSeconds: number;
  trainSamples: number;
  valSamples: number;
  blocks: number;
  /** The trained forecaster (model, scalers, interval): forecasts past the end, saves. */
  forecaster: Forecaster;
}

/** Refit folds of the interval when the series holds them (chosen by scripts/eval-intervals.mjs). */
export const DEFAULT_INTERVAL_FOLDS = 2;

/** Keeps the weights of the epoch with the lowest val_loss and puts them back at the end. */
class KeepBest implements Callback {
  best = Infinity;
  bestEpoch = -1;
  private weights: Map<string, Tensor> | null = null;
  constructor(private readonly model: SequentialModel) {}
  onEpochEnd(epoch: number, logs: Logs): void {
    const v = logs.val_loss;
    if (v !== undefined && v < this.best) {
      this.best = v;
      this.bestEpoch = epoch;
      this.weights = this.model.getWeights();
    }
  }
  onTrainEnd(): void {
    if (this.weights !== null) this.model.setWeights(this.weights);
  }
}

/** Checks that the series is long enough for the split and the windows. */
function checkSizes(n: number, o: ForecastOptions): void {
  const need = o.window + (o.transform === 'diff' ? 1 : 0) + o.horizon; // one training sample
  const trainLen = n - o.test - o.validation;
  const problems: string[] = [];
  if (o.test < 1) problems.push('the test tail must hold at least 1 point');
  if (o.validation < o.horizon)
    problems.push(`the validation slice (${o.validation}) must hold at least one horizon (${o.horizon})`);
  if (trainLen < need)
    problems.push(
      `the training part (${trainLen} points) must hold at least window + horizon${o.transform === 'diff' ? ' + 1' : ''} = ${need}`,
    );
  if (o.season > o.window + o.validation + trainLen)
    problems.push(`the season (${o.season}) is longer than the known history`);
  if (problems.length > 0) {
    throw new ConfigError(
      `the series has ${n} points: ${problems.join('; ')}; use a longer series or smaller --window/--horizon/--test/--validation`,
    );
  }
  const level = o.level ?? 0.8;
  if (!(level > 0 && level < 1)) throw new ConfigError(`the interval level must be in (0, 1); got ${level}`);
}

/** Folds of the interval: the requested count, or the default 2 lowered to what the series holds. */
function intervalFoldsFor(n: number, o: ForecastOptions): number {
  const need = o.window + (o.transform === 'diff' ? 1 : 0) + o.horizon;
  const room = Math.floor((n - o.test - o.validation - need) / o.validation); // folds whose training part holds one sample
  if (o.intervalFolds === undefined) return Math.max(0, Math.min(DEFAULT_INTERVAL_FOLDS, room));
  const k = o.intervalFolds;
  if (!Number.isInteger(k) || k < 0)
    throw new ConfigError(`--interval-folds must be a non-negative integer; got ${k}`);
  if (k > room) {
    throw new ConfigError(
      `--interval-folds ${k} needs ${k} more validation lengths (${o.validation}) before the training part; ` +
        `the series has ${n} points and holds ${Math.max(0, room)} fold(s); use --interval-folds ${Math.max(0, room)} or a smaller --validation`,
    );
  }
  return k;
}

/** The training targets of origins [from, to]: (N, H) rows in the data's units (changes for 'diff'). */
function targetRows(y: Float64Array, from: number, to: number, H: number, diff: boolean): number[][] {
  const rows: number[][] = [];
  for (let org = from; org <= to; org++)
    rows.push(Array.from({ length: H }, (_, h) => (diff ? y[org + h] - y[org - 1] : y[org + h])));
  return rows;
}

/** What {@link fitForecaster} returns: the trained forecaster and its training record. */
interface Fitted {
  forecaster: Forecaster;
  epochsRun: number;
  bestEpoch: number;
  bestValLoss: number;
  trainSeconds: number;
  trainSamples: number;
  valSamples: number;
}

/**
 * Trains a forecaster on y[0, trainEnd) with early stopping on the origins of
 * [trainEnd, valEnd) (scalers fitted on the training part only); nothing at or after
 * valEnd is read.
 */
async function fitForecaster(
  y: Float64Array,
  features: Float64Array[],
  featureNames: string[],
  o: ForecastOptions,
  trainEnd: number,
  valEnd: number,
  log: { every: number; line: (s: string) => void; progress?: (s: string) => void },
): Promise<Fitted> {
  const diff = o.transform === 'diff';
  const H = o.horizon;
  const W = o.window;
  const C = 1 + features.length;
  const first = diff ? 1 : 0;
  // scalers, fitted on the training part only: one statistic per input channel, and the
  // targets' (per step ahead for 'diff'; the level statistic broadcast over steps for 'none')
  const rows = inputRows(
    y.subarray(0, valEnd),
    features.map((f) => f.subarray(0, valEnd)),
    diff,
  ); // (valEnd, C) row-major
  const trainRows = Array.from({ length: trainEnd - first }, (_, i) =>
    Array.from(rows.subarray((first + i) * C, (first + i + 1) * C)),
  );
  const xScaler = new StandardScaler().fit(trainRows);
  const trainFrom = first + W;
  const trainTo = trainEnd - H;
  const yTrainRows = targetRows(y, trainFrom, trainTo, H, diff);
  const yScaler = diff
    ? new StandardScaler().fit(yTrainRows)
    : new StandardScaler().fit(y.slice(0, trainEnd));
  const scaled = Float64Array.from(xScaler.transform(chunk(rows, C)).flat()); // (valEnd, C)
  const windowsOf = (from: number, to: number): Tensor => {
    const count = to - from + 1;
    const x = new Float32Array(count * W * C); // (N, W, C)
    for (let i = 0; i < count; i++) x.set(scaled.subarray((from + i - W) * C, (from + i) * C), i * W * C);
    return new Tensor(x, [count, W, C]);
  };
  const xTrain = windowsOf(trainFrom, trainTo);
  const xVal = windowsOf(trainEnd, valEnd - H);
  const yTrain = yScaler.transform(new Tensor(Float64Array.from(yTrainRows.flat()), [yTrainRows.length, H]));
  const yValRows = targetRows(y, trainEnd, valEnd - H, H, diff);
  const yVal = yScaler.transform(new Tensor(Float64Array.from(yValRows.flat()), [yValRows.length, H]));

  // the model: LSTM (stacked with --layers) -> Dense(horizon)
  manualSeed(o.seed);
  const stack = [];
  for (let l = 0; l < o.layers; l++) {
    const last = l === o.layers - 1;
    stack.push(
      layers.lstm({ units: o.hidden, returnSequences: !last, ...(l === 0 ? { inputShape: [W, C] } : {}) }),
    );
  }
  const model = sequential([...stack, layers.dense({ units: H })], {
    name: `forecast_${o.name.replace(/\W+/g, '_').toLowerCase()}`,
  });
  const forecaster: Forecaster = {
    model,
    window: W,
    horizon: H,
    transform: o.transform,
    features: featureNames,
    xScaler,
    yScaler,
    interval: null,
  };
  model.compile({ loss: 'mse', optimizer: { type: 'adam', lr: o.lr } });
  const keep = new KeepBest(model);
  const t0 = performance.now();
  let ran = 0;
  const logger: Callback = {
    onEpochEnd: (epoch: number, logs: Logs) => {
      ran = epoch + 1;
      const line = `epoch ${epoch + 1}/${o.epochs} - loss ${logs.loss.toFixed(5)} - val_loss ${logs.val_loss.toFixed(5)}`;
      log.progress?.(`${line} - best ${keep.best.toFixed(5)} at ${keep.bestEpoch + 1}`);
      if (log.every > 0 && ((epoch + 1) % log.every === 0 || epoch === 0)) log.line(line);
    },
  };
  await model.fit(xTrain, yTrain, {
    epochs: o.epochs,
    batchSize: o.batchSize,
    validationData: [xVal, yVal],
    seed: o.seed,
    verbose: 0,
    callbacks: [keep, callbacks.earlyStopping({ patience: o.patience }), logger],
  });
  log.progress?.('');
  return {
    forecaster,
    epochsRun: ran,
    bestEpoch: keep.bestEpoch + 1,
    bestValLoss: keep.best,
    trainSeconds: (performance.now() - t0) / 1000,
    trainSamples: yTrainRows.length,
    valSamples: yValRows.length,
  };
}

/** Trains the model and forecasts the held-out tail (see the file comment). */
export async function runForecast(
  y: Float64Array,
  o: ForecastOptions,
  features: Float64Array[] = [],
  featureNames: string[] = [],
): Promise<ForecastResult> {
  const n = y.length;
  checkSizes(n, o);
  const level = o.level ?? 0.8;
  const folds = intervalFoldsFor(n, o);
  const {
    train: tr,
    validation: va,
    test: te,
  } = chronologicalSplit(n, {
    train: (n - o.test - o.validation) / n,
    validation: o.validation / n,
    test: o.test / n,
  });
  const trainEnd = tr.end;
  const valEnd = va.end;
  const testStart = te.start;
  const H = o.horizon;
  const V = valEnd - trainEnd;
  const fit = await fitForecaster(y, features, featureNames, o, trainEnd, valEnd, {
    every: o.logEvery,
    line: o.log,
    ...(o.progress ? { progress: o.progress } : {}),
  });
  const forecaster = fit.forecaster;

  // the interval's residuals, per step ahead: with folds, those of models refit on the
  // series cut before each fold block (block f ends where the main model's validation
  // ends, less f - 1 validation lengths), on that block, which neither their training
  // nor their early stopping saw; without, the main model's validation residuals
  let residuals: number[][];
  if (folds > 0) {
    residuals = Array.from({ length: H }, () => []);
    for (let f = 1; f <= folds; f++) {
      const end = valEnd - (f - 1) * V;
      const t0 = performance.now();
      const fold = await fitForecaster(y, features, featureNames, o, end - 2 * V, end - V, {
        every: 0,
        line: o.log,
        ...(o.progress
          ? { progress: (s: string) => o.progress?.(s && `interval fold ${f}/${folds}: ${s}`) }
          : {}),
      });
      const origins = Array.from({ length: V - H + 1 }, (_, i) => end - V + i);
      const res = residualsOf(y, origins, forecastFrom(fold.forecaster, y, features, origins), H);
      res.forEach((r, h) => residuals[h].push(...r));
      o.log(
        `interval fold ${f}/${folds}: refit on the ${end - 2 * V} points before it, early stopping on the next ${V}, ` +
          `${fold.epochsRun} epochs in ${((performance.now() - t0) / 1000).toFixed(1)} s; residuals of its ${origins.length} origins in the ${V} after`,
      );
    }
  } else {
    const valOrigins = Array.from({ length: V - H + 1 }, (_, i) => trainEnd + i);
    residuals = residualsOf(y, valOrigins, forecastFrom(forecaster, y, features, valOrigins), H);
  }
  forecaster.interval = residualInterval(residuals, level);

  // direct multi-step forecasts over the tail, block by block, from actual history
  const tail = n - testStart;
  const origins: number[] = [];
  for (let s = testStart; s < n; s += H) origins.push(s);
  const blocks = forecastFrom(forecaster, y, features, origins);
  const predicted = new Float64Array(tail);
  const lower = new Float64Array(tail);
  const upper = new Float64Array(tail);
  origins.forEach((org, b) => {
    for (let h = 0; h < H && org + h < n; h++) {
      const i = org + h - testStart;
      predicted[i] = blocks[b][h];
      [lower[i], upper[i]] = intervalOf(forecaster, blocks[b][h], h);
    }
  });
  const actual = y.slice(testStart);
  let inside = 0;
  for (let i = 0; i < tail; i++) if (actual[i] >= lower[i] && actual[i] <= upper[i]) inside++;
  const baselines = [1, ...(o.season > 1 ? [o.season] : [])].map((season) => {
    const forecast = naiveForecast(y, testStart, H, season);
    return { name: baselineName(season), forecast, errors: errors(actual, forecast) };
  });
  return {
    testStart,
    actual,
    predicted,
    lower,
    upper,
    coverage: inside / tail,
    level,
    intervalOrigins: forecaster.interval.origins,
    intervalFolds: folds,
    baselines,
    model: errors(actual, predicted),
    epochsRun: fit.epochsRun,
    bestEpoch: fit.bestEpoch,
    bestValLoss: fit.bestValLoss,
    trainSeconds: fit.trainSeconds,
    trainSamples: fit.trainSamples,
    valSamples: fit.valSamples,
    blocks: origins.length,
    forecaster,
  };
}

function chunk(flat: Float64Array, cols: number): number[][] {
  return Array.from({ length: flat.length / cols }, (_, i) =>
    Array.from(flat.subarray(i * cols, (i + 1) * cols)),
  );
}

/** A noisy sine: sin(2 pi t / period) + N(0, noise^2), seeded. */
export function noisySine(length: number, period: number, noise: number, seed: number): Float64Array {
  const g = new Generator(seed);
  return Float64Array.from({ length }, (_, t) => Math.sin((2 * Math.PI * t) / period) + noise * g.normal());
}
