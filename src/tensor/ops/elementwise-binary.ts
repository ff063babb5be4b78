// The broadcasting binary element-wise ops (arithmetic, maximum / minimum, comparisons):
// one forward loop over the broadcast index and one backward rule each, reduced back to
// each input's shape.
import { allocate, type DType } from '../../core/dtype.js';
import { broadcastShapes, shapesEqual } from '../../core/shape.js';
import { binaryBroadcastRef, broadcastStrides } from '../../kernels/ref/broadcast.js';
import { record } from '../record.js';
import { Tensor } from '../tensor.js';
import { map } from './map.js';
import { asTensor, promote, sumTo, type Operand } from './util.js';

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

// neg is here rather than with the unary ops: the rules of sub and div use it.
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
