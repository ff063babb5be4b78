import { binaryCrossEntropyPointwise } from '../../tensor/ops/binary-cross-entropy.js';
import { checkOptions } from '../../core/check.js';
import { ConfigError, DTypeError, ShapeError, UnsupportedError } from '../../core/errors.js';
import { formatShape, shapesEqual } from '../../core/shape.js';
import {
  add,
  exp,
  gather,
  isGradEnabled,
  log,
  logSoftmax,
  mul,
  neg,
  relu,
  sub,
  sum,
  Tensor,
} from '../../tensor/index.js';
import {
  checkBroadcastWeight,
  checkFloatTensor,
  reduce,
  resolveReduction,
  type Reduction,
  type ReductionOptions,
  LOSS_KEYS,
  checkPairLoss,
} from './reduction.js';

/**
 * Options of `nllLoss`.
 *
 * @example
 * const loss = nllLoss(logSoftmax(logits, 1), labels, { weight: tensor([1, 2, 1]), ignoreIndex: -100 });
 */
export interface NLLLossOptions extends ReductionOptions {
  /** A manual rescaling weight per class, shape (C), the input's dtype (default none). */
  weight?: Tensor | null;
  /** A target value that is ignored and does not count in the mean (default -100). */
  ignoreIndex?: number;
}

/**
 * Options of `crossEntropy`.
 *
 * @example
 * const loss = crossEntropy(logits, labels, { ignoreIndex: -100, labelSmoothing: 0.1, reduction: 'mean' });
 */
export interface CrossEntropyOptions extends NLLLossOptions {
  /**
   * Amount of smoothing in [0, 1] (default 0): the target becomes a mix of the original
   * and the uniform distribution, as in "Rethinking the Inception Architecture".
   */
  labelSmoothing?: number;
}

/**
 * Options of `binaryCrossEntropy`.
 *
 * @example
 * const loss = binaryCrossEntropy(sigmoid(logits), target, { reduction: 'sum', weight: null });
 */
export interface BCELossOptions extends ReductionOptions {
  /** Rescaling weight of each element, broadcastable to the input (default none). */
  weight?: Tensor | null;
}

/**
 * Options of `binaryCrossEntropyWithLogits`.
 *
 * @example
 * const loss = binaryCrossEntropyWithLogits(logits, target, { posWeight: tensor([3]) });
 */
export interface BCEWithLogitsLossOptions extends BCELossOptions {
  /**
   * Weight of positive examples, broadcast with the target, e.g. shape (C) for
   * multi-label input (N, C): the positive term becomes posWeight * y * log(sigmoid(x)).
   */
  posWeight?: Tensor | null;
}

/** Class-id targets, checked and turned into the tensors the losses combine. */
interface ClassTargets {
  classDim: number;
  numClasses: number;
  /** int32 ids for `gather`: the target's shape with a 1 at classDim (ignored ids -> 0). */
  index: Tensor;
  /** Per-target weight (weight[id], 0 where ignored), target's shape, input's dtype. */
  w: Tensor;
  /** 1 where the target counts, 0 where ignored; target's shape, input's dtype. */
  mask: Tensor;
  /** Sum of `w`: the divisor of the 'mean' reduction. */
  wsum: number;
}

function classDimOf(op: string, input: Tensor): number {
  if (input.ndim === 0) {
    throw new ShapeError(
      `${op}: input must have a class dim, (C), (N, C) or (N, C, d1, ...); expected >= 1 dims, got a 0-d tensor`,
    );
  }
  return input.ndim === 1 ? 0 : 1;
}

function checkClassWeight(
  op: string,
  weight: Tensor | null | undefined,
  input: Tensor,
  numClasses: number,
): Tensor | null {
  if (weight === undefined || weight === null) return null;
  checkFloatTensor(op, 'weight', weight);
  if (weight.ndim !== 1 || weight.shape[0] !== numClasses) {
    throw new ShapeError(
      `${op}: weight must be defined for all ${numClasses} classes or none; expected shape [${numClasses}], got ${formatShape(weight.shape)}`,
    );
  }
  if (weight.dtype !== input.dtype) {
    throw new DTypeError(
      `${op}: weight dtype must match the input's; expected ${input.dtype}, got ${weight.dtype}`,
    );
  }
  if (weight.requiresGrad && isGradEnabled()) {
    throw new UnsupportedError(
      `${op}: the derivative for 'weight' is not implemented (as in PyTorch); expected a weight without requiresGrad, got requiresGrad true; pass weight.detach()`,
    );
  }
  return weight;
}

