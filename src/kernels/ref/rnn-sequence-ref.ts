import { gateCount, type CellKind } from '../../core/cell-kind.js';
import type { FloatArray } from '../../core/dtype.js';
import { gemmRef, type Gemm } from './f-gemm-ref.js';
import { gruStepBackwardRef } from './rnn-gru-ref.js';
import {
  inputProjectionRef,
  isResetBefore,
  rnnLayerStepRef,
  type RnnLayerWeights,
} from './rnn-layer-step-ref.js';
import { lstmStepBackwardRef } from './rnn-lstm-ref.js';
import { rnnStepBackwardRef } from './rnn-simple-ref.js';
import { cellVariant, type RnnVariant } from './rnn-variant-ref.js';

/**
 * Sizes and data of one recurrent layer in one direction, over the packed time-major
 * layout: the rows of step t are contiguous from offset(t) = batchSizes[0] + ... +
 * batchSizes[t-1]; at step t only batch entries 0..batchSizes[t]-1 are active.
 * `G` = gateCount(kind), `rows` = sum(batchSizes), `B` = batchSizes[0].
 * All float arrays have one type (Float32Array or Float64Array).
 */
export interface RnnSequenceInputs extends RnnLayerWeights {
  kind: CellKind;
  /** Input size. */
  I: number;
  /** Hidden (cell) size. */
  H: number;
  /** Output / recurrent state size: the projection size with `wHr`, else H. */
  Hout: number;
  /** (L) active batch entries per step, non-increasing, all >= 1. */
  batchSizes: Int32Array;
  /** Visit t = L-1..0 instead of 0..L-1. */
  reverse: boolean;
  /** (rows, I) */
  x: FloatArray;
  /** (B, Hout) */
  h0: FloatArray;
  /** (B, H) for lstm; ignored otherwise. */
  c0: FloatArray | null;
  /**
   * A cell variant (other activations, the reset-before GRU), or undefined for
   * PyTorch's equations. Only the reference kernels run variants.
   */
  variant?: RnnVariant;
}

/** What the forward pass computes. */
export interface RnnSequenceOutputs {
  /** (rows, Hout): the state after each step, at that step's rows. */
  output: FloatArray;
  /** (B, Hout): the final state of every batch entry. */
  hN: FloatArray;
  /** (B, H) final cell state for lstm; a zero-length array otherwise. */
  cN: FloatArray;
}

/**
 * What the forward pass keeps for the backward pass (zero-length arrays where a kind
 * does not use a buffer).
 */
export interface RnnSequenceSaved {
  /** (rows, G*H) gate activations (lstm [i,f,g,o], gru [r,z,n], rnn h'). */
  gates: FloatArray;
  /** (rows, Hout) the state each active row had before its step. */
  hPrev: FloatArray;
  /** (rows, H) lstm: cell state before each step. */
  cPrev: FloatArray;
  /** (rows, H) lstm: cell state after each step. */
  cNew: FloatArray;
  /** (rows, H) lstm with projection: o * tanh(c') before the projection. */
  hRaw: FloatArray;
  /** (rows, H) gru: W_hn h + b_hn of each step (reset-before variant: r * h). */
  ghn: FloatArray;
}

/** Gradients flowing into the outputs (null = zero). */
export interface RnnSequenceOutputGrads {
  /** (rows, Hout) or null */
  dOutput: FloatArray | null;
  /** (B, Hout) or null */
  dhN: FloatArray | null;
  /** (B, H) or null (lstm only) */
  dcN: FloatArray | null;
}

/** Gradient buffers the backward pass fills; null where not wanted. */
export interface RnnSequenceInputGrads {
  /** (rows, I) */
  dX: FloatArray | null;
  /** (B, Hout) */
  dh0: FloatArray | null;
  /** (B, H) */
  dc0: FloatArray | null;
  /** (G*H, I) */
  dWIh: FloatArray | null;
  /** (G*H, Hout) */
  dWHh: FloatArray | null;
  /** (G*H) */
  dBIh: FloatArray | null;
  /** (G*H) */
  dBHh: FloatArray | null;
  /** (Hout, H) */
  dWHr: FloatArray | null;
  /** (3H) the peephole weights' gradient (with `wPh`); absent or null: not wanted. */
  dWPh?: FloatArray | null;
}

