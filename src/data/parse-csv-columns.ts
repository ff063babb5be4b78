import { showValue, checkOptions } from '../core/check.js';
import { parse } from 'csv-parse/sync';
import { ConfigError, FormatError } from '../core/errors.js';

/**
 * How {@link parseCsvColumns} treats a missing value in a requested column.
 *
 * @example
 * parseCsvColumns(text, { columns: ['value'], missing: 'skip' }); // or 'error' (default), 'interpolate'
 */
export type MissingPolicy = 'error' | 'skip' | 'interpolate';

/**
 * Options of {@link parseCsvColumns} and `readCsvColumns`.
 *
 * @example
 * parseCsvColumns(text, { columns: ['price'], dateColumn: 'date', delimiter: ',', missing: 'interpolate' });
 */
export interface CsvColumnsOptions {
  /** Names of the numeric columns to read, as in the header line. Required, non-empty. */
  columns: readonly string[];
  /** A column returned as raw strings in `dates` (e.g. "date" or "Month"); not parsed. */
  dateColumn?: string;
  /** Field separator. Default `','`. */
  delimiter?: string;
  /**
   * What to do with a missing value (a field matching `naValues`) in a requested column:
   * - `'error'` (default): throw a FormatError naming the line and column;
   * - `'skip'`: drop the whole row (every requested column and the date);
   * - `'interpolate'`: fill it linearly between the nearest values above and below in the
   *   same column (by row position, not by date); gaps at the start or end take the
   *   nearest value. A column with no value at all is a FormatError.
   *
   * A value that is present but not a number (e.g. `"abc"`) is always an error.
   */
  missing?: MissingPolicy;
  /**
   * Field texts (after trimming whitespace) that mean "missing". Default: the empty field,
   * `NA`, `N/A`, `n/a`, `na`, `NaN`, `nan`, `-NaN`, `null`, `NULL`, `None`, `#N/A`, `<NA>`.
   */
  naValues?: readonly string[];
  /**
   * Keeps only the rows whose named columns hold exactly these texts (after trimming), e.g.
   * `{ symbol: 'AAPL' }` to take one series out of a long-format file (one row per date and
   * series). Every entry must hold. Rows left out are not read, so their values may be
   * anything. A filter that keeps no row is a ConfigError listing values the column holds.
   */
  where?: Readonly<Record<string, string>>;
}

/**
 * The columns read by {@link parseCsvColumns}.
 *
 * @example
 * const { columns, dates } = parseCsvColumns(text, { columns: ['CO2'], dateColumn: 'Date' });
 * columns.CO2; // Float64Array
 */
export interface CsvColumns {
  /** One array per requested column, in file order, all of the same length. */
  columns: Record<string, Float64Array>;
  /** The `dateColumn` values (trimmed), aligned with the columns; present only when asked for. */
  dates?: string[];
}

const DEFAULT_NA = [
  '',
  'NA',
  'N/A',
  'n/a',
  'na',
  'NaN',
  'nan',
  '-NaN',
  'null',
  'NULL',
  'None',
  '#N/A',
  '<NA>',
];
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/**
 * Reads named numeric columns from CSV text (a header line, then one record per line;
 * quoted fields, CRLF and a UTF-8 BOM are handled by csv-parse; blank lines are skipped;
 * whitespace around fields is trimmed). Numbers are decimal (`12`, `-3.5`, `1e-3`).
 *
 * Errors name the function, the line (1-based, counting the header as line 1) and the column:
 * `parseCsvColumns: line 14, column "CO2": expected a number, got "n/a"`.
 *
 * @throws ConfigError when a requested column (or `dateColumn`) is not in the header
 *   (the message lists the available columns), or an option is invalid.
 * @throws FormatError on a malformed CSV (unclosed quote, a record with a different number
 *   of fields than the header), a non-numeric value, or a missing value with `missing: 'error'`.
 * @example
 * const { columns, dates } = parseCsvColumns('date,CO2\n1958-03,315.7\n1958-04,317.45\n', {
 *   columns: ['CO2'],
 *   dateColumn: 'date',
 * });
 * columns.CO2; // Float64Array [315.7, 317.45]
 * dates;       // ['1958-03', '1958-04']
 */
export function parseCsvColumns(text: string, options: CsvColumnsOptions): CsvColumns {
  return parseCsvColumnsAs('parseCsvColumns', text, options);
}

