/*
 * The playground's series: the bundled Mauna Loa CO2 file (vega-datasets, copied into
 * the site at build time), a noisy sine, or one column pasted as CSV text. Monthly CO2
 * is put on a regular calendar as `npm start` does (months the file skips are filled by
 * linear interpolation), so both train on the same 741-odd points.
 */
import { ConfigError, Generator, parseCsvColumns } from 'longshort';

/** A univariate series and what was done to it. */
export interface Series {
  values: Float64Array;
  /** `YYYY-MM` per point for monthly data, else null. */
  labels: string[] | null;
  notes: string[];
}

function yearMonth(text: string): number | null {
  const m = /^(\d{4})-(\d{1,2})/.exec(text);
  return m ? Number(m[1]) * 12 + Number(m[2]) - 1 : null;
}

/** Column `column` of CSV text; with a `date` column of monthly dates, reindexed onto every month. */
export function seriesFromCsv(text: string, column: string, dateColumn?: string): Series {
  const { columns, dates } = parseCsvColumns(text, {
    columns: [column],
    missing: 'interpolate',
    ...(dateColumn !== undefined ? { dateColumn } : {}),
  });
  const raw = columns[column];
  const notes: string[] = [];
  if (!dates) return { values: raw, labels: null, notes };
  const months = dates.map(yearMonth);
  const increasing = months.every((m, i) => m !== null && (i === 0 || m > (months[i - 1] as number)));
  const span = increasing ? (months[months.length - 1] as number) - (months[0] as number) + 1 : 0;
  if (!increasing || span > raw.length * 1.5) return { values: raw, labels: dates, notes };
  const m0 = months[0] as number;
  const values = new Float64Array(span);
  const known = new Uint8Array(span);
  months.forEach((m, i) => {
    values[(m as number) - m0] = raw[i];
    known[(m as number) - m0] = 1;
  });
  let filled = 0;
  for (let i = 0; i < span; i++) {
    if (known[i]) continue;
    let a = i - 1;
    while (!known[a]) a--;
    let b = i + 1;
    while (!known[b]) b++;
    values[i] = values[a] + ((values[b] - values[a]) * (i - a)) / (b - a);
    filled++;
  }
  if (filled > 0) notes.push(`filled ${filled} missing month(s) by linear interpolation`);
  const labels = Array.from({ length: span }, (_, i) => {
    const m = m0 + i;
    return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
  });
  return { values, labels, notes };
}

/**
 * One pasted column: numbers one per line, or CSV with a header whose first numeric
 * column (or `column`) is taken.
 */
export function seriesFromPaste(text: string, column?: string): Series {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0)
    throw new ConfigError('paste: the text must hold at least one line of numbers; got an empty text');
  const header = lines[0].split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
  const hasHeader = header.some((h) => h !== '' && Number.isNaN(Number(h)));
  const body = hasHeader ? text : `value\n${lines.map((l) => l.split(',')[0]).join('\n')}`;
  const names = hasHeader ? header : ['value'];
  let col = column;
  if (col === undefined) {
    const second = lines[1]?.split(',') ?? [];
    col =
      names.find(
        (_, i) => second[i] !== undefined && second[i].trim() !== '' && !Number.isNaN(Number(second[i])),
      ) ?? names[0];
  }
  return seriesFromCsv(body, col);
}

/** A noisy sine (period 50, noise 0.1, 1,000 points) with the library's seeded generator. */
export function sineSeries(length = 1000, period = 50, noise = 0.1, seed = 0): Series {
  const g = new Generator(seed);
  const values = Float64Array.from(
    { length },
    (_, t) => Math.sin((2 * Math.PI * t) / period) + noise * g.normal(),
  );
  return { values, labels: null, notes: [] };
}
