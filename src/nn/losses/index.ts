export { type Reduction, type ReductionOptions } from './reduction.js';
export {
  mseLoss,
  l1Loss,
  huberLoss,
  smoothL1Loss,
  type HuberLossOptions,
  type SmoothL1LossOptions,
} from './regression.js';
export {
  nllLoss,
  crossEntropy,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  type NLLLossOptions,
  type CrossEntropyOptions,
  type BCELossOptions,
  type BCEWithLogitsLossOptions,
} from './classification.js';
export {
  MSELoss,
  L1Loss,
  HuberLoss,
  SmoothL1Loss,
  NLLLoss,
  CrossEntropyLoss,
  BCELoss,
  BCEWithLogitsLoss,
} from './modules.js';
