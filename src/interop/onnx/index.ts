// ONNX interop: parse, import (run) and export recurrent models.
export {
  parseOnnx,
  MAX_TENSOR_ELEMENTS,
  type OnnxModelProto,
  type OnnxGraph,
  type OnnxNode,
  type OnnxValueInfo,
  type OnnxAttributeValue,
} from './model.js';
export { importOnnx, OnnxModel, type ImportOnnxOptions } from './onnx-model.js';
export { SUPPORTED_ONNX_OPS } from './executor.js';
export { exportOnnx, saveOnnx, type ExportOnnxOptions } from './export-onnx.js';
