/**
 * Optimizers, gradient clipping and learning-rate schedulers, after `torch.optim`
 * (PyTorch 1.13).
 *
 * @example
 * import { Adam, clipGradNorm, StepLR } from './optim/index.js';
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * const sched = new StepLR(opt, { stepSize: 10, gamma: 0.5 });
 */
export { Optimizer } from './optimizer.js';
export type {
  HyperValue,
  LrHyper,
  OptimizerOptions,
  OptimizerStateDict,
  ParamGroup,
  ParamGroupInput,
  ParamsInput,
  ParamState,
  StateKind,
  StateValue,
} from './optimizer-types.js';
export type { ForeachBatch } from './foreach-batch.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW } from './adamw.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './clip-grad.js';
export { LRScheduler, type LRSchedulerOptions, type SchedulerStateDict } from './lr-scheduler.js';
export { StepLR, type StepLROptions } from './step-lr.js';
export { ExponentialLR, type ExponentialLROptions } from './exponential-lr.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine-annealing-lr.js';
export { LambdaLR, type LambdaLROptions, type LrLambda } from './lambda-lr.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
