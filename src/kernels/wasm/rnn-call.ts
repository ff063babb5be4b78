// One call of the fused recurrent layer in a kernel module's memory: the buffers of a
// forward or backward pass laid out and filled (the parameter block of rnn-params.ts),
// and the results copied out. Shared by the driver inside the module (rnn_forward /
// rnn_backward, f32-rnn-sequence-wasmsimd.ts) and the one that runs the time loop in
// JavaScript with the per-step GEMMs in BLAS (f32-rnn-sequence-blas.ts).
import { CELL_KINDS, gateCount } from '../../core/cell-kind.js';
import type { FloatArray } from '../../core/dtype.js';
import type {
  RnnSequenceInputGrads,
  RnnSequenceInputs,
  RnnSequenceOutputGrads,
  RnnSequenceOutputs,
  RnnSequenceSaved,
} from '../ref/rnn-sequence-ref.js';
import type { F32RnnKernel } from './f32-rnn-module.js';
import { wasmResetBefore, wasmVariantGate } from './rnn-variant-gate.js';
import { Layout, put, roundUp, take, takeInto, takeSaved, zero } from './rnn-layout.js';
import {
  F_KIND,
  F_I,
  F_H,
  F_HOUT,
  F_L,
  F_B,
  F_ROWS,
  F_REV,
  F_BS,
  F_OFFS,
  F_X,
  F_WIH,
  F_WHH,
  F_BIAS,
  F_BHN,
  F_WHR,
  F_OUT,
  F_HN,
  F_CN,
  F_GATES,
  F_HPREV,
  F_CPREV,
  F_CNEW,
  F_HRAW,
  F_GHN,
  F_GH,
  F_HBUF,
  F_PWHH,
  F_PWHR,
  F_DOUT,
  F_DX,
  F_DWIH,
  F_DWHH,
  F_DBIH,
  F_DBHH,
  F_DWHR,
  F_DH,
  F_DC,
  F_DGX,
  F_DGH,
  F_DHALL,
  F_DRAW,
  F_ACC,
  F_GATE,
  F_GATE_ALPHA,
  F_GATE_BETA,
  F_RESET_BEFORE,
} from './rnn-params.js';

/** Sizes shared by forward and backward. */
export interface RnnDims {
  G: number;
  GH: number;
  L: number;
  B: number;
  rows: number;
  offs: Int32Array;
  proj: boolean;
}

export function rnnDims(p: RnnSequenceInputs): RnnDims {
  const G = gateCount(p.kind);
  const L = p.batchSizes.length;
  const offs = new Int32Array(L);
  let rows = 0;
  for (let t = 0; t < L; t++) {
    offs[t] = rows;
    rows += p.batchSizes[t];
  }
  return { G, GH: G * p.H, L, B: p.batchSizes[0], rows, offs, proj: p.kind === 'lstm' && p.wHr !== null };
}

/** 2 * flops of the per-step GEMMs and the input projection, for thread decisions. */
export function rnnForwardFlops(p: RnnSequenceInputs, d: RnnDims): number {
  return 2 * d.rows * d.GH * (p.I + p.Hout);
}

/** A laid-out call: the parameter block at byte P and its fields (byte offsets, sizes). */
export interface RnnCall {
  readonly P: number;
  readonly f: Int32Array;
  readonly lay: Layout;
}

function header(f: Int32Array, p: RnnSequenceInputs, d: RnnDims): void {
  const gate = wasmVariantGate(p.kind, p.variant);
  if (gate === null) throw new Error(`${p.kind}: a cell variant the wasm kernels do not run reached them`);
  f[F_GATE] = gate.hard ? 1 : 0;
  const bits = new Float32Array(f.buffer, f.byteOffset, f.length);
  bits[F_GATE_ALPHA] = gate.alpha;
  bits[F_GATE_BETA] = gate.beta;
  f[F_RESET_BEFORE] = wasmResetBefore(p.kind, p.variant) ? 1 : 0;
  f[F_KIND] = CELL_KINDS[p.kind].code;
  f[F_I] = p.I;
  f[F_H] = p.H;
  f[F_HOUT] = p.Hout;
  f[F_L] = d.L;
  f[F_B] = d.B;
  f[F_ROWS] = d.rows;
  f[F_REV] = p.reverse ? 1 : 0;
}

