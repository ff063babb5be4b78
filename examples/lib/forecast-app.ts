/*
 * The forecasting application behind `npm run example:forecast`, `npm start` and
 * `longshort forecast`: picks the data (vega-datasets' CO2 or S&P 500, or any CSV
 * column, filtered to one series of a long-format file, with feature columns), resolves
 * the per-dataset defaults and the season, runs lib/forecasting.ts, prints the settings,
 * the table against both baselines and the interval coverage, forecasts past the end
 * (--future: CSV + chart), saves the forecaster (--out), or forecasts with a saved one
 * without training (--model).
 */
import path from 'node:path';
import { ConfigError } from '../../src/index.js';
import { forecastFuture } from './forecaster.js';
import { loadForecaster, saveForecaster } from './forecaster-files.js';
import { runForecast, type ForecastOptions, type ForecastResult } from './forecasting.js';
import { DATASETS, vegaDataFile, type DatasetName } from './datasets.js';
import {
  coverageLine,
  plotStep,
  resultTable,
  writeForecastPlot,
  writeFutureCsv,
  type FutureForecast,
} from './forecast-report.js';
import { detectSeason } from './season.js';
import { futureLabels, loadCsvSeries, seasonCandidates, type LoadedSeries } from './series.js';

export { DATASETS, type DatasetName } from './datasets.js';

/** Options of {@link forecastApp}; unset numbers take the dataset's defaults. */
export interface ForecastAppOptions {
  dataset?: DatasetName;
  csv?: string;
  column?: string;
  dateColumn?: string;
  /** Long-format filters `COLUMN=VALUE` (all must hold). */
  where?: string[];
  /** Feature columns fed beside the target (`a,b` or a list). */
  features?: string | string[];
  window?: number;
  horizon?: number;
  test?: number;
  validation?: number;
  season?: number;
  transform?: 'none' | 'diff';
  hidden?: number;
  layers?: number;
  epochs?: number;
  patience?: number;
  batchSize?: number;
  lr?: number;
  seed?: number;
  /** Nominal interval coverage, e.g. 0.8. */
  interval?: number;
  /** Refit folds behind the interval (default 2 where the series holds them; 0: validation residuals). */
  intervalFolds?: number;
  /** Points to forecast past the end of the data (0: none). */
  future?: number;
  /** CSV of the future forecast; default next to the plot (out/forecast-future.csv). */
  futureCsv?: string;
  /** Save the trained forecaster into this folder. */
  out?: string;
  /** Forecast with the forecaster saved in this folder (no training). */
  model?: string;
  /** SVG output path; default out/forecast.svg (out/forecast-tiny.svg with --tiny); '' for no plot. */
  plot?: string;
  tiny?: boolean;
  logEvery?: number;
  log?: (line: string) => void;
  progress?: (line: string) => void;
}

/** Defaults per source. */
const DEFAULTS = {
  co2: { window: 24, horizon: 12, test: 60, validation: 60 },
  sp500: { window: 12, horizon: 6, test: 24, validation: 24 },
};

/** `['symbol=AAPL']` -> `{ symbol: 'AAPL' }`; ConfigError on a malformed entry. */
export function parseWhere(list: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of list ?? []) {
    const eq = w.indexOf('=');
    if (eq <= 0)
      throw new ConfigError(
        `--where must be COLUMN=VALUE, e.g. --where symbol=AAPL; got ${JSON.stringify(w)}`,
      );
    out[w.slice(0, eq).trim()] = w.slice(eq + 1).trim();
  }
  return out;
}

