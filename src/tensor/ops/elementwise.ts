import { allocate, type DType } from '../../core/dtype.js';
import { ConfigError } from '../../core/errors.js';
import { broadcastShapes, shapesEqual } from '../../core/shape.js';
import { binaryBroadcastRef, broadcastStrides } from '../../kernels/ref/broadcast.js';
import { record } from '../record.js';
import { Tensor } from '../tensor.js';
import { asTensor, promote, requireFloat, sumTo, type Operand } from './util.js';

type Fn2 = (x: number, y: number) => number;

/** Forward of a broadcasting binary op; no graph. */
function apply2(op: string, a: Tensor, b: Tensor, f: Fn2, dtype: DType): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, op);
  const out = new Tensor(
    allocate(
      dtype,
      shape.reduce((p, s) => p * s, 1),
    ),
    shape,
  );
  const od = out.data;
  if (shapesEqual(a.shape, b.shape)) {
    const ad = a.data;
    const bd = b.data;
    for (let i = 0; i < od.length; i++) od[i] = f(ad[i], bd[i]);
  } else if (b.numel() === 1 && shapesEqual(a.shape, shape)) {
    const ad = a.data;
    const bv = b.data[0];
    for (let i = 0; i < od.length; i++) od[i] = f(ad[i], bv);
  } else {
    binaryBroadcastRef(
      f,
      a.data,
      broadcastStrides(a.shape, shape),
      b.data,
      broadcastStrides(b.shape, shape),
      od,
      shape,
    );
  }
  return out;
}

function binary(
  op: string,
  x: Operand,
  y: Operand,
  f: Fn2,
  rule: (g: Tensor, a: Tensor, b: Tensor, out: Tensor) => [Tensor | null, Tensor | null],
  saveOut = false,
  forceFloat = false,
  readsInputs = true,
): Tensor {
  let dtype = promote(x, y);
  if (forceFloat && dtype === 'int32') dtype = 'float32';
  const a = asTensor(x, dtype);
  const b = asTensor(y, dtype);
  const out = apply2(op, a, b, f, dtype);
  // a rule that reads only g (add, sub) saves nothing, so in-place edits of the inputs
  // after the op leave its gradient valid (as in PyTorch)
  const saved = readsInputs ? (saveOut ? [a, b, out] : [a, b]) : saveOut ? [out] : [];
  return record(op, [a, b], out, saved, (g) => {
    const [ga, gb] = rule(g, a, b, out);
    return [ga === null ? null : sumTo(ga, a.shape), gb === null ? null : sumTo(gb, b.shape)];
  });
}

// Inputs may be Tensor or number; the (x, y) numbers version is what the kernels see.

/** a + b with broadcasting. @example add(x, 1); x.add(y) */
export function add(a: Operand, b: Operand): Tensor {
  return binary(
    'add',
    a,
    b,
    (x, y) => x + y,
    (g) => [g, g],
    false,
    false,
    false,
  );
}

/**
 * a - b with broadcasting.
 *
 * @example
 * sub(tensor([3, 4]), 1); // [2, 3]
 */
export function sub(a: Operand, b: Operand): Tensor {
  return binary(
    'sub',
    a,
    b,
    (x, y) => x - y,
    (g) => [g, neg(g)],
    false,
    false,
    false,
  );
}

/**
 * a * b with broadcasting.
 *
 * @example
 * mul(tensor([1, 2]), tensor([3, 4])); // [3, 8]
 */
export function mul(a: Operand, b: Operand): Tensor {
  return binary(
    'mul',
    a,
    b,
    (x, y) => x * y,
    (g, ta, tb) => [ta.requiresGrad ? mul(g, tb) : null, tb.requiresGrad ? mul(g, ta) : null],
  );
}

/**
 * a / b with broadcasting (true division: integer inputs give floats).
 *
 * @example
 * div(tensor([1, 2]), 2); // [0.5, 1]
 */
export function div(a: Operand, b: Operand): Tensor {
  return binary(
    'div',
    a,
    b,
    (x, y) => x / y,
    (g, ta, tb, out) => [
      ta.requiresGrad ? div(g, tb) : null,
      tb.requiresGrad ? neg(div(mul(g, out), tb)) : null,
    ],
    true,
    true,
  );
}

/**
 * a ** b with broadcasting (tensor or number exponent).
 *
 * @example
 * pow(tensor([2, 3]), 2); // [4, 9]
 */
export function pow(a: Operand, b: Operand): Tensor {
  return binary(
    'pow',
    a,
    b,
    (x, y) => Math.pow(x, y),
    (g, ta, tb, out) => [
      ta.requiresGrad ? mul(g, mul(tb, pow(ta, sub(tb, 1)))) : null,
      tb.requiresGrad
        ? mul(
            g,
            mul(
              out,
              map(ta, (v) => (v > 0 ? Math.log(v) : v === 0 ? 0 : NaN)),
            ),
          )
        : null,
    ],
    true,
  );
}

