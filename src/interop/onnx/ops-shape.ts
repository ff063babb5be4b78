// ONNX ops that move, select or make data: Transpose, Reshape, (Un)Squeeze, Flatten, Slice,
// Concat, Split, Gather, Shape, Size, Constant, ConstantOfShape, Expand, Range.
import { FormatError, ShapeError, UnsupportedError } from '../../core/errors.js';
import { stridesOf } from '../../core/shape.js';
import { broadcastShapes } from './ops-elementwise.js';
import { attr, attrInt, attrInts, axisOf, intList, need, type OpContext, type OpImpl } from './op-context.js';
import { broadcastIndex, gatherOffsets, stridedOffsets } from './strided.js';
import { allocValue, makeValue, numelOf, type Value } from './value.js';

/** Permutes axes (also used by the recurrent ops for layout 1). */
export function transpose(x: Value, perm: readonly number[]): Value {
  const shape = perm.map((p) => x.shape[p]);
  const inStrides = stridesOf(x.shape);
  const permuted = perm.map((p) => inStrides[p]);
  return gatherOffsets(x, shape, stridedOffsets(shape, permuted));
}

function reshapeTo(x: Value, shape: readonly number[]): Value {
  return makeValue(x.kind, x.data, shape);
}

function reshapeOp(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const x = need(ctx, inputs, 0);
  const spec = intList(ctx, need(ctx, inputs, 1), 'shape');
  const allowZero = attrInt(ctx, 'allowzero', 0) === 1;
  const shape = spec.map((d, i) => (d === 0 && !allowZero ? x.shape[i] : d));
  const unknown = shape.indexOf(-1);
  if (shape.filter((d) => d === -1).length > 1)
    throw new ShapeError(`${ctx.where}: shape may hold at most one -1; got [${spec.join(', ')}]`);
  if (unknown >= 0) {
    const known = numelOf(shape.filter((d) => d !== -1));
    shape[unknown] = known === 0 ? 0 : x.data.length / known;
  }
  if (numelOf(shape) !== x.data.length || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`${ctx.where}: cannot reshape [${x.shape.join(', ')}] to [${spec.join(', ')}]`);
  }
  return [reshapeTo(x, shape)];
}

/** Axes from the attribute (older opsets) or the second input (opset 13 on). */
function axesOf(
  ctx: OpContext,
  inputs: readonly (Value | undefined)[],
  inputSince: number,
): number[] | undefined {
  if (ctx.opset >= inputSince) return inputs[1] ? intList(ctx, inputs[1], 'axes') : undefined;
  return attrInts(ctx, 'axes');
}

function squeezeOp(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const x = need(ctx, inputs, 0);
  const axes = axesOf(ctx, inputs, 13)?.map((a) => axisOf(ctx, a, x.shape.length, 'axes'));
  for (const a of axes ?? [])
    if (x.shape[a] !== 1)
      throw new ShapeError(`${ctx.where}: squeezed axis ${a} must have size 1; got ${x.shape[a]}`);
  const shape = x.shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
  return [reshapeTo(x, shape)];
}

function unsqueezeOp(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const x = need(ctx, inputs, 0);
  const raw = axesOf(ctx, inputs, 13);
  if (!raw) throw new FormatError(`${ctx.where}: axes are required`);
  const r = x.shape.length + raw.length;
  const axes = raw.map((a) => axisOf(ctx, a, r, 'axes'));
  const shape: number[] = [];
  let j = 0;
  for (let i = 0; i < r; i++) shape.push(axes.includes(i) ? 1 : x.shape[j++]);
  return [reshapeTo(x, shape)];
}

function flattenOp(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const x = need(ctx, inputs, 0);
  const r = x.shape.length;
  let axis = attrInt(ctx, 'axis', 1);
  if (axis < 0) axis += r;
  return [reshapeTo(x, [numelOf(x.shape.slice(0, axis)), numelOf(x.shape.slice(axis))])];
}

