/*
 * The forecasting pipeline shared by examples/sine.ts, examples/forecast.ts and
 * `longshort forecast`: a univariate series -> chronological split (train | validation |
 * held-out test tail) -> scalers fitted on the training part only -> windows -> an
 * LSTM -> Dense(horizon) model trained with early stopping on the validation slice ->
 * DIRECT multi-step forecasts over the test tail -> RMSE / MAE against a seasonal-naive
 * baseline, and an SVG plot.
 *
 * Forecasting protocol (the same information for the model and the baseline): the tail
 * is cut into blocks of `horizon` steps; for each block the origin is its first point,
 * everything before it is known (actual values, never the model's own predictions), and
 * both forecasters predict the whole block at once:
 * - the model maps the last `window` (transformed, scaled) values to `horizon` outputs
 *   (direct multi-step: one Dense output per step ahead, no recursion);
 * - the seasonal-naive baseline repeats the value one season earlier, i.e.
 *   y[t - season * k] with the smallest k that reaches a known value (season 1 = the naive
 *   last value).
 *
 * Transforms: 'none' models the scaled levels; 'diff' feeds first differences
 * y[t] - y[t-1] and predicts the change from the last known value, y[o+h] - y[o-1],
 * which lets a trending series (CO2, prices) leave the range seen in training.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  ConfigError,
  Generator,
  StandardScaler,
  Tensor,
  callbacks,
  chronologicalSplit,
  layers,
  manualSeed,
  readCsvColumns,
  sequential,
  timeseriesWindows,
  type Callback,
  type Logs,
  type SequentialModel,
  writeFileAtomicSync,
} from '../../src/index.js';
import { lineChartSvg, type PlotSeries } from './svg-plot.js';

/** A series read from a CSV file, made regular where it is monthly. */
export interface LoadedSeries {
  values: Float64Array;
  /** A label per point (dates as `YYYY-MM` for monthly data), or null. */
  labels: string[] | null;
  /** What was done to the raw column, for the log (e.g. "filled 5 missing months"). */
  notes: string[];
  /** Whether the labels are a regular monthly calendar. */
  monthly: boolean;
}

/** The bundled datasets of the `vega-datasets` package (a dev dependency). */
export const DATASETS = {
  co2: { file: 'co2-concentration.csv', column: 'CO2', title: 'Mauna Loa CO2, monthly', units: 'ppm' },
  sp500: { file: 'sp500.csv', column: 'price', title: 'S&P 500, monthly close', units: 'USD' },
} as const;
export type DatasetName = keyof typeof DATASETS;

/**
 * The path of `data/<file>` in the installed `vega-datasets` package.
 * @throws Error with an install hint when the package is not installed.
 */
export function vegaDataFile(file: string): string {
  let main: string;
  try {
    main = createRequire(import.meta.url).resolve('vega-datasets');
  } catch {
    throw new Error(`the vega-datasets package is not installed (npm install --save-dev vega-datasets), so ${file} is unavailable; pass --csv FILE --column NAME instead`);
  }
  let dir = path.dirname(main);
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const p = path.join(dir, 'data', file);
  if (!existsSync(p)) throw new Error(`vega-datasets has no data/${file} (looked in ${path.join(dir, 'data')})`);
  return p;
}

const DATE_NAMES = ['date', 'month', 'time', 'datetime', 'timestamp', 'period', 'year_month'];

/** The header names of a CSV file (best effort: the first line split on the delimiter). */
function headerOf(file: string): string[] {
  try {
    const first = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
    return first.split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
  } catch {
    return [];
  }
}

/** `{ year, month }` of a date text, or null. */
function yearMonth(text: string): number | null {
  const iso = /^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?/.exec(text);
  if (iso) return Number(iso[1]) * 12 + Number(iso[2]) - 1;
  const t = Date.parse(text);
  if (Number.isNaN(t)) return null;
  const d = new Date(t);
  return d.getFullYear() * 12 + d.getMonth();
}

function monthLabel(m: number): string {
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
}

