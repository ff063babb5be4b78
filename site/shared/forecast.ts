/*
 * The playground's forecaster: the protocol of `npm start` (examples/forecast.ts), in
 * code a browser can run. Chronological split train | validation | held-out tail;
 * first differences (or levels) scaled by a StandardScaler fitted on the training part;
 * windows of `window` inputs -> the next `horizon` changes; LSTM -> Dense(horizon)
 * trained with Adam, keeping the weights of the best validation epoch, early stopping;
 * then over the tail, block by block from actual history, the direct multi-step
 * forecast against the seasonal-naive baseline (the value one season earlier).
 * With the same settings and seed it makes the same model, batches and forecast as
 * the Node pipeline.
 */
import {
  ConfigError,
  StandardScaler,
  Tensor,
  chronologicalSplit,
  callbacks,
  layers,
  manualSeed,
  sequential,
  timeseriesWindows,
  type Callback,
  type Logs,
  type SequentialModel,
} from 'longshort';

/** Settings of {@link trainForecaster} (the CO2 defaults of `npm start` in {@link CO2_SETTINGS}). */
export interface ForecastSettings {
  window: number;
  horizon: number;
  /** Points held out at the end. */
  test: number;
  /** Points before the tail for early stopping. */
  validation: number;
  /** Baseline period; 1 = the last value. */
  season: number;
  transform: 'diff' | 'none';
  hidden: number;
  layers: number;
  epochs: number;
  patience: number;
  batchSize: number;
  lr: number;
  seed: number;
}

/** `npm start`'s settings for the CO2 series. */
export const CO2_SETTINGS: ForecastSettings = {
  window: 24,
  horizon: 12,
  test: 60,
  validation: 60,
  season: 12,
  transform: 'diff',
  hidden: 32,
  layers: 1,
  epochs: 300,
  patience: 30,
  batchSize: 32,
  lr: 0.003,
  seed: 0,
};

/** One epoch's figures, reported as training goes. */
export interface EpochReport {
  epoch: number;
  loss: number;
  valLoss: number;
  /** Optimizer steps (mini-batches) per second over this epoch. */
  stepsPerSecond: number;
}

export interface ForecastOutcome {
  testStart: number;
  actual: Float64Array;
  predicted: Float64Array;
  baseline: Float64Array;
  /**
   * An empirical 95% interval around `predicted`: +/- 1.96 times the model's RMS error
   * at the same step ahead over the validation windows.
   */
  lower: Float64Array;
  upper: Float64Array;
  rmse: number;
  mae: number;
  baselineRmse: number;
  baselineMae: number;
  epochsRun: number;
  bestEpoch: number;
  /** Optimizer steps per second over the whole training. */
  stepsPerSecond: number;
  trainSeconds: number;
  model: SequentialModel;
}

export function errors(actual: ArrayLike<number>, pred: ArrayLike<number>): { rmse: number; mae: number } {
  let se = 0;
  let ae = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = pred[i] - actual[i];
    se += d * d;
    ae += Math.abs(d);
  }
  return { rmse: Math.sqrt(se / actual.length), mae: ae / actual.length };
}

function checkSizes(n: number, o: ForecastSettings): void {
  const need = o.window + (o.transform === 'diff' ? 1 : 0) + o.horizon;
  const trainLen = n - o.test - o.validation;
  const problems: string[] = [];
  if (o.test < 1) problems.push('the test tail must hold at least 1 point');
  if (o.validation < o.horizon)
    problems.push(`the validation slice (${o.validation}) must hold at least one horizon (${o.horizon})`);
  if (trainLen < need)
    problems.push(`the training part (${trainLen} points) must hold at least window + horizon = ${need}`);
  if (o.season > n - o.test) problems.push(`the season (${o.season}) is longer than the known history`);
  if (problems.length > 0)
    throw new ConfigError(
      `forecast: the series has ${n} points: ${problems.join('; ')}; use a longer series or a smaller window/horizon`,
    );
}