function sliceOp(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const x = need(ctx, inputs, 0);
  const r = x.shape.length;
  let starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined;
  if (ctx.opset >= 10) {
    starts = intList(ctx, need(ctx, inputs, 1), 'starts');
    ends = intList(ctx, need(ctx, inputs, 2), 'ends');
    axes = inputs[3] ? intList(ctx, inputs[3], 'axes') : undefined;
    steps = inputs[4] ? intList(ctx, inputs[4], 'steps') : undefined;
  } else {
    starts = attrInts(ctx, 'starts') ?? [];
    ends = attrInts(ctx, 'ends') ?? [];
    axes = attrInts(ctx, 'axes');
  }
  const begin = new Array<number>(r).fill(0);
  const step = new Array<number>(r).fill(1);
  const shape = x.shape.slice();
  starts.forEach((s0, k) => {
    const a = axisOf(ctx, axes ? axes[k] : k, r, 'axes');
    const dim = x.shape[a];
    const st = steps ? steps[k] : 1;
    if (st === 0) throw new ShapeError(`${ctx.where}: steps must be non-zero`);
    let s = s0 < 0 ? s0 + dim : s0;
    let e = ends[k] < 0 ? ends[k] + dim : ends[k];
    if (st > 0) {
      s = Math.min(Math.max(s, 0), dim);
      e = Math.min(Math.max(e, 0), dim);
      shape[a] = Math.max(0, Math.ceil((e - s) / st));
    } else {
      s = Math.min(Math.max(s, -1), dim - 1);
      e = Math.min(Math.max(e, -1), dim - 1);
      shape[a] = Math.max(0, Math.ceil((e - s) / st));
    }
    begin[a] = s;
    step[a] = st;
  });
  const strides = stridesOf(x.shape);
  const start = begin.reduce((o, b, d) => o + b * strides[d], 0);
  const scaled = strides.map((s, d) => s * step[d]);
  return [gatherOffsets(x, shape, stridedOffsets(shape, scaled, start))];
}

/** Concatenates values along an axis (also used by the recurrent ops). */
export function concat(ctx: OpContext, parts: readonly Value[], axisIn: number): Value {
  const r = parts[0].shape.length;
  const axis = axisOf(ctx, axisIn, r);
  const shape = parts[0].shape.slice();
  shape[axis] = 0;
  for (const p of parts) {
    if (
      p.shape.length !== r ||
      p.shape.some((d, i) => i !== axis && d !== parts[0].shape[i]) ||
      p.kind !== parts[0].kind
    ) {
      throw new ShapeError(
        `${ctx.where}: inputs must match except on axis ${axis}; got [${parts[0].shape.join(', ')}] and [${p.shape.join(', ')}]`,
      );
    }
    shape[axis] += p.shape[axis];
  }
  const out = allocValue(parts[0].kind, shape);
  const outer = numelOf(shape.slice(0, axis));
  let off = 0;
  const rowOut = numelOf(shape.slice(axis));
  for (const p of parts) {
    const row = numelOf(p.shape.slice(axis));
    for (let o = 0; o < outer; o++) out.data.set(p.data.subarray(o * row, (o + 1) * row), o * rowOut + off);
    off += row;
  }
  return out;
}

function splitOp(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const x = need(ctx, inputs, 0);
  const axis = axisOf(ctx, attrInt(ctx, 'axis', 0), x.shape.length);
  const n = ctx.node.outputs.length;
  let sizes =
    ctx.opset >= 13 ? (inputs[1] ? intList(ctx, inputs[1], 'split') : undefined) : attrInts(ctx, 'split');
  if (!sizes) {
    const each = Math.ceil(x.shape[axis] / n);
    sizes = Array.from({ length: n }, (_, i) => Math.min(each, x.shape[axis] - i * each));
  }
  const outs: Value[] = [];
  let start = 0;
  for (const s of sizes) {
    const begin = new Array<number>(x.shape.length).fill(0);
    begin[axis] = start;
    const shape = x.shape.slice();
    shape[axis] = s;
    const outer = numelOf(x.shape.slice(0, axis));
    const inner = numelOf(x.shape.slice(axis + 1));
    const out = allocValue(x.kind, shape);
    for (let o = 0; o < outer; o++) {
      const src = (o * x.shape[axis] + start) * inner;
      out.data.set(x.data.subarray(src, src + s * inner), o * s * inner);
    }
    outs.push(out);
    start += s;
  }
  return outs;
}

