/*
 * forecast: an LSTM forecaster for monthly series, tested on a held-out tail against a
 * seasonal-naive baseline (seed 003's "stock prediction" application, on real data).
 *
 *   npm run example:forecast                       # Mauna Loa CO2 (vega-datasets), 1958-2020
 *   npm run example:forecast -- --dataset sp500    # S&P 500 monthly close, 2000-2010 (naive baseline)
 *   npm run example:forecast -- --csv FILE --column NAME [--window 24 --horizon 12 --plot out/x.svg]
 *   npm run example:forecast -- --future 24 --out out/co2-model    # forecast 2 years past the end, save the forecaster
 *   npm run example:forecast -- --model out/co2-model --csv NEW.csv --future 12   # reuse it, no training
 *   npm run example:forecast -- --csv prices.csv --column close --where symbol=AAPL --features volume
 *   npm start                                      # the CO2 run
 *
 * Pipeline (examples/lib/forecasting.ts): chronological split train | validation (early
 * stopping) | test tail (the last 60 months for CO2); StandardScaler fitted on the
 * training part only; inputs are the last `window` first differences, outputs the next
 * `horizon` changes from the last known value (direct multi-step: one Dense output per
 * step ahead). Over the tail, every `horizon` steps a new origin forecasts the next
 * block from actual history; the baselines repeat the last value and the value one season
 * earlier (the season found in the data: 12 for CO2, none for sp500), known at the same
 * origin. RMSE / MAE are in the data's units. The 80% prediction interval is split-conformal
 * per step ahead on the residuals of two models refit on earlier cuts of the series (on
 * data neither trained nor early-stopped on); its coverage of the held-out tail is printed.
 */
import { forecastApp } from './lib/forecast-app.js';
import { DATASETS, type DatasetName } from './lib/datasets.js';
import { endProgress, optNum, parseCli, progress } from './lib/common.js';

const args = parseCli(
  'forecast',
  'LSTM forecast of a series (default: Mauna Loa CO2) vs the naive and seasonal-naive baselines, with prediction intervals',
  {
    dataset: {
      type: 'string',
      default: 'co2',
      help: `bundled vega-datasets series: ${Object.keys(DATASETS).join(' | ')}`,
    },
    csv: { type: 'string', help: 'a CSV file instead of the bundled data (with --column)' },
    column: { type: 'string', help: 'the CSV column to forecast (default CO2 / price)' },
    'date-column': { type: 'string', help: 'the CSV date column (default: a column named date/month/time)' },
    where: {
      type: 'string',
      multiple: true,
      help: 'keep the rows where COLUMN=VALUE (long-format files; repeatable)',
    },
    features: { type: 'string', help: 'other columns fed beside the target, comma-separated (a,b)' },
    window: { type: 'string', help: 'input steps per sample (default 24 for CO2)' },
    horizon: { type: 'string', help: 'steps predicted per origin (default 12 for CO2)' },
    test: { type: 'string', help: 'points held out at the end (default 60 for CO2)' },
    validation: { type: 'string', help: 'points before the tail for early stopping (default 60 for CO2)' },
    season: {
      type: 'string',
      help: 'seasonal-naive period (default: found in the data by autocorrelation; 1 = none)',
    },
    interval: { type: 'string', help: 'nominal coverage of the prediction interval (default 0.8)' },
    'interval-folds': {
      type: 'string',
      help: "models refit on earlier cuts for the interval's residuals (default 2 where the series holds them; 0: validation residuals)",
    },
    future: { type: 'string', help: 'points to forecast past the end of the data (CSV + plot)' },
    'future-csv': { type: 'string', help: 'CSV of the future forecast (default <plot>-future.csv)' },
    out: { type: 'string', help: 'save the trained forecaster into this folder' },
    model: { type: 'string', help: 'forecast with a forecaster saved by --out (no training; needs --csv)' },
    transform: { type: 'string', help: "'diff' (first differences, the default) or 'none' (levels)" },
    hidden: { type: 'string', help: 'LSTM units (default 32)' },
    layers: { type: 'string', help: 'stacked LSTM layers (default 1)' },
    epochs: { type: 'string', help: 'maximum epochs (default 300; early stopping ends sooner)' },
    patience: { type: 'string', help: 'early-stopping patience in epochs (default 30)' },
    'batch-size': { type: 'string', help: 'mini-batch size (default 32)' },
    lr: { type: 'string', help: 'Adam learning rate (default 0.003)' },
    seed: { type: 'string', help: 'seed of the initialisation and the shuffling (default 0)' },
    plot: {
      type: 'string',
      help: "SVG plot of actual vs forecasts (default out/forecast.svg, out/forecast-tiny.svg with --tiny; '' for none)",
    },
    'log-every': { type: 'string', help: 'print a line every N epochs (default 25)' },
    tiny: {
      type: 'boolean',
      default: false,
      help: 'smoke-test size: the last 240 months, window 12, 3 epochs, hidden 8',
    },
  },
);

const dataset = String(args.dataset);
if (!(dataset in DATASETS)) {
  console.error(
    `forecast: --dataset must be one of ${Object.keys(DATASETS).join(', ')}; got ${JSON.stringify(dataset)}`,
  );
  process.exit(2);
}
const transform = args.transform === undefined ? undefined : String(args.transform);
if (transform !== undefined && transform !== 'diff' && transform !== 'none') {
  console.error(`forecast: --transform must be 'diff' or 'none'; got ${JSON.stringify(transform)}`);
  process.exit(2);
}
const int = (key: string, min = 1): number | undefined => optNum(args, key, { integer: true, min });
const str = (key: string): string | undefined => (typeof args[key] === 'string' ? args[key] : undefined);

try {
  const r = await forecastApp({
    dataset: dataset as DatasetName,
    csv: str('csv'),
    column: str('column'),
    dateColumn: str('date-column'),
    where: Array.isArray(args.where) ? args.where : [],
    features: str('features'),
    window: int('window'),
    horizon: int('horizon'),
    test: int('test'),
    validation: int('validation'),
    season: int('season'),
    interval: optNum(args, 'interval', { min: 0 }),
    intervalFolds: int('interval-folds', 0),
    future: int('future', 0),
    futureCsv: str('future-csv'),
    out: str('out'),
    model: str('model'),
    ...(transform !== undefined ? { transform } : {}),
    hidden: int('hidden'),
    layers: int('layers'),
    epochs: int('epochs', 0),
    patience: int('patience', 0),
    batchSize: int('batch-size'),
    lr: optNum(args, 'lr', { min: 0 }),
    seed: int('seed', 0),
    plot: str('plot'),
    tiny: args.tiny === true,
    logEvery: int('log-every', 0),
    progress: (line) => (line ? progress(line) : endProgress()),
  });
  if (r !== null && !Number.isFinite(r.model.rmse)) process.exitCode = 1;
} catch (e) {
  console.error(`forecast: ${(e as Error).message}`);
  process.exit(1);
}