/**
 * Reads column `column` of a CSV file (missing values interpolated). With a date column
 * (`dateColumn`, or a header named date/month/time/...) holding one date per month, the
 * series is put on a regular monthly calendar: months absent from the file are filled
 * by linear interpolation (the CO2 file skips a few).
 * @throws the data layer's FormatError (unreadable file, bad number) or ConfigError
 *   (unknown column, listing the available ones).
 */
export function loadCsvSeries(file: string, column: string, dateColumn?: string): LoadedSeries {
  // read the value column first so the data layer's messages come out as they are
  readCsvColumns(file, { columns: [column], missing: 'interpolate' });
  const header = headerOf(file);
  const dc = dateColumn ?? header.find((h) => h !== column && DATE_NAMES.includes(h.toLowerCase()));
  const { columns, dates } = readCsvColumns(file, { columns: [column], missing: 'interpolate', ...(dc ? { dateColumn: dc } : {}) });
  const raw = columns[column];
  const notes: string[] = [];
  if (!dates) return { values: raw, labels: null, notes, monthly: false };
  const months = dates.map(yearMonth);
  const increasing = months.every((m, i) => m !== null && (i === 0 || m > (months[i - 1] as number)));
  const span = increasing ? (months[months.length - 1] as number) - (months[0] as number) + 1 : 0;
  if (!increasing || span > raw.length * 1.5) return { values: raw, labels: dates, notes, monthly: false };
  // monthly: reindex onto every month, interpolating the months the file lacks
  const m0 = months[0] as number;
  const values = new Float64Array(span);
  const known = new Uint8Array(span);
  months.forEach((m, i) => {
    values[(m as number) - m0] = raw[i];
    known[(m as number) - m0] = 1;
  });
  let filled = 0;
  for (let i = 0; i < span; i++) {
    if (known[i]) continue;
    let a = i - 1;
    while (!known[a]) a--;
    let b = i + 1;
    while (!known[b]) b++;
    values[i] = values[a] + ((values[b] - values[a]) * (i - a)) / (b - a);
    filled++;
  }
  if (filled > 0) notes.push(`filled ${filled} missing month(s) by linear interpolation`);
  const labels = Array.from({ length: span }, (_, i) => monthLabel(m0 + i));
  return { values, labels, notes, monthly: true };
}

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
  /** Points before the tail used for early stopping. */
  validation: number;
  /** Seasonal period of the baseline; 1 = naive last value. */
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
  /** Print a line every this many epochs (0: none). */
  logEvery: number;
  /** Where lines go. */
  log: (line: string) => void;
  /** Rewrites a live progress line (terminals), or nothing. */
  progress?: (line: string) => void;
}

/** Errors of one forecaster over the tail. */
export interface Errors {
  rmse: number;
  mae: number;
}

/** What {@link runForecast} returns. */
export interface ForecastResult {
  /** Index of the first held-out point. */
  testStart: number;
  /** Held-out actual values, the model's and the baseline's forecasts (same length). */
  actual: Float64Array;
  predicted: Float64Array;
  baseline: Float64Array;
  model: Errors;
  naive: Errors;
  baselineName: string;
  epochsRun: number;
  bestEpoch: number;
  bestValLoss: number;
  trainSeconds: number;
  trainSamples: number;
  valSamples: number;
  blocks: number;
  sequentialModel: SequentialModel;
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
  if (o.validation < o.horizon) problems.push(`the validation slice (${o.validation}) must hold at least one horizon (${o.horizon})`);
  if (trainLen < need) problems.push(`the training part (${trainLen} points) must hold at least window + horizon${o.transform === 'diff' ? ' + 1' : ''} = ${need}`);
  if (o.season > o.window + o.validation + trainLen) problems.push(`the season (${o.season}) is longer than the known history`);
  if (problems.length > 0) {
    throw new ConfigError(`the series has ${n} points: ${problems.join('; ')}; use a longer series or smaller --window/--horizon/--test/--validation`);
  }
}

