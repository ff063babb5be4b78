/*
 * `longshort forecast`: the forecasting application of examples/lib/forecast-app.ts
 * (chronological split, scalers fitted on train, LSTM -> Dense(horizon) with early
 * stopping, direct multi-step forecasts of the held-out tail with prediction intervals,
 * RMSE/MAE against the naive and seasonal-naive baselines, the forecast past the end,
 * saving and reusing the forecaster, a Vega-Lite SVG plot).
 */
import { forecastApp, type ForecastAppOptions } from '../../examples/lib/forecast-app.js';
import { progressLine } from '../lib/run.js';

/** Options as commander parses them. */
export interface ForecastCommandOptions extends Omit<ForecastAppOptions, 'log' | 'progress'> {
  quiet?: boolean;
}

export async function forecastCommand(opts: ForecastCommandOptions): Promise<void> {
  const r = await forecastApp({ ...opts, progress: progressLine });
  if (r !== null && !Number.isFinite(r.model.rmse))
    throw new Error(`the model's RMSE is ${r.model.rmse}; training diverged (try a smaller --lr)`);
}