/**
 * Element-wise maximum; on ties the gradient is split evenly, as in PyTorch.
 *
 * @example
 * maximum(tensor([1, 5]), tensor([4, 2])); // [4, 5]
 */
export function maximum(a: Operand, b: Operand): Tensor {
  return binary(
    'maximum',
    a,
    b,
    (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)),
    (g, ta, tb) => {
      const wa = apply2('maximum', ta, tb, (x, y) => (x > y ? 1 : x === y ? 0.5 : 0), g.dtype);
      return [mul(g, wa), mul(g, sub(1, wa))];
    },
  );
}

/**
 * Element-wise minimum (ties split the gradient evenly).
 *
 * @example
 * minimum(tensor([1, 5]), tensor([4, 2])); // [1, 2]
 */
export function minimum(a: Operand, b: Operand): Tensor {
  return binary(
    'minimum',
    a,
    b,
    (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)),
    (g, ta, tb) => {
      const wa = apply2('minimum', ta, tb, (x, y) => (x < y ? 1 : x === y ? 0.5 : 0), g.dtype);
      return [mul(g, wa), mul(g, sub(1, wa))];
    },
  );
}

/**
 * Element-wise comparison results as 0/1 tensors of the promoted dtype (no gradient).
 *
 * @example
 * gt(tensor([1, 2, 3]), 2); // [0, 0, 1]
 */
export function gt(a: Operand, b: Operand): Tensor {
  const dt = promote(a, b);
  return apply2('gt', asTensor(a, dt), asTensor(b, dt), (x, y) => (x > y ? 1 : 0), dt);
}
/**
 * @example
 * lt(tensor([1, 2, 3]), 2); // [1, 0, 0]
 */
export function lt(a: Operand, b: Operand): Tensor {
  const dt = promote(a, b);
  return apply2('lt', asTensor(a, dt), asTensor(b, dt), (x, y) => (x < y ? 1 : 0), dt);
}
/**
 * @example
 * eq(tensor([1, 2, 3]), 2); // [0, 1, 0]
 */
export function eq(a: Operand, b: Operand): Tensor {
  const dt = promote(a, b);
  return apply2('eq', asTensor(a, dt), asTensor(b, dt), (x, y) => (x === y ? 1 : 0), dt);
}

/**
 * Applies `f` to every element, without a graph (an escape hatch for masks and tests).
 *
 * @example
 * const mask = map(x, (v) => (v > 0 ? 1 : 0));
 */
export function map(x: Tensor, f: (v: number) => number): Tensor {
  const out = new Tensor(allocate(x.dtype, x.numel()), x.shape);
  const s = x.data;
  const o = out.data;
  for (let i = 0; i < s.length; i++) o[i] = f(s[i]);
  return out;
}

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
 * -x
 *
 * @example
 * neg(tensor([1, -2])); // [-1, 2]
 */
export function neg(x: Tensor): Tensor {
  const out = map(x, (v) => -v);
  return record('neg', [x], out, [], (g) => [neg(g)]);
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

/**
 * Picks `a` where `cond` is non-zero and `b` elsewhere, with broadcasting.
 * @example where(gt(x, 0), x, 0)
 */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const dtype = promote(a, b);
  const ta = asTensor(a, dtype);
  const tb = asTensor(b, dtype);
  const shape = broadcastShapes(broadcastShapes(cond.shape, ta.shape, 'where'), tb.shape, 'where');
  const n = shape.reduce((p, s) => p * s, 1);
  const c = new Tensor(allocate(cond.dtype, n), shape);
  binaryBroadcastRef(
    (v) => v,
    cond.data,
    broadcastStrides(cond.shape, shape),
    cond.data,
    broadcastStrides(cond.shape, shape),
    c.data,
    shape,
  );
  const ea = new Tensor(allocate(dtype, n), shape);
  binaryBroadcastRef(
    (v) => v,
    ta.data,
    broadcastStrides(ta.shape, shape),
    ta.data,
    broadcastStrides(ta.shape, shape),
    ea.data,
    shape,
  );
  const out = new Tensor(allocate(dtype, n), shape);
  binaryBroadcastRef(
    (v) => v,
    tb.data,
    broadcastStrides(tb.shape, shape),
    tb.data,
    broadcastStrides(tb.shape, shape),
    out.data,
    shape,
  );
  const cd = c.data;
  const od = out.data;
  const ad = ea.data;
  for (let i = 0; i < n; i++) if (cd[i] !== 0) od[i] = ad[i];
  return record('where', [ta, tb], out, [], (g) => {
    const ga = map(g, (v) => v);
    const gb = map(g, (v) => v);
    for (let i = 0; i < n; i++) {
      if (cd[i] !== 0) gb.data[i] = 0;
      else ga.data[i] = 0;
    }
    return [sumTo(ga, ta.shape), sumTo(gb, tb.shape)];
  });
}
