import { ConfigError, DTypeError, ShapeError } from '../../core/errors.js';
import { broadcastShapes, formatShape, shapesEqual } from '../../core/shape.js';
import { binaryBroadcastRef, broadcastStrides } from '../../kernels/ref/broadcast.js';
import { Tensor } from '../tensor.js';
import type { Operand } from './util.js';

/*
 * In-place ops change a tensor's memory and bump its version, so a backward pass that
 * saved the old values fails with a StateError instead of computing wrong gradients.
 * They are meant for optimizers and initialisation (inside noGrad) and for tensors that
 * take no part in a recorded graph.
 */

function inPlace(op: string, x: Tensor, y: Operand, f: (a: number, b: number) => number): Tensor {
  x.checkInPlace(op);
  const xd = x.data;
  if (typeof y === 'number') {
    for (let i = 0; i < xd.length; i++) xd[i] = f(xd[i], y);
  } else {
    if (x.dtype === 'int32' && y.dtype !== 'int32') {
      throw new DTypeError(
        `${op}: result type float can't be cast to the int32 destination; expected int32, got ${y.dtype}`,
      );
    }
    const shape = broadcastShapes(x.shape, y.shape, op);
    if (!shapesEqual(shape, x.shape)) {
      throw new ShapeError(
        `${op}: output with shape ${formatShape(x.shape)} doesn't match the broadcast shape ${formatShape(shape)}`,
      );
    }
    if (shapesEqual(x.shape, y.shape)) {
      const yd = y.data;
      for (let i = 0; i < xd.length; i++) xd[i] = f(xd[i], yd[i]);
    } else {
      binaryBroadcastRef(
        f,
        xd,
        broadcastStrides(x.shape, shape),
        y.data,
        broadcastStrides(y.shape, shape),
        xd,
        shape,
      );
    }
  }
  x.markModified();
  return x;
}

/** x += y (times `alpha`), in place. @example noGrad(() => p.add_(p.grad!, -lr)) */
export function add_(x: Tensor, y: Operand, alpha = 1): Tensor {
  return inPlace('add_', x, y, (a, b) => a + alpha * b);
}
/**
 * x -= y, in place.
 *
 * @example
 * sub_(p, p.grad.mul(0.1)); // a plain SGD step
 */
export function sub_(x: Tensor, y: Operand): Tensor {
  return inPlace('sub_', x, y, (a, b) => a - b);
}
/**
 * x *= y, in place.
 *
 * @example
 * mul_(x, 0.5); // x *= 0.5
 */
export function mul_(x: Tensor, y: Operand): Tensor {
  return inPlace('mul_', x, y, (a, b) => a * b);
}
/**
 * x /= y, in place.
 *
 * @example
 * div_(x, 2); // x /= 2
 */
export function div_(x: Tensor, y: Operand): Tensor {
  return inPlace('div_', x, y, (a, b) => a / b);
}
/**
 * Copies `src` (broadcast) into x.
 *
 * @example
 * copy_(target, source); // target's values become source's (broadcast)
 */
export function copy_(x: Tensor, src: Tensor): Tensor {
  return inPlace('copy_', x, src, (_a, b) => b);
}
/**
 * Fills x with `value`.
 *
 * @example
 * fill_(bias, 0);
 */
export function fill_(x: Tensor, value: number): Tensor {
  return inPlace('fill_', x, value, (_a, b) => b);
}
/**
 * Fills x with zeros.
 *
 * @example
 * zero_(p.grad);
 */
export function zero_(x: Tensor): Tensor {
  return fill_(x, 0);
}
/**
 * Clamps x into [min, max], in place.
 *
 * @example
 * clamp_(p.grad, -5, 5); // char-rnn's gradient clamp
 */
export function clamp_(x: Tensor, min?: number | null, max?: number | null): Tensor {
  if (min == null && max == null)
    throw new ConfigError('clamp_: at least one of min or max must be given; got neither');
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  return inPlace('clamp_', x, 0, (a) => (a < lo ? lo : a > hi ? hi : a));
}
