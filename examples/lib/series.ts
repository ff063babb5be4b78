/*
 * Reading a forecasting series from a CSV file: the target column, optional feature
 * columns, a long-format filter (`where`), and the date column's calendar (monthly dates
 * are put on a regular month grid; other dates keep their median step, so forecasts
 * past the end get dates too). Dates that repeat or go backwards are errors: they mean
 * several series in one file (long format) or an unsorted file, and gluing such rows
 * into one series would train on nonsense.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, FormatError, readCsvColumns } from '../../src/index.js';

/** How the points of a series are spaced in time. */
export type Calendar =
  | { kind: 'monthly' }
  | {
      kind: 'dates';
      /** median step between dates, ms */ stepMs: number;
      /** whether labels carry a time of day */ withTime: boolean;
    }
  | { kind: 'index' };

/** A series read from a CSV file, made regular where it is monthly. */
export interface LoadedSeries {
  values: Float64Array;
  /** Feature columns beside the target, same length as `values`, in the order asked. */
  features: Float64Array[];
  /** A label per point (dates as `YYYY-MM` for monthly data), or null. */
  labels: string[] | null;
  /** What was done to the raw column, for the log (e.g. "filled 5 missing months"). */
  notes: string[];
  calendar: Calendar;
  /** The date column used (given or found by name), or null. */
  dateColumn: string | null;
}

/** What to read: the target, the features, the date column and the row filter. */
export interface SeriesSpec {
  column: string;
  features?: readonly string[];
  /** The date column; default: a header named date/month/time/... */
  dateColumn?: string;
  /** Long-format filter: keep rows whose columns hold these texts. */
  where?: Readonly<Record<string, string>>;
}

const DATE_NAMES = ['date', 'month', 'time', 'timestamp', 'datetime', 'period', 'ds'];

/** The header fields of a CSV file ([] when unreadable: readCsvColumns reports that). */
function headerOf(file: string): string[] {
  try {
    const first =
      readFileSync(file, 'utf8')
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/, 1)[0] ?? '';
    return first.split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
  } catch {
    return [];
  }
}

/** `year * 12 + month - 1` of a date text, or null. */
export function yearMonth(text: string): number | null {
  const iso = /^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?/.exec(text);
  if (iso) return Number(iso[1]) * 12 + Number(iso[2]) - 1;
  const t = Date.parse(text);
  if (Number.isNaN(t)) return null;
  const d = new Date(t);
  return d.getFullYear() * 12 + d.getMonth();
}

export function monthLabel(m: number): string {
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
}

/** Date.parse of a label (a bare `YYYY-MM` counts as the first of the month, UTC). */
function timeOf(text: string): number {
  return Date.parse(/^\d{4}-\d{1,2}$/.test(text) ? `${text}-01` : text);
}

/**
 * Throws when dates repeat or go backwards, with the hint that fits: a long-format file
 * wants `--where`, an unsorted one sorting.
 */
function checkOrder(dates: string[], keys: (number | null)[], dateColumn: string, spec: SeriesSpec): void {
  const filtered = spec.where && Object.keys(spec.where).length > 0;
  const seen = new Map<string, number>();
  for (let i = 0; i < dates.length; i++) {
    const first = seen.get(dates[i]);
    if (first !== undefined) {
      throw new FormatError(
        `dates must not repeat; "${dateColumn}" holds ${JSON.stringify(dates[i])} at rows ${first + 1} and ${i + 1} of the series` +
          (filtered
            ? ' even after the --where filter; add a filter on the column that tells the series apart'
            : '; the file may hold several series (long format): keep one with --where COLUMN=VALUE, e.g. --where symbol=AAPL'),
      );
    }
    seen.set(dates[i], i);
    const a = keys[i - 1];
    const b = keys[i];
    if (i > 0 && a !== null && a !== undefined && b !== null && b < a) {
      throw new FormatError(
        `dates must increase; "${dateColumn}" goes back from ${JSON.stringify(dates[i - 1])} to ${JSON.stringify(dates[i])} at row ${i + 1} of the series; ` +
          'sort the file by date, or keep one series with --where COLUMN=VALUE if it holds several',
      );
    }
  }
}

/**
 * Reads `spec.column` (and `spec.features`) of a CSV file, missing values interpolated.
 * With a date column holding one date per month, the series is put on a regular monthly
 * calendar: months absent from the file are filled by linear interpolation (the CO2 file
 * skips a few).
 * @throws the data layer's FormatError / ConfigError (unreadable file, bad number, unknown
 *   column listing the available ones, a filter that keeps nothing); FormatError when dates
 *   repeat or go backwards.
 */
