// MatMul (numpy semantics, batched with broadcasting) and Gemm.
import { ShapeError } from '../../core/errors.js';
import { broadcastShapes } from './ops-elementwise.js';
import { attrFloat, attrInt, needFloat, type OpContext, type OpImpl } from './op-context.js';
import { broadcastIndex } from './strided.js';
import { allocValue, numelOf, type Value } from './value.js';

function matmul(ctx: OpContext, a0: Value, b0: Value): Value {
  const a = a0.shape.length === 1 ? { ...a0, shape: [1, a0.shape[0]] } : a0;
  const b = b0.shape.length === 1 ? { ...b0, shape: [b0.shape[0], 1] } : b0;
  const [m, k] = a.shape.slice(-2);
  const [k2, n] = b.shape.slice(-2);
  if (k !== k2)
    throw new ShapeError(
      `${ctx.where}: inner dimensions must match; got [${a0.shape.join(', ')}] and [${b0.shape.join(', ')}]`,
    );
  const batch = broadcastShapes(ctx, a.shape.slice(0, -2), b.shape.slice(0, -2));
  const nb = numelOf(batch);
  const ia = broadcastIndex(a.shape.slice(0, -2), batch);
  const ib = broadcastIndex(b.shape.slice(0, -2), batch);
  let shape = [...batch, m, n];
  const out = allocValue(a.kind, shape);
  for (let t = 0; t < nb; t++) {
    const ao = ia[t] * m * k,
      bo = ib[t] * k * n,
      oo = t * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a.data[ao + i * k + p] * b.data[bo + p * n + j];
        out.data[oo + i * n + j] = s;
      }
    }
  }
  if (a0.shape.length === 1) shape = shape.filter((_, i) => i !== shape.length - 2);
  if (b0.shape.length === 1) shape = shape.slice(0, -1);
  return { kind: out.kind, data: out.data, shape };
}

function gemm(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const a = needFloat(ctx, inputs, 0);
  const b = needFloat(ctx, inputs, 1);
  const c = inputs[2];
  const alpha = attrFloat(ctx, 'alpha', 1);
  const beta = attrFloat(ctx, 'beta', 1);
  const ta = attrInt(ctx, 'transA', 0) === 1;
  const tb = attrInt(ctx, 'transB', 0) === 1;
  if (a.shape.length !== 2 || b.shape.length !== 2)
    throw new ShapeError(
      `${ctx.where}: A and B must be 2-D; got rank ${a.shape.length} and ${b.shape.length}`,
    );
  const m = ta ? a.shape[1] : a.shape[0];
  const k = ta ? a.shape[0] : a.shape[1];
  const kb = tb ? b.shape[1] : b.shape[0];
  const n = tb ? b.shape[0] : b.shape[1];
  if (k !== kb) throw new ShapeError(`${ctx.where}: inner dimensions must match; expected ${k}, got ${kb}`);
  const out = allocValue(a.kind, [m, n]);
  const ic = c ? broadcastIndex(c.shape, broadcastShapes(ctx, c.shape, [m, n])) : undefined;
  if (c && numelOf(broadcastShapes(ctx, c.shape, [m, n])) !== m * n)
    throw new ShapeError(`${ctx.where}: C must broadcast to [${m}, ${n}]; got [${c.shape.join(', ')}]`);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += a.data[ta ? p * m + i : i * k + p] * b.data[tb ? j * k + p : p * n + j];
      out.data[i * n + j] = alpha * s + (c && ic ? beta * c.data[ic[i * n + j]] : 0);
    }
  }
  return [out];
}

export const LINALG_OPS: Record<string, OpImpl> = {
  MatMul: (ctx, inputs) => [matmul(ctx, needFloat(ctx, inputs, 0), needFloat(ctx, inputs, 1))],
  Gemm: gemm,
};
