/**
 * longshort's browser entry (package.json `exports` condition `"browser"`, or the
 * `longshort/browser` subpath): everything `index.ts` exports except the helpers that
 * read or write files with `node:fs`, which a browser cannot load:
 * `loadSafetensors(Sync)` / `saveSafetensors(Sync)` (use `parseSafetensors` /
 * `serializeSafetensors` on bytes from `fetch` or a file input), `loadTorchCheckpoint(Sync)`
 * (use `parseTorchCheckpoint`), `readCsvColumns` (use
 * `parseCsvColumns` on the text) and `loadModel`. `SequentialModel.save` imports
 * `node:fs` only when called, so it throws in a browser. `importModel` takes bytes here
 * (the format from the content: ONNX protobuf, brain.js JSON, Keras zip, HDF5 signature;
 * TF.js as `{ modelJson, weights }` or a Map of file name -> bytes) and `exportModel(model,
 * null, { format })` gives bytes; a path is an UnsupportedError saying so.
 *
 * Threads: the worker pool runs on Web Workers over a shared WebAssembly.Memory when the
 * page is cross-origin isolated (COOP `same-origin` + COEP `require-corp`), and only
 * off the main thread (a page's main thread cannot block in Atomics.wait): run the
 * model inside a dedicated Worker to use several threads. Elsewhere it runs on one.
 *
 * `csv-parse/sync` is imported by name (by `parseCsvColumns`): a bundler resolves it;
 * unbundled pages map it with an import map to `csv-parse/dist/esm/sync.js`.
 */
export * from './core/errors.js';
export { getDefaultDtype, setDefaultDtype, type DType, type FloatDType } from './core/dtype.js';
export {
  Generator,
  manualSeed,
  defaultGenerator,
  type GeneratorState,
  type GeneratorAlgorithm,
  type GeneratorOptions,
} from './core/rng.js';
export type { Shape } from './core/shape.js';
export {
  activeKernelSet,
  kernelSetName,
  setKernelSet,
  type KernelSet,
  type KernelSetName,
  type KernelSetRequest,
} from './kernels/registry.js';
export type { CellKind, TorchMode } from './core/cell-kind.js';
export * from './tensor/index.js';
export * from './nn/index.js';
export * from './optim/index.js';
export * from './io/safetensors-format.js';
export { serializeTorchStateDict } from './io/torch-write.js';
export * from './io/torch-format.js';
// data/index.ts less readCsvColumns (node:fs)
export type { NumericData } from './data/as-matrix.js';
export {
  timeseriesWindows,
  type TimeseriesWindowOptions,
  type TimeseriesWindows,
} from './data/timeseries-windows.js';
export { Scaler, type Scaled } from './data/scaler.js';
export { MinMaxScaler, type MinMaxScalerOptions, type MinMaxScalerJSON } from './data/min-max-scaler.js';
export { StandardScaler, type StandardScalerJSON } from './data/standard-scaler.js';
export {
  chronologicalSplit,
  type IndexRange,
  type Sliceable,
  type Split,
  type SplitFractions,
} from './data/chronological-split.js';
export {
  parseCsvColumns,
  type CsvColumns,
  type CsvColumnsOptions,
  type MissingPolicy,
} from './data/parse-csv-columns.js';
export { CharVocab, type CharVocabJSON } from './data/char-vocab.js';
export { batches, type BatchOptions } from './data/batches.js';
export { takeRows } from './data/take-rows.js';
export {
  charRnnBatches,
  type CharRnnBatch,
  type CharRnnBatches,
  type CharRnnBatchOptions,
} from './data/char-rnn-batches.js';
export * as layers from './models/layers.js';
// models/index.ts less loadModel (node:fs)
export { Layer } from './models/layer.js';
export { RecurrentLayer, type RecurrentLayerOptions } from './models/recurrent-layer.js';
export {
  DenseLayer,
  DropoutLayer,
  EmbeddingLayer,
  type DenseOptions,
  type EmbeddingLayerOptions,
} from './models/core-layers.js';
export type { LossName } from './models/losses.js';
export type { OptimizerName } from './models/optimizers.js';
export * as callbacks from './models/callbacks-namespace.js';
export type { Callback, Logs } from './models/callbacks.js';
export {
  sequential,
  SequentialModel,
  type CompileOptions,
  type FitOptions,
  type EvaluateOptions,
  type History,
  type SequentialOptions,
  type SummaryOptions,
} from './models/sequential-model.js';
// ONNX: parse, import (run) and export recurrent models (protobufjs loads on first use)
export * from './interop/onnx/index.js';
// model files in and out as bytes: importModel / exportModel (format from the content),
// Keras, TF.js and brain.js readers and writers (paths need the Node entry)
export * from './interop/index.js';
export { NonFiniteError, TerminateOnNaN, terminateOnNaN } from './models/fit-terminate-on-nan.js';
