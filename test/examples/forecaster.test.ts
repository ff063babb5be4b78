// The forecaster of examples/lib: split-conformal bounds per step ahead (and their
// coverage of fresh residuals), the interval from refit folds and its widening past one
// horizon, and forecaster.json validated as a whole on load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, FormatError, Generator } from '../../src/index.js';
import {
  conformalBounds,
  forecastFrom,
  forecastFuture,
  intervalOf,
  residualInterval,
  residualsOf,
} from '../../examples/lib/forecaster.js';
import { loadForecaster, saveForecaster } from '../../examples/lib/forecaster-files.js';
import { noisySine, runForecast, type ForecastOptions } from '../../examples/lib/forecasting.js';

test('conformalBounds: the order statistics of ranks floor/ceil((n + 1)(1 -/+ level) / 2)', () => {
  const r = [5, -3, 1, 9, -7, 0, 2, -1, 4, 3, -2, 6, -5, 8, -4, 7, -6, -8, 10]; // 19 residuals, -8..10
  // (n + 1) * 0.1 = 2 -> the 2nd smallest (-7); (n + 1) * 0.9 = 18 -> the 18th (9)
  assert.deepEqual(conformalBounds(r, 0.8), [-7, 9]);
  // 0.5: ranks floor(20 * 0.25) = 5 and ceil(20 * 0.75) = 15
  assert.deepEqual(conformalBounds(r, 0.5), [-4, 6]);
  // too few residuals for the level: the sample's range
  assert.deepEqual(conformalBounds([2, -1, 3], 0.9), [-1, 3]);
  assert.throws(() => conformalBounds([], 0.8), ConfigError);
});

test('conformalBounds covers fresh residuals of the same noise at the nominal level, also from few', () => {
  // Gaussian noise of known sd: calibrate on n residuals, count fresh draws inside, over many trials
  const g = new Generator(7);
  for (const [n, level] of [
    [19, 0.8],
    [49, 0.8],
    [39, 0.9],
  ] as const) {
    let inside = 0;
    let count = 0;
    for (let trial = 0; trial < 400; trial++) {
      const cal = Array.from({ length: n }, () => 0.3 * g.normal());
      const [lo, hi] = conformalBounds(cal, level);
      for (let k = 0; k < 50; k++) {
        const e = 0.3 * g.normal();
        if (e >= lo && e <= hi) inside++;
        count++;
      }
    }
    // exact in expectation: (hi rank - lo rank) / (n + 1) = level here; plain empirical
    // quantiles of 19 residuals would cover about 76%
    const cov = inside / count;
    assert.ok(Math.abs(cov - level) < 0.01, `n ${n}, level ${level}: coverage ${cov}`);
  }
});

test('residualInterval: per step ahead, from residualsOf', () => {
  // origins 0..18; the forecasts miss y[o + h] by (o - 9) at step 0 and 10 * (o - 9) at step 1
  const y = new Float64Array(21);
  const origins = Array.from({ length: 19 }, (_, o) => o);
  const preds = origins.map((o) => [-(o - 9), -10 * (o - 9)]);
  const res = residualsOf(y, origins, preds, 2);
  assert.deepEqual(res[1].slice(0, 3), [-90, -80, -70]);
  const iv = residualInterval(res, 0.8);
  assert.deepEqual(iv.lower, [-8, -80]); // rank 2 of -9..9 and of -90..90
  assert.deepEqual(iv.upper, [8, 80]); // rank 18
  assert.equal(iv.origins, 19);
});

const SMALL: ForecastOptions = {
  name: 'sine',
  window: 20,
  horizon: 5,
  test: 40,
  validation: 40,
  season: 20,
  transform: 'none',
  hidden: 8,
  layers: 1,
  epochs: 2,
  patience: 5,
  batchSize: 32,
  lr: 0.01,
  seed: 0,
  level: 0.8,
  logEvery: 0,
  log: () => {},
};

