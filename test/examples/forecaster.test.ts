// The forecaster of examples/lib: residual quantiles per step ahead, the interval and its
// widening past one horizon, and forecaster.json validated as a whole on load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../src/index.js';
import {
  forecastFrom,
  forecastFuture,
  intervalOf,
  residualQuantiles,
} from '../../examples/lib/forecaster.js';
import { loadForecaster, saveForecaster } from '../../examples/lib/forecaster-files.js';
import { noisySine, runForecast } from '../../examples/lib/forecasting.js';

test('residualQuantiles: per step ahead, linear between order statistics', () => {
  // origins 0..4; the forecasts miss y[o + h] by (o - 2) at step 0 and 10 * (o - 2) at step 1
  const y = Float64Array.from({ length: 8 }, () => 0);
  const preds = [0, 1, 2, 3, 4].map((o) => [-(o - 2), -10 * (o - 2)]);
  const iv = residualQuantiles(y, [0, 1, 2, 3, 4], preds, 2, 0.5);
  assert.deepEqual(iv.lower, [-1, -10]); // 25% quantile of [-2..2] and of [-20..20]
  assert.deepEqual(iv.upper, [1, 10]);
  assert.equal(iv.origins, 5);
});

test('a trained forecaster: tail coverage counted, interval widens past one horizon, save/load gives the same forecasts', async () => {
  const y = noisySine(260, 20, 0.1, 0);
  const r = await runForecast(y, {
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
  });
  let inside = 0;
  for (let i = 0; i < r.actual.length; i++)
    if (r.actual[i] >= r.lower[i] && r.actual[i] <= r.upper[i]) inside++;
  assert.equal(r.coverage, inside / 40);
  assert.equal(r.intervalOrigins, 36); // every validation origin with a whole block: 40 - 5 + 1
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
