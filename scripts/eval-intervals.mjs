#!/usr/bin/env node
/*
 * Backtests the forecast example's prediction intervals on pseudo-tails: the CO2 series
 * (npm start's settings) cut short so that its last `test` points before the real
 * held-out tail play the tail, `--cuts` times, stepping back `test` points each time. The
 * real tail is never read. Prints, per cut and pooled, the share of pseudo-tail points
 * inside the interval. This is how the interval method is chosen and checked without
 * looking at the real tail (npm start prints the real tail's coverage once).
 *
 *   npm run build && node scripts/eval-intervals.mjs [--cuts 3] [--level 0.8]
 */
import { parseArgs } from 'node:util';
import { runForecast } from '../dist/examples/lib/forecasting.js';
import { loadCsvSeries } from '../dist/examples/lib/series.js';
import { DATASETS, vegaDataFile } from '../dist/examples/lib/datasets.js';

const { values: args } = parseArgs({
  options: { cuts: { type: 'string', default: '3' }, level: { type: 'string', default: '0.8' } },
});
const cuts = Number(args.cuts);
const level = Number(args.level);
const co2 = DATASETS.co2;
const series = loadCsvSeries(vegaDataFile(co2.file), { column: co2.column });
const settings = {
  name: 'co2',
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
  lr: 3e-3,
  seed: 0,
  level,
  logEvery: 0,
  log: () => {},
};
const n = series.values.length;
const pooled = [0, 0];
for (let k = 1; k <= cuts; k++) {
  const y = series.values.slice(0, n - k * settings.test); // the real tail (and k-1 pseudo-tails) cut off
  const r = await runForecast(y, settings);
  const inside = Math.round(r.coverage * r.actual.length);
  pooled[0] += inside;
  pooled[1] += r.actual.length;
  console.log(
    `cut ${k} (pseudo-tail ${series.labels?.[y.length - settings.test] ?? y.length - settings.test} .. ${series.labels?.[y.length - 1] ?? y.length - 1}): coverage ${inside}/${r.actual.length} = ${(100 * r.coverage).toFixed(1)}%, RMSE ${r.model.rmse.toFixed(4)}`,
  );
}
console.log(
  `pooled over ${cuts} pseudo-tails: ${pooled[0]}/${pooled[1]} = ${((100 * pooled[0]) / pooled[1]).toFixed(1)}% (nominal ${100 * level}%)`,
);
