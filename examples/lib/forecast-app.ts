/*
 * The forecasting application behind `npm run example:forecast`, `npm start` and
 * `longshort forecast`: picks the data (vega-datasets' CO2 or S&P 500, or any CSV
 * column), resolves the per-dataset defaults, runs lib/forecasting.ts, prints the
 * settings, the RMSE/MAE table and writes the SVG plot.
 */
import path from 'node:path';
import { ConfigError } from '../../src/index.js';
import { DATASETS, loadCsvSeries, resultTable, runForecast, vegaDataFile, writeForecastPlot, type DatasetName, type ForecastOptions, type ForecastResult } from './forecasting.js';

/** Options of {@link forecastApp}; unset numbers take the dataset's defaults. */
export interface ForecastAppOptions {
  dataset?: DatasetName;
  csv?: string;
  column?: string;
  dateColumn?: string;
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
  /** SVG output path; default out/forecast.svg; '' for no plot. */
  plot?: string;
  tiny?: boolean;
  logEvery?: number;
  log?: (line: string) => void;
  progress?: (line: string) => void;
}

/** Defaults per source. */
const DEFAULTS = {
  co2: { window: 24, horizon: 12, test: 60, validation: 60, season: 12 },
  sp500: { window: 12, horizon: 6, test: 24, validation: 24, season: 1 },
};

/** Runs the application; returns the result (the caller decides about exit codes). */
export async function forecastApp(a: ForecastAppOptions): Promise<ForecastResult> {
  const log = a.log ?? ((line: string) => console.log(line));
  const t0 = performance.now();
  let file: string;
  let column: string;
  let title: string;
  let units = '';
  let dflt: { window: number; horizon: number; test?: number; validation?: number; season?: number };
  if (a.csv !== undefined) {
    if (a.column === undefined) throw new ConfigError('--column NAME is required with --csv');
    file = a.csv;
    column = a.column;
    title = `${path.basename(file)}: ${column}`;
    dflt = { window: 24, horizon: 12 };
  } else {
    const name = a.dataset ?? 'co2';
    const ds = DATASETS[name];
    if (ds === undefined) throw new ConfigError(`unknown dataset ${JSON.stringify(name)}; expected one of ${Object.keys(DATASETS).join(', ')}`);
    file = vegaDataFile(ds.file);
    column = a.column ?? ds.column;
    title = ds.title;
    units = ds.units;
    dflt = DEFAULTS[name];
  }
  const loaded = loadCsvSeries(file, column, a.dateColumn);
  let values = loaded.values;
  let labels = loaded.labels;
  const tiny = a.tiny === true;
  if (tiny && values.length > 240) {
    values = values.slice(values.length - 240);
    labels = labels ? labels.slice(labels.length - 240) : null;
    loaded.notes.push('--tiny: the last 240 points only');
  }
  const n = values.length;
  const horizon = a.horizon ?? (tiny ? Math.min(dflt.horizon, 12) : dflt.horizon);
  const window = a.window ?? (tiny ? Math.min(dflt.window, 12) : dflt.window);
  const share = Math.max(horizon, Math.round(0.15 * n));
  const test = a.test ?? (tiny ? Math.min(share, 2 * horizon) : (dflt.test ?? share));
  const validation = a.validation ?? (tiny ? Math.min(share, 2 * horizon) : (dflt.validation ?? share));
  const season = a.season ?? dflt.season ?? (loaded.monthly ? 12 : 1);
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
    logEvery: a.logEvery ?? (tiny ? 1 : 25),
    log,
    ...(a.progress ? { progress: a.progress } : {}),
  };
  const at = (i: number): string => (labels ? labels[i] : `t=${i}`);
  log(`data: ${file}, column "${column}": ${n} points (${at(0)} .. ${at(n - 1)})${loaded.notes.length ? `; ${loaded.notes.join('; ')}` : ''}`);
  log(
    `split (chronological): train ${n - test - validation} | validation ${validation} (early stopping) | test ${test} held out (${at(n - test)} .. ${at(n - 1)})`,
  );
  log(
    `model: LSTM(${o.hidden}${o.layers > 1 ? ` x ${o.layers} layers` : ''}) -> Dense(${horizon}); input: the last ${window} ${o.transform === 'diff' ? 'first differences' : 'values'}, ` +
      `StandardScaler fitted on the training part; output: the next ${horizon} ${o.transform === 'diff' ? 'changes from the last known value' : 'values'}`,
  );
  log(
    `forecast: direct multi-step, ${horizon} steps per origin, origins every ${horizon} steps over the tail (each from actual history); ` +
      `baseline: ${season <= 1 ? 'naive, the last known value' : `seasonal naive, the value ${season} steps earlier`}`,
  );
  log(`training: Adam lr ${o.lr}, batch ${o.batchSize}, up to ${o.epochs} epochs, early stopping patience ${o.patience} on val_loss (best weights kept), seed ${o.seed}`);
  const r = await runForecast(values, o);
  log(
    `trained ${r.epochsRun} epochs in ${r.trainSeconds.toFixed(1)} s on ${r.trainSamples} windows (validation ${r.valSamples}); best val_loss ${r.bestValLoss.toFixed(5)} at epoch ${r.bestEpoch}`,
  );
  log(`held-out tail: ${r.actual.length} points in ${r.blocks} block(s) of up to ${horizon}`);
  for (const line of resultTable(r, horizon, units)) log(line);
  const plot = a.plot ?? path.join('out', 'forecast.svg');
  if (plot !== '') {
    writeForecastPlot(plot, values, r, {
      title: `${title}: LSTM vs ${r.baselineName} on the held-out tail`,
      yLabel: units ? `${column} (${units})` : column,
      labels,
      monthly: loaded.monthly,
    });
    log(`plot: ${plot}`);
  }
  log(`total time: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return r;
}