function checkIgnoreIndex(op: string, ignoreIndex: number): void {
  if (typeof ignoreIndex !== 'number' || !Number.isInteger(ignoreIndex)) {
    throw new ConfigError(`${op}: ignoreIndex must be an integer; got ${String(ignoreIndex)}`);
  }
}

function classTargets(
  op: string,
  input: Tensor,
  target: unknown,
  weight: Tensor | null | undefined,
  ignoreIndex: number,
  probabilityHint: boolean,
): ClassTargets {
  const classDim = classDimOf(op, input);
  const numClasses = input.shape[classDim];
  if (!(target instanceof Tensor))
    throw new DTypeError(`${op}: target must be a Tensor; got ${target === null ? 'null' : typeof target}`);
  if (target.dtype !== 'int32') {
    const hint = probabilityHint ? ' (class probabilities need a float target shaped like the input)' : '';
    throw new DTypeError(
      `${op}: target must hold int32 class ids; expected int32, got ${target.dtype}${hint}`,
    );
  }
  const expected = input.ndim === 1 ? [] : [input.shape[0], ...input.shape.slice(2)];
  if (!shapesEqual(target.shape, expected)) {
    throw new ShapeError(
      `${op}: target shape must be the input shape ${formatShape(input.shape)} without the class dim ${classDim}; expected ${formatShape(expected)}, got ${formatShape(target.shape)}`,
    );
  }
  const wt = checkClassWeight(op, weight, input, numClasses);
  checkIgnoreIndex(op, ignoreIndex);
  const ids = target.data as Int32Array;
  const n = ids.length;
  const indexShape = input.ndim === 1 ? [1] : [target.shape[0], 1, ...target.shape.slice(1)];
  const index = new Tensor(new Int32Array(n), indexShape); // (N, 1, d1, ...) or (1)
  const dtype = input.dtype;
  const w = new Tensor(dtype === 'float64' ? new Float64Array(n) : new Float32Array(n), target.shape); // (N, d1, ...)
  const mask = new Tensor(dtype === 'float64' ? new Float64Array(n) : new Float32Array(n), target.shape); // (N, d1, ...)
  const idx = index.data;
  const wd = w.data;
  const md = mask.data;
  const cw = wt === null ? null : wt.data;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    if (id === ignoreIndex) continue; // index 0, weight 0, mask 0
    if (id < 0 || id >= numClasses) {
      throw new ShapeError(
        `${op}: target ${id} is out of bounds; expected class ids in [0, ${numClasses - 1}] or ignoreIndex (${ignoreIndex}), got ${id}`,
      );
    }
    idx[i] = id;
    md[i] = 1;
    wd[i] = cw === null ? 1 : cw[id];
    wsum += wd[i];
  }
  return { classDim, numClasses, index, w, mask, wsum };
}

/** The weight reshaped to broadcast along the class dim: (C) or (1, C, 1, ...). */
function classWeightView(weight: Tensor, input: Tensor, classDim: number): Tensor {
  if (classDim === 0) return weight;
  const shape = input.shape.map((_, i) => (i === classDim ? input.shape[classDim] : 1));
  return weight.reshape(shape);
}

/**
 * total / wsum for the 'mean' reductions. When every target is ignored (wsum = 0) the
 * value is NaN, as in PyTorch, but the gradient is 0 (PyTorch writes no gradient for
 * ignored targets), not the NaN that differentiating 0/0 would give.
 */
function weightedMean(total: Tensor, wsum: number): Tensor {
  return wsum === 0 ? add(mul(total, 0), NaN) : total.div(wsum);
}

function nllFromTargets(
  logProbs: Tensor,
  t: ClassTargets,
  targetShape: readonly number[],
  reduction: Reduction,
): Tensor {
  const picked = gather(logProbs, t.classDim, t.index).reshape(targetShape); // (N, d1, ...)
  const losses = mul(neg(picked), t.w);
  if (reduction === 'none') return losses;
  const total = losses.sum();
  return reduction === 'sum' ? total : weightedMean(total, t.wsum);
}

