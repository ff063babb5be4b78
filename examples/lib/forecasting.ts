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
 * Prediction intervals: after training, the model forecasts from every origin of the
 * validation slice; the empirical quantiles of those residuals, per step ahead, give the
 * band (e.g. the 10% and 90% quantiles for an 80% interval). The tail never enters them,
 * so the share of tail points inside the band is an honest coverage figure.
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
import { forecastFrom, inputRows, intervalOf, residualQuantiles } from './forecaster.js';

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
  /** Validation origins behind the interval quantiles. */
  intervalOrigins: number;
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

/** The training targets of origins [from, to]: (N, H) rows in the data's units (changes for 'diff'). */
function targetRows(y: Float64Array, from: number, to: number, H: number, diff: boolean): number[][] {
  const rows: number[][] = [];
  for (let org = from; org <= to; org++)
    rows.push(Array.from({ length: H }, (_, h) => (diff ? y[org + h] - y[org - 1] : y[org + h])));
  return rows;
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
  const diff = o.transform === 'diff';
  const H = o.horizon;
  const W = o.window;
  const C = 1 + features.length;
  const first = diff ? 1 : 0;
  // scalers, fitted on the training part only: one statistic per input channel, and the
  // targets' (per step ahead for 'diff'; the level statistic broadcast over steps for 'none')
  const rows = inputRows(y, features, diff); // (n, C) row-major
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
  const scaled = Float64Array.from(xScaler.transform(chunk(rows, C)).flat()); // (n, C)
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
      o.progress?.(`${line} - best ${keep.best.toFixed(5)} at ${keep.bestEpoch + 1}`);
      if (o.logEvery > 0 && ((epoch + 1) % o.logEvery === 0 || epoch === 0)) o.log(line);
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
  o.progress?.('');
  const trainSeconds = (performance.now() - t0) / 1000;

  // the interval: residual quantiles per step ahead over every validation origin
  const valOrigins = Array.from({ length: valEnd - H - trainEnd + 1 }, (_, i) => trainEnd + i);
  const valPred = forecastFrom(forecaster, y, features, valOrigins);
  forecaster.interval = residualQuantiles(y, valOrigins, valPred, H, level);

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
    intervalOrigins: valOrigins.length,
    baselines,
    model: errors(actual, predicted),
    epochsRun: ran,
    bestEpoch: keep.bestEpoch + 1,
    bestValLoss: keep.best,
    trainSeconds,
    trainSamples: yTrainRows.length,
    valSamples: yValRows.length,
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
