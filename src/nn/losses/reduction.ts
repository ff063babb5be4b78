import { checkOptions } from '../../core/check.js';
import { ConfigError, DTypeError, ShapeError } from '../../core/errors.js';
import { formatShape, shapesEqual } from '../../core/shape.js';
import { Tensor } from '../../tensor/index.js';

/**
 * How a loss reduces its per-element values, as PyTorch's `reduction`: 'mean'
 * (the default), 'sum', or 'none' (no reduction: the per-element losses).
 *
 * @example
 * mseLoss(pred, target, { reduction: 'sum' }); // 'mean' (default) | 'sum' | 'none'
 */
export type Reduction = 'mean' | 'sum' | 'none';

/**
 * The option every loss takes.
 *
 * @example
 * const perElement = mseLoss(pred, target, { reduction: 'none' });
 */
export interface ReductionOptions {
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/** The option keys of each loss (its function and its module take the same options). */
export const LOSS_KEYS = {
  reduction: ['reduction'],
  huber: ['reduction', 'delta'],
  smoothL1: ['reduction', 'beta'],
  nll: ['reduction', 'weight', 'ignoreIndex'],
  crossEntropy: ['reduction', 'weight', 'ignoreIndex', 'labelSmoothing'],
  bce: ['reduction', 'weight'],
  bceWithLogits: ['reduction', 'weight', 'posWeight'],
} as const satisfies Record<string, readonly string[]>;

/** The reduction option, checked; 'mean' if undefined. */
export function resolveReduction(op: string, reduction: Reduction | undefined): Reduction {
  const r = reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') {
    throw new ConfigError(`${op}: reduction must be 'mean', 'sum' or 'none'; got '${String(r)}'`);
  }
  return r;
}

/**
 * The checks every element-wise loss starts with: its options (keys and reduction) and
 * an (input, target) pair of one float dtype and one shape. Returns the reduction.
 */
export function checkPairLoss(
  op: string,
  input: unknown,
  target: unknown,
  options: ReductionOptions,
  keys: readonly string[],
): Reduction {
  checkOptions(op, options, keys);
  checkSameShapePair(op, input, target);
  return resolveReduction(op, options.reduction);
}

/** Applies a plain reduction: the mean over all elements, their sum, or nothing. */
export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? loss.sum() : loss.mean();
}

/** Throws unless `t` is a Tensor holding floats. */
export function checkFloatTensor(op: string, what: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor))
    throw new DTypeError(`${op}: ${what} must be a Tensor; got ${t === null ? 'null' : typeof t}`);
  if (t.dtype === 'int32') {
    throw new DTypeError(`${op}: ${what} must be a float tensor; expected float32 or float64, got int32`);
  }
}

/** Checks an (input, target) pair of an element-wise loss: float tensors, one dtype, one shape. */
export function checkSameShapePair(op: string, input: unknown, target: unknown): asserts input is Tensor {
  checkFloatTensor(op, 'input', input);
  checkFloatTensor(op, 'target', target);
  if (target.dtype !== input.dtype) {
    throw new DTypeError(
      `${op}: target dtype must match the input's; expected ${input.dtype}, got ${target.dtype}`,
    );
  }
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(
      `${op}: target size must equal input size (no broadcasting); expected ${formatShape(input.shape)}, got ${formatShape(target.shape)}`,
    );
  }
}

/**
 * Checks an optional element weight: a float tensor of the input's dtype whose shape
 * broadcasts to `shape` (without growing it). Returns it (or null).
 */
export function checkBroadcastWeight(
  op: string,
  what: string,
  w: Tensor | null | undefined,
  dtype: string,
  shape: readonly number[],
): Tensor | null {
  if (w === undefined || w === null) return null;
  checkFloatTensor(op, what, w);
  if (w.dtype !== dtype)
    throw new DTypeError(`${op}: ${what} dtype must match the input's; expected ${dtype}, got ${w.dtype}`);
  const ok =
    w.ndim <= shape.length &&
    w.shape.every((s, i) => {
      const d = shape[shape.length - w.ndim + i];
      return s === d || s === 1;
    });
  if (!ok) {
    throw new ShapeError(
      `${op}: ${what} must broadcast to the input's shape; expected a shape broadcastable to ${formatShape(shape)}, got ${formatShape(w.shape)}`,
    );
  }
  return w;
}