/**
 * Negative log likelihood of class ids under log-probabilities, like
 * `torch.nn.functional.nll_loss`: loss_n = -weight[y_n] * x[n, y_n], zero for targets
 * equal to `ignoreIndex`. 'mean' divides the sum by the sum of the weights of the
 * targets that are not ignored (NaN if all are ignored, as in PyTorch).
 *
 * Shapes: input `(N, C)`, `(C)` (unbatched) or `(N, C, d1, ..., dK)`; target int32
 * `(N)`, `()` or `(N, d1, ..., dK)` with ids in [0, C). Output: a scalar, or the
 * target's shape with `reduction: 'none'`. No gradient flows to `weight`.
 *
 * @example nllLoss(logSoftmax(logits, 1), labels, { ignoreIndex: 0 })
 */
export function nllLoss(logProbs: Tensor, target: Tensor, options: NLLLossOptions = {}): Tensor {
  checkOptions('nllLoss', options, LOSS_KEYS.nll);
  const op = 'nllLoss';
  checkFloatTensor(op, 'input', logProbs);
  const r = resolveReduction(op, options.reduction);
  const t = classTargets(op, logProbs, target, options.weight, options.ignoreIndex ?? -100, false);
  return nllFromTargets(logProbs, t, target.shape, r);
}

