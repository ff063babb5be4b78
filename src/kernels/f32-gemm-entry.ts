// The one entry every fast float32 GEMM goes through: the operand and size checks that
// come before any kernel (float64 to the reference, empty problems, K = 0 or alpha = 0),
// then the kernel itself on checked float32 operands.
import type { FloatArray } from '../core/dtype.js';
import { gemmRef, type Gemm, type GemmArgs } from './ref/f-gemm-ref.js';

/**
 * A float32 GEMM kernel after the entry's checks: M, N, K >= 1 and alpha != 0. It reads
 * its arguments from `g` before it calls anything (the entry reuses one tuple).
 */
export type F32GemmKernel = (g: GemmArgs<Float32Array>) => void;

/**
 * The `Gemm` of a float32 kernel (`gemmRef`'s contract): operands that are not all
 * Float32Array run `gemmRef` (float64 keeps the reference's accumulation); M = 0 or
 * N = 0 does nothing; K = 0 or alpha = 0 only scales C by beta (`scaleC`); every other
 * call runs `kernel` with the arguments in one tuple.
 *
 * @example
 * export const f32GemmMine: Gemm = f32GemmEntry(mineKernel);
 */
export function f32GemmEntry(kernel: F32GemmKernel): Gemm {
  return function f32Gemm(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc) {
    if (!(A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array)) {
      gemmRef(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
      return;
    }
    if (M === 0 || N === 0) return;
    if (K === 0 || alpha === 0) {
      scaleC(M, N, beta, C, cOff, ldc);
      return;
    }
    // one tuple for every call (kernels read it before anything else runs): nothing allocated per call
    const g = args;
    g[0] = transA;
    g[1] = transB;
    g[2] = M;
    g[3] = N;
    g[4] = K;
    g[5] = alpha;
    g[6] = A;
    g[7] = aOff;
    g[8] = lda;
    g[9] = B;
    g[10] = bOff;
    g[11] = ldb;
    g[12] = beta;
    g[13] = C;
    g[14] = cOff;
    g[15] = ldc;
    kernel(g);
  };
}

const none = new Float32Array(0);
/** The arguments `f32GemmEntry` hands its kernels, reused by every call. */
const args: GemmArgs<Float32Array> = [false, false, 0, 0, 0, 0, none, 0, 0, none, 0, 0, 0, none, 0, 0];

/** C = beta * C over the M x N window (beta = 0 writes zeros, NaN included). */
export function scaleC(M: number, N: number, beta: number, C: FloatArray, cOff: number, ldc: number): void {
  if (beta === 1) return;
  for (let i = 0; i < M; i++) {
    const row = cOff + i * ldc;
    if (beta === 0) C.fill(0, row, row + N);
    else for (let j = 0; j < N; j++) C[row + j] *= beta;
  }
}
