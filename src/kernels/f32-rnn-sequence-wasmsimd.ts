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
import {
  backwardCall,
  backwardResults,
  forwardCall,
  forwardResults,
  rnnDims,
  rnnForwardFlops,
} from './wasm/rnn-call.js';
export { recycleRnnSaved } from './wasm/rnn-layout.js';
import { wasmVariantGate } from './wasm/rnn-variant-gate.js';
import type { WasmFlavor } from './wasm/relaxed-probe.js';
import {
  F_X,
  F_WIH,
  F_BIAS,
  F_GATES,
  F_HPREV,
  F_HRAW,
  F_BAR,
  F_DX,
  F_DWIH,
  F_FLAGS,
  F_DWHH,
  F_DWHR,
  F_DGX,
  F_DGH,
  F_DHALL,
  F_GHN,
  F_RESET_BEFORE,
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
  /** C = op(A) op(B) + beta C (row-major; arrays start at each matrix); `threads`: what the team offers. */
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

/** The per-call byte limit (see `setF32RnnSequenceCallLimit`). */
export function f32RnnSequenceCallLimit(): number {
  return maxCallBytes;
}

/** How many forward/backward calls ran the WebAssembly kernel (for tests that it engaged). */
export function f32RnnSequenceWasmSimdCalls(): number {
  return wasmCalls;
}

/** `'f32-rnn-sequence-wasmsimd'`, or the JS fallback's name where WebAssembly SIMD is missing. */
export function f32RnnSequenceImplementation(): string {
  return f32RnnModule() ? F32_RNN_SEQUENCE_WASMSIMD_NAME : F32_RNN_SEQUENCE_JS_NAME;
}

/** Whether the module runs this call: float32, and no cell variant beyond `wasmVariantGate`'s. */
function isF32(p: RnnSequenceInputs): boolean {
  return p.x instanceof Float32Array && wasmVariantGate(p.kind, p.variant) !== null;
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
  const d = rnnDims(p);
  const { GH, L, rows } = d;
  const nt = team !== null ? Math.max(1, team.threadsFor(rnnForwardFlops(p, d), L)) : 1;
  const call = forwardCall(k, p, d, nt, true, maxCallBytes);
  if (call === null) return rnnSequenceForwardRef(p, f32GemmWasmSimd);
  const { P, f, lay } = call;
  const hasBias = f[F_BIAS] !== 0;
  const outer = options.outer ?? null;
  if (outer !== null && outer.wants(rows, GH, p.I)) {
    inputProjection(k, f, outer, p.I, rows, GH, hasBias, nt);
    f[F_FLAGS] |= 1;
  }
  lay.write(k, P);

  wasmCalls++;
  if (team !== null && nt > 1) team.run('rnn_forward', P, nt, 'recurrentLayer', f[F_BAR]);
  else k.exports.rnn_forward(P, 0, 1);

  return forwardResults(k, f, p, d, wantSaved);
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
  const d = rnnDims(p);
  const { GH, L, rows, proj } = d;
  const nt = team !== null ? Math.max(1, team.threadsFor(2 * rnnForwardFlops(p, d), L)) : 1;
  const call = backwardCall(k, p, d, saved, og, grads, nt, true, maxCallBytes);
  if (call === null) {
    rnnSequenceBackwardRef(p, saved, og, grads, f32GemmWasmSimd);
    return;
  }
  const { P, f, lay } = call;
  const outerTail = outer !== null && outer.wants(GH, Math.max(p.I, p.Hout), rows);
  if (outerTail) f[F_FLAGS] |= 2;
  lay.write(k, P);

  wasmCalls++;
  if (team !== null && nt > 1) team.run('rnn_backward', P, nt, 'recurrentLayer', f[F_BAR]);
  else k.exports.rnn_backward(P, 0, 1);
  if (outerTail) backwardTail(k, f, outer, p, rows, GH, proj, grads, nt);

  backwardResults(k, f, p, d, grads);
}

/** The dX, dW_ih, dW_hh (and dW_hr) GEMMs of a backward pass, outside the module. */
export function backwardTail(
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
  if (grads.dWHh !== null && f[F_RESET_BEFORE] === 1) {
    // the reset-before GRU: rows r, z against h_{t-1}, rows n against r * h
    outer.run(true, false, 2 * H, Hout, rows, at(F_DGH), GH, at(F_HPREV), Hout, 0, at(F_DWHH), Hout, nt);
    const n = mem.subarray((f[F_DGH] >>> 2) + 2 * H);
    const dWHn = mem.subarray((f[F_DWHH] >>> 2) + 2 * H * Hout);
    outer.run(true, false, H, Hout, rows, n, GH, at(F_GHN), H, 0, dWHn, Hout, nt);
  } else if (grads.dWHh !== null) {
    outer.run(true, false, GH, Hout, rows, at(F_DGH), GH, at(F_HPREV), Hout, 0, at(F_DWHH), Hout, nt);
  }
  if (grads.dWHr !== null && proj)
    outer.run(true, false, Hout, H, rows, at(F_DHALL), Hout, at(F_HRAW), H, 0, at(F_DWHR), H, nt);
}

/** gates = bias + x W_ih^T for every row, outside the module on its memory. */
export function inputProjection(
  k: F32RnnKernel,
  f: Int32Array,
  outer: OuterGemm,
  I: number,
  rows: number,
  GH: number,
  hasBias: boolean,
  nt: number,
): void {
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
}
