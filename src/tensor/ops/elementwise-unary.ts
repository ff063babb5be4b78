// The unary element-wise ops: each a scalar function and its backward rule, written
// with the saved input and output.
import { ConfigError } from '../../core/errors.js';
import { record } from '../record.js';
import type { Tensor } from '../tensor.js';
import { div, mul } from './elementwise-binary.js';
import { map } from './map.js';
import { requireFloat } from './util.js';

function unary(
  op: string,
  x: Tensor,
  f: (v: number) => number,
  rule: (g: Tensor, x: Tensor, y: Tensor) => Tensor,
  float = true,
): Tensor {
  if (float) requireFloat(x, op);
  const out = map(x, f);
  return record(op, [x], out, [x, out], (g) => [rule(g, x, out)]);
}

/**
 * e^x
 *
 * @example
 * exp(tensor([0, 1])); // [1, 2.718...]
 */
export function exp(x: Tensor): Tensor {
  return unary('exp', x, Math.exp, (g, _x, y) => mul(g, y));
}

/**
 * Natural logarithm.
 *
 * @example
 * log(tensor([1, Math.E])); // [0, 1]
 */
export function log(x: Tensor): Tensor {
  return unary('log', x, Math.log, (g, xx) => div(g, xx));
}

/**
 * Square root.
 *
 * @example
 * sqrt(tensor([4, 9])); // [2, 3]
 */
export function sqrt(x: Tensor): Tensor {
  return unary('sqrt', x, Math.sqrt, (g, _x, y) => div(g, mul(y, 2)));
}

/**
 * |x| (gradient sign(x), 0 at 0).
 *
 * @example
 * abs(tensor([-1, 2])); // [1, 2]
 */
export function abs(x: Tensor): Tensor {
  return unary('abs', x, Math.abs, (g, xx) => mul(g, map(xx, Math.sign)));
}

/**
 * x * x
 *
 * @example
 * square(tensor([3])); // [9]
 */
export function square(x: Tensor): Tensor {
  return unary(
    'square',
    x,
    (v) => v * v,
    (g, xx) => mul(g, mul(xx, 2)),
  );
}

/**
 * Logistic sigmoid 1 / (1 + e^-x).
 *
 * @example
 * sigmoid(tensor([0])); // [0.5]
 */
export function sigmoid(x: Tensor): Tensor {
  return unary('sigmoid', x, sigmoidScalar, (g, _x, y) =>
    mul(
      g,
      map(y, (s) => s * (1 - s)),
    ),
  );
}

function sigmoidScalar(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

/**
 * Hyperbolic tangent.
 *
 * @example
 * tanh(tensor([0])); // [0]
 */
export function tanh(x: Tensor): Tensor {
  return unary('tanh', x, Math.tanh, (g, _x, y) =>
    mul(
      g,
      map(y, (t) => 1 - t * t),
    ),
  );
}

/**
 * max(x, 0).
 *
 * @example
 * relu(tensor([-1, 2])); // [0, 2]
 */
export function relu(x: Tensor): Tensor {
  return unary(
    'relu',
    x,
    (v) => (v > 0 ? v : 0),
    (g, xx) =>
      mul(
        g,
        map(xx, (v) => (v > 0 ? 1 : 0)),
      ),
    false,
  );
}

/**
 * Clamps into [min, max] (either may be omitted); gradient 1 inside, 0 outside.
 *
 * @example
 * clamp(tensor([-2, 0.5, 3]), -1, 1); // [-1, 0.5, 1]
 */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (min == null && max == null)
    throw new ConfigError('clamp: at least one of min or max must be given; got neither');
  return unary(
    'clamp',
    x,
    (v) => (v < lo ? lo : v > hi ? hi : v),
    (g, xx) =>
      mul(
        g,
        map(xx, (v) => (v >= lo && v <= hi ? 1 : 0)),
      ),
    false,
  );
}
