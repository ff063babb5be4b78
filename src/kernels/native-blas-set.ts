// The 'native-blas' kernel set: the WebAssembly SIMD set with its large GEMMs (the
// input projection and the weight and input gradients of each recurrent layer, and
// large matmuls: the heads and Linear layers) in the machine's BLAS, called on views of
// the wasm memory or of the tensors (no copies). The recurrent loop, its fused gate
// kernels and small GEMMs stay in wasm.
import { blasWorthIt, countBlasCall, f32GemmBlas } from './f32-gemm-blas.js';
import {
  F32_RNN_SEQUENCE_WASMSIMD_NAME,
  recycleRnnSaved,
  rnnSequenceBackwardF32,
  rnnSequenceForwardF32,
  type OuterGemm,
} from './f32-rnn-sequence-wasmsimd.js';
import { createF32RnnStepWasmSimd, F32_RNN_STEP_WASMSIMD_NAME } from './f32-rnn-step-wasmsimd.js';
import type { KernelSet } from './kernel-set.js';
import { nativeBlas } from './native/blas-loader.js';
import { createRnnStepRef } from './ref/rnn-step-ref.js';
import { f32RnnModule } from './wasm/f32-rnn-module.js';

/** The recurrent driver's outside GEMM: BLAS on `threads` of its own threads. */
const blasOuter: OuterGemm = {
  wants: (M, N, K) => nativeBlas() !== null && blasWorthIt(M, N, K),
  run(transA, transB, M, N, K, A, lda, B, ldb, beta, C, ldc, threads) {
    const blas = nativeBlas();
    if (blas === null) throw new Error('native-blas: BLAS vanished');
    blas.setThreads(threads);
    countBlasCall();
    blas.sgemm(transA, transB, M, N, K, 1, A, lda, B, ldb, beta, C, ldc);
    blas.setThreads(1);
  },
};

export const NATIVE_BLAS_KERNELS: KernelSet = {
  name: 'native-blas',
  available: () => nativeBlas() !== null && f32RnnModule() !== null,
  describe: () => {
    const b = nativeBlas();
    return `${b === null ? 'no BLAS' : `${b.vendor} ${b.path}`} + ${F32_RNN_SEQUENCE_WASMSIMD_NAME}, ${F32_RNN_STEP_WASMSIMD_NAME}`;
  },
  gemm: f32GemmBlas,
  threaded: true,
  teamFlavor: 'simd',
  rnnSequenceForward: (p, options) => rnnSequenceForwardF32(p, { ...options, outer: blasOuter }),
  rnnSequenceBackward: (p, saved, og, grads, team) =>
    rnnSequenceBackwardF32(p, saved, og, grads, team, blasOuter),
  recycleSaved: recycleRnnSaved,
  createStep: (cfg) => createF32RnnStepWasmSimd(cfg) ?? createRnnStepRef(cfg),
};
