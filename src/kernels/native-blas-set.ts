// The 'native-blas' kernel set: the WebAssembly SIMD set with its large GEMMs in the
// machine's BLAS, called on views of the wasm memory or of the tensors (no copies): in
// each recurrent layer the input projection, every step's recurrent GEMM (the time loop
// runs in JS, f32-rnn-sequence-blas.ts) and the weight and input gradients; large matmuls
// (the heads and Linear layers). The fused gate kernels and small GEMMs stay in wasm.
import { blasWorthIt, f32GemmBlas, f32GemmBlasKernel } from './f32-gemm-blas.js';
import {
  F32_RNN_SEQUENCE_BLAS_NAME,
  rnnSequenceBackwardBlas,
  rnnSequenceForwardBlas,
} from './f32-rnn-sequence-blas.js';
import {
  F32_RNN_SEQUENCE_WASMSIMD_NAME,
  recycleRnnSaved,
  type OuterGemm,
} from './f32-rnn-sequence-wasmsimd.js';
import { createF32RnnStepWasmSimd, F32_RNN_STEP_WASMSIMD_NAME } from './f32-rnn-step-wasmsimd.js';
import type { KernelSet } from './kernel-set.js';
import { nativeBlas } from './native/blas-loader.js';
import { createRnnStepRef } from './ref/rnn-step-ref.js';
import { f32RnnModule } from './wasm/f32-rnn-module.js';
import { wasmVariantGate } from './wasm/rnn-variant-gate.js';

/** The recurrent drivers' outside GEMM: BLAS on one thread, whatever `threads` says (see `f32GemmBlasKernel`). */
const blasOuter: OuterGemm = {
  wants: (M, N, K) => nativeBlas() !== null && blasWorthIt(M, N, K),
  run(transA, transB, M, N, K, A, lda, B, ldb, beta, C, ldc) {
    f32GemmBlasKernel([transA, transB, M, N, K, 1, A, 0, lda, B, 0, ldb, beta, C, 0, ldc]);
  },
};

export const NATIVE_BLAS_KERNELS: KernelSet = {
  name: 'native-blas',
  available: () => nativeBlas() !== null && f32RnnModule() !== null,
  describe: () => {
    const b = nativeBlas();
    return `${b === null ? 'no BLAS' : `${b.vendor} ${b.path}`} + ${F32_RNN_SEQUENCE_BLAS_NAME}, ${F32_RNN_SEQUENCE_WASMSIMD_NAME}, ${F32_RNN_STEP_WASMSIMD_NAME}`;
  },
  gemm: f32GemmBlas,
  threaded: true,
  teamFlavor: 'simd',
  supportsVariant: (kind, v) => wasmVariantGate(kind, v) !== null,
  rnnSequenceForward: (p, options) => rnnSequenceForwardBlas(p, blasOuter, options),
  rnnSequenceBackward: (p, saved, og, grads, team) =>
    rnnSequenceBackwardBlas(p, saved, og, grads, team, blasOuter),
  recycleSaved: recycleRnnSaved,
  createStep: (cfg) => createF32RnnStepWasmSimd(cfg) ?? createRnnStepRef(cfg),
};
