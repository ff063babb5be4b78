// The recurrent layer of the 'native-blas' set (`f32-rnn-sequence-blas`): the time loop
// runs here in JavaScript on the caller's thread, every GEMM of a step (h W_hh^T forward, dG W_hh backward, and
// the projection's) in the machine's BLAS on views of the wasm module's memory, and the
// f32x4 gate math of each step in the module (rnn_step_forward / rnn_step_backward). The
// input projection and the dX, dW_ih, dW_hh, dW_hr GEMMs are one BLAS call each over all
// steps (dW_hh = sum_t dG_t^T h_{t-1} is one (GH x rows) (rows x Hout) GEMM). Same buffers
// and semantics as the in-module loop (f32-rnn-sequence-wasmsimd.ts), whose driver runs
// layers whose per-step GEMM is too small for BLAS.
import {
  backwardTail,
  f32RnnSequenceCallLimit,
  inputProjection,
  rnnSequenceBackwardF32,
  rnnSequenceForwardF32,
  type OuterGemm,
  type RnnForwardOptions,
  type RnnTeam,
} from './f32-rnn-sequence-wasmsimd.js';
import type {
  RnnSequenceInputGrads,
  RnnSequenceInputs,
  RnnSequenceOutputGrads,
  RnnSequenceOutputs,
  RnnSequenceSaved,
} from './ref/rnn-sequence-ref.js';
import { f32RnnModule, type F32RnnKernel } from './wasm/f32-rnn-module.js';
import { wasmResetBefore, wasmVariantGate } from './wasm/rnn-variant-gate.js';
import {
  backwardCall,
  backwardResults,
  forwardCall,
  forwardResults,
  rnnDims,
  type RnnDims,
} from './wasm/rnn-call.js';
import {
  F_BIAS,
  F_DGH,
  F_DGX,
  F_DH,
  F_DRAW,
  F_FLAGS,
  F_GH,
  F_HN,
  F_HPREV,
  F_HRAW,
  F_OUT,
  F_WHH,
  F_WHR,
} from './wasm/rnn-params.js';

/** The kernel name of the recurrent layer with its per-step GEMMs in BLAS. */
export const F32_RNN_SEQUENCE_BLAS_NAME = 'f32-rnn-sequence-blas';

let blasLoops = 0;

/** How many forward/backward calls ran their time loop with BLAS per step (tests check it engaged). */
export function f32RnnSequenceBlasCalls(): number {
  return blasLoops;
}

/** The module and sizes of a call this driver takes, or null (the in-module loop runs it). */
function accept(
  p: RnnSequenceInputs,
  team: RnnTeam | null,
  outer: OuterGemm,
): { k: F32RnnKernel; d: RnnDims } | null {
  if (!(p.x instanceof Float32Array) || wasmVariantGate(p.kind, p.variant) === null) return null;
  // the reset-before GRU's two half-steps run in the module's loop (its large GEMMs still in `outer`)
  if (wasmResetBefore(p.kind, p.variant)) return null;
  const k = team !== null ? team.kernel : f32RnnModule();
  if (k === null) return null;
  const d = rnnDims(p);
  return outer.wants(d.B, d.GH, p.Hout) ? { k, d } : null;
}

/**
 * Forward pass of one layer and direction (`rnnSequenceForwardRef`'s contract) with the
 * per-step GEMMs in `outer` (BLAS, one thread), the gates in wasm SIMD (`team`'s module).
 * Layers whose per-step GEMM `outer` does not want run `rnnSequenceForwardF32`.
 */