function gatherOp(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const x = need(ctx, inputs, 0);
  const idx = need(ctx, inputs, 1);
  const axis = axisOf(ctx, attrInt(ctx, 'axis', 0), x.shape.length);
  const dim = x.shape[axis];
  const shape = [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)];
  const out = allocValue(x.kind, shape);
  const outer = numelOf(x.shape.slice(0, axis));
  const inner = numelOf(x.shape.slice(axis + 1));
  const m = idx.data.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      let k = idx.data[j];
      if (k < -dim || k >= dim || !Number.isInteger(k))
        throw new ShapeError(`${ctx.where}: indices must be in [${-dim}, ${dim - 1}]; got ${k}`);
      if (k < 0) k += dim;
      const src = (o * dim + k) * inner;
      out.data.set(x.data.subarray(src, src + inner), (o * m + j) * inner);
    }
  }
  return [out];
}

function constantOp(ctx: OpContext): Value[] {
  const v = attr(ctx, 'value');
  if (v !== undefined && typeof v === 'object' && 'kind' in v) return [v];
  const f = attr(ctx, 'value_float');
  if (typeof f === 'number') return [makeValue('float32', Float32Array.of(f), [])];
  const i = attr(ctx, 'value_int');
  if (typeof i === 'number') return [makeValue('int', Float64Array.of(i), [])];
  const fs = attr(ctx, 'value_floats');
  if (Array.isArray(fs)) return [makeValue('float32', Float32Array.from(fs as number[]), [fs.length])];
  const is = attr(ctx, 'value_ints');
  if (Array.isArray(is)) return [makeValue('int', Float64Array.from(is as number[]), [is.length])];
  throw new UnsupportedError(`${ctx.where}: Constant must hold value, value_float(s) or value_int(s)`);
}

function constantOfShapeOp(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const shape = intList(ctx, need(ctx, inputs, 0), 'shape');
  if (shape.some((d) => d < 0))
    throw new ShapeError(`${ctx.where}: shape must be non-negative; got [${shape.join(', ')}]`);
  const v = attr(ctx, 'value');
  const fill =
    v !== undefined && typeof v === 'object' && 'kind' in v
      ? v
      : makeValue('float32', new Float32Array(1), [1]);
  const out = allocValue(fill.kind, shape);
  out.data.fill(fill.data[0]);
  return [out];
}

function expandOp(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const x = need(ctx, inputs, 0);
  const shape = broadcastShapes(ctx, x.shape, intList(ctx, need(ctx, inputs, 1), 'shape'));
  return [gatherOffsets(x, shape, broadcastIndex(x.shape, shape))];
}

function rangeOp(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const [s, l, d] = [0, 1, 2].map((i) => need(ctx, inputs, i));
  const start = s.data[0],
    limit = l.data[0],
    delta = d.data[0];
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  const out = allocValue(s.kind, [n]);
  for (let i = 0; i < n; i++) out.data[i] = start + i * delta;
  return [out];
}

export const SHAPE_OPS: Record<string, OpImpl> = {
  Transpose: (ctx, inputs) => {
    const x = need(ctx, inputs, 0);
    const perm = attrInts(ctx, 'perm') ?? x.shape.map((_, i) => x.shape.length - 1 - i);
    return [
      transpose(
        x,
        perm.map((p) => axisOf(ctx, p, x.shape.length, 'perm')),
      ),
    ];
  },
  Reshape: reshapeOp,
  Squeeze: squeezeOp,
  Unsqueeze: unsqueezeOp,
  Flatten: flattenOp,
  Slice: sliceOp,
  Concat: (ctx, inputs) => [
    concat(
      ctx,
      inputs.filter((v): v is Value => v !== undefined),
      attrInt(ctx, 'axis', 0),
    ),
  ],
  Split: splitOp,
  Gather: gatherOp,
  Shape: (ctx, inputs) => {
    const x = need(ctx, inputs, 0);
    const r = x.shape.length;
    let start = attrInt(ctx, 'start', 0);
    let end = attrInt(ctx, 'end', r);
    start = Math.min(Math.max(start < 0 ? start + r : start, 0), r);
    end = Math.min(Math.max(end < 0 ? end + r : end, 0), r);
    const dims = x.shape.slice(start, Math.max(start, end));
    return [makeValue('int', Float64Array.from(dims), [dims.length])];
  },
  Size: (ctx, inputs) => [makeValue('int', Float64Array.of(need(ctx, inputs, 0).data.length), [])],
  Constant: constantOp,
  ConstantOfShape: constantOfShapeOp,
  Expand: expandOp,
  Range: rangeOp,
};
