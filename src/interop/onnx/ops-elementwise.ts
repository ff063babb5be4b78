// Element-wise ONNX ops with multidirectional (numpy) broadcasting, activations, Cast.
import { ShapeError, UnsupportedError } from '../../core/errors.js';
import { attrFloat, attrInt, need, needFloat, type OpContext, type OpImpl } from './op-context.js';
import { broadcastIndex } from './strided.js';
import {
  allocValue,
  isFloat,
  kindOfDataType,
  makeValue,
  numelOf,
  type ElemKind,
  type Value,
} from './value.js';

/** The broadcast shape of two shapes (numpy rules), or a ShapeError naming the node. */
export function broadcastShapes(ctx: OpContext, a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ShapeError(
        `${ctx.where}: input shapes must broadcast; got [${a.join(', ')}] and [${b.join(', ')}]`,
      );
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}

function resultKind(ctx: OpContext, a: Value, b: Value): ElemKind {
  if (a.kind !== b.kind) {
    throw new UnsupportedError(
      `${ctx.where}: both inputs must have the same element type; got ${a.kind} and ${b.kind}`,
    );
  }
  return a.kind;
}

function binary(
  f: (x: number, y: number) => number,
  intF?: (x: number, y: number) => number,
  outKind?: ElemKind,
): OpImpl {
  return (ctx, inputs) => {
    const a = need(ctx, inputs, 0);
    const b = need(ctx, inputs, 1);
    const kind = resultKind(ctx, a, b);
    const shape = broadcastShapes(ctx, a.shape, b.shape);
    const out = allocValue(outKind ?? kind, shape);
    const g = kind === 'int' && intF ? intF : f;
    const ia = broadcastIndex(a.shape, shape);
    const ib = broadcastIndex(b.shape, shape);
    for (let i = 0; i < out.data.length; i++) out.data[i] = g(a.data[ia[i]], b.data[ib[i]]);
    return [out];
  };
}

function unary(f: (x: number) => number): OpImpl {
  return (ctx, inputs) => {
    const x = needFloat(ctx, inputs, 0);
    const out = allocValue(x.kind, x.shape);
    for (let i = 0; i < out.data.length; i++) out.data[i] = f(x.data[i]);
    return [out];
  };
}

export const sigmoid = (x: number): number =>
  x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));

function whereOp(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const c = need(ctx, inputs, 0);
  const x = need(ctx, inputs, 1);
  const y = need(ctx, inputs, 2);
  const kind = resultKind(ctx, x, y);
  const shape = broadcastShapes(ctx, broadcastShapes(ctx, c.shape, x.shape), y.shape);
  const out = allocValue(kind, shape);
  const ic = broadcastIndex(c.shape, shape);
  const ix = broadcastIndex(x.shape, shape);
  const iy = broadcastIndex(y.shape, shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = c.data[ic[i]] ? x.data[ix[i]] : y.data[iy[i]];
  return [out];
}

function castOp(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const x = need(ctx, inputs, 0);
  const to = attrInt(ctx, 'to', 0);
  const kind = kindOfDataType(to);
  if (kind === null)
    throw new UnsupportedError(
      `${ctx.where}: Cast 'to' must be a float, double, integer or bool type; got ${to}`,
    );
  const out = allocValue(kind, x.shape);
  for (let i = 0; i < out.data.length; i++) {
    const v = x.data[i];
    out.data[i] = kind === 'int' ? Math.trunc(v) : kind === 'bool' ? (v !== 0 ? 1 : 0) : v;
  }
  return [out];
}

function softmaxOp(log: boolean): OpImpl {
  return (ctx, inputs) => {
    const x = needFloat(ctx, inputs, 0);
    const r = x.shape.length;
    let axis = attrInt(ctx, 'axis', ctx.opset >= 13 ? -1 : 1);
    if (axis < 0) axis += r;
    if (axis < 0 || axis >= Math.max(r, 1))
      throw new ShapeError(`${ctx.where}: axis must be in [${-r}, ${r - 1}]; got ${axis}`);
    // Before opset 13 the input is coerced to 2-D at `axis`; from 13 it is one axis.
    const outer = numelOf(x.shape.slice(0, axis));
    const len = ctx.opset >= 13 ? x.shape[axis] : numelOf(x.shape.slice(axis));
    const inner = ctx.opset >= 13 ? numelOf(x.shape.slice(axis + 1)) : 1;
    const out = allocValue(x.kind, x.shape);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < inner; k++) {
        const base = o * len * inner + k;
        let m = -Infinity;
        for (let j = 0; j < len; j++) m = Math.max(m, x.data[base + j * inner]);
        let s = 0;
        for (let j = 0; j < len; j++) s += Math.exp(x.data[base + j * inner] - m);
        for (let j = 0; j < len; j++) {
          const z = x.data[base + j * inner] - m;
          out.data[base + j * inner] = log ? z - Math.log(s) : Math.exp(z) / s;
        }
      }
    }
    return [out];
  };
}