/**
 * Lays out and fills a forward call: inputs, weights, the summed bias, h0/c0, and room
 * for the outputs and saved activations. `packed`: room for W_hh/W_hr packed into the
 * module's panels and the second state buffer (the in-module loop); without, the caller
 * runs the loop. Null when the call would need more than `maxBytes`.
 */
export function forwardCall(
  k: F32RnnKernel,
  p: RnnSequenceInputs,
  d: RnnDims,
  nt: number,
  packed: boolean,
  maxBytes: number,
): RnnCall | null {
  const { kind, I, H, Hout } = p;
  const { G, GH, L, B, rows, offs, proj } = d;
  const isLstm = kind === 'lstm';
  const isGru = kind === 'gru';
  const lay = new Layout();
  lay.add(F_BS, L);
  lay.add(F_OFFS, L);
  lay.add(F_X, rows * I);
  lay.add(F_WIH, GH * I);
  lay.add(F_WHH, GH * Hout);
  const hasBias = p.bIh !== null || p.bHh !== null;
  if (hasBias) lay.add(F_BIAS, GH);
  lay.add(F_BHN, isGru ? H : 0);
  if (proj) lay.add(F_WHR, Hout * H);
  lay.add(F_OUT, rows * Hout);
  lay.add(F_HN, B * Hout);
  lay.add(F_CN, isLstm ? B * H : 0);
  lay.add(F_GATES, rows * GH);
  lay.add(F_HPREV, rows * Hout);
  lay.add(F_CPREV, isLstm ? rows * H : 0);
  lay.add(F_CNEW, isLstm ? rows * H : 0);
  lay.add(F_HRAW, proj ? rows * H : 0);
  lay.add(F_GHN, isGru ? rows * H : 0);
  lay.add(F_GH, B * GH);
  if (packed) {
    lay.add(F_HBUF, B * Hout);
    lay.add(F_PWHH, G * Hout * roundUp(H, k.NR));
    lay.add(F_PWHR, proj ? H * roundUp(Hout, k.NR) : 0);
  }
  const P = lay.place(k, nt, GH, maxBytes);
  if (P < 0) return null;
  const f = lay.fields;
  header(f, p, d);
  if (!hasBias) f[F_BIAS] = 0;
  if (!proj) f[F_WHR] = 0;

  put(k, f[F_BS], p.batchSizes, L);
  put(k, f[F_OFFS], offs, L);
  put(k, f[F_X], p.x, rows * I);
  put(k, f[F_WIH], p.wIh, GH * I);
  put(k, f[F_WHH], p.wHh, GH * Hout);
  // the reset-before GRU adds b_hn to the input projection like b_hr, b_hz
  const resetBefore = f[F_RESET_BEFORE] === 1;
  if (hasBias) {
    // b_ih + b_hh (reset-after gru: b_hn stays apart), summed in float32 like the reference's buffer
    const bias = new Float32Array(GH);
    if (p.bIh !== null) bias.set(p.bIh.subarray(0, GH));
    if (p.bHh !== null) {
      const upto = isGru && !resetBefore ? 2 * H : GH;
      for (let j = 0; j < upto; j++) bias[j] += p.bHh[j];
    }
    put(k, f[F_BIAS], bias, GH);
  }
  if (isGru) {
    if (p.bHh !== null && !resetBefore) put(k, f[F_BHN], p.bHh.subarray(2 * H, 3 * H), H);
    else zero(k, f[F_BHN], H);
  }
  if (proj) put(k, f[F_WHR], p.wHr as FloatArray, Hout * H);
  put(k, f[F_HN], p.h0, B * Hout);
  if (isLstm) {
    if (p.c0 !== null) put(k, f[F_CN], p.c0, B * H);
    else zero(k, f[F_CN], B * H);
  }
  return { P, f, lay };
}