export function loadCsvSeries(file: string, spec: SeriesSpec): LoadedSeries {
  const features = [...(spec.features ?? [])];
  if (features.includes(spec.column))
    throw new ConfigError(`--features must not repeat the target column "${spec.column}"`);
  const where = spec.where ?? {};
  const names = [spec.column, ...features];
  // read the value columns first so the data layer's messages come out as they are
  readCsvColumns(file, { columns: names, missing: 'interpolate', where });
  const header = headerOf(file);
  const dc =
    spec.dateColumn ?? header.find((h) => !names.includes(h) && DATE_NAMES.includes(h.toLowerCase()));
  const { columns, dates } = readCsvColumns(file, {
    columns: names,
    missing: 'interpolate',
    where,
    ...(dc ? { dateColumn: dc } : {}),
  });
  const raw = columns[spec.column];
  const rawFeatures = features.map((f) => columns[f]);
  const notes: string[] = [];
  if (Object.keys(where).length > 0) {
    notes.push(
      `rows where ${Object.entries(where)
        .map(([k, v]) => `${k} = ${v}`)
        .join(' and ')}`,
    );
  }
  if (!dates || dc === undefined)
    return {
      values: raw,
      features: rawFeatures,
      labels: null,
      notes,
      calendar: { kind: 'index' },
      dateColumn: null,
    };
  const months = dates.map(yearMonth);
  const times = dates.map(timeOf);
  checkOrder(
    dates,
    times.map((t, i) => (Number.isNaN(t) ? months[i] : t)),
    dc,
    spec,
  );
  const allMonths = months.every((m) => m !== null);
  const span = allMonths ? months[months.length - 1] - months[0] + 1 : 0;
  const distinctMonths = allMonths && new Set(months).size === months.length;
  if (!distinctMonths || span > raw.length * 1.5) {
    const ok = times.every((t) => !Number.isNaN(t));
    if (!ok || times.length < 2)
      return {
        values: raw,
        features: rawFeatures,
        labels: dates,
        notes,
        calendar: { kind: 'index' },
        dateColumn: dc,
      };
    const steps = times
      .slice(1)
      .map((t, i) => t - times[i])
      .sort((a, b) => a - b);
    const stepMs = steps[Math.floor(steps.length / 2)];
    const withTime = dates.some((d) => /\d[T ]\d{1,2}:\d{2}/.test(d));
    return {
      values: raw,
      features: rawFeatures,
      labels: dates,
      notes,
      calendar: { kind: 'dates', stepMs, withTime },
      dateColumn: dc,
    };
  }
  // monthly: reindex onto every month, interpolating the months the file lacks
  const m0 = months[0];
  const known = new Uint8Array(span);
  const regrid = (col: Float64Array): Float64Array => {
    const out = new Float64Array(span);
    months.forEach((m, i) => {
      out[m - m0] = col[i];
      known[m - m0] = 1;
    });
    for (let i = 0; i < span; i++) {
      if (known[i]) continue;
      let a = i - 1;
      while (!known[a]) a--;
      let b = i + 1;
      while (!known[b]) b++;
      out[i] = out[a] + ((out[b] - out[a]) * (i - a)) / (b - a);
    }
    return out;
  };
  const values = regrid(raw);
  const filled = span - known.reduce((s, k) => s + k, 0);
  if (filled > 0) notes.push(`filled ${filled} missing month(s) by linear interpolation`);
  const labels = Array.from({ length: span }, (_, i) => monthLabel(m0 + i));
  return {
    values,
    features: rawFeatures.map(regrid),
    labels,
    notes,
    calendar: { kind: 'monthly' },
    dateColumn: dc,
  };
}

/** Labels of the `count` points after `last` (the series' last label, or its length for index calendars). */
export function futureLabels(
  calendar: Calendar,
  lastLabel: string | null,
  n: number,
  count: number,
): string[] {
  if (calendar.kind === 'monthly' && lastLabel !== null) {
    const m = yearMonth(lastLabel) as number;
    return Array.from({ length: count }, (_, i) => monthLabel(m + i + 1));
  }
  if (calendar.kind === 'dates' && lastLabel !== null) {
    const t = timeOf(lastLabel);
    return Array.from({ length: count }, (_, i) => {
      const iso = new Date(t + (i + 1) * calendar.stepMs).toISOString();
      return calendar.withTime ? iso.replace(/\.000Z$/, 'Z') : iso.slice(0, 10);
    });
  }
  return Array.from({ length: count }, (_, i) => String(n + i));
}

/** Season candidates of a calendar (periods a seasonal series of that spacing usually has). */
export function seasonCandidates(calendar: Calendar): number[] | undefined {
  if (calendar.kind === 'monthly') return [12, 6, 3];
  if (calendar.kind !== 'dates') return undefined;
  const day = 86_400_000;
  const s = calendar.stepMs;
  if (Math.abs(s - day) < 0.05 * day) return [7, 365];
  if (Math.abs(s - 3_600_000) < 0.05 * 3_600_000) return [24, 168];
  if (Math.abs(s - 7 * day) < 0.5 * day) return [52];
  if (s > 85 * day && s < 95 * day) return [4];
  return undefined;
}
