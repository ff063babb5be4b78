import { f32GemmWasmSimdKernel } from './f32-gemm-5x8-wasmsimd.js';
import { f32GemmEntry, type F32GemmKernel } from './f32-gemm-entry.js';
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

/**
 * The BLAS call of `f32GemmBlas` (also the recurrent drivers' outside GEMM): one
 * `cblas_sgemm` on the operands in place, one BLAS thread. A BLAS's bits depend on how it
 * splits a GEMM (OpenBLAS 0.3.21's AVX2 kernels: 1 vs 2 threads, and row- or
 * column-split calls, differ in the last bits of 0.2-40% of the elements), and results
 * must not depend on the thread count.
 */
export const f32GemmBlasKernel: F32GemmKernel = (g) => {
  const blas = nativeBlas();
  if (blas === null) throw new Error('native-blas: BLAS vanished');
  blas.setThreads(1);
  blasCalls++;
  blas.sgemm(g);
};

/**
 * f32 GEMM in the machine's BLAS (`cblas_sgemm`, called on the operands in place: no
 * copies) for large float32 problems, `f32GemmWasmSimd`'s kernel for small ones and
 * where no BLAS loaded, `gemmRef` for float64 (see `f32GemmEntry`).
 */
export const f32GemmBlas: Gemm = f32GemmEntry((g) => {
  if (nativeBlas() === null || !blasWorthIt(g[2], g[3], g[4])) f32GemmWasmSimdKernel(g);
  else f32GemmBlasKernel(g);
});