/** The outputs of a finished forward call, and (with `wantSaved`) its saved activations. */
export function forwardResults(
  k: F32RnnKernel,
  f: Int32Array,
  p: RnnSequenceInputs,
  d: RnnDims,
  wantSaved: boolean,
): { out: RnnSequenceOutputs; saved: RnnSequenceSaved } {
  const { H, Hout } = p;
  const { GH, B, rows, proj } = d;
  const isLstm = p.kind === 'lstm';
  const isGru = p.kind === 'gru';
  const out: RnnSequenceOutputs = {
    output: take(k, f[F_OUT], rows * Hout),
    hN: take(k, f[F_HN], B * Hout),
    cN: take(k, f[F_CN], isLstm ? B * H : 0),
  };
  const none = new Float32Array(0);
  const saved: RnnSequenceSaved = wantSaved
    ? {
        gates: takeSaved(k, f[F_GATES], rows * GH),
        hPrev: takeSaved(k, f[F_HPREV], rows * Hout),
        cPrev: takeSaved(k, f[F_CPREV], isLstm ? rows * H : 0),
        cNew: takeSaved(k, f[F_CNEW], isLstm ? rows * H : 0),
        hRaw: takeSaved(k, f[F_HRAW], proj ? rows * H : 0),
        ghn: takeSaved(k, f[F_GHN], isGru ? rows * H : 0),
      }
    : { gates: none, hPrev: none, cPrev: none, cNew: none, hRaw: none, ghn: none };
  return { out, saved };
}

/**
 * Lays out and fills a backward call: the weights, the saved activations, the output
 * gradients (dhN / dcN in F_DH / F_DC, zeros where absent) and room for every requested
 * gradient. `packed`: room for the packed W_hh / W_hr panels (the in-module loop). Null
 * when the call would need more than `maxBytes`.
 */
