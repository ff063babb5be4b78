/**
 * Data plumbing for sequence models: sliding windows over series, scalers, chronological
 * splits, CSV columns, character vocabularies and mini-batching.
 *
 * @example
 * import { readCsvColumns, chronologicalSplit, MinMaxScaler, timeseriesWindows } from './data/index.js';
 * const { columns } = readCsvColumns('co2.csv', { columns: ['CO2'] });
 * const { train, test } = chronologicalSplit(columns.CO2, { train: 0.8, validation: 0, test: 0.2 });
 * const scaler = new MinMaxScaler().fit(train);
 * const { x, y } = timeseriesWindows(scaler.transform(train), { window: 12 });
 */
export type { NumericData } from './as-matrix.js';
export {
  timeseriesWindows,
  type TimeseriesWindowOptions,
  type TimeseriesWindows,
} from './timeseries-windows.js';
export { Scaler, type Scaled } from './scaler.js';
export { MinMaxScaler, type MinMaxScalerOptions, type MinMaxScalerJSON } from './min-max-scaler.js';
export { StandardScaler, type StandardScalerJSON } from './standard-scaler.js';
export {
  chronologicalSplit,
  type IndexRange,
  type Sliceable,
  type Split,
  type SplitFractions,
} from './chronological-split.js';
export {
  parseCsvColumns,
  type CsvColumns,
  type CsvColumnsOptions,
  type MissingPolicy,
} from './parse-csv-columns.js';
export { readCsvColumns } from './read-csv-columns.js';
export { CharVocab, type CharVocabJSON } from './char-vocab.js';
export { batches, type BatchOptions } from './batches.js';
export { takeRows } from './take-rows.js';
export {
  charRnnBatches,
  type CharRnnBatch,
  type CharRnnBatches,
  type CharRnnBatchOptions,
} from './char-rnn-batches.js';
