/*
 * Other ecosystems' model files in and out (DESIGN.md section 2: interop builds nn
 * modules and Sequential models, never the other way round).
 */
export {
  importModel,
  isOnnxModel,
  type ImportedModel,
  type ModelSource,
  type ImportModelOptions,
} from './model-io.js';
export { exportModel, type ExportModelOptions } from './model-export.js';
export { formatFromName, formatFromBytes, type ModelFormat } from './model-format.js';
export { readKerasArchive, readKerasH5 } from './keras/keras-read.js';
export { writeKerasArchive, writeKerasH5 } from './keras/keras-write.js';
export { loadWeights, saveWeights } from './model-io-weights.js';
export { readTfjsModel, decodeTfjsWeights, tfjsManifest, type TfjsWeightSpec } from './tfjs/tfjs-read.js';
export { writeTfjsModel, type WriteTfjsOptions } from './tfjs/tfjs-write.js';
export { readBrainjsModel, isBrainjsJson } from './brainjs/brainjs-read.js';
export { writeBrainjsModel } from './brainjs/brainjs-write.js';
export { BrainjsLSTMLayer, type BrainjsLSTMOptions } from './brainjs/brainjs-lstm-layer.js';