/** Trains the model and forecasts the held-out tail (see the file comment). */
export async function runForecast(y: Float64Array, o: ForecastOptions): Promise<ForecastResult> {
  const n = y.length;
  checkSizes(n, o);
  const { train: tr, validation: va, test: te } = chronologicalSplit(n, {
    train: (n - o.test - o.validation) / n,
    validation: o.validation / n,
    test: o.test / n,
  });
  const trainEnd = tr.end;
  const valEnd = va.end;
  const testStart = te.start;
  const diff = o.transform === 'diff';
  // the input series: first differences (d[t] = y[t] - y[t-1], d[0] unused) or the levels
  const input = new Float64Array(n);
  for (let t = 0; t < n; t++) input[t] = diff ? (t === 0 ? 0 : y[t] - y[t - 1]) : y[t];
  const first = diff ? 1 : 0;
  // scalers: fitted on the training part only
  const xScaler = new StandardScaler().fit(input.slice(first, trainEnd));
  const scaled = xScaler.transform(input) as Float64Array;

  /** Windows whose targets start at origins in [from, to]: x (N, W, 1), raw targets (N, H). */
  const windowsFor = (from: number, to: number): { x: Tensor; targets: Float64Array; count: number } => {
    const lo = from - o.window;
    const seg = scaled.slice(lo, to + o.horizon);
    const { x } = timeseriesWindows(Float32Array.from(seg), { window: o.window, horizon: o.horizon });
    const count = x.shape[0];
    const targets = new Float64Array(count * o.horizon); // (N, H)
    for (let i = 0; i < count; i++) {
      const origin = from + i;
      for (let h = 0; h < o.horizon; h++) targets[i * o.horizon + h] = diff ? y[origin + h] - y[origin - 1] : y[origin + h];
    }
    return { x, targets, count };
  };
  const trainW = windowsFor(first + o.window, trainEnd - o.horizon);
  const valW = windowsFor(trainEnd, valEnd - o.horizon);
  // target scaling: one statistic per step ahead (diff) or the level scaler (none)
  const H = o.horizon;
  const asRows = (flat: Float64Array): number[][] => Array.from({ length: flat.length / H }, (_, i) => Array.from(flat.subarray(i * H, (i + 1) * H)));
  const yScaler = diff ? new StandardScaler().fit(asRows(trainW.targets)) : xScaler;
  const scaleTargets = (flat: Float64Array): Tensor => {
    const out = new Float32Array(flat.length);
    if (diff) {
      const rows = yScaler.transform(asRows(flat)) as number[][];
      rows.forEach((r, i) => out.set(r, i * H));
    } else out.set(xScaler.transform(flat) as Float64Array);
    return new Tensor(out, [flat.length / H, H]);
  };
  const yTrain = scaleTargets(trainW.targets);
  const yVal = scaleTargets(valW.targets);

  // the model: LSTM (stacked with --layers) -> Dense(horizon)
  manualSeed(o.seed);
  const stack = [];
  for (let l = 0; l < o.layers; l++) {
    const last = l === o.layers - 1;
    stack.push(layers.lstm({ units: o.hidden, returnSequences: !last, ...(l === 0 ? { inputShape: [o.window, 1] } : {}) }));
  }
  const model = sequential([...stack, layers.dense({ units: H })], { name: `forecast_${o.name.replace(/\W+/g, '_').toLowerCase()}` });
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
  await model.fit(trainW.x, yTrain, {
    epochs: o.epochs,
    batchSize: o.batchSize,
    validationData: [valW.x, yVal],
    seed: o.seed,
    verbose: 0,
    callbacks: [keep, callbacks.earlyStopping({ patience: o.patience }), logger],
  });
  o.progress?.('');
  const trainSeconds = (performance.now() - t0) / 1000;

  // direct multi-step forecasts over the tail, block by block, from actual history
  const tail = n - testStart;
  const predicted = new Float64Array(tail);
  const baseline = new Float64Array(tail);
  const origins: number[] = [];
  for (let s = testStart; s < n; s += H) origins.push(s);
  const xTest = new Float32Array(origins.length * o.window); // (B, W, 1)
  origins.forEach((org, b) => xTest.set(scaled.subarray(org - o.window, org), b * o.window));
  const out = model.predict(new Tensor(xTest, [origins.length, o.window, 1])); // (B, H) scaled
  const outRows = Array.from({ length: origins.length }, (_, b) => Array.from(out.data.subarray(b * H, (b + 1) * H), Number));
  const unscaled = diff ? (yScaler.inverseTransform(outRows) as number[][]) : outRows.map((r) => Array.from(xScaler.inverseTransform(Float64Array.from(r)) as Float64Array));
  origins.forEach((org, b) => {
    for (let h = 0; h < H && org + h < n; h++) {
      const t = org + h;
      predicted[t - testStart] = diff ? y[org - 1] + unscaled[b][h] : unscaled[b][h];
      const season = Math.max(1, o.season);
      const k = Math.floor(h / season) + 1;
      baseline[t - testStart] = y[t - k * season];
    }
  });
  const actual = y.slice(testStart);
  return {
    testStart,
    actual,
    predicted,
    baseline,
    model: errors(actual, predicted),
    naive: errors(actual, baseline),
    baselineName: baselineName(o.season),
    epochsRun: ran,
    bestEpoch: keep.bestEpoch + 1,
    bestValLoss: keep.best,
    trainSeconds,
    trainSamples: trainW.count,
    valSamples: valW.count,
    blocks: origins.length,
    sequentialModel: model,
  };
}