test('a trained forecaster: tail coverage counted, interval widens past one horizon, save/load gives the same forecasts', async () => {
  const y = noisySine(260, 20, 0.1, 0);
  const r = await runForecast(y, SMALL);
  let inside = 0;
  for (let i = 0; i < r.actual.length; i++)
    if (r.actual[i] >= r.lower[i] && r.actual[i] <= r.upper[i]) inside++;
  assert.equal(r.coverage, inside / 40);
  // the interval: 2 refit folds (the series holds 3), each with every origin of its
  // 40-point block whose 5 steps end inside it
  assert.equal(r.intervalFolds, 2);
  assert.equal(r.intervalOrigins, 72);
  assert.deepEqual(
    r.baselines.map((b) => b.name),
    ['naive (last known value)', 'seasonal naive (value 20 steps earlier)'],
  );
  const f = r.forecaster;
  const [lo0, hi0] = intervalOf(f, 0, 2, 0);
  const [lo2, hi2] = intervalOf(f, 0, 2, 2);
  assert.ok(lo2 < lo0 && hi2 > hi0, 'later blocks get a wider band');
  const fut = forecastFuture(f, y, [], 12);
  assert.equal(fut.values.length, 12);
  assert.deepEqual(Array.from(fut.values.subarray(0, 5)), forecastFrom(f, y, [], [y.length])[0]);

  const dir = mkdtempSync(join(tmpdir(), 'longshort-forecaster-'));
  try {
    const meta = {
      column: 'y',
      dateColumn: null,
      where: {},
      calendar: { kind: 'index' as const },
      season: 20,
      trainedOn: { file: 'sine', points: 260, first: 't=0', last: 't=259' },
    };
    await saveForecaster(dir, f, meta);
    const back = await loadForecaster(dir);
    assert.deepEqual(back.meta, meta);
    assert.deepEqual(forecastFuture(back.forecaster, y, [], 12), fut);
    // a damaged forecaster.json names the field and loads nothing
    const file = join(dir, 'forecaster.json');
    const good = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const damaged: [string, unknown, RegExp][] = [
      ['window', 0, /"window", "horizon" and "season" must be positive integers/],
      ['transform', 'log', /"transform" must be 'diff' or 'none'/],
      [
        'interval',
        { level: 0.8, lower: [0], upper: [0], origins: 3 },
        /"interval" must be null or \{level in \(0,1\), lower\[5\], upper\[5\], origins\}/,
      ],
      [
        'xScaler',
        { type: 'StandardScaler', mean: [0, 0], std: [1, 1] },
        /"xScaler" must be fitted on 1 channel/,
      ],
      ['format', 'other', /expected format "longshort-forecaster" version 1/],
    ];
    for (const [key, value, message] of damaged) {
      writeFileSync(file, JSON.stringify({ ...good, [key]: value }));
      await assert.rejects(
        loadForecaster(dir),
        (e: unknown) => e instanceof FormatError && message.test(e.message),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('intervalFolds: 0 takes the validation residuals of the model itself; more folds than the series holds is an error', async () => {
  const y = noisySine(260, 20, 0.1, 0);
  const r = await runForecast(y, { ...SMALL, intervalFolds: 0 });
  assert.equal(r.intervalFolds, 0);
  assert.equal(r.intervalOrigins, 36); // every validation origin with a whole block: 40 - 5 + 1
  const origins = Array.from({ length: 36 }, (_, i) => 180 + i);
  const expected = residualInterval(
    residualsOf(y, origins, forecastFrom(r.forecaster, y, [], origins), 5),
    0.8,
  );
  assert.deepEqual(r.forecaster.interval, expected);
  // 260 points: 40 tail + 40 validation + 3 x 40 folds leave 60 >= window + horizon; 4 leave 20
  await assert.rejects(
    runForecast(y, { ...SMALL, intervalFolds: 4 }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /--interval-folds 4 needs .* holds 3 fold\(s\); use --interval-folds 3/.test(e.message),
  );
});

test('on a series with known noise the refit-fold interval is as wide as the noise and covers the tail near its level', async () => {
  // sin + N(0, 0.2^2): a model that learned the wave leaves the noise, whose central 80% is +/- 1.2816 x 0.2
  const y = noisySine(900, 20, 0.2, 3);
  const r = await runForecast(y, { ...SMALL, test: 200, validation: 100, epochs: 20, seed: 3 });
  assert.equal(r.intervalFolds, 2);
  assert.ok(r.model.rmse < 0.25, `RMSE ${r.model.rmse} (noise 0.2)`);
  let width = 0;
  for (let i = 0; i < r.actual.length; i++) width += (r.upper[i] - r.lower[i]) / r.actual.length;
  assert.ok(Math.abs(width - 2 * 1.2816 * 0.2) < 0.1, `mean width ${width}, the noise's 80% band 0.513`);
  assert.ok(r.coverage >= 0.7 && r.coverage <= 0.9, `coverage ${r.coverage} of 200 points`);
});
