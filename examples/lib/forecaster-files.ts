/*
 * A trained forecaster on disk: the model's own files (`model.save(dir)`: model.json,
 * weights.safetensors) and `forecaster.json` beside them with everything else a forecast
 * needs: the column, the features, the date handling, the long-format filter, the
 * transform, window, horizon, season, both scalers and the interval's residual quantiles.
 * Loading validates the whole file before anything is used.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FormatError, StandardScaler, loadModel, writeFileAtomicSync } from '../../src/index.js';
import type { Forecaster, Interval } from './forecaster.js';
import type { Calendar } from './series.js';

export const FORECASTER_FILE = 'forecaster.json';
const FORMAT = 'longshort-forecaster';

/** What a saved forecaster knows about its data, beside the forecaster itself. */
export interface ForecasterMeta {
  column: string;
  dateColumn: string | null;
  where: Record<string, string>;
  calendar: Calendar;
  season: number;
  /** Where it was trained: file, points, first and last label. */
  trainedOn: { file: string; points: number; first: string; last: string };
}

/** Saves the forecaster into `dir` (created): the model files, then forecaster.json (atomically). */
export async function saveForecaster(dir: string, f: Forecaster, meta: ForecasterMeta): Promise<void> {
  await f.model.save(dir);
  const json = {
    format: FORMAT,
    version: 1,
    ...meta,
    features: f.features,
    transform: f.transform,
    window: f.window,
    horizon: f.horizon,
    xScaler: f.xScaler.toJSON(),
    yScaler: f.yScaler.toJSON(),
    interval: f.interval,
  };
  writeFileAtomicSync(path.join(dir, FORECASTER_FILE), `${JSON.stringify(json, null, 2)}\n`);
}

function bad(file: string, what: string, got: unknown): never {
  throw new FormatError(`loadForecaster: ${file}: ${what}; got ${JSON.stringify(got) ?? String(got)}`);
}

const isInt = (v: unknown, min: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min;
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isNumbers = (v: unknown, len: number): v is number[] =>
  Array.isArray(v) && v.length === len && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Loads a forecaster saved by {@link saveForecaster}; FormatError naming the field when the file is off. */
export async function loadForecaster(dir: string): Promise<{ forecaster: Forecaster; meta: ForecasterMeta }> {
  const file = path.join(dir, FORECASTER_FILE);
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new FormatError(
      `loadForecaster: cannot read ${file} (a directory written by forecast --out): ${(e as Error).message}`,
    );
  }
  if (j.format !== FORMAT || j.version !== 1)
    bad(file, `expected format "${FORMAT}" version 1`, { format: j.format, version: j.version });
  if (typeof j.column !== 'string') bad(file, '"column" must be a string', j.column);
  if (j.dateColumn !== null && typeof j.dateColumn !== 'string')
    bad(file, '"dateColumn" must be a string or null', j.dateColumn);
  if (!isStrings(j.features)) bad(file, '"features" must be an array of strings', j.features);
  if (j.transform !== 'diff' && j.transform !== 'none')
    bad(file, `"transform" must be 'diff' or 'none'`, j.transform);
  if (!isInt(j.window, 1) || !isInt(j.horizon, 1) || !isInt(j.season, 1))
    bad(file, '"window", "horizon" and "season" must be positive integers', [j.window, j.horizon, j.season]);
  const where = j.where as Record<string, unknown>;
  if (
    typeof where !== 'object' ||
    where === null ||
    !Object.values(where).every((v) => typeof v === 'string')
  )
    bad(file, '"where" must map columns to texts', j.where);
  const cal = j.calendar as Record<string, unknown> | null;
  const calOk =
    cal !== null &&
    typeof cal === 'object' &&
    (cal.kind === 'monthly' ||
      cal.kind === 'index' ||
      (cal.kind === 'dates' &&
        typeof cal.stepMs === 'number' &&
        cal.stepMs > 0 &&
        typeof cal.withTime === 'boolean'));
  if (!calOk)
    bad(file, '"calendar" must be {kind: monthly|index} or {kind: dates, stepMs, withTime}', j.calendar);
  const H = j.horizon;
  const iv = j.interval as Record<string, unknown> | null;
  if (
    iv !== null &&
    !(
      typeof iv === 'object' &&
      typeof iv.level === 'number' &&
      iv.level > 0 &&
      iv.level < 1 &&
      isNumbers(iv.lower, H) &&
      isNumbers(iv.upper, H) &&
      isInt(iv.origins, 1)
    )
  ) {
    bad(file, `"interval" must be null or {level in (0,1), lower[${H}], upper[${H}], origins}`, j.interval);
  }
  const t = j.trainedOn as Record<string, unknown> | null;
  if (
    typeof t !== 'object' ||
    t === null ||
    typeof t.file !== 'string' ||
    !isInt(t.points, 1) ||
    typeof t.first !== 'string' ||
    typeof t.last !== 'string'
  ) {
    bad(file, '"trainedOn" must be {file, points, first, last}', j.trainedOn);
  }
  const xScaler = StandardScaler.fromJSON(j.xScaler);
  const yScaler = StandardScaler.fromJSON(j.yScaler);
  const C = 1 + j.features.length;
  if (xScaler.nFeatures !== C)
    bad(file, `"xScaler" must be fitted on ${C} channel(s) (target + features)`, xScaler.nFeatures);
  const yFeatures = j.transform === 'diff' ? H : 1;
  if (yScaler.nFeatures !== yFeatures)
    bad(file, `"yScaler" must be fitted on ${yFeatures} feature(s)`, yScaler.nFeatures);
  const model = await loadModel(dir);
  const forecaster: Forecaster = {
    model,
    window: j.window,
    horizon: H,
    transform: j.transform,
    features: j.features,
    xScaler,
    yScaler,
    interval: iv as Interval | null,
  };
  const meta: ForecasterMeta = {
    column: j.column,
    dateColumn: j.dateColumn,
    where: where as Record<string, string>,
    calendar: cal as unknown as Calendar,
    season: j.season,
    trainedOn: t as unknown as ForecasterMeta['trainedOn'],
  };
  return { forecaster, meta };
}
