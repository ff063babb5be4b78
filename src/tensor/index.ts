import './methods.js';

export { Tensor, type NestedArray, type Storage, type TensorOptions } from './tensor.js';
export { noGrad, enableGrad, isGradEnabled } from './grad-mode.js';
export { backward, record, recordMulti, needsGrad, type BackwardOptions, type BackwardRule, type MultiBackwardRule } from './record.js';
export * from './creation.js';
export * from './ops/elementwise.js';
export * from './ops/in-place.js';
export * from './ops/matmul.js';
export * from './ops/recurrent.js';
export * from './ops/recurrent-step.js';
export * from './ops/reduce.js';
export * from './ops/shape-ops.js';
export * from './ops/softmax.js';
export * from './ops/dropout.js';
export * from './ops/embedding.js';
export * from './ops/binary-cross-entropy.js';
export { castTo, sumTo, type Operand } from './ops/util.js';
export { setNumThreads, getNumThreads, startThreads } from '../parallel/index.js';
