/*
 * The bundled datasets of the examples: series in the `vega-datasets` package (a dev
 * dependency; `npm install --save-dev vega-datasets` elsewhere).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

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
    throw new Error(
      `the vega-datasets package is not installed (npm install --save-dev vega-datasets), so ${file} is unavailable; pass --csv FILE --column NAME instead`,
    );
  }
  let dir = path.dirname(main);
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const p = path.join(dir, 'data', file);
  if (!existsSync(p))
    throw new Error(`vega-datasets has no data/${file} (looked in ${path.join(dir, 'data')})`);
  return p;
}
