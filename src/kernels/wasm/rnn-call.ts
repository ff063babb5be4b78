// One call of the fused recurrent layer in a kernel module's memory: the buffers of a
// forward or backward pass laid out and filled (the parameter block of rnn-params.ts),
// and the results copied out. Shared by the driver inside the module (rnn_forward /
// rnn_backward, f32-rnn-sequence-wasmsimd.ts) and the one that runs the time loop in
// JavaScript with the per-step GEMMs in BLAS (f32-rnn-sequence-blas.ts).
import { CELL_KINDS, gateCount } from '../../core/cell-kind.js';
import type {
  RnnSequenceInputGrads,
  RnnSequenceInputs,
  RnnSequenceOutputGrads,
  RnnSequenceOutputs,
  RnnSequenceSaved,
} from '../ref/rnn-sequence-ref.js';
import type { F32RnnKernel } from './f32-rnn-module.js';
import { wasmResetBefore, wasmVariantGate } from './rnn-variant-gate.js';
import { Layout, roundUp, take, takeInto, takeSaved } from './rnn-layout.js';
import * as F from './rnn-params.js';

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
  f[F.F_GATE] = gate.hard ? 1 : 0;
  const bits = new Float32Array(f.buffer, f.byteOffset, f.length);
  bits[F.F_GATE_ALPHA] = gate.alpha;
  bits[F.F_GATE_BETA] = gate.beta;
  f[F.F_RESET_BEFORE] = wasmResetBefore(p.kind, p.variant) ? 1 : 0;
  f[F.F_KIND] = CELL_KINDS[p.kind].code;
  f[F.F_G] = d.G;
  f[F.F_I] = p.I;
  f[F.F_H] = p.H;
  f[F.F_HOUT] = p.Hout;
  f[F.F_L] = d.L;
  f[F.F_B] = d.B;
  f[F.F_ROWS] = d.rows;
  f[F.F_REV] = p.reverse ? 1 : 0;
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
  // the reset-before GRU adds b_hn to the input projection like b_hr, b_hz
  const resetBefore = wasmResetBefore(kind, p.variant);
  const hasBias = p.bIh !== null || p.bHh !== null;
  const lay = new Layout();
  lay.input(F.F_BS, p.batchSizes, L);
  lay.input(F.F_OFFS, offs, L);
  lay.input(F.F_X, p.x, rows * I);
  lay.input(F.F_WIH, p.wIh, GH * I);
  lay.input(F.F_WHH, p.wHh, GH * Hout);
  if (hasBias) {
    // b_ih + b_hh (reset-after gru: b_hn stays apart), summed in float32 like the reference's buffer
    const bias = new Float32Array(GH);
    if (p.bIh !== null) bias.set(p.bIh.subarray(0, GH));
    if (p.bHh !== null) {
      const upto = isGru && !resetBefore ? 2 * H : GH;
      for (let j = 0; j < upto; j++) bias[j] += p.bHh[j];
    }
    lay.input(F.F_BIAS, bias, GH);
  }
  const bhn = p.bHh !== null && !resetBefore ? p.bHh.subarray(2 * H, 3 * H) : null;
  lay.input(F.F_BHN, bhn, isGru ? H : 0);
  if (proj) lay.input(F.F_WHR, p.wHr, Hout * H);
  lay.add(F.F_OUT, rows * Hout);
  lay.input(F.F_HN, p.h0, B * Hout);
  lay.input(F.F_CN, p.c0, isLstm ? B * H : 0);
  lay.add(F.F_GATES, rows * GH);
  lay.add(F.F_HPREV, rows * Hout);
  lay.add(F.F_CPREV, isLstm ? rows * H : 0);
  lay.add(F.F_CNEW, isLstm ? rows * H : 0);
  lay.add(F.F_HRAW, proj ? rows * H : 0);
  lay.add(F.F_GHN, isGru ? rows * H : 0);
  lay.add(F.F_GH, B * GH);
  if (packed) {
    lay.add(F.F_HBUF, B * Hout);
    lay.add(F.F_PWHH, G * Hout * roundUp(H, k.NR));
    lay.add(F.F_PWHR, proj ? H * roundUp(Hout, k.NR) : 0);
  }
  const P = lay.place(k, nt, GH, maxBytes);
  if (P < 0) return null;
  const f = lay.fields;
  header(f, p, d);
  if (!hasBias) f[F.F_BIAS] = 0;
  if (!proj) f[F.F_WHR] = 0;
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
    output: take(k, f[F.F_OUT], rows * Hout),
    hN: take(k, f[F.F_HN], B * Hout),
    cN: take(k, f[F.F_CN], isLstm ? B * H : 0),
  };
  const none = new Float32Array(0);
  const saved: RnnSequenceSaved = wantSaved
    ? {
        gates: takeSaved(k, f[F.F_GATES], rows * GH),
        hPrev: takeSaved(k, f[F.F_HPREV], rows * Hout),
        cPrev: takeSaved(k, f[F.F_CPREV], isLstm ? rows * H : 0),
        cNew: takeSaved(k, f[F.F_CNEW], isLstm ? rows * H : 0),
        hRaw: takeSaved(k, f[F.F_HRAW], proj ? rows * H : 0),
        ghn: takeSaved(k, f[F.F_GHN], isGru ? rows * H : 0),
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
  lay.input(F.F_BS, p.batchSizes, L);
  lay.input(F.F_OFFS, offs, L);
  if (grads.dWIh !== null) lay.input(F.F_X, p.x, rows * I);
  if (grads.dX !== null) lay.input(F.F_WIH, p.wIh, GH * I);
  lay.input(F.F_WHH, p.wHh, GH * Hout);
  if (proj) lay.input(F.F_WHR, p.wHr, Hout * H);
  lay.input(F.F_GATES, saved.gates, rows * GH);
  const needHPrev = isGru || grads.dWHh !== null;
  if (needHPrev) lay.input(F.F_HPREV, saved.hPrev, rows * Hout);
  if (isLstm) {
    lay.input(F.F_CPREV, saved.cPrev, rows * H);
    lay.input(F.F_CNEW, saved.cNew, rows * H);
  }
  if (wantDWHr) lay.input(F.F_HRAW, saved.hRaw, rows * H);
  if (isGru) lay.input(F.F_GHN, saved.ghn, rows * H);
  if (og.dOutput !== null) lay.input(F.F_DOUT, og.dOutput, rows * Hout);
  lay.input(F.F_DH, og.dhN, B * Hout);
  lay.input(F.F_DC, og.dcN, isLstm ? B * H : 0);
  // F_DGX aliases F_GATES: each step's gate backward reads its gate values before it
  // writes their gradients in place (same thread, same elements), and nothing reads the
  // gates afterwards
  if (isGru) lay.add(F.F_DGH, rows * GH);
  if (proj) {
    lay.add(F.F_DHALL, rows * Hout);
    lay.add(F.F_DRAW, B * H);
  } else if (wasmResetBefore(kind, p.variant)) {
    lay.add(F.F_DRAW, B * H); // d(r * h) of a step
  }
  if (grads.dX !== null) lay.add(F.F_DX, rows * I);
  if (grads.dWIh !== null) lay.add(F.F_DWIH, GH * I);
  if (grads.dWHh !== null) lay.add(F.F_DWHH, GH * Hout);
  if (grads.dBIh !== null) lay.add(F.F_DBIH, GH);
  if (grads.dBHh !== null) lay.add(F.F_DBHH, GH);
  if (wantDWHr) lay.add(F.F_DWHR, Hout * H);
  lay.add(F.F_ACC, 2 * GH);
  if (packed) {
    lay.add(F.F_PWHH, GH * roundUp(Hout, k.NR));
    lay.add(F.F_PWHR, proj ? Hout * roundUp(H, k.NR) : 0);
  }
  const P = lay.place(k, nt, Math.max(I, H, Hout), maxBytes);
  if (P < 0) return null;
  const f = lay.fields;
  header(f, p, d);
  f[F.F_DGX] = f[F.F_GATES];
  if (!isGru) f[F.F_DGH] = f[F.F_DGX];
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
  if (grads.dh0 !== null) takeInto(k, f[F.F_DH], grads.dh0, B * Hout);
  if (grads.dc0 !== null && p.kind === 'lstm') takeInto(k, f[F.F_DC], grads.dc0, B * H);
  if (grads.dX !== null) takeInto(k, f[F.F_DX], grads.dX, rows * I);
  if (grads.dWIh !== null) takeInto(k, f[F.F_DWIH], grads.dWIh, GH * I);
  if (grads.dWHh !== null) takeInto(k, f[F.F_DWHH], grads.dWHh, GH * Hout);
  if (grads.dBIh !== null) takeInto(k, f[F.F_DBIH], grads.dBIh, GH);
  if (grads.dBHh !== null) takeInto(k, f[F.F_DBHH], grads.dBHh, GH);
  if (proj && grads.dWHr !== null) takeInto(k, f[F.F_DWHR], grads.dWHr, Hout * H);
}