/** Trains on `y` and forecasts its held-out tail; `onEpoch` sees every epoch, `shouldStop` ends training early. */
export async function trainForecaster(
  y: Float64Array,
  o: ForecastSettings,
  onEpoch: (r: EpochReport) => void = () => {},
  shouldStop: () => boolean = () => false,
): Promise<ForecastOutcome> {
  const n = y.length;
  checkSizes(n, o);
  const {
    train: tr,
    validation: va,
    test: te,
  } = chronologicalSplit(n, {
    train: (n - o.test - o.validation) / n,
    validation: o.validation / n,
    test: o.test / n,
  });
  const diff = o.transform === 'diff';
  const input = new Float64Array(n); // d[t] = y[t] - y[t-1] (d[0] unused), or the levels
  for (let t = 0; t < n; t++) input[t] = diff ? (t === 0 ? 0 : y[t] - y[t - 1]) : y[t];
  const first = diff ? 1 : 0;
  const xScaler = new StandardScaler().fit(input.slice(first, tr.end));
  const scaled = xScaler.transform(input);
  const H = o.horizon;
  const windowsFor = (from: number, to: number): { x: Tensor; targets: Float64Array; count: number } => {
    const seg = scaled.slice(from - o.window, to + H);
    const { x } = timeseriesWindows(Float32Array.from(seg), { window: o.window, horizon: H });
    const count = x.shape[0];
    const targets = new Float64Array(count * H); // (N, H)
    for (let i = 0; i < count; i++) {
      const origin = from + i;
      for (let h = 0; h < H; h++) targets[i * H + h] = diff ? y[origin + h] - y[origin - 1] : y[origin + h];
    }
    return { x, targets, count };
  };
  const trainW = windowsFor(first + o.window, tr.end - H);
  const valW = windowsFor(tr.end, va.end - H);
  const asRows = (flat: Float64Array): number[][] =>
    Array.from({ length: flat.length / H }, (_, i) => Array.from(flat.subarray(i * H, (i + 1) * H)));
  const yScaler = diff ? new StandardScaler().fit(asRows(trainW.targets)) : xScaler;
  const scaleTargets = (flat: Float64Array): Tensor => {
    const out = new Float32Array(flat.length);
    if (diff) yScaler.transform(asRows(flat)).forEach((r, i) => out.set(r, i * H));
    else out.set(xScaler.transform(flat));
    return new Tensor(out, [flat.length / H, H]);
  };

  manualSeed(o.seed);
  const stack = [];
  for (let l = 0; l < o.layers; l++) {
    const last = l === o.layers - 1;
    stack.push(
      layers.lstm({
        units: o.hidden,
        returnSequences: !last,
        ...(l === 0 ? { inputShape: [o.window, 1] } : {}),
      }),
    );
  }
  const model = sequential([...stack, layers.dense({ units: H })], { name: 'forecast_playground' });
  model.compile({ loss: 'mse', optimizer: { type: 'adam', lr: o.lr } });
  let best = Infinity;
  let bestEpoch = -1;
  let bestWeights: Map<string, Tensor> | null = null;
  const stepsPerEpoch = Math.ceil(trainW.count / o.batchSize);
  let epochStart = performance.now();
  let ran = 0;
  const watcher: Callback = {
    onEpochBegin: () => {
      epochStart = performance.now();
    },
    onEpochEnd: (epoch: number, logs: Logs) => {
      ran = epoch + 1;
      if (logs.val_loss < best) {
        best = logs.val_loss;
        bestEpoch = epoch;
        bestWeights = model.getWeights();
      }
      const s = (performance.now() - epochStart) / 1000;
      onEpoch({
        epoch: epoch + 1,
        loss: logs.loss,
        valLoss: logs.val_loss,
        stepsPerSecond: stepsPerEpoch / s,
      });
      if (shouldStop()) model.stopTraining = true;
    },
  };
  const t0 = performance.now();
  await model.fit(trainW.x, scaleTargets(trainW.targets), {
    epochs: o.epochs,
    batchSize: o.batchSize,
    validationData: [valW.x, scaleTargets(valW.targets)],
    seed: o.seed,
    verbose: 0,
    callbacks: [watcher, callbacks.earlyStopping({ patience: o.patience })],
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  if (bestWeights !== null) model.setWeights(bestWeights);

  const tail = n - te.start;
  const predicted = new Float64Array(tail);
  const baseline = new Float64Array(tail);
  const origins: number[] = [];
  for (let s = te.start; s < n; s += H) origins.push(s);
  const xTest = new Float32Array(origins.length * o.window); // (B, W, 1)
  origins.forEach((org, b) => xTest.set(scaled.subarray(org - o.window, org), b * o.window));
  const out = model.predict(new Tensor(xTest, [origins.length, o.window, 1])); // (B, H), scaled
  const unscale = (t: Tensor, count: number): number[][] => {
    const rows = Array.from({ length: count }, (_, b) =>
      Array.from(t.data.subarray(b * H, (b + 1) * H), Number),
    );
    return diff
      ? yScaler.inverseTransform(rows)
      : rows.map((r) => Array.from(xScaler.inverseTransform(Float64Array.from(r))));
  };
  const unscaled = unscale(out, origins.length);
  // the interval: RMS error per step ahead over the validation windows (targets in the same units)
  const valPred = unscale(model.predict(valW.x), valW.count);
  const sigma = new Float64Array(H);
  for (let h = 0; h < H; h++) {
    let se = 0;
    for (let i = 0; i < valW.count; i++) se += (valPred[i][h] - valW.targets[i * H + h]) ** 2;
    sigma[h] = Math.sqrt(se / valW.count);
  }
  const lower = new Float64Array(tail);
  const upper = new Float64Array(tail);
  const season = Math.max(1, o.season);
  origins.forEach((org, b) => {
    for (let h = 0; h < H && org + h < n; h++) {
      const t = org + h;
      predicted[t - te.start] = diff ? y[org - 1] + unscaled[b][h] : unscaled[b][h];
      lower[t - te.start] = predicted[t - te.start] - 1.96 * sigma[h];
      upper[t - te.start] = predicted[t - te.start] + 1.96 * sigma[h];
      baseline[t - te.start] = y[t - (Math.floor(h / season) + 1) * season];
    }
  });
  const actual = y.slice(te.start);
  const m = errors(actual, predicted);
  const base = errors(actual, baseline);
  return {
    testStart: te.start,
    actual,
    predicted,
    baseline,
    lower,
    upper,
    rmse: m.rmse,
    mae: m.mae,
    baselineRmse: base.rmse,
    baselineMae: base.mae,
    epochsRun: ran,
    bestEpoch: bestEpoch + 1,
    stepsPerSecond: (stepsPerEpoch * ran) / trainSeconds,
    trainSeconds,
    model,
  };
}