/**
 * Cross entropy between logits and targets, like `torch.nn.functional.cross_entropy`
 * (logSoftmax over the class dim, then the negative log likelihood).
 *
 * Targets are either int32 class ids (shapes as `nllLoss`; `weight`, `ignoreIndex`
 * and `labelSmoothing` apply with PyTorch's exact formulas: the smoothed loss is
 * (1 - eps) * nll + eps / C * smooth, with smooth_n = -sum_c weight[c] * logp[n, c]
 * over non-ignored targets, and 'mean' dividing both by the summed weights of the
 * non-ignored targets), or float class probabilities shaped like the input (then
 * 'mean' divides by the number of samples numel / C, and `ignoreIndex` must stay
 * negative, as PyTorch requires).
 *
 * Shapes: input `(N, C)`, `(C)` or `(N, C, d1, ..., dK)`; output a scalar, or `(N)`,
 * `()`, `(N, d1, ..., dK)` with `reduction: 'none'`.
 *
 * @example
 * crossEntropy(logits, tensor([2, 0, 1], { dtype: 'int32' }), { labelSmoothing: 0.1 })
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkOptions('crossEntropy', options, LOSS_KEYS.crossEntropy);
  const op = 'crossEntropy';
  checkFloatTensor(op, 'input', input);
  const r = resolveReduction(op, options.reduction);
  const eps = options.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1)) {
    throw new ConfigError(
      `${op}: labelSmoothing must be between 0.0 and 1.0; expected a number in [0, 1], got ${String(eps)}`,
    );
  }
  const ignoreIndex = options.ignoreIndex ?? -100;
  const classDim = classDimOf(op, input);
  const numClasses = input.shape[classDim];
  if (target instanceof Tensor && shapesEqual(target.shape, input.shape)) {
    return crossEntropyProbs(op, input, target, options.weight, ignoreIndex, eps, r);
  }
  const t = classTargets(op, input, target, options.weight, ignoreIndex, true);
  const logp = logSoftmax(input, classDim);
  const nll = nllFromTargets(logp, t, target.shape, r);
  if (eps === 0) return nll;
  const weighted = options.weight ? mul(logp, classWeightView(options.weight, input, classDim)) : logp;
  const smooth = mul(neg(sum(weighted, classDim)), t.mask); // (N, d1, ...)
  let smoothRed: Tensor;
  if (r === 'none') smoothRed = smooth;
  else if (r === 'sum') smoothRed = smooth.sum();
  else smoothRed = weightedMean(smooth.sum(), t.wsum);
  return add(mul(nll, 1 - eps), mul(smoothRed, eps / numClasses));
}

function crossEntropyProbs(
  op: string,
  input: Tensor,
  target: Tensor,
  weight: Tensor | null | undefined,
  ignoreIndex: number,
  eps: number,
  r: Reduction,
): Tensor {
  const classDim = classDimOf(op, input);
  const numClasses = input.shape[classDim];
  if (target.dtype === 'int32') {
    throw new DTypeError(
      `${op}: a target shaped like the input holds class probabilities and must be a float tensor; expected ${input.dtype}, got int32`,
    );
  }
  if (target.dtype !== input.dtype) {
    throw new DTypeError(
      `${op}: target dtype must match the input's; expected ${input.dtype}, got ${target.dtype}`,
    );
  }
  checkIgnoreIndex(op, ignoreIndex);
  if (ignoreIndex >= 0) {
    throw new ConfigError(
      `${op}: ignoreIndex is not supported for class-probability (float) targets; expected a negative value, got ${ignoreIndex}`,
    );
  }
  const wt = checkClassWeight(op, weight, input, numClasses);
  const logp = logSoftmax(input, classDim);
  const tgt = eps > 0 ? add(mul(target, 1 - eps), eps / numClasses) : target;
  let prod = mul(logp, tgt);
  if (wt !== null) prod = mul(prod, classWeightView(wt, input, classDim));
  if (r === 'none') return neg(sum(prod, classDim));
  const total = neg(prod.sum());
  if (r === 'sum') return total;
  return total.div(numClasses === 0 ? 0 : input.numel() / numClasses);
}

/**
 * Binary cross entropy between probabilities and targets, like
 * `torch.nn.functional.binary_cross_entropy`:
 * -weight * (y log x + (1 - y) log(1 - x)), with the logs clamped at -100.
 * Prefer `binaryCrossEntropyWithLogits` on logits: it is numerically stable.
 *
 * Shapes: input `(*)` with values in [0, 1] (else a ConfigError), target `(*)` of the
 * same shape and dtype, weight broadcastable to `(*)`. Output: a scalar, or `(*)`.
 *
 * @example binaryCrossEntropy(sigmoid(logits), labels)
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BCELossOptions = {}): Tensor {
  const op = 'binaryCrossEntropy';
  const r = checkPairLoss(op, input, target, options, LOSS_KEYS.bce);
  const weight = checkBroadcastWeight(op, 'weight', options.weight, input.dtype, input.shape);
  const xd = input.data;
  for (let i = 0; i < xd.length; i++) {
    const v = xd[i];
    if (!(v >= 0 && v <= 1)) {
      throw new ConfigError(
        `${op}: all elements of input should be between 0 and 1; expected values in [0, 1], got ${v} at flat index ${i}`,
      );
    }
  }
  let loss = binaryCrossEntropyPointwise(input, target);
  if (weight !== null) loss = mul(loss, weight);
  return reduce(loss, r);
}

/**
 * Sigmoid plus binary cross entropy in one numerically stable expression, like
 * `torch.nn.functional.binary_cross_entropy_with_logits`:
 * loss = weight * ((1 - y) x + (1 + (posWeight - 1) y) * log(1 + e^-x)),
 * with log(1 + e^-x) computed as m + log(e^-m + e^(-x-m)), m = max(-x, 0).
 *
 * Shapes: input `(*)` logits, target `(*)` of the same shape and dtype (probabilities),
 * weight broadcastable to `(*)`, posWeight broadcastable to `(*)` (e.g. `(C)` for
 * input `(N, C)`). Output: a scalar, or `(*)` with `reduction: 'none'`.
 *
 * @example binaryCrossEntropyWithLogits(logits, labels, { posWeight: full([3], 2) })
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: BCEWithLogitsLossOptions = {},
): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const r = checkPairLoss(op, input, target, options, LOSS_KEYS.bceWithLogits);
  const weight = checkBroadcastWeight(op, 'weight', options.weight, input.dtype, input.shape);
  const posWeight = checkBroadcastWeight(op, 'posWeight', options.posWeight, input.dtype, input.shape);
  const m = relu(neg(input)); // max(-x, 0)
  const softplusNeg = add(log(add(exp(neg(m)), exp(sub(neg(input), m)))), m); // log(1 + e^-x)
  let loss = mul(sub(1, target), input);
  if (posWeight !== null) loss = add(loss, mul(add(mul(sub(posWeight, 1), target), 1), softplusNeg));
  else loss = add(loss, softplusNeg);
  if (weight !== null) loss = mul(loss, weight);
  return reduce(loss, r);
}
