import { CELL_KINDS, gateCount } from '../core/cell-kind.js';
import type { FloatArray } from '../core/dtype.js';
import { f32GemmWasmSimd } from './f32-gemm-5x8-wasmsimd.js';
import {
  rnnSequenceBackwardRef,
  rnnSequenceForwardRef,
  type RnnSequenceInputGrads,
  type RnnSequenceInputs,
  type RnnSequenceOutputGrads,
  type RnnSequenceOutputs,
  type RnnSequenceSaved,
} from './ref/rnn-sequence-ref.js';
import { f32RnnModule, type F32RnnKernel } from './wasm/f32-rnn-module.js';
import { Layout, put, roundUp, take, takeInto, takeSaved, zero } from './wasm/rnn-layout.js';
export { recycleRnnSaved } from './wasm/rnn-layout.js';
import type { WasmFlavor } from './wasm/relaxed-probe.js';
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
  F_BAR,
  F_DOUT,
  F_DX,
  F_DWIH,
  F_FLAGS,
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
} from './wasm/rnn-params.js';

/** The kernel name of the relaxed-SIMD build of the recurrent layer. */
export const F32_RNN_SEQUENCE_WASMRELAXED_NAME = 'f32-rnn-sequence-wasmrelaxed';
/** The kernel name of the WebAssembly SIMD recurrent layer. */
export const F32_RNN_SEQUENCE_WASMSIMD_NAME = 'f32-rnn-sequence-wasmsimd';
/** Without WebAssembly SIMD: the reference driver over the optimized JS GEMM (the 'js' kernel set). */
export const F32_RNN_SEQUENCE_JS_NAME = 'f32-rnn-sequence-ref+f32-gemm-4x4-js';

/** Which entry point of the kernel module a call runs. */
export type RnnEntry = 'rnn_forward' | 'rnn_backward';

/**
 * Runs the recurrent kernel on several threads over one shared memory (implemented by
 * src/parallel; the kernels only see this interface). `kernel` is the caller thread's
 * instance of the shared build, whose arena the call lays its buffers out in.
 */
export interface RnnTeam {
  readonly kernel: F32RnnKernel;
  /** How many threads (1 = the caller alone) to use for a call of about `flops` work over `steps` time steps. */
  threadsFor(flops: number, steps: number): number;
  /**
   * Runs `exports[entry](P, tid, nt)` for tid = 0..nt-1 (tid 0 on the caller) and returns
   * when all are done; an error on any thread is rethrown here, naming `op`. `bar` is the
   * byte offset of the call's barrier words [count, generation, abort]: on an error the
   * abort word is set so the other threads leave their barriers.
   */
  run(entry: RnnEntry, P: number, nt: number, op: string, bar: number): void;
}

/**
 * A GEMM run outside the module on views of its memory (the native BLAS): the driver
 * hands it the large GEMMs of a layer (the input projection, dX, dW_ih, dW_hh, dW_hr)
 * and keeps the recurrent loop in wasm.
 */
export interface OuterGemm {
  /** Whether a GEMM of this size should run outside. */
  wants(M: number, N: number, K: number): boolean;
  /** C = op(A) op(B) + beta C on `threads` threads (row-major; arrays start at each matrix). */
  run(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    A: Float32Array,
    lda: number,
    B: Float32Array,
    ldb: number,
    beta: number,
    C: Float32Array,
    ldc: number,
    threads: number,
  ): void;
}

/** Options of the forward pass. */
export interface RnnForwardOptions {
  /** The kernel build without a team: 'simd' (128-bit, the default) or 'relaxed'. */
  flavor?: WasmFlavor;
  /** Runs the input projection when it is large (omitted: everything in wasm). */
  outer?: OuterGemm | null;
  /** Whether to return the saved activations (false: inference, zero-length arrays). */
  saved?: boolean;
  /** Run on this team of threads (omitted: the caller's thread, non-shared build). */
  team?: RnnTeam | null;
}

let wasmCalls = 0;

/**
 * Most bytes one call may lay out in wasm memory (the shared memory's maximum is 2 GiB,
 * and growing a memory far can fail); larger layers run the reference driver.
 */
let maxCallBytes = 1.5 * 2 ** 30;

/** Sets the per-call byte limit (tests); returns the old one. */
export function setF32RnnSequenceCallLimit(bytes: number): number {
  const prev = maxCallBytes;
  maxCallBytes = bytes;
  return prev;
}

/** How many forward/backward calls ran the WebAssembly kernel (for tests that it engaged). */
export function f32RnnSequenceWasmSimdCalls(): number {
  return wasmCalls;
}

/** `'f32-rnn-sequence-wasmsimd'`, or the JS fallback's name where WebAssembly SIMD is missing. */
export function f32RnnSequenceImplementation(): string {
  return f32RnnModule() ? F32_RNN_SEQUENCE_WASMSIMD_NAME : F32_RNN_SEQUENCE_JS_NAME;
}