export function rnnSequenceForwardBlas(
  p: RnnSequenceInputs,
  outer: OuterGemm,
  options: RnnForwardOptions = {},
): { out: RnnSequenceOutputs; saved: RnnSequenceSaved } {
  const team = options.team ?? null;
  const ok = accept(p, team, outer);
  const call = ok === null ? null : forwardCall(ok.k, p, ok.d, 1, false, f32RnnSequenceCallLimit());
  if (ok === null || call === null) return rnnSequenceForwardF32(p, { ...options, outer });
  const { k, d } = ok;
  const { P, f, lay } = call;
  const { H, Hout } = p;
  const { GH, L, rows, proj } = d;
  const nt = 1; // one BLAS thread (see native-blas-set.ts): the same bits for any thread count
  inputProjection(k, f, outer, p.I, rows, GH, f[F_BIAS] !== 0, nt);
  f[F_FLAGS] |= 1;
  lay.write(k, P);
  blasLoops++;

  // the memory does not grow during the loop: one view, float offsets into it
  const mem = k.arena.f32();
  const at = (field: number, floats: number): Float32Array => mem.subarray((f[field] >>> 2) + floats);
  const hCur = f[F_HN] >>> 2; // (B, Hout) the state, h0 in, hN out
  const hPrev = f[F_HPREV] >>> 2; // (rows, Hout) h_{t-1} of each step's rows
  const out = f[F_OUT] >>> 2; // (rows, Hout)
  const gh = at(F_GH, 0); // (B, GH) h_{t-1} W_hh^T
  const wHh = at(F_WHH, 0); // (GH, Hout)
  const wHr = proj ? at(F_WHR, 0) : gh; // (Hout, H)
  const ex = k.exports;
  for (let s = 0; s < L; s++) {
    const t = p.reverse ? L - 1 - s : s;
    const bs = p.batchSizes[t];
    const off = d.offs[t];
    mem.copyWithin(hPrev + off * Hout, hCur, hCur + bs * Hout);
    outer.run(false, true, bs, GH, Hout, mem.subarray(hPrev + off * Hout), Hout, wHh, Hout, 0, gh, GH, nt);
    ex.rnn_step_forward(P, t);
    if (proj) {
      const hr = at(F_HRAW, off * H);
      outer.run(false, true, bs, Hout, H, hr, H, wHr, H, 0, mem.subarray(out + off * Hout), Hout, nt);
    }
    mem.copyWithin(hCur, out + off * Hout, out + (off + bs) * Hout);
  }
  return forwardResults(k, f, p, d, options.saved ?? true);
}

/**
 * Backward pass of `rnnSequenceForwardBlas` (`rnnSequenceBackwardRef`'s contract): the
 * reverse loop with dh = dG W_hh (and the projection's dh W_hr) per step in BLAS, the
 * gate backward in wasm SIMD, then one BLAS GEMM each for dX, dW_ih, dW_hh (dW_hr) and
 * the bias sums in wasm. Layers the forward leaves to the module run `rnnSequenceBackwardF32`.
 */
export function rnnSequenceBackwardBlas(
  p: RnnSequenceInputs,
  saved: RnnSequenceSaved,
  og: RnnSequenceOutputGrads,
  grads: RnnSequenceInputGrads,
  team: RnnTeam | null,
  outer: OuterGemm,
): void {
  const ok = accept(p, team, outer);
  const call =
    ok === null ? null : backwardCall(ok.k, p, ok.d, saved, og, grads, 1, false, f32RnnSequenceCallLimit());
  if (ok === null || call === null) {
    rnnSequenceBackwardF32(p, saved, og, grads, team, outer);
    return;
  }
  const { k, d } = ok;
  const { P, f, lay } = call;
  const { H, Hout } = p;
  const { GH, L, rows, proj } = d;
  const isGru = p.kind === 'gru';
  const nt = 1;
  f[F_FLAGS] |= 2; // the module's tail only sums the biases
  lay.write(k, P);
  blasLoops++;

  const mem = k.arena.f32();
  const dh = mem.subarray(f[F_DH] >>> 2); // (B, Hout)
  const dRaw = proj ? mem.subarray(f[F_DRAW] >>> 2) : dh; // (B, H)
  const dG = (isGru ? f[F_DGH] : f[F_DGX]) >>> 2; // (rows, GH) what multiplies W_hh
  const wHh = mem.subarray(f[F_WHH] >>> 2); // (GH, Hout)
  const wHr = proj ? mem.subarray(f[F_WHR] >>> 2) : dh; // (Hout, H)
  const ex = k.exports;
  for (let s = L - 1; s >= 0; s--) {
    const t = p.reverse ? L - 1 - s : s;
    const bs = p.batchSizes[t];
    if (proj) {
      ex.rnn_step_backward(P, t, 1);
      outer.run(false, false, bs, H, Hout, dh, Hout, wHr, H, 0, dRaw, H, nt);
      ex.rnn_step_backward(P, t, 2);
    } else {
      ex.rnn_step_backward(P, t, 3);
    }
    // dh[:bs] = dG W_hh (gru: += onto z * dh')
    const g = mem.subarray(dG + d.offs[t] * GH);
    outer.run(false, false, bs, Hout, GH, g, GH, wHh, Hout, isGru ? 1 : 0, dh, Hout, nt);
  }
  backwardTail(k, f, outer, p, rows, GH, proj, grads, nt);
  k.exports.rnn_backward_tail(P, 0, 1);
  backwardResults(k, f, p, d, grads);
}