/** The RMSE/MAE table of a result, as lines. */
export function resultTable(r: ForecastResult, horizon: number, units = ''): string[] {
  const rows: [string, Errors][] = [
    [`LSTM (direct, ${horizon} steps ahead)`, r.model],
    [r.baselineName, r.naive],
  ];
  const w = Math.max(...rows.map(([name]) => name.length), 10);
  const u = units ? ` (${units})` : '';
  const lines = [`${'forecaster'.padEnd(w)}  ${`RMSE${u}`.padStart(10)}  ${`MAE${u}`.padStart(10)}`];
  for (const [name, e] of rows) lines.push(`${name.padEnd(w)}  ${e.rmse.toFixed(4).padStart(10)}  ${e.mae.toFixed(4).padStart(10)}`);
  const ratio = r.model.rmse / r.naive.rmse;
  lines.push(`model RMSE / baseline RMSE = ${ratio.toFixed(3)} (${ratio < 1 ? 'the model beats the baseline' : 'the baseline is better'})`);
  return lines;
}

/** Writes the actual / model / baseline plot of a result (with some history before the tail). */
export function writeForecastPlot(
  file: string,
  y: Float64Array,
  r: ForecastResult,
  o: { title: string; yLabel: string; labels: string[] | null; monthly: boolean; context?: number },
): void {
  const context = Math.min(r.testStart, o.context ?? Math.max(2 * r.actual.length, 24));
  const from = r.testStart - context;
  const series: PlotSeries[] = [
    { name: 'actual', start: from, y: y.slice(from), color: '#222222', width: 2 },
    { name: 'LSTM forecast', start: r.testStart, y: r.predicted, color: '#d62728', width: 2.5 },
    { name: r.baselineName, start: r.testStart, y: r.baseline, color: '#1f77b4', dash: '7 4', width: 2 },
  ];
  const labels = o.labels;
  let xTicks: number[] | undefined;
  let tickLabel: ((x: number) => string) | undefined;
  if (labels && o.monthly) {
    xTicks = [];
    for (let i = from; i < y.length; i++) if (labels[i].endsWith('-01')) xTicks.push(i);
    tickLabel = (x) => labels[x]?.slice(0, 4) ?? String(x);
  } else if (labels) {
    tickLabel = (x) => labels[x] ?? String(x);
  }
  const svg = lineChartSvg({
    title: o.title,
    xLabel: labels ? (o.monthly ? 'year' : 'date') : 'time step',
    yLabel: o.yLabel,
    series,
    ...(xTicks ? { xTicks } : {}),
    ...(tickLabel ? { xTickLabel: tickLabel } : {}),
    marker: { x: r.testStart, label: 'held-out tail' },
  });
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomicSync(file, svg);
}

/** A noisy sine: sin(2 pi t / period) + N(0, noise^2), seeded. */
export function noisySine(length: number, period: number, noise: number, seed: number): Float64Array {
  const g = new Generator(seed);
  return Float64Array.from({ length }, (_, t) => Math.sin((2 * Math.PI * t) / period) + noise * g.normal());
}
