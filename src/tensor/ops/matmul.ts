import { allocate, type FloatArray } from '../../core/dtype.js';
import { DTypeError, ShapeError } from '../../core/errors.js';
import { broadcastShapes, formatShape, numel } from '../../core/shape.js';
import { gemm } from '../../kernels/gemm.js';
import { record } from '../record.js';
import { Tensor } from '../tensor.js';
import { reshape } from './shape-ops.js';
import { requireFloat, sumTo } from './util.js';

function checkPair(op: string, a: Tensor, b: Tensor): void {
  requireFloat(a, op, 'the first operand');
  requireFloat(b, op, 'the second operand');
  if (a.dtype !== b.dtype) {
    throw new DTypeError(`${op}: both operands must have one dtype; expected ${a.dtype}, got ${b.dtype}`);
  }
}

/** Batched (a @ b) for a (...A, n, k), b (...B, k, m) with broadcast batch dims; no graph. */
function bmm(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const ar = a.ndim;
  const br = b.ndim;
  const n = transA ? a.shape[ar - 1] : a.shape[ar - 2];
  const k = transA ? a.shape[ar - 2] : a.shape[ar - 1];
  const m = transB ? b.shape[br - 2] : b.shape[br - 1];
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), 'matmul');
  const nb = numel(batch);
  const out = new Tensor(allocate(a.dtype, nb * n * m), [...batch, n, m]);
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const aStride = a.shape[ar - 2] * a.shape[ar - 1];
  const bStride = b.shape[br - 2] * b.shape[br - 1];
  const lda = a.shape[ar - 1];
  const ldb = b.shape[br - 1];
  const idx = new Array<number>(batch.length).fill(0);
  for (let p = 0; p < nb; p++) {
    let ai = 0;
    let bi = 0;
    for (let d = 0; d < batch.length; d++) {
      const da = d - (batch.length - aBatch.length);
      if (da >= 0) ai = ai * aBatch[da] + (aBatch[da] === 1 ? 0 : idx[d]);
      const db = d - (batch.length - bBatch.length);
      if (db >= 0) bi = bi * bBatch[db] + (bBatch[db] === 1 ? 0 : idx[d]);
    }
    gemm(
      transA,
      transB,
      n,
      m,
      k,
      1,
      a.data as FloatArray,
      ai * aStride,
      lda,
      b.data as FloatArray,
      bi * bStride,
      ldb,
      0,
      out.data as FloatArray,
      p * n * m,
      m,
    );
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++idx[d] < batch[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * Matrix product with `torch.matmul`'s rules: 1-D x 1-D is a dot product, 2-D x 2-D a
 * matrix product, and higher ranks are batched with broadcast batch dims.
 *
 * @example matmul(x, w.t()) // (N, in) @ (in, out) -> (N, out)
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkPair('matmul', a, b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      `matmul: both arguments need at least 1 dimension; got ${a.ndim}D and ${b.ndim}D tensors`,
    );
  }
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0], 1]) : b;
  const k1 = a2.shape[a2.ndim - 1];
  const k2 = b2.shape[b2.ndim - 2];
  if (k1 !== k2) {
    throw new ShapeError(
      `matmul: inner dimensions must agree (${formatShape(a.shape)} @ ${formatShape(b.shape)}); expected b.size(${b.ndim === 1 ? 0 : -2}) = ${k1}, got ${k2}`,
    );
  }
  const raw = bmm(a2, b2, false, false);
  const out3 = record('matmul', [a2, b2], raw, [a2, b2], (g) => [
    a2.requiresGrad ? sumTo(bmm(g, b2, false, true), a2.shape) : null,
    b2.requiresGrad ? sumTo(bmm(a2, g, true, false), b2.shape) : null,
  ]);
  if (a.ndim === 1 && b.ndim === 1) return reshape(out3, []);
  if (a.ndim === 1) return reshape(out3, [...out3.shape.slice(0, -2), out3.shape[out3.ndim - 1]]);
  if (b.ndim === 1) return reshape(out3, out3.shape.slice(0, -1));
  return out3;
}

/**
 * y = x W^T + b, for x (..., in), weight (out, in), bias (out) or null: one GEMM.
 * @example linear(x, layer.weight, layer.bias)
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkPair('linear', x, weight);
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-D (out, in); got ${weight.ndim}D`);
  const inF = weight.shape[1];
  const outF = weight.shape[0];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    throw new ShapeError(
      `linear: input.size(-1) must equal in_features; expected ${inF}, got ${x.ndim === 0 ? 'a 0-D tensor' : x.shape[x.ndim - 1]}`,
    );
  }
  if (bias !== null) {
    if (bias.dtype !== x.dtype)
      throw new DTypeError(
        `linear: bias dtype must match the input's; expected ${x.dtype}, got ${bias.dtype}`,
      );
    if (bias.ndim !== 1 || bias.shape[0] !== outF) {
      throw new ShapeError(
        `linear: bias must have shape [${outF}]; expected [${outF}], got ${formatShape(bias.shape)}`,
      );
    }
  }
  const rows = numel(x.shape.slice(0, -1));
  const outShape = [...x.shape.slice(0, -1), outF];
  const out = new Tensor(allocate(x.dtype, rows * outF), outShape);
  const od = out.data as FloatArray;
  if (bias !== null) for (let r = 0; r < rows; r++) od.set(bias.data, r * outF);
  gemm(
    false,
    true,
    rows,
    outF,
    inF,
    1,
    x.data as FloatArray,
    0,
    inF,
    weight.data as FloatArray,
    0,
    inF,
    bias === null ? 0 : 1,
    od,
    0,
    outF,
  );
  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  return record('linear', inputs, out, [x, weight], (g) => {
    const gd = g.data as FloatArray;
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    let gb: Tensor | null = null;
    if (x.requiresGrad) {
      gx = new Tensor(allocate(x.dtype, x.numel()), x.shape);
      gemm(
        false,
        false,
        rows,
        inF,
        outF,
        1,
        gd,
        0,
        outF,
        weight.data as FloatArray,
        0,
        inF,
        0,
        gx.data as FloatArray,
        0,
        inF,
      );
    }
    if (weight.requiresGrad) {
      gw = new Tensor(allocate(x.dtype, outF * inF), weight.shape);
      gemm(
        true,
        false,
        outF,
        inF,
        rows,
        1,
        gd,
        0,
        outF,
        x.data as FloatArray,
        0,
        inF,
        0,
        gw.data as FloatArray,
        0,
        inF,
      );
    }
    if (bias !== null && bias.requiresGrad) {
      gb = new Tensor(allocate(x.dtype, outF), [outF]);
      const bd = gb.data;
      for (let r = 0; r < rows; r++) for (let j = 0; j < outF; j++) bd[j] += gd[r * outF + j];
    }
    return bias === null ? [gx, gw] : [gx, gw, gb];
  });
}