/** Sizes shared by forward and backward. */
function dims(p: RnnSequenceInputs): {
  G: number;
  GH: number;
  L: number;
  B: number;
  rows: number;
  offs: Int32Array;
  proj: boolean;
} {
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

function isF32(p: RnnSequenceInputs): boolean {
  return p.x instanceof Float32Array;
}

/** 2 * flops of the per-step GEMMs and the input projection, for thread decisions. */
function forwardFlops(p: RnnSequenceInputs, GH: number, rows: number): number {
  return 2 * rows * GH * (p.I + p.Hout);
}

/**
 * Forward pass of one recurrent layer in one direction in WebAssembly SIMD
 * (`f32-rnn-sequence-wasmsimd`), with `rnnSequenceForwardRef`'s interface and
 * semantics: one call into the module runs the input projection, packs W_hh (and W_hr)
 * once, and runs the whole time loop (per step: the recurrent GEMM from the packed
 * panels straight into the gate rows, then the f32x4 gate kernel). The buffers live in
 * the module's memory for the call; outputs and (with `saved`, the default) the saved
 * activations are copied out. Float64 inputs, or an engine without WebAssembly SIMD,
 * run `rnnSequenceForwardRef`.
 */
export function rnnSequenceForwardF32(
  p: RnnSequenceInputs,
  options: RnnForwardOptions = {},
): { out: RnnSequenceOutputs; saved: RnnSequenceSaved } {
  const team = options.team ?? null;
  const k = team !== null ? team.kernel : f32RnnModule(options.flavor);
  if (!isF32(p) || k === null) return rnnSequenceForwardRef(p, f32GemmWasmSimd);
  const wantSaved = options.saved ?? true;
  const { kind, I, H, Hout } = p;
  const { G, GH, L, B, rows, offs, proj } = dims(p);
  const isLstm = kind === 'lstm';
  const isGru = kind === 'gru';
  const nt = team !== null ? Math.max(1, team.threadsFor(forwardFlops(p, GH, rows), L)) : 1;

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
  lay.add(F_HBUF, B * Hout);
  lay.add(F_PWHH, G * Hout * roundUp(H, k.NR));
  lay.add(F_PWHR, proj ? H * roundUp(Hout, k.NR) : 0);
  const P = lay.place(k, nt, GH, maxCallBytes);
  if (P < 0) return rnnSequenceForwardRef(p, f32GemmWasmSimd);
  const f = lay.fields;
  f[F_KIND] = CELL_KINDS[kind].code;
  f[F_I] = I;
  f[F_H] = H;
  f[F_HOUT] = Hout;
  f[F_L] = L;
  f[F_B] = B;
  f[F_ROWS] = rows;
  f[F_REV] = p.reverse ? 1 : 0;
  if (!hasBias) f[F_BIAS] = 0;
  if (!proj) f[F_WHR] = 0;

  put(k, f[F_BS], p.batchSizes, L);
  put(k, f[F_OFFS], offs, L);
  put(k, f[F_X], p.x, rows * I);
  put(k, f[F_WIH], p.wIh, GH * I);
  put(k, f[F_WHH], p.wHh, GH * Hout);
  if (hasBias) {
    // b_ih + b_hh (gru: b_hn stays apart), summed in float32 like the reference's buffer
    const bias = new Float32Array(GH);
    if (p.bIh !== null) bias.set(p.bIh.subarray(0, GH));
    if (p.bHh !== null) {
      const upto = isGru ? 2 * H : GH;
      for (let j = 0; j < upto; j++) bias[j] += p.bHh[j];
    }
    put(k, f[F_BIAS], bias, GH);
  }
  if (isGru) {
    if (p.bHh !== null) put(k, f[F_BHN], p.bHh.subarray(2 * H, 3 * H), H);
    else zero(k, f[F_BHN], H);
  }
  if (proj) put(k, f[F_WHR], p.wHr as FloatArray, Hout * H);
  put(k, f[F_HN], p.h0, B * Hout);
  if (isLstm) {
    if (p.c0 !== null) put(k, f[F_CN], p.c0, B * H);
    else zero(k, f[F_CN], B * H);
  }
  const outer = options.outer ?? null;
  if (outer !== null && outer.wants(rows, GH, I)) {
    // gates = bias + x W_ih^T outside the module, on its memory
    const mem = k.arena.f32();
    const g0 = f[F_GATES] >>> 2;
    if (hasBias) {
      const b = mem.subarray(f[F_BIAS] >>> 2, (f[F_BIAS] >>> 2) + GH);
      for (let r = 0; r < rows; r++) mem.set(b, g0 + r * GH);
    }
    outer.run(
      false,
      true,
      rows,
      GH,
      I,
      mem.subarray(f[F_X] >>> 2),
      I,
      mem.subarray(f[F_WIH] >>> 2),
      I,
      hasBias ? 1 : 0,
      mem.subarray(g0),
      GH,
      nt,
    );
    f[F_FLAGS] |= 1;
  }
  lay.write(k, P);

  wasmCalls++;
  if (team !== null && nt > 1) team.run('rnn_forward', P, nt, 'recurrentLayer', f[F_BAR]);
  else k.exports.rnn_forward(P, 0, 1);

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
 * Backward pass of `rnnSequenceForwardF32` (`rnnSequenceBackwardRef`'s interface): one
 * call into the module runs the step loop in reverse (gate backward, then dG W_hh from
 * W_hh packed once) and the dX, dW_ih, dW_hh, dW_hr GEMMs and bias sums. Fills the
 * non-null buffers of `grads`. `saved` must come from `rnnSequenceForwardF32` (or the
 * reference forward: the layout is the same).
 */
export function rnnSequenceBackwardF32(
  p: RnnSequenceInputs,
  saved: RnnSequenceSaved,
  og: RnnSequenceOutputGrads,
  grads: RnnSequenceInputGrads,
  team: RnnTeam | null = null,
  outer: OuterGemm | null = null,
  flavor: WasmFlavor = 'simd',
): void {
  const k = team !== null ? team.kernel : f32RnnModule(flavor);
  if (!isF32(p) || k === null) {
    rnnSequenceBackwardRef(p, saved, og, grads, f32GemmWasmSimd);
    return;
  }
  const { kind, I, H, Hout } = p;
  const { GH, L, B, rows, offs, proj } = dims(p);
  const isLstm = kind === 'lstm';
  const isGru = kind === 'gru';
  const nt = team !== null ? Math.max(1, team.threadsFor(2 * forwardFlops(p, GH, rows), L)) : 1;
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
  }
  if (grads.dX !== null) lay.add(F_DX, rows * I);
  if (grads.dWIh !== null) lay.add(F_DWIH, GH * I);
  if (grads.dWHh !== null) lay.add(F_DWHH, GH * Hout);
  if (grads.dBIh !== null) lay.add(F_DBIH, GH);
  if (grads.dBHh !== null) lay.add(F_DBHH, GH);
  if (wantDWHr) lay.add(F_DWHR, Hout * H);
  lay.add(F_ACC, 2 * GH);
  lay.add(F_PWHH, GH * roundUp(Hout, k.NR));
  lay.add(F_PWHR, proj ? Hout * roundUp(H, k.NR) : 0);
  const P = lay.place(k, nt, Math.max(I, H, Hout), maxCallBytes);
  if (P < 0) {
    rnnSequenceBackwardRef(p, saved, og, grads, f32GemmWasmSimd);
    return;
  }
  const f = lay.fields;
  f[F_KIND] = CELL_KINDS[kind].code;
  f[F_I] = I;
  f[F_H] = H;
  f[F_HOUT] = Hout;
  f[F_L] = L;
  f[F_B] = B;
  f[F_ROWS] = rows;
  f[F_REV] = p.reverse ? 1 : 0;
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
  const outerTail = outer !== null && outer.wants(GH, Math.max(I, Hout), rows);
  if (outerTail) f[F_FLAGS] |= 2;
  lay.write(k, P);

  wasmCalls++;
  if (team !== null && nt > 1) team.run('rnn_backward', P, nt, 'recurrentLayer', f[F_BAR]);
  else k.exports.rnn_backward(P, 0, 1);
  if (outerTail) backwardTail(k, f, outer, p, rows, GH, proj, grads, nt);

  if (grads.dh0 !== null) takeInto(k, f[F_DH], grads.dh0, B * Hout);
  if (grads.dc0 !== null && isLstm) takeInto(k, f[F_DC], grads.dc0, B * H);
  if (grads.dX !== null) takeInto(k, f[F_DX], grads.dX, rows * I);
  if (grads.dWIh !== null) takeInto(k, f[F_DWIH], grads.dWIh, GH * I);
  if (grads.dWHh !== null) takeInto(k, f[F_DWHH], grads.dWHh, GH * Hout);
  if (grads.dBIh !== null) takeInto(k, f[F_DBIH], grads.dBIh, GH);
  if (grads.dBHh !== null) takeInto(k, f[F_DBHH], grads.dBHh, GH);
  if (wantDWHr) takeInto(k, f[F_DWHR], grads.dWHr as FloatArray, Hout * H);
}

/** The dX, dW_ih, dW_hh (and dW_hr) GEMMs of a backward pass, outside the module. */
function backwardTail(
  k: F32RnnKernel,
  f: Int32Array,
  outer: OuterGemm,
  p: RnnSequenceInputs,
  rows: number,
  GH: number,
  proj: boolean,
  grads: RnnSequenceInputGrads,
  nt: number,
): void {
  const { I, H, Hout } = p;
  const mem = k.arena.f32();
  const at = (field: number): Float32Array => mem.subarray(f[field] >>> 2);
  if (grads.dX !== null)
    outer.run(false, false, rows, I, GH, at(F_DGX), GH, at(F_WIH), I, 0, at(F_DX), I, nt);
  if (grads.dWIh !== null)
    outer.run(true, false, GH, I, rows, at(F_DGX), GH, at(F_X), I, 0, at(F_DWIH), I, nt);
  if (grads.dWHh !== null)
    outer.run(true, false, GH, Hout, rows, at(F_DGH), GH, at(F_HPREV), Hout, 0, at(F_DWHH), Hout, nt);
  if (grads.dWHr !== null && proj)
    outer.run(true, false, Hout, H, rows, at(F_DHALL), Hout, at(F_HRAW), H, 0, at(F_DWHR), H, nt);
}