function clipOp(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const x = needFloat(ctx, inputs, 0);
  const lo = ctx.opset >= 11 ? (inputs[1]?.data[0] ?? -Infinity) : attrFloat(ctx, 'min', -Infinity);
  const hi = ctx.opset >= 11 ? (inputs[2]?.data[0] ?? Infinity) : attrFloat(ctx, 'max', Infinity);
  const out = allocValue(x.kind, x.shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = Math.min(hi, Math.max(lo, x.data[i]));
  return [out];
}

function notOp(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const x = need(ctx, inputs, 0);
  const out = allocValue('bool', x.shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = x.data[i] ? 0 : 1;
  return [out];
}

export const ELEMENTWISE_OPS: Record<string, OpImpl> = {
  Add: binary((x, y) => x + y),
  Sub: binary((x, y) => x - y),
  Mul: binary((x, y) => x * y),
  Div: binary(
    (x, y) => x / y,
    (x, y) => Math.trunc(x / y),
  ),
  Pow: binary((x, y) => Math.pow(x, y)),
  Min: binary((x, y) => Math.min(x, y)),
  Max: binary((x, y) => Math.max(x, y)),
  Equal: binary((x, y) => (x === y ? 1 : 0), undefined, 'bool'),
  Less: binary((x, y) => (x < y ? 1 : 0), undefined, 'bool'),
  Greater: binary((x, y) => (x > y ? 1 : 0), undefined, 'bool'),
  And: binary((x, y) => (x && y ? 1 : 0), undefined, 'bool'),
  Or: binary((x, y) => (x || y ? 1 : 0), undefined, 'bool'),
  Not: notOp,
  Where: whereOp,
  Relu: unary((x) => (x > 0 ? x : 0)),
  Sigmoid: unary(sigmoid),
  Tanh: unary(Math.tanh),
  Exp: unary(Math.exp),
  Log: unary(Math.log),
  Sqrt: unary(Math.sqrt),
  Neg: (ctx, inputs) => {
    const x = need(ctx, inputs, 0);
    const out = allocValue(x.kind, x.shape);
    for (let i = 0; i < out.data.length; i++) out.data[i] = -x.data[i];
    return [out];
  },
  Abs: unary(Math.abs),
  LeakyRelu: (ctx, inputs) => {
    const a = attrFloat(ctx, 'alpha', 0.01);
    return unary((x) => (x >= 0 ? x : a * x))(ctx, inputs);
  },
  Clip: clipOp,
  Cast: castOp,
  Softmax: softmaxOp(false),
  LogSoftmax: softmaxOp(true),
  Identity: (ctx, inputs) => [need(ctx, inputs, 0)],
  // Inference: Dropout is the identity; the optional mask output is all ones.
  Dropout: (ctx, inputs) => {
    const x = need(ctx, inputs, 0);
    const mask = makeValue('bool', new Uint8Array(x.data.length).fill(1), x.shape);
    return [x, mask];
  },
};

export { isFloat };
