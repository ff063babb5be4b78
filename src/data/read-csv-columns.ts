import { readFileSync } from 'node:fs';
import { FormatError } from '../core/errors.js';
import { parseCsvColumnsAs, type CsvColumns, type CsvColumnsOptions } from './parse-csv-columns.js';

/**
 * Reads named numeric columns from a CSV file, synchronously (Node.js only). The same as
 * `parseCsvColumns` over the file's UTF-8 text; messages start with `readCsvColumns:`,
 * e.g. `readCsvColumns: line 14, column "CO2": expected a number, got "n/a"`.
 *
 * @param path A file path or `file:` URL.
 * @returns `{ columns: Record<name, Float64Array>, dates?: string[] }`, see `parseCsvColumns`.
 * @throws FormatError when the file cannot be read or holds bad data; ConfigError for an
 *   unknown column (the message lists the available ones) or a bad option.
 * @example
 * const { columns, dates } = readCsvColumns('data/co2.csv', { columns: ['CO2'], dateColumn: 'date', missing: 'interpolate' });
 * const series = columns.CO2; // Float64Array, one value per row
 */
export function readCsvColumns(path: string | URL, options: CsvColumnsOptions): CsvColumns {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new FormatError(`readCsvColumns: cannot read ${JSON.stringify(String(path))}: ${message}`);
  }
  return parseCsvColumnsAs('readCsvColumns', bytes, options);
}
