// The tensor layer's public surface (re-exported by the package entries). Helpers the
// other layers need but users do not (record, the step kernel driver, checkDropoutP, ...)
// are imported from their own files, not from here.
import './methods.js';

export { Tensor, type NestedArray, type Storage, type TensorOptions } from './tensor.js';
export { noGrad, enableGrad, isGradEnabled } from './grad-mode.js';
export { setPrintOptions, type PrintOptions } from './format.js';
export { backward, type BackwardOptions } from './record.js';
export * from './creation.js';
export * from './ops/elementwise.js';
export * from './ops/in-place.js';
export * from './ops/matmul.js';
export {
  recurrentLayer,
  RNN_ACTIVATIONS,
  type RecurrentResult,
  type RecurrentWeights,
  type RnnActivation,
  type RnnActivationName,
  type RnnVariant,
} from './ops/recurrent.js';
export * from './ops/reduce.js';
export * from './ops/shape-ops.js';
export * from './ops/softmax.js';
export { dropout, type DropoutOptions } from './ops/dropout.js';
export * from './ops/embedding.js';
export type { Operand } from './ops/util.js';
export { setNumThreads, getNumThreads, startThreads } from '../parallel/index.js';