export function backwardCall(
  k: F32RnnKernel,
  p: RnnSequenceInputs,
  d: RnnDims,
  saved: RnnSequenceSaved,
  og: RnnSequenceOutputGrads,
  grads: RnnSequenceInputGrads,
  nt: number,
  packed: boolean,
  maxBytes: number,
): RnnCall | null {
  const { kind, I, H, Hout } = p;
  const { GH, L, B, rows, offs, proj } = d;
  const isLstm = kind === 'lstm';
  const isGru = kind === 'gru';
  const wantDWHr = proj && grads.dWHr !== null;
  const lay = new Layout();
  lay.add(F_BS, L);
  lay.add(F_OFFS, L);
  if (grads.dWIh !== null) lay.add(F_X, rows * I);
  if (grads.dX !== null) lay.add(F_WIH, GH * I);
  lay.add(F_WHH, GH * Hout);
  if (proj) lay.add(F_WHR, Hout * H);
  lay.add(F_GATES, rows * GH);
  const needHPrev = isGru || grads.dWHh !== null;
  if (needHPrev) lay.add(F_HPREV, rows * Hout);
  if (isLstm) {
    lay.add(F_CPREV, rows * H);
    lay.add(F_CNEW, rows * H);
  }
  if (wantDWHr) lay.add(F_HRAW, rows * H);
  if (isGru) lay.add(F_GHN, rows * H);
  if (og.dOutput !== null) lay.add(F_DOUT, rows * Hout);
  lay.add(F_DH, B * Hout);
  lay.add(F_DC, isLstm ? B * H : 0);
  // F_DGX aliases F_GATES: each step's gate backward reads its gate values before it
  // writes their gradients in place (same thread, same elements), and nothing reads the
  // gates afterwards
  if (isGru) lay.add(F_DGH, rows * GH);
  if (proj) {
    lay.add(F_DHALL, rows * Hout);
    lay.add(F_DRAW, B * H);
  } else if (wasmResetBefore(kind, p.variant)) {
    lay.add(F_DRAW, B * H); // d(r * h) of a step
  }
  if (grads.dX !== null) lay.add(F_DX, rows * I);
  if (grads.dWIh !== null) lay.add(F_DWIH, GH * I);
  if (grads.dWHh !== null) lay.add(F_DWHH, GH * Hout);
  if (grads.dBIh !== null) lay.add(F_DBIH, GH);
  if (grads.dBHh !== null) lay.add(F_DBHH, GH);
  if (wantDWHr) lay.add(F_DWHR, Hout * H);
  lay.add(F_ACC, 2 * GH);
  if (packed) {
    lay.add(F_PWHH, GH * roundUp(Hout, k.NR));
    lay.add(F_PWHR, proj ? Hout * roundUp(H, k.NR) : 0);
  }
  const P = lay.place(k, nt, Math.max(I, H, Hout), maxBytes);
  if (P < 0) return null;
  const f = lay.fields;
  header(f, p, d);
  f[F_DGX] = f[F_GATES];
  if (!isGru) f[F_DGH] = f[F_DGX];

  put(k, f[F_BS], p.batchSizes, L);
  put(k, f[F_OFFS], offs, L);
  if (grads.dWIh !== null) put(k, f[F_X], p.x, rows * I);
  if (grads.dX !== null) put(k, f[F_WIH], p.wIh, GH * I);
  put(k, f[F_WHH], p.wHh, GH * Hout);
  if (proj) put(k, f[F_WHR], p.wHr as FloatArray, Hout * H);
  put(k, f[F_GATES], saved.gates, rows * GH);
  if (needHPrev) put(k, f[F_HPREV], saved.hPrev, rows * Hout);
  if (isLstm) {
    put(k, f[F_CPREV], saved.cPrev, rows * H);
    put(k, f[F_CNEW], saved.cNew, rows * H);
  }
  if (wantDWHr) put(k, f[F_HRAW], saved.hRaw, rows * H);
  if (isGru) put(k, f[F_GHN], saved.ghn, rows * H);
  if (og.dOutput !== null) put(k, f[F_DOUT], og.dOutput, rows * Hout);
  if (og.dhN !== null) put(k, f[F_DH], og.dhN, B * Hout);
  else zero(k, f[F_DH], B * Hout);
  if (isLstm) {
    if (og.dcN !== null) put(k, f[F_DC], og.dcN, B * H);
    else zero(k, f[F_DC], B * H);
  }
  return { P, f, lay };
}

/** Copies the gradients of a finished backward call into the non-null buffers of `grads`. */
export function backwardResults(
  k: F32RnnKernel,
  f: Int32Array,
  p: RnnSequenceInputs,
  d: RnnDims,
  grads: RnnSequenceInputGrads,
): void {
  const { I, H, Hout } = p;
  const { GH, B, rows, proj } = d;
  if (grads.dh0 !== null) takeInto(k, f[F_DH], grads.dh0, B * Hout);
  if (grads.dc0 !== null && p.kind === 'lstm') takeInto(k, f[F_DC], grads.dc0, B * H);
  if (grads.dX !== null) takeInto(k, f[F_DX], grads.dX, rows * I);
  if (grads.dWIh !== null) takeInto(k, f[F_DWIH], grads.dWIh, GH * I);
  if (grads.dWHh !== null) takeInto(k, f[F_DWHH], grads.dWHh, GH * Hout);
  if (grads.dBIh !== null) takeInto(k, f[F_DBIH], grads.dBIh, GH);
  if (grads.dBHh !== null) takeInto(k, f[F_DBHH], grads.dBHh, GH);
  if (proj && grads.dWHr !== null) takeInto(k, f[F_DWHR], grads.dWHr, Hout * H);
}
