// GEMMs of the fused recurrent layer (f32-rnn.ts) on B operands packed once per call, and
// the row copies and sums its loops share with the per-step entries (rnn-steps.ts).

import { KC, MC, MR, NR, microKernel, packA, packB, updateEdge, updateFull } from './gemm-core';

// ---- GEMM on pre-packed B panel sets --------------------------------------------------------
// A "set" is op(B)[0:K, col0:col0+N] packed once: K blocks of KC rows; block pc sits at
// float offset pc * NP (NP = N rounded up to NR) and holds NP/NR panels of kc x NR floats.

// @ts-ignore: decorator
@inline export function roundNR(n: i32): i32 {
  return ((n + NR - 1) / NR) * NR;
}

/** Packs panels [q0, q1) of the set of op(B)[0:K, col0:col0+N] into `dst` (the set's base). */
export function packSet(transB: bool, b: usize, ldb: i32, K: i32, col0: i32, N: i32, q0: i32, q1: i32, dst: usize): void {
  if (q1 <= q0) return;
  const NP = roundNR(N);
  const j0 = q0 * NR;
  const nc = min(N, q1 * NR) - j0;
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    packB(transB, b, ldb, pc, col0 + j0, kc, nc, dst + ((<usize>pc * NP + <usize>q0 * kc * NR) << 2));
  }
}

/**
 * For each of `nsets` panel sets (set g at `set + g * setStride` bytes, its C columns at
 * `c + g * cStride` bytes): C[0:M, q0*NR : min(N, q1*NR)] = A (M x K, row-major, lda)
 * x set panels [q0, q1) + beta C (beta == 0: C not read). A is packed once per block
 * for all sets. `pa` holds MC x KC floats, `tile` MR x NR.
 */
export function gemmSets(M: i32, K: i32, a: usize, lda: i32, nsets: i32, set: usize, setStride: usize, N: i32, q0: i32, q1: i32, c: usize, cStride: usize, ldc: i32, beta: f32, pa: usize, tile: usize): void {
  if (M <= 0 || q1 <= q0) return;
  const NP = roundNR(N);
  const ldcB = <usize>ldc << 2;
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    const bt: f32 = pc == 0 ? beta : 1;
    for (let ic = 0; ic < M; ic += MC) {
      const mc = min(MC, M - ic);
      packA(false, a, lda, ic, pc, mc, kc, pa);
      for (let g = 0; g < nsets; g++) {
        const blk = set + <usize>g * setStride + ((<usize>pc * NP) << 2);
        const cg = c + <usize>g * cStride;
        for (let q = q0; q < q1; q++) {
          const nr = min(NR, N - q * NR);
          const pbp = blk + ((<usize>q * kc * NR) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const pap = pa + (<usize>(ir * kc) << 2);
            const cp = cg + ((<usize>(ic + ir) * ldc + q * NR) << 2);
            if (mr == MR && nr == NR) {
              microKernel(kc, pap, pbp, tile);
              updateFull(tile, cp, ldcB, 1, bt);
            } else {
              microKernel(kc, pap, pbp, tile);
              updateEdge(tile, cp, ldcB, mr, nr, 1, bt);
            }
          }
        }
      }
    }
  }
}

/** `gemmSets` with one set. */
// @ts-ignore: decorator
@inline export function gemmSet(M: i32, K: i32, a: usize, lda: i32, set: usize, N: i32, q0: i32, q1: i32, c: usize, ldc: i32, beta: f32, pa: usize, tile: usize): void {
  gemmSets(M, K, a, lda, 1, set, 0, N, q0, q1, c, 0, ldc, beta, pa, tile);
}

/** Copies columns [j0, j1) of `n` rows (row strides in elements). */
export function copyCols(n: i32, j0: i32, j1: i32, src: usize, lds: i32, dst: usize, ldd: i32): void {
  if (j1 <= j0) return;
  const bytes = <usize>(j1 - j0) << 2;
  for (let b = 0; b < n; b++) {
    memory.copy(dst + ((<usize>b * ldd + j0) << 2), src + ((<usize>b * lds + j0) << 2), bytes);
  }
}

/** d[0:n] += s[0:n] (f32x4, then one float at a time). */
export function addTo(d: usize, s: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const q = <usize>i << 2;
    v128.store(d + q, f32x4.add(v128.load(d + q), v128.load(s + q)));
  }
  for (; i < n; i++) {
    const q = <usize>i << 2;
    store<f32>(d + q, load<f32>(d + q) + load<f32>(s + q));
  }
}
