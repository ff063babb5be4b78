/*
 * What a forecast run prints and writes: the RMSE/MAE table against both baselines, the
 * interval coverage line, the forecast past the end as CSV, and the chart (Vega-Lite,
 * rendered to SVG): actual, the model's forecast with its interval band, the baselines,
 * the held-out marker and the future.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomicSync } from '../../src/index.js';
import type { Errors } from './baselines.js';
import { forecastChartSpec, type ChartBand, type ChartLine } from './forecast-chart.js';
import type { ForecastResult } from './forecasting.js';
import { PlotLibraryMissingError, writeVegaLiteSvg } from './vega-render.js';

/** The forecast past the end of the data. */
export interface FutureForecast {
  labels: string[];
  values: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  level: number;
}

/** The RMSE/MAE table of a result, as lines. */
export function resultTable(r: ForecastResult, horizon: number, units = ''): string[] {
  const rows: [string, Errors][] = [
    [`LSTM (direct, ${horizon} steps ahead)`, r.model],
    ...r.baselines.map((b): [string, Errors] => [b.name, b.errors]),
  ];
  const w = Math.max(...rows.map(([name]) => name.length), 10);
  const u = units ? ` (${units})` : '';
  const lines = [`${'forecaster'.padEnd(w)}  ${`RMSE${u}`.padStart(10)}  ${`MAE${u}`.padStart(10)}`];
  for (const [name, e] of rows)
    lines.push(`${name.padEnd(w)}  ${e.rmse.toFixed(4).padStart(10)}  ${e.mae.toFixed(4).padStart(10)}`);
  const best = r.baselines.reduce((a, b) => (b.errors.rmse < a.errors.rmse ? b : a));
  const ratio = r.model.rmse / best.errors.rmse;
  lines.push(
    `model RMSE / baseline RMSE = ${ratio.toFixed(3)} against the better baseline, ${best.name} (${ratio < 1 ? 'the model beats it' : 'the baseline is better'})`,
  );
  return lines;
}

/** The coverage line: how many held-out points fell inside the interval. */
export function coverageLine(r: ForecastResult): string {
  const inside = Math.round(r.coverage * r.actual.length);
  return (
    `${Math.round(r.level * 100)}% prediction interval (split-conformal per step ahead on ${r.intervalOrigins} residuals ${r.intervalFolds > 0 ? `of ${r.intervalFolds} refit fold(s)` : "of the model's validation slice"}): ` +
    `coverage on the held-out tail ${inside}/${r.actual.length} = ${(100 * r.coverage).toFixed(1)}% (nominal ${Math.round(r.level * 100)}%)`
  );
}

/** Writes the forecast past the end as CSV: date (or t), value, lower, upper. */
export function writeFutureCsv(file: string, column: string, f: FutureForecast, dated: boolean): void {
  const pct = Math.round(f.level * 100);
  const lines = [`${dated ? 'date' : 't'},${column},lower_${pct},upper_${pct}`];
  for (let i = 0; i < f.values.length; i++)
    lines.push(`${f.labels[i]},${f.values[i]},${f.lower[i]},${f.upper[i]}`);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomicSync(file, `${lines.join('\n')}\n`);
}

/** Writes the chart of a result (and the future, when given) with some history before the tail. */
export async function writeForecastPlot(
  file: string,
  y: Float64Array,
  r: ForecastResult | null,
  o: {
    title: string;
    yLabel: string;
    labels: string[] | null;
    context?: number;
    future?: FutureForecast | null;
  },
): Promise<void> {
  const n = y.length;
  const start = r ? r.testStart : n;
  const context = Math.min(
    start,
    o.context ?? Math.max(2 * (r ? r.actual.length : (o.future?.values.length ?? 12)), 24),
  );
  const from = start - context;
  const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
  const lines: ChartLine[] = [{ name: 'actual', x: range(from, n), y: y.slice(from), color: '#222222' }];
  const bands: ChartBand[] = [];
  const markers: { x: number; label: string }[] = [];
  if (r) {
    const xs = range(r.testStart, n);
    const pct = Math.round(r.level * 100);
    bands.push({ name: `${pct}% interval`, x: xs, lower: r.lower, upper: r.upper, color: '#d62728' });
    lines.push({ name: 'LSTM forecast', x: xs, y: r.predicted, color: '#d62728' });
    const colors = ['#1f77b4', '#2ca02c'];
    r.baselines.forEach((b, i) =>
      lines.push({ name: b.name, x: xs, y: b.forecast, color: colors[i % 2], dash: true }),
    );
    markers.push({ x: r.testStart, label: 'held-out tail' });
  }
  const f = o.future;
  const labels = o.labels;
  if (f) {
    const xs = range(n, n + f.values.length);
    bands.push({
      name: `future ${Math.round(f.level * 100)}% interval`,
      x: xs,
      lower: f.lower,
      upper: f.upper,
      color: '#9467bd',
    });
    lines.push({ name: 'LSTM future', x: xs, y: f.values, color: '#9467bd' });
    markers.push({ x: n - 1, label: 'end of data' });
  }
  const labelOf = labels
    ? (x: number): string => (x < n ? labels[x] : (f?.labels[x - n] ?? String(x)))
    : null;
  await writeVegaLiteSvg(
    file,
    forecastChartSpec({ title: o.title, yLabel: o.yLabel, lines, bands, markers, labels: labelOf }),
  );
}

/** Runs a plot writer and logs its path; without vega / vega-lite installed, logs why it was skipped. */
export async function plotStep(
  log: (line: string) => void,
  file: string,
  write: () => Promise<void>,
): Promise<void> {
  try {
    await write();
    log(`plot: ${file}`);
  } catch (e) {
    if (!(e instanceof PlotLibraryMissingError)) throw e;
    log(`plot: skipped; ${e.message}`);
  }
}
