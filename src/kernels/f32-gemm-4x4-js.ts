import { f32GemmEntry, type F32GemmKernel } from './f32-gemm-entry.js';
import type { Gemm } from './ref/f-gemm-ref.js';

// Optimized pure-JS f32 GEMM, the fallback where WebAssembly SIMD is missing. Same
// contract and signature as `gemmRef` (C = alpha * op(A) op(B) + beta * C, row-major).
//
// Goto-style: op(B) is packed by blocks of KC x NC into 4-column panels, op(A) by 4-row
// panels of KC, and a 4x4 register tile (16 local accumulators, i-k-j) runs over them.
// JS numbers accumulate in double precision; results are rounded to float32 on store.
// Scratch buffers are module-level and only grow: no allocation per call once warm.

/** Register tile. */
const MR = 4;
const NR = 4;
/** K block: a 4 x KC A panel (4 KiB) and a KC x 4 B panel stay in L1. */
const KC = 256;
/** N block: the packed KC x NC op(B) block (1 MiB) stays in L2/L3. */
const NC = 1024;

let packA = new Float32Array(MR * KC); // [KC][MR]
let packB = new Float32Array(0); // [NC / NR][KC][NR]
const tile = new Float64Array(MR * NR); // [MR][NR]

/**
 * The 4x4 register-blocked kernel behind `f32Gemm4x4Js`, on arguments `f32GemmEntry`
 * checked (also the WebAssembly GEMMs' fallback).
 */
export const f32Gemm4x4Kernel: F32GemmKernel = (g) => {
  const [transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc] = g;
  // op(A)(i, k) = A[aOff + i * aRs + k * aCs]; op(B)(k, j) = B[bOff + k * bRs + j * bCs]
  const aRs = transA ? 1 : lda;
  const aCs = transA ? lda : 1;
  const bRs = transB ? 1 : ldb;
  const bCs = transB ? ldb : 1;
  const ncMax = Math.min(N, NC);
  const pbLen = Math.ceil(ncMax / NR) * NR * Math.min(K, KC);
  if (packB.length < pbLen) packB = new Float32Array(pbLen);
  if (packA.length < MR * KC) packA = new Float32Array(MR * KC);
  const pa = packA;
  const pb = packB;

  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      const bt = pc === 0 ? beta : 1;
      // pack op(B)[pc:pc+kc, jc:jc+nc] into NR-wide panels, zero-padded
      let d = 0;
      for (let q = 0; q < nc; q += NR) {
        const cols = Math.min(NR, nc - q);
        for (let k = 0; k < kc; k++) {
          const s = bOff + (pc + k) * bRs + (jc + q) * bCs;
          for (let c = 0; c < NR; c++) pb[d++] = c < cols ? B[s + c * bCs] : 0;
        }
      }
      for (let i0 = 0; i0 < M; i0 += MR) {
        const mr = Math.min(MR, M - i0);
        // pack op(A)[i0:i0+mr, pc:pc+kc] as [k][r], zero-padded
        let e = 0;
        for (let k = 0; k < kc; k++) {
          const s = aOff + i0 * aRs + (pc + k) * aCs;
          for (let r = 0; r < MR; r++) pa[e++] = r < mr ? A[s + r * aRs] : 0;
        }
        for (let q = 0; q < nc; q += NR) {
          const nr = Math.min(NR, nc - q);
          let c00 = 0,
            c01 = 0,
            c02 = 0,
            c03 = 0;
          let c10 = 0,
            c11 = 0,
            c12 = 0,
            c13 = 0;
          let c20 = 0,
            c21 = 0,
            c22 = 0,
            c23 = 0;
          let c30 = 0,
            c31 = 0,
            c32 = 0,
            c33 = 0;
          let ia = 0;
          let ib = q * kc;
          for (let k = 0; k < kc; k++) {
            const a0 = pa[ia],
              a1 = pa[ia + 1],
              a2 = pa[ia + 2],
              a3 = pa[ia + 3];
            const b0 = pb[ib],
              b1 = pb[ib + 1],
              b2 = pb[ib + 2],
              b3 = pb[ib + 3];
            c00 += a0 * b0;
            c01 += a0 * b1;
            c02 += a0 * b2;
            c03 += a0 * b3;
            c10 += a1 * b0;
            c11 += a1 * b1;
            c12 += a1 * b2;
            c13 += a1 * b3;
            c20 += a2 * b0;
            c21 += a2 * b1;
            c22 += a2 * b2;
            c23 += a2 * b3;
            c30 += a3 * b0;
            c31 += a3 * b1;
            c32 += a3 * b2;
            c33 += a3 * b3;
            ia += MR;
            ib += NR;
          }
          tile[0] = c00;
          tile[1] = c01;
          tile[2] = c02;
          tile[3] = c03;
          tile[4] = c10;
          tile[5] = c11;
          tile[6] = c12;
          tile[7] = c13;
          tile[8] = c20;
          tile[9] = c21;
          tile[10] = c22;
          tile[11] = c23;
          tile[12] = c30;
          tile[13] = c31;
          tile[14] = c32;
          tile[15] = c33;
          for (let r = 0; r < mr; r++) {
            const cRow = cOff + (i0 + r) * ldc + jc + q;
            const t = r * NR;
            if (bt === 0) for (let c = 0; c < nr; c++) C[cRow + c] = alpha * tile[t + c];
            else if (bt === 1) for (let c = 0; c < nr; c++) C[cRow + c] += alpha * tile[t + c];
            else for (let c = 0; c < nr; c++) C[cRow + c] = bt * C[cRow + c] + alpha * tile[t + c];
          }
        }
      }
    }
  }
};

/**
 * f32 GEMM in JavaScript, 4x4 register-blocked (`f32-gemm-4x4-js`). Float32Array
 * operands only; any other operand type is handed to `gemmRef` (see `f32GemmEntry`).
 */
export const f32Gemm4x4Js: Gemm = f32GemmEntry(f32Gemm4x4Kernel);
