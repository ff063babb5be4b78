import { f32GemmWasmSimd } from './f32-gemm-5x8-wasmsimd.js';
import { nativeBlas } from './native/blas-loader.js';
import type { Gemm } from './ref/f-gemm-ref.js';

/** GEMMs with M * N * K below this stay in wasm (the FFI call and BLAS's setup cost more there). */
let minBlasVolume = 64 * 64 * 64;

/** Sets the M * N * K volume from which the native GEMM calls BLAS (tests); returns the old one. */
export function setF32GemmBlasMinVolume(v: number): number {
  const prev = minBlasVolume;
  minBlasVolume = v;
  return prev;
}

/** Whether a GEMM of this size goes to BLAS. */
export function blasWorthIt(M: number, N: number, K: number): boolean {
  return M > 0 && N > 0 && K > 0 && M * N * K >= minBlasVolume;
}

let blasCalls = 0;

/** How many GEMMs have run in the native BLAS (tests check that it engaged). */
export function f32GemmBlasCalls(): number {
  return blasCalls;
}

/** Counts one BLAS call made elsewhere (the recurrent driver's). */
export function countBlasCall(): void {
  blasCalls++;
}

/**
 * f32 GEMM in the machine's BLAS (`cblas_sgemm`, called on the operands in place: no
 * copies) for large float32 problems, `f32GemmWasmSimd` for small ones, float64 and
 * where no BLAS loaded. `gemmRef`'s contract.
 */
export const f32GemmBlas: Gemm = function f32GemmBlas(
  transA,
  transB,
  M,
  N,
  K,
  alpha,
  A,
  aOff,
  lda,
  B,
  bOff,
  ldb,
  beta,
  C,
  cOff,
  ldc,
) {
  const blas = nativeBlas();
  if (
    blas === null ||
    !blasWorthIt(M, N, K) ||
    !(A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array)
  ) {
    f32GemmWasmSimd(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
    return;
  }
  blasCalls++;
  blas.sgemm(
    transA,
    transB,
    M,
    N,
    K,
    alpha,
    A.subarray(aOff),
    lda,
    B.subarray(bOff),
    ldb,
    beta,
    C.subarray(cOff),
    ldc,
  );
};