function featureList(f: string | string[] | undefined): string[] {
  const list = (Array.isArray(f) ? f : (f ?? '').split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (new Set(list).size !== list.length)
    throw new ConfigError(`--features must not repeat a column; got ${list.join(',')}`);
  return list;
}

/** The future's default CSV path: beside the plot, `<plot>-future.csv`. */
function futureCsvPath(a: ForecastAppOptions, plot: string): string {
  if (a.futureCsv !== undefined) return a.futureCsv;
  const base =
    plot !== '' ? plot.replace(/\.svg$/i, '') : path.join('out', a.tiny ? 'forecast-tiny' : 'forecast');
  return `${base}-future.csv`;
}

/** Forecasts past the end with `f`, writes the CSV and prints the table. */
function future(
  a: ForecastAppOptions,
  log: (line: string) => void,
  run: {
    forecaster: Parameters<typeof forecastFuture>[0];
    series: LoadedSeries;
    column: string;
    steps: number;
    plot: string;
  },
): FutureForecast {
  const { forecaster, series, column, steps } = run;
  const fc = forecastFuture(forecaster, series.values, series.features, steps);
  const labels = futureLabels(
    series.calendar,
    series.labels ? series.labels[series.labels.length - 1] : null,
    series.values.length,
    steps,
  );
  const level = forecaster.interval?.level ?? 0.8;
  const f: FutureForecast = { labels, ...fc, level };
  const file = futureCsvPath(a, run.plot);
  writeFutureCsv(file, column, f, series.labels !== null);
  const pct = Math.round(level * 100);
  log(
    `future: ${steps} point(s) past the end (${labels[0]} .. ${labels[steps - 1]})${steps > forecaster.horizon ? `, blocks of ${forecaster.horizon} after the first fed the forecasts before them (the band widens)` : ''}:`,
  );
  for (let i = 0; i < steps; i++)
    log(
      `  ${labels[i].padEnd(12)} ${f.values[i].toFixed(4).padStart(12)}   ${pct}% [${f.lower[i].toFixed(4)}, ${f.upper[i].toFixed(4)}]`,
    );
  log(`future CSV: ${file}`);
  return f;
}

/** Forecasts with a saved forecaster: no training. */
async function fromSaved(a: ForecastAppOptions, log: (line: string) => void, plot: string): Promise<null> {
  const dir = a.model as string;
  if (a.csv === undefined)
    throw new ConfigError('--model DIR needs --csv FILE with the recent history to forecast from');
  // the saved forecaster fixes these: reject them rather than ignore them
  const fixed: [keyof ForecastAppOptions, string][] = [
    ['window', '--window'],
    ['horizon', '--horizon'],
    ['test', '--test'],
    ['validation', '--validation'],
    ['season', '--season'],
    ['transform', '--transform'],
    ['hidden', '--hidden'],
    ['layers', '--layers'],
    ['epochs', '--epochs'],
    ['patience', '--patience'],
    ['batchSize', '--batch-size'],
    ['lr', '--lr'],
    ['seed', '--seed'],
    ['interval', '--interval'],
    ['intervalFolds', '--interval-folds'],
    ['out', '--out'],
    ['tiny', '--tiny'],
  ];
  const given = fixed.filter(([k]) => a[k] !== undefined && a[k] !== false).map(([, flag]) => flag);
  if (given.length > 0)
    throw new ConfigError(
      `${given.join(', ')} cannot change a saved forecaster (--model ${dir}); train a new one without --model`,
    );
  const { forecaster, meta } = await loadForecaster(dir);
  if (a.column !== undefined && a.column !== meta.column)
    throw new ConfigError(`the forecaster in ${dir} forecasts "${meta.column}"; got --column ${a.column}`);
  const asked = featureList(a.features);
  if (asked.length > 0 && asked.join(',') !== forecaster.features.join(',')) {
    throw new ConfigError(
      `the forecaster in ${dir} reads the features ${forecaster.features.join(',') || '(none)'}; got --features ${asked.join(',')}`,
    );
  }
  const where = a.where && a.where.length > 0 ? parseWhere(a.where) : meta.where;
  const series = loadCsvSeries(a.csv, {
    column: meta.column,
    features: forecaster.features,
    where,
    ...((a.dateColumn ?? meta.dateColumn) ? { dateColumn: a.dateColumn ?? (meta.dateColumn as string) } : {}),
  });
  const n = series.values.length;
  const at = (i: number): string => (series.labels ? series.labels[i] : `t=${i}`);
  log(
    `forecaster: ${dir} (trained on ${meta.trainedOn.file}, ${meta.trainedOn.points} points, ${meta.trainedOn.first} .. ${meta.trainedOn.last}); window ${forecaster.window}, horizon ${forecaster.horizon}, ${forecaster.transform === 'diff' ? 'first differences' : 'levels'}`,
  );
  log(
    `data: ${a.csv}, column "${meta.column}": ${n} points (${at(0)} .. ${at(n - 1)})${series.notes.length ? `; ${series.notes.join('; ')}` : ''}`,
  );
  if (series.calendar.kind !== meta.calendar.kind)
    log(
      `warning: the forecaster was trained on ${meta.calendar.kind} dates; this file's are ${series.calendar.kind}`,
    );
  const steps = a.future !== undefined && a.future > 0 ? a.future : forecaster.horizon;
  const f = future(a, log, { forecaster, series, column: meta.column, steps, plot });
  if (plot !== '') {
    await plotStep(log, plot, () =>
      writeForecastPlot(plot, series.values, null, {
        title: `${path.basename(a.csv as string)}: ${meta.column}, LSTM forecast past the end`,
        yLabel: meta.column,
        labels: series.labels,
        future: f,
      }),
    );
  }
  return null;
}

/** Runs the application; returns the result (null with --model: nothing was trained). */
export async function forecastApp(a: ForecastAppOptions): Promise<ForecastResult | null> {
  const log = a.log ?? ((line: string) => console.log(line));
  const t0 = performance.now();
  const tiny = a.tiny === true;
  // a --tiny run never writes over the full run's plot
  const plot = a.plot ?? path.join('out', tiny ? 'forecast-tiny.svg' : 'forecast.svg');
  if (a.model !== undefined) return fromSaved(a, log, plot);
  let file: string;
  let column: string;
  let title: string;
  let units = '';
  let dflt: { window: number; horizon: number; test?: number; validation?: number };
  if (a.csv !== undefined) {
    if (a.column === undefined) throw new ConfigError('--column NAME is required with --csv');
    file = a.csv;
    column = a.column;
    title = `${path.basename(file)}: ${column}`;
    dflt = { window: 24, horizon: 12 };
  } else {
    const name = a.dataset ?? 'co2';
    const ds = DATASETS[name];
    if (ds === undefined)
      throw new ConfigError(
        `unknown dataset ${JSON.stringify(name)}; expected one of ${Object.keys(DATASETS).join(', ')}`,
      );
    file = vegaDataFile(ds.file);
    column = a.column ?? ds.column;
    title = ds.title;
    units = ds.units;
    dflt = DEFAULTS[name];
  }
  if (a.futureCsv !== undefined && !(a.future !== undefined && a.future > 0))
    throw new ConfigError('--future-csv needs --future N (the points to forecast past the end)');
  const where = parseWhere(a.where);
  const featureNames = featureList(a.features);
  const loaded = loadCsvSeries(file, {
    column,
    features: featureNames,
    where,
    ...(a.dateColumn ? { dateColumn: a.dateColumn } : {}),
  });
  const series: LoadedSeries = { ...loaded };
  if (tiny && series.values.length > 240) {
    const cut = (v: Float64Array): Float64Array => v.slice(v.length - 240);
    series.values = cut(series.values);
    series.features = series.features.map(cut);
    series.labels = series.labels ? series.labels.slice(series.labels.length - 240) : null;
    series.notes.push('--tiny: the last 240 points only');
  }
  const values = series.values;
  const labels = series.labels;
  const n = values.length;
  const horizon = a.horizon ?? (tiny ? Math.min(dflt.horizon, 12) : dflt.horizon);
  const window = a.window ?? (tiny ? Math.min(dflt.window, 12) : dflt.window);
  const share = Math.max(horizon, Math.round(0.15 * n));
  const test = a.test ?? (tiny ? Math.min(share, 2 * horizon) : (dflt.test ?? share));
  const validation = a.validation ?? (tiny ? Math.min(share, 2 * horizon) : (dflt.validation ?? share));
  // the season: given, or found in the training part's autocorrelation
  const candidates = seasonCandidates(series.calendar);
  const found =
    a.season === undefined
      ? detectSeason(values.subarray(0, Math.max(0, n - test - validation)), candidates)
      : null;
  const season = a.season ?? (found as { season: number }).season;
  const o: ForecastOptions = {
    name: column,
    window,
    horizon,
    test,
    validation,
    season,
    transform: a.transform ?? 'diff',
    hidden: a.hidden ?? (tiny ? 8 : 32),
    layers: a.layers ?? 1,
    epochs: a.epochs ?? (tiny ? 3 : 300),
    patience: a.patience ?? 30,
    batchSize: a.batchSize ?? 32,
    lr: a.lr ?? 3e-3,
    seed: a.seed ?? 0,
    level: a.interval ?? 0.8,
    ...(a.intervalFolds !== undefined ? { intervalFolds: a.intervalFolds } : {}),
    logEvery: a.logEvery ?? (tiny ? 1 : 25),
    log,
    ...(a.progress ? { progress: a.progress } : {}),
  };
  const at = (i: number): string => (labels ? labels[i] : `t=${i}`);
  log(
    `data: ${file}, column "${column}": ${n} points (${at(0)} .. ${at(n - 1)})${series.notes.length ? `; ${series.notes.join('; ')}` : ''}`,
  );
  if (featureNames.length > 0)
    log(
      `features: ${featureNames.join(', ')} beside "${column}" (inputs ${1 + featureNames.length} channels)`,
    );
  log(
    `split (chronological): train ${n - test - validation} | validation ${validation} (early stopping) | test ${test} held out (${at(n - test)} .. ${at(n - 1)})`,
  );
  log(
    `model: LSTM(${o.hidden}${o.layers > 1 ? ` x ${o.layers} layers` : ''}) -> Dense(${horizon}); input: the last ${window} ${o.transform === 'diff' ? 'first differences' : 'values'}, ` +
      `StandardScaler fitted on the training part; output: the next ${horizon} ${o.transform === 'diff' ? 'changes from the last known value' : 'values'}`,
  );
  const seasonWhy = found
    ? found.season > 1
      ? `found in the training part (its variogram dips to ${found.ratio.toFixed(2)} of the shorter lags' maximum at lag ${found.season})`
      : `none found in the training part (no variogram dip to ${found.threshold} of the shorter lags' maximum${candidates ? ` at lags ${candidates.join(', ')}` : ''}; --season N sets one)`
    : 'from --season';
  log(
    `direct multi-step, ${horizon} steps per origin, origins every ${horizon} steps over the tail (each from actual history); ` +
      `baselines: naive (the last known value)${season > 1 ? ` and seasonal naive (the value ${season} steps earlier)` : ''}; season ${season > 1 ? season : 'none'}: ${seasonWhy}`,
  );
  log(
    `training: Adam lr ${o.lr}, batch ${o.batchSize}, up to ${o.epochs} epochs, early stopping patience ${o.patience} on val_loss (best weights kept), seed ${o.seed}`,
  );
  const r = await runForecast(values, o, series.features, featureNames);
  log(
    `trained ${r.epochsRun} epochs in ${r.trainSeconds.toFixed(1)} s on ${r.trainSamples} windows (validation ${r.valSamples}); best val_loss ${r.bestValLoss.toFixed(5)} at epoch ${r.bestEpoch}`,
  );
  log(`held-out tail: ${r.actual.length} points in ${r.blocks} block(s) of up to ${horizon}`);
  for (const line of resultTable(r, horizon, units)) log(line);
  log(coverageLine(r));
  const fut =
    a.future !== undefined && a.future > 0
      ? future(a, log, { forecaster: r.forecaster, series, column, steps: a.future, plot })
      : null;
  if (a.out !== undefined) {
    await saveForecaster(a.out, r.forecaster, {
      column,
      dateColumn: series.dateColumn,
      where,
      calendar: series.calendar,
      season,
      trainedOn: { file: path.basename(file), points: n, first: at(0), last: at(n - 1) },
    });
    log(
      `forecaster saved: ${a.out} (model.json, weights.safetensors, forecaster.json); forecast again with --model ${a.out} --csv FILE`,
    );
  }
  if (plot !== '') {
    const yLabel = units ? `${column} (${units})` : column;
    await plotStep(log, plot, () =>
      writeForecastPlot(plot, values, r, {
        title: `${title}: LSTM vs baselines on the held-out tail`,
        yLabel,
        labels,
        future: fut,
      }),
    );
  }
  log(`total time: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return r;
}
