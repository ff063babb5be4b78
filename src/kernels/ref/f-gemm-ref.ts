import type { FloatArray } from '../../core/dtype.js';

/**
 * The signature every GEMM implementation shares over operands of type `T` (the
 * contract is `gemmRef`'s): C = alpha * op(A) op(B) + beta * C, row-major, with offsets
 * and row strides.
 */
export type GemmOf<T extends FloatArray> = (
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: T,
  aOff: number,
  lda: number,
  B: T,
  bOff: number,
  ldb: number,
  beta: number,
  C: T,
  cOff: number,
  ldc: number,
) => void;

/** A GEMM over any float operands: what kernel sets and ops call. */
export type Gemm = GemmOf<FloatArray>;

/**
 * The arguments of a `GemmOf<T>` call as one tuple, in the same order: how the fast
 * float32 kernels receive a call that `f32GemmEntry` checked.
 */
export type GemmArgs<T extends FloatArray> = Parameters<GemmOf<T>>;

/**
 * Reference GEMM: C = alpha * op(A) op(B) + beta * C, row-major.
 *
 * op(A) is M x K (A is M x K, or K x M when `transA`), op(B) is K x N (B is K x N, or
 * N x K when `transB`); C is M x N. `lda`, `ldb`, `ldc` are row strides; offsets select
 * the start of each matrix. Accumulates in double precision.
 */
export const gemmRef: Gemm = function gemmRef(
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
  for (let i = 0; i < M; i++) {
    const cRow = cOff + i * ldc;
    if (beta === 0) for (let j = 0; j < N; j++) C[cRow + j] = 0;
    else if (beta !== 1) for (let j = 0; j < N; j++) C[cRow + j] *= beta;
  }
  if (K === 0 || alpha === 0) return;
  if (!transB) {
    // i-k-j order: streams rows of B and C
    const acc = new Float64Array(N);
    for (let i = 0; i < M; i++) {
      acc.fill(0);
      for (let k = 0; k < K; k++) {
        // no skip of zero a(i,k): 0 * Inf must give NaN here as in every other GEMM
        const aik = transA ? A[aOff + k * lda + i] : A[aOff + i * lda + k];
        const bRow = bOff + k * ldb;
        for (let j = 0; j < N; j++) acc[j] += aik * B[bRow + j];
      }
      const cRow = cOff + i * ldc;
      for (let j = 0; j < N; j++) C[cRow + j] += alpha * acc[j];
    }
  } else {
    for (let i = 0; i < M; i++) {
      const cRow = cOff + i * ldc;
      for (let j = 0; j < N; j++) {
        const bRow = bOff + j * ldb;
        let s = 0;
        if (transA) for (let k = 0; k < K; k++) s += A[aOff + k * lda + i] * B[bRow + k];
        else {
          const aRow = aOff + i * lda;
          for (let k = 0; k < K; k++) s += A[aRow + k] * B[bRow + k];
        }
        C[cRow + j] += alpha * s;
      }
    }
  }
};