/** @internal `parseCsvColumns` with the caller's name in messages. */
export function parseCsvColumnsAs(
  op: string,
  text: string | Uint8Array,
  options: CsvColumnsOptions,
): CsvColumns {
  if (options === undefined || options === null || typeof options !== 'object') {
    throw new ConfigError(
      `${op}: options with the columns to read are required, e.g. { columns: ['CO2'] }; got ${String(options)}`,
    );
  }
  checkOptions(op, options, ['columns', 'dateColumn', 'delimiter', 'missing', 'naValues', 'where']);
  const { columns, dateColumn } = options;
  const delimiter = options.delimiter ?? ',';
  const missing = options.missing ?? 'error';
  const naValues = new Set(options.naValues ?? DEFAULT_NA);
  if (!Array.isArray(columns) || columns.length === 0 || !columns.every((c) => typeof c === 'string')) {
    throw new ConfigError(
      `${op}: columns must be a non-empty array of column names; got ${JSON.stringify(columns) ?? String(columns)}`,
    );
  }
  if (new Set(columns).size !== columns.length) {
    throw new ConfigError(`${op}: columns must be distinct; got ${JSON.stringify(columns)}`);
  }
  if (dateColumn !== undefined && typeof dateColumn !== 'string') {
    throw new ConfigError(`${op}: dateColumn must be a column name; got ${typeof dateColumn}`);
  }
  if (typeof delimiter !== 'string' || delimiter.length === 0 || /[\r\n"]/.test(delimiter)) {
    throw new ConfigError(
      `${op}: delimiter must be a non-empty string without quotes or line breaks; got ${JSON.stringify(delimiter)}`,
    );
  }
  if (missing !== 'error' && missing !== 'skip' && missing !== 'interpolate') {
    throw new ConfigError(
      `${op}: missing must be 'error', 'skip' or 'interpolate'; got ${JSON.stringify(missing)}`,
    );
  }
  const where = options.where ?? {};
  if (
    typeof where !== 'object' ||
    where === null ||
    Array.isArray(where) ||
    !Object.values(where).every((v) => typeof v === 'string')
  ) {
    throw new ConfigError(
      `${op}: where must map column names to texts, e.g. { symbol: 'AAPL' }; got ${showValue(where)}`,
    );
  }

  let records: ParsedRecord[];
  try {
    records = parse(text, {
      delimiter,
      info: true,
      bom: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as ParsedRecord[];
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new FormatError(`${op}: malformed CSV: ${message}`);
  }
  if (records.length === 0) throw new FormatError(`${op}: expected a header line, got empty CSV text`);
  const header = records[0].record;
  const available = header.map((h) => JSON.stringify(h)).join(', ');
  const indexOf = (name: string, what: string): number => {
    const i = header.indexOf(name);
    if (i < 0)
      throw new ConfigError(
        `${op}: ${what} "${name}" not found in the header; available columns: ${available}`,
      );
    if (header.indexOf(name, i + 1) >= 0) {
      throw new FormatError(
        `${op}: line ${records[0].info.lines}: the header has column "${name}" more than once`,
      );
    }
    return i;
  };
  const colIdx = columns.map((c) => indexOf(c, 'column'));
  const dateIdx = dateColumn === undefined ? -1 : indexOf(dateColumn, 'dateColumn');
  const filters = Object.entries(where).map(
    ([name, text]) => [indexOf(name, 'where column'), text.trim()] as const,
  );

  const k = columns.length;
  const rows = records.length - 1;
  const values = new Float64Array(rows * k); // (rows, k); NaN marks a missing value
  const keep = new Uint8Array(rows).fill(1);
  const dates: string[] = [];
  let kept = 0;
  let matched = 0;
  for (let r = 0; r < rows; r++) {
    const { record, info } = records[r + 1];
    if (!filters.every(([i, text]) => record[i] === text)) {
      keep[r] = 0;
      continue;
    }
    matched++;
    for (let j = 0; j < k; j++) {
      const field = record[colIdx[j]];
      if (naValues.has(field)) {
        if (missing === 'error') {
          throw new FormatError(
            `${op}: line ${info.lines}, column "${columns[j]}": expected a number, got ${JSON.stringify(field)} ` +
              `(a missing value; pass { missing: 'skip' } or { missing: 'interpolate' } to allow gaps)`,
          );
        }
        values[r * k + j] = NaN;
        if (missing === 'skip') keep[r] = 0;
      } else if (NUMBER.test(field) && Number.isFinite(Number(field))) {
        values[r * k + j] = Number(field);
      } else if (NUMBER.test(field)) {
        throw new FormatError(
          `${op}: line ${info.lines}, column "${columns[j]}": expected a finite number, got ${JSON.stringify(field)} (beyond float64's range)`,
        );
      } else {
        throw new FormatError(
          `${op}: line ${info.lines}, column "${columns[j]}": expected a number, got ${JSON.stringify(field)}`,
        );
      }
    }
    if (keep[r]) {
      kept++;
      if (dateIdx >= 0) dates.push(record[dateIdx]);
    }
  }

  if (filters.length > 0 && matched === 0) {
    const [i, text] =
      filters.find(([fi, ft]) => !records.slice(1).some((rec) => rec.record[fi] === ft)) ?? filters[0];
    const seen = [...new Set(records.slice(1, 2001).map((rec) => rec.record[i]))];
    const list =
      seen
        .slice(0, 8)
        .map((v) => JSON.stringify(v))
        .join(', ') + (seen.length > 8 ? ', ...' : '');
    throw new ConfigError(
      `${op}: no row has ${header[i]} = ${JSON.stringify(text)}${filters.length > 1 ? ' (with the other filters)' : ''}; the column holds ${list}`,
    );
  }
  const out: Record<string, Float64Array> = {};
  for (let j = 0; j < k; j++) {
    const col = new Float64Array(kept);
    let w = 0;
    for (let r = 0; r < rows; r++) if (keep[r]) col[w++] = values[r * k + j];
    if (missing === 'interpolate') interpolate(col, op, columns[j]);
    out[columns[j]] = col;
  }
  return dateIdx >= 0 ? { columns: out, dates } : { columns: out };
}

/** Fills NaNs in place: linear between neighbours, nearest value at the ends. */
function interpolate(col: Float64Array, op: string, name: string): void {
  const n = col.length;
  let prev = -1; // index of the last non-missing value
  for (let i = 0; i <= n; i++) {
    if (i < n && Number.isNaN(col[i])) continue;
    // fill the gap (prev, i)
    if (i - prev > 1) {
      if (prev < 0 && i === n)
        throw new FormatError(
          `${op}: column "${name}" has no values to interpolate from; every value is missing`,
        );
      for (let g = prev + 1; g < i; g++) {
        if (prev < 0) col[g] = col[i];
        else if (i === n) col[g] = col[prev];
        else col[g] = col[prev] + ((col[i] - col[prev]) * (g - prev)) / (i - prev);
      }
    }
    prev = i;
  }
}
