import { ConfigError } from '../../core/errors.js';
import { abs, lt, mul, square, sub, where, type Tensor } from '../../tensor/index.js';
import { checkPairLoss, LOSS_KEYS, reduce, type ReductionOptions } from './reduction.js';

/**
 * Options of `huberLoss`.
 *
 * @example
 * const loss = huberLoss(pred, target, { delta: 1.0, reduction: 'mean' });
 */
export interface HuberLossOptions extends ReductionOptions {
  /** Where the loss changes from quadratic to linear; must be > 0 (default 1). */
  delta?: number;
}

/**
 * Options of `smoothL1Loss`.
 *
 * @example
 * const loss = smoothL1Loss(pred, target, { beta: 0.5 });
 */
export interface SmoothL1LossOptions extends ReductionOptions {
  /** Where the loss changes from quadratic to linear; must be >= 0, 0 is L1 (default 1). */
  beta?: number;
}

/** Returns `delta` if it is a finite number > 0; a ConfigError otherwise. */
export function checkHuberDelta(op: string, delta: number): number {
  if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta)) {
    throw new ConfigError(
      `${op}: huber_loss does not support non-positive values for delta; expected delta > 0, got ${String(delta)}`,
    );
  }
  return delta;
}

/** Returns `beta` if it is a finite number >= 0; a ConfigError otherwise. */
export function checkSmoothL1Beta(op: string, beta: number): number {
  if (typeof beta !== 'number' || !(beta >= 0) || !Number.isFinite(beta)) {
    throw new ConfigError(
      `${op}: smooth_l1_loss does not support negative values for beta; expected beta >= 0, got ${String(beta)}`,
    );
  }
  return beta;
}

/**
 * Mean squared error (x - y)^2, like `torch.nn.functional.mse_loss`.
 *
 * Shapes: input `(*)`, target `(*)` of the same shape and dtype (PyTorch would
 * broadcast different shapes with a warning; here that is a ShapeError). Output: a
 * scalar, or `(*)` with `reduction: 'none'`.
 *
 * @example mseLoss(pred, y); mseLoss(pred, y, { reduction: 'sum' })
 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const r = checkPairLoss('mseLoss', input, target, options, LOSS_KEYS.reduction);
  return reduce(square(sub(input, target)), r);
}

/**
 * Mean absolute error |x - y|, like `torch.nn.functional.l1_loss`.
 * Shapes as `mseLoss`. The gradient at x = y is 0.
 *
 * @example l1Loss(pred, y, { reduction: 'none' })
 */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const r = checkPairLoss('l1Loss', input, target, options, LOSS_KEYS.reduction);
  return reduce(abs(sub(input, target)), r);
}

/**
 * Huber loss, like `torch.nn.functional.huber_loss`: with d = x - y,
 * 0.5 d^2 where |d| < delta, and delta (|d| - 0.5 delta) elsewhere.
 * Shapes as `mseLoss`.
 *
 * @example huberLoss(pred, y, { delta: 0.5 })
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberLossOptions = {}): Tensor {
  const r = checkPairLoss('huberLoss', input, target, options, LOSS_KEYS.huber);
  const delta = checkHuberDelta('huberLoss', options.delta ?? 1);
  const d = sub(input, target);
  const ad = abs(d);
  const loss = where(lt(ad, delta), mul(square(d), 0.5), mul(sub(ad, 0.5 * delta), delta));
  return reduce(loss, r);
}

/**
 * Smooth L1 loss, like `torch.nn.functional.smooth_l1_loss`: with d = x - y,
 * 0.5 d^2 / beta where |d| < beta, and |d| - 0.5 beta elsewhere (beta = 0 is L1).
 * Shapes as `mseLoss`.
 *
 * @example smoothL1Loss(pred, y, { beta: 0.1 })
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1LossOptions = {}): Tensor {
  const r = checkPairLoss('smoothL1Loss', input, target, options, LOSS_KEYS.smoothL1);
  const beta = checkSmoothL1Beta('smoothL1Loss', options.beta ?? 1);
  const d = sub(input, target);
  const ad = abs(d);
  if (beta === 0) return reduce(ad, r);
  const loss = where(lt(ad, beta), mul(square(d), 0.5 / beta), sub(ad, 0.5 * beta));
  return reduce(loss, r);
}
