/*
 * sine: forecasting a noisy sine wave with an LSTM (seed 003's "模拟了sin函数" application):
 * y[t] = sin(2 pi t / period) + N(0, noise^2), seeded.
 *
 *   npm run example:sine -- [--length 800 --period 50 --noise 0.1 --window 50 --horizon 10 --plot out/sine.svg] [--tiny]
 *
 * The same pipeline as examples/forecast.ts (examples/lib/forecasting.ts), on levels
 * (no differencing: the wave is stationary): chronological split train | validation
 * (early stopping) | the last two periods held out; StandardScaler fitted on the
 * training part; an LSTM reads the last `window` values and a Dense layer outputs the
 * next `horizon` (direct multi-step); each block of the held-out tail is forecast from
 * actual history; an 80% prediction interval, split-conformal on the residuals of two
 * models refit on earlier cuts of the series, with its coverage of the tail. Baselines: the last value, and the value one period earlier (seasonal naive), whose
 * error is about sqrt(2) x noise; a model that learned the clean wave approaches
 * 1 x noise (the noise itself is unpredictable).
 */
import { errors, noisySine, runForecast } from './lib/forecasting.js';
import { coverageLine, plotStep, resultTable, writeForecastPlot } from './lib/forecast-report.js';
import { endProgress, num, optNum, parseCli, progress } from './lib/common.js';

const args = parseCli('sine', 'LSTM forecast of a noisy sine wave vs the value one period earlier', {
  length: { type: 'string', help: 'points generated (default 800; 300 with --tiny)' },
  period: { type: 'string', default: '50', help: 'period of the wave in steps (the baseline season)' },
  noise: { type: 'string', default: '0.1', help: 'standard deviation of the Gaussian noise' },
  window: { type: 'string', help: 'input steps per sample (default 50; 25 with --tiny)' },
  horizon: { type: 'string', default: '10', help: 'steps predicted per origin (direct multi-step)' },
  test: { type: 'string', help: 'points held out at the end (default 2 periods)' },
  validation: { type: 'string', help: 'points before the tail for early stopping (default 2 periods)' },
  hidden: { type: 'string', help: 'LSTM units (default 32; 8 with --tiny)' },
  epochs: { type: 'string', help: 'maximum epochs (default 150; 3 with --tiny)' },
  patience: { type: 'string', default: '20', help: 'early-stopping patience in epochs' },
  'batch-size': { type: 'string', default: '32', help: 'mini-batch size' },
  lr: { type: 'string', default: '0.003', help: 'Adam learning rate' },
  seed: { type: 'string', default: '0', help: 'seed of the data, the initialisation and the shuffling' },
  plot: {
    type: 'string',
    help: "SVG plot of actual vs forecasts (default out/sine.svg, out/sine-tiny.svg with --tiny; '' for none)",
  },
  interval: { type: 'string', default: '0.8', help: 'nominal coverage of the prediction interval' },
  'interval-folds': {
    type: 'string',
    help: "models refit on earlier cuts for the interval's residuals (default 2 where the series holds them; 0: validation residuals)",
  },
  'log-every': { type: 'string', help: 'print a line every N epochs (default 25; 1 with --tiny)' },
  tiny: {
    type: 'boolean',
    default: false,
    help: 'smoke-test size: 300 points, window 25, 3 epochs, hidden 8',
  },
});
const tiny = args.tiny === true;
const period = num(args, 'period', { integer: true, min: 2 });
const length = optNum(args, 'length', { integer: true, min: 10 }) ?? (tiny ? 300 : 800);
const noise = num(args, 'noise', { min: 0 });
const seed = num(args, 'seed', { integer: true, min: 0 });
const horizon = num(args, 'horizon', { integer: true, min: 1 });
const window = optNum(args, 'window', { integer: true, min: 1 }) ?? (tiny ? Math.ceil(period / 2) : period);
const test = optNum(args, 'test', { integer: true, min: 1 }) ?? 2 * period;
const validation = optNum(args, 'validation', { integer: true, min: 1 }) ?? 2 * period;
const intervalFolds = optNum(args, 'interval-folds', { integer: true, min: 0 });
const plot = typeof args.plot === 'string' ? args.plot : tiny ? 'out/sine-tiny.svg' : 'out/sine.svg';

const t0 = performance.now();
const y = noisySine(length, period, noise, seed);
console.log(`data: ${length} points of sin(2 pi t / ${period}) + N(0, ${noise}^2), seed ${seed}`);
console.log(
  `split (chronological): train ${length - test - validation} | validation ${validation} (early stopping) | test ${test} held out (t = ${length - test} .. ${length - 1})`,
);
const o = {
  name: 'sine',
  window,
  horizon,
  test,
  validation,
  season: period,
  transform: 'none' as const,
  hidden: optNum(args, 'hidden', { integer: true, min: 1 }) ?? (tiny ? 8 : 32),
  layers: 1,
  epochs: optNum(args, 'epochs', { integer: true, min: 0 }) ?? (tiny ? 3 : 150),
  patience: num(args, 'patience', { integer: true, min: 0 }),
  batchSize: num(args, 'batch-size', { integer: true, min: 1 }),
  lr: num(args, 'lr', { min: 0 }),
  seed,
  level: num(args, 'interval', { min: 0 }),
  ...(intervalFolds !== undefined ? { intervalFolds } : {}),
  logEvery: optNum(args, 'log-every', { integer: true, min: 0 }) ?? (tiny ? 1 : 25),
  log: (line: string) => console.log(line),
  progress: (line: string) => (line ? progress(line) : endProgress()),
};
console.log(
  `model: LSTM(${o.hidden}) -> Dense(${horizon}); input: the last ${window} values (StandardScaler fitted on the training part); output: the next ${horizon} values`,
);
console.log(
  `forecast: direct multi-step, a new origin every ${horizon} steps over the tail, each from actual history; baselines: the last value (naive) and the value one period (${period} steps) earlier (seasonal naive)`,
);
console.log(
  `training: Adam lr ${o.lr}, batch ${o.batchSize}, up to ${o.epochs} epochs, early stopping patience ${o.patience} on val_loss (best weights kept)`,
);
try {
  const r = await runForecast(y, o);
  console.log(
    `trained ${r.epochsRun} epochs in ${r.trainSeconds.toFixed(1)} s on ${r.trainSamples} windows (validation ${r.valSamples}); best val_loss ${r.bestValLoss.toFixed(5)} at epoch ${r.bestEpoch}`,
  );
  console.log(`held-out tail: ${r.actual.length} points in ${r.blocks} block(s) of up to ${horizon}`);
  for (const line of resultTable(r, horizon)) console.log(line);
  console.log(coverageLine(r));
  // the noise floor: the clean wave's own error against the noisy tail
  const clean = Float64Array.from(r.actual, (_, i) => Math.sin((2 * Math.PI * (r.testStart + i)) / period));
  console.log(
    `for reference, the noiseless wave itself scores RMSE ${errors(r.actual, clean).rmse.toFixed(4)} (the noise floor)`,
  );
  if (plot !== '') {
    await plotStep(console.log, plot, () =>
      writeForecastPlot(plot, y, r, {
        title: `Noisy sine (period ${period}): LSTM vs the baselines`,
        yLabel: 'y',
        labels: null,
      }),
    );
  }
  console.log(`total time: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (!Number.isFinite(r.model.rmse)) process.exitCode = 1;
} catch (e) {
  console.error(`sine: ${(e as Error).message}`);
  process.exit(1);
}