function alloc(like: FloatArray, n: number): FloatArray {
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

function copy(src: FloatArray, srcOff: number, dst: FloatArray, dstOff: number, n: number): void {
  for (let k = 0; k < n; k++) dst[dstOff + k] = src[srcOff + k];
}

/** The sizes both passes derive from `RnnSequenceInputs`. */
interface SequenceDims {
  /** The variant the gate kernels run (`cellVariant`). */
  v: RnnVariant;
  /** G*H: the width of a gate row. */
  GH: number;
  /** Time steps. */
  L: number;
  /** Rows of the first (largest) step. */
  B: number;
  /** sum(batchSizes). */
  rows: number;
  /** (L) the first row of each step: offs[t] = batchSizes[0] + ... + batchSizes[t-1]. */
  offs: Int32Array;
  isLstm: boolean;
  isGru: boolean;
  /** lstm with a projection W_hr. */
  proj: boolean;
}

function sequenceDims(p: RnnSequenceInputs): SequenceDims {
  const { kind, batchSizes } = p;
  const L = batchSizes.length;
  const offs = new Int32Array(L);
  let rows = 0;
  for (let t = 0; t < L; t++) {
    offs[t] = rows;
    rows += batchSizes[t];
  }
  const isLstm = kind === 'lstm';
  return {
    v: cellVariant(kind, p.variant),
    GH: gateCount(kind) * p.H,
    L,
    B: batchSizes[0],
    rows,
    offs,
    isLstm,
    isGru: kind === 'gru',
    proj: isLstm && p.wHr !== null,
  };
}

/**
 * Forward pass of one recurrent layer in one direction (PyTorch semantics, packed
 * layout): one GEMM for the input projection of every step, then per step one GEMM
 * h W_hh^T on the active rows, one fused gate kernel, and (lstm with projection) one
 * projection GEMM. Inactive rows keep their state, so hN[b] is entry b's last state.
 * Allocates every buffer up front; nothing per step. The GEMMs run `gemm` (the
 * reference GEMM by default; a kernel set may pass its own).
 */
export function rnnSequenceForwardRef(
  p: RnnSequenceInputs,
  gemm: Gemm = gemmRef,
): { out: RnnSequenceOutputs; saved: RnnSequenceSaved } {
  const { kind, I, H, Hout, batchSizes, reverse, x } = p;
  const { v, GH, L, B, rows, offs, isLstm, isGru, proj } = sequenceDims(p);

  const output = alloc(x, rows * Hout); // (rows, Hout)
  const h = alloc(x, B * Hout); // (B, Hout) running state, becomes hN
  copy(p.h0, 0, h, 0, B * Hout);
  const c = alloc(x, isLstm ? B * H : 0); // (B, H) running cell state, becomes cN
  if (isLstm && p.c0 !== null) copy(p.c0, 0, c, 0, B * H);
  const gates = alloc(x, rows * GH); // (rows, G*H)
  const hPrev = alloc(x, rows * Hout); // (rows, Hout)
  const cPrev = alloc(x, isLstm ? rows * H : 0); // (rows, H)
  const cNew = alloc(x, isLstm ? rows * H : 0); // (rows, H)
  const hRaw = alloc(x, proj ? rows * H : 0); // (rows, H)
  const ghn = alloc(x, isGru ? rows * H : 0); // (rows, H)
  const bhn = alloc(x, isGru ? H : 0); // (H) b_hn or zeros
  const gh = alloc(x, B * GH); // (B, G*H) per-step recurrent projection
  const buf = { gates, gh, c, cPrev, cNew, hRaw, ghn, bhn, out: output };

  // biases into every row of the gates, then the input projection for all steps
  inputProjectionRef(kind, v, H, I, rows, x, p, alloc(x, GH), bhn, gates, gemm);
  for (let s = 0; s < L; s++) {
    const t = reverse ? L - 1 - s : s;
    const bs = batchSizes[t];
    const off = offs[t];
    copy(h, 0, hPrev, off * Hout, bs * Hout);
    rnnLayerStepRef(kind, v, H, Hout, p, bs, off, h, buf, gemm);
  }
  return { out: { output, hN: h, cN: c }, saved: { gates, hPrev, cPrev, cNew, hRaw, ghn } };
}

/**
 * Backward pass of `rnnSequenceForwardRef`: the step loop in reverse (per step one
 * gate-backward kernel and one GEMM dGates W_hh for the state gradient, plus the
 * projection GEMM for lstm with projection), then one GEMM each for dX = dGx W_ih,
 * dW_ih = dGx^T X, dW_hh = dGh^T Hprev (and dW_hr); bias gradients are column sums.
 * Fills the non-null buffers of `grads` (overwriting them). The GEMMs run `gemm`.
 */
export function rnnSequenceBackwardRef(
  p: RnnSequenceInputs,
  saved: RnnSequenceSaved,
  og: RnnSequenceOutputGrads,
  grads: RnnSequenceInputGrads,
  gemm: Gemm = gemmRef,
): void {
  const { kind, I, H, Hout, batchSizes, reverse, x, wIh, wHh, wHr } = p;
  const { v, GH, L, B, rows, offs, isLstm, isGru, proj } = sequenceDims(p);
  const ph = p.wPh ?? null; // (3H) or null
  const dPh = ph === null || grads.dWPh === undefined || grads.dWPh === null ? null : grads.dWPh; // (3H)
  if (dPh !== null) dPh.fill(0);
  const resetBefore = isResetBefore(kind, v);
  const { gates, hPrev, cPrev, cNew, hRaw, ghn } = saved;
  const { dOutput } = og;

  const dh = alloc(x, B * Hout); // (B, Hout) gradient w.r.t. the running state
  if (og.dhN !== null) copy(og.dhN, 0, dh, 0, B * Hout);
  const dc = alloc(x, isLstm ? B * H : 0); // (B, H) gradient w.r.t. the cell state
  if (isLstm && og.dcN !== null) copy(og.dcN, 0, dc, 0, B * H);
  const dGx = alloc(x, rows * GH); // (rows, G*H) gradient w.r.t. the input pre-activations
  const dGh = isGru ? alloc(x, rows * GH) : dGx; // (rows, G*H) w.r.t. h W_hh^T + b_hh
  const dHall = alloc(x, proj ? rows * Hout : 0); // (rows, Hout) dh of each step's projected output
  const dRaw = alloc(x, proj ? B * H : 0); // (B, H) dh before the projection
  const drh = alloc(x, resetBefore ? B * H : 0); // (B, H) gradient w.r.t. r*h (reset-before GRU)

  for (let s = L - 1; s >= 0; s--) {
    const t = reverse ? L - 1 - s : s;
    const bs = batchSizes[t];
    const off = offs[t];
    if (dOutput !== null) {
      const o = off * Hout;
      for (let k = 0; k < bs * Hout; k++) dh[k] += dOutput[o + k];
    }
    if (isLstm) {
      if (wHr !== null) {
        copy(dh, 0, dHall, off * Hout, bs * Hout);
        gemm(false, false, bs, H, Hout, 1, dh, 0, Hout, wHr, 0, H, 0, dRaw, 0, H);
      }
      const dhRaw = wHr !== null ? dRaw : dh; // (bs, H) the gradient before the projection
      lstmStepBackwardRef(bs, H, gates, off * GH, cPrev, cNew, off * H, dhRaw, 0, dc, dGx, v, ph, dPh);
      gemm(false, false, bs, Hout, GH, 1, dGx, off * GH, GH, wHh, 0, Hout, 0, dh, 0, Hout);
    } else if (isGru) {
      gruStepBackwardRef(1, bs, H, gates, off * GH, ghn, hPrev, off * H, drh, dh, dGx, dGh, v);
      if (resetBefore)
        gemm(false, false, bs, H, H, 1, dGx, off * GH + 2 * H, GH, wHh, 2 * H * H, H, 0, drh, 0, H);
      gruStepBackwardRef(2, bs, H, gates, off * GH, ghn, hPrev, off * H, drh, dh, dGx, dGh, v);
      // dh += dGh W_hh (reset-before: only the r, z parts; the n part went into drh)
      gemm(false, false, bs, H, resetBefore ? 2 * H : GH, 1, dGh, off * GH, GH, wHh, 0, H, 1, dh, 0, H);
    } else {
      rnnStepBackwardRef(bs, H, gates, off * H, dh, dGx, v);
      gemm(false, false, bs, H, GH, 1, dGx, off * GH, GH, wHh, 0, H, 0, dh, 0, H);
    }
  }

  if (grads.dh0 !== null) copy(dh, 0, grads.dh0, 0, B * Hout);
  if (grads.dc0 !== null && isLstm) copy(dc, 0, grads.dc0, 0, B * H);
  if (grads.dX !== null) gemm(false, false, rows, I, GH, 1, dGx, 0, GH, wIh, 0, I, 0, grads.dX, 0, I);
  if (grads.dWIh !== null) gemm(true, false, GH, I, rows, 1, dGx, 0, GH, x, 0, I, 0, grads.dWIh, 0, I);
  if (grads.dWHh !== null && resetBefore) {
    // rows r, z against h; rows n against r*h
    gemm(true, false, 2 * H, H, rows, 1, dGh, 0, GH, hPrev, 0, H, 0, grads.dWHh, 0, H);
    gemm(true, false, H, H, rows, 1, dGh, 2 * H, GH, ghn, 0, H, 0, grads.dWHh, 2 * H * H, H);
  } else if (grads.dWHh !== null) {
    gemm(true, false, GH, Hout, rows, 1, dGh, 0, GH, hPrev, 0, Hout, 0, grads.dWHh, 0, Hout);
  }
  if (grads.dWHr !== null && proj)
    gemm(true, false, Hout, H, rows, 1, dHall, 0, Hout, hRaw, 0, H, 0, grads.dWHr, 0, H);
  if (grads.dBIh !== null) columnSums(dGx, rows, GH, grads.dBIh);
  if (grads.dBHh !== null) columnSums(dGh, rows, GH, grads.dBHh);
}

/** out (n) = column sums of a (rows, n); accumulates in double precision. */
function columnSums(a: FloatArray, rows: number, n: number, out: FloatArray): void {
  const acc = new Float64Array(n); // (n)
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    for (let j = 0; j < n; j++) acc[j] += a[base + j];
  }
  for (let j = 0; j < n; j++) out[j] = acc[j];
}
