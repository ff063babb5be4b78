// The f32 GEMM in WebAssembly SIMD: packing, the micro-kernel and the blocked driver.
// Two builds: 128-bit SIMD with a 5x8 micro-kernel (mul + add: deterministic, the same
// bits everywhere), and relaxed SIMD (`--enable relaxed-simd`, ASC_FEATURE_RELAXED_SIMD)
// with a 6x8 micro-kernel on f32x4.relaxed_madd (fused where the CPU has FMA). Imported by the module entries f32-gemm.ts (the GEMM alone) and
// f32-rnn.ts (the fused recurrent kernels, which reuse the packing and the micro-kernel).
//
//   C = alpha * op(A) op(B) + beta * C, row-major, op(A) M x K, op(B) K x N, C M x N.
//
// All pointers are byte offsets into the imported memory; leading dimensions are in
// elements. The module allocates nothing: the caller hands it two scratch buffers,
// `packA` (MC x KC floats) and `packB` (KC x NC floats, rounded up to NR), plus an
// MR x NR accumulator tile. Goto/BLIS loop order:
//
//   jc over N by NC:  pc over K by KC:  pack op(B)[pc:, jc:] into NR-wide panels
//     ic over M by MC:  pack op(A)[ic:, pc:] into MR-high panels
//       jr over NR panels:  ir over MR panels:  5x8 micro-kernel
//
// The micro-kernel writes its accumulators to the tile; updateFull/updateEdge then
// apply C = alpha * tile + beta * C with beta in the first K block only (beta = 0
// writes without reading C, so NaN in C is overwritten like BLAS); later K blocks add.

/** Micro-tile: MR rows x NR columns, 10 (relaxed: 12) f32x4 accumulators. */
export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;
export const NR: i32 = 8;
/** Cache blocks (elements): B panel KC x NR = 8 KiB in L1, A block MC x KC = 190 KiB in L2. */
export const KC: i32 = 256;
export const MC: i32 = ASC_FEATURE_RELAXED_SIMD ? 192 : 190;
export const NC: i32 = 2048;
export const TILE_MR: i32 = MR;
export const TILE_NR: i32 = NR;

// ---- packing --------------------------------------------------------------------

/**
 * Packs op(A)[i0 : i0+mc, k0 : k0+kc] into MR-row panels: panel p holds, for each k,
 * MR consecutive floats (rows p*MR .. p*MR+MR-1), zero-padded past mc.
 */
export function packA(transA: bool, a: usize, lda: i32, i0: i32, k0: i32, mc: i32, kc: i32, dst: usize): void {
  for (let p = 0; p < mc; p += MR) {
    const rows = min(MR, mc - p);
    if (!transA) {
      // op(A)(i, k) = A[i * lda + k]: gather one float from each of MR rows per k.
      if (rows == MR) {
        const r0 = a + ((<usize>(i0 + p) * lda + k0) << 2);
        const st = <usize>lda << 2;
        const r1 = r0 + st;
        const r2 = r1 + st;
        const r3 = r2 + st;
        const r4 = r3 + st;
        const r5 = r4 + st;
        let d = dst;
        for (let k = 0; k < kc; k++) {
          const o = <usize>k << 2;
          store<f32>(d, load<f32>(r0 + o), 0);
          store<f32>(d, load<f32>(r1 + o), 4);
          store<f32>(d, load<f32>(r2 + o), 8);
          store<f32>(d, load<f32>(r3 + o), 12);
          store<f32>(d, load<f32>(r4 + o), 16);
          if (ASC_FEATURE_RELAXED_SIMD) store<f32>(d, load<f32>(r5 + o), 20);
          d += MR << 2;
        }
      } else {
        packEdge(a + ((<usize>(i0 + p) * lda + k0) << 2), <usize>lda << 2, true, kc, rows, MR, dst);
      }
    } else {
      // op(A)(i, k) = A[k * lda + i]: MR consecutive floats per k.
      packLines(a + ((<usize>k0 * lda + i0 + p) << 2), <usize>lda << 2, kc, rows, MR, dst);
    }
    dst += <usize>(kc * MR) << 2;
  }
}

/**
 * Packs op(B)[k0 : k0+kc, j0 : j0+nc] into NR-column panels: panel q holds, for each
 * k, NR consecutive floats (columns q*NR .. q*NR+NR-1), zero-padded past nc.
 */
export function packB(transB: bool, b: usize, ldb: i32, k0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  for (let q = 0; q < nc; q += NR) {
    const cols = min(NR, nc - q);
    if (!transB) {
      // op(B)(k, j) = B[k * ldb + j]: NR consecutive floats per k.
      packLines(b + ((<usize>k0 * ldb + j0 + q) << 2), <usize>ldb << 2, kc, cols, NR, dst);
    } else {
      // op(B)(k, j) = B[j * ldb + k]: NR rows of B, read 4 k at a time and transposed.
      const st = <usize>ldb << 2;
      if (cols == NR) {
        const r0 = b + ((<usize>(j0 + q) * ldb + k0) << 2);
        let d = dst;
        let k = 0;
        for (; k + 4 <= kc; k += 4) {
          const o = <usize>k << 2;
          // two 4x4 transposes: rows 0-3 and rows 4-7 of B (columns of op(B))
          transpose4x4(r0 + o, st, d, NR << 2);
          transpose4x4(r0 + o + (st << 2), st, d + 16, NR << 2);
          d += (NR * 4) << 2;
        }
        for (; k < kc; k++) {
          const o = r0 + (<usize>k << 2);
          for (let c = 0; c < NR; c++) store<f32>(d + (<usize>c << 2), load<f32>(o + <usize>c * st));
          d += NR << 2;
        }
      } else {
        packEdge(b + ((<usize>(j0 + q) * ldb + k0) << 2), st, true, kc, cols, NR, dst);
      }
    }
    dst += <usize>(kc * NR) << 2;
  }
}

/**
 * Packs a panel from `kc` lines (one per k, `st` bytes apart) of `n` consecutive floats:
 * `W` floats per k at `d` (W = MR for A, NR for B: 5, 6 or 8, a constant), zero-padded
 * past `n`. A full panel (n == W) copies each line with one f32x4 and the rest.
 */
// @ts-ignore: decorator
@inline
function packLines(s: usize, st: usize, kc: i32, n: i32, W: i32, d: usize): void {
  if (n < W) {
    packEdge(s, st, false, kc, n, W, d);
    return;
  }
  for (let k = 0; k < kc; k++) {
    v128.store(d, v128.load(s));
    if (W == 8) v128.store(d, v128.load(s, 16), 16);
    else if (W == 6) store<u64>(d, load<u64>(s, 16), 16);
    else store<f32>(d, load<f32>(s, 16), 16);
    s += st;
    d += <usize>W << 2;
  }
}

/**
 * Packs an edge panel: for each of `kc` k, `W` floats at `d` (W = MR for A, NR for B), the
 * first `n` (< W) from the source and the rest zeros. The source at `s`: `n` lines
 * `st` bytes apart, one float per k each (`across` = true: one float from each line per
 * k), or per k a line of `n` consecutive floats, the lines `st` bytes apart.
 */
// @ts-ignore: decorator
@inline
function packEdge(s: usize, st: usize, across: bool, kc: i32, n: i32, W: i32, d: usize): void {
  for (let k = 0; k < kc; k++) {
    for (let r = 0; r < W; r++) {
      const src = across ? s + <usize>r * st + (<usize>k << 2) : s + <usize>k * st + (<usize>r << 2);
      const v: f32 = r < n ? load<f32>(src) : 0;
      store<f32>(d + (<usize>r << 2), v);
    }
    d += <usize>W << 2;
  }
}

/** Reads a 4x4 block at `s` (row stride `ss` bytes) and writes its transpose at `d` (row stride `ds` bytes). */
// @ts-ignore: decorator
@inline
function transpose4x4(s: usize, ss: usize, d: usize, ds: usize): void {
  const x0 = v128.load(s);
  const x1 = v128.load(s + ss);
  const x2 = v128.load(s + ss * 2);
  const x3 = v128.load(s + ss * 3);
  // t0 = x0[0] x1[0] x0[1] x1[1]; t1 = x0[2] x1[2] x0[3] x1[3]; same for x2/x3
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(d + ds, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(d + ds * 2, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(d + ds * 3, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

// ---- micro-kernel -------------------------------------------------------------------

/**
 * c + a * b lanewise: mul then add in the 128-bit build (deterministic: the same bits
 * everywhere), f32x4.relaxed_madd in the relaxed build (one FMA where the CPU has one, so
 * no temporary; results may differ from the 128-bit build by rounding).
 */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * out[0:MR, 0:8] (row stride NR) = packed A panel (MR x kc) x packed B panel (kc x 8).
 *
 * The accumulators go to a 16-byte-aligned tile in L1, and `updateFull`/`updateEdge`
 * apply alpha and beta: with alpha, beta and C's pointer live across the loop, V8
 * scheduled the A broadcasts early and spilled accumulators (~20 GFLOP/s in the GEMM
 * against ~30+ for this loop alone).
 *
 * 128-bit build: 5x8 rather than 6x8: V8 on x64 allocates 15 of the 16 xmm registers
 * (xmm15 is its scratch), and without FMA each product needs a temporary, so 10
 * accumulators + 2 B vectors + 1 broadcast A + 1 product = 14 fit, while 6x8 (16) spills
 * an accumulator through the stack on every k step (measured: 5x8 ~30-40, 6x8 ~26
 * GFLOP/s on L1 data). Relaxed build: 6x8 on `madd` (no temporary: 12 accumulators + 2 B
 * vectors + 1 broadcast fit); row 5 exists only there (a constant condition, so the
 * 128-bit build has no trace of it).
 */
export function microKernel(kc: i32, pa: usize, pb: usize, out: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    // c[r][j] += A[r] * B[j, j + 4) (each A[r] broadcast is loaded once: the two loads of
    // a row are the same expression, which the optimiser merges)
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    c00 = madd(v128.load32_splat(pa, 0), b0, c00);
    c01 = madd(v128.load32_splat(pa, 0), b1, c01);
    c10 = madd(v128.load32_splat(pa, 4), b0, c10);
    c11 = madd(v128.load32_splat(pa, 4), b1, c11);
    c20 = madd(v128.load32_splat(pa, 8), b0, c20);
    c21 = madd(v128.load32_splat(pa, 8), b1, c21);
    c30 = madd(v128.load32_splat(pa, 12), b0, c30);
    c31 = madd(v128.load32_splat(pa, 12), b1, c31);
    c40 = madd(v128.load32_splat(pa, 16), b0, c40);
    c41 = madd(v128.load32_splat(pa, 16), b1, c41);
    if (ASC_FEATURE_RELAXED_SIMD) {
      c50 = madd(v128.load32_splat(pa, 20), b0, c50);
      c51 = madd(v128.load32_splat(pa, 20), b1, c51);
    }
    pa += MR << 2;
    pb += NR << 2;
  }
  v128.store(out, c00, 0);
  v128.store(out, c01, 16);
  v128.store(out, c10, 32);
  v128.store(out, c11, 48);
  v128.store(out, c20, 64);
  v128.store(out, c21, 80);
  v128.store(out, c30, 96);
  v128.store(out, c31, 112);
  v128.store(out, c40, 128);
  v128.store(out, c41, 144);
  if (ASC_FEATURE_RELAXED_SIMD) {
    v128.store(out, c50, 160);
    v128.store(out, c51, 176);
  }
}

/**
 * C[0:MR, 0:8] = alpha * tile + beta * C; `ldc` in bytes. beta == 0 writes C without
 * reading it (NaN in C is overwritten, like BLAS); beta == 1 takes the general path
 * (1 * C is C exactly, so the sum is the same bits as C + alpha * tile).
 */
export function updateFull(t: usize, c: usize, ldc: usize, alpha: f32, beta: f32): void {
  const av = f32x4.splat(alpha);
  if (beta == 0) {
    for (let r = 0; r < MR; r++) {
      v128.store(c, f32x4.mul(v128.load(t), av));
      v128.store(c, f32x4.mul(v128.load(t, 16), av), 16);
      t += NR << 2;
      c += ldc;
    }
    return;
  }
  const bv = f32x4.splat(beta);
  for (let r = 0; r < MR; r++) {
    v128.store(c, f32x4.add(f32x4.mul(v128.load(c), bv), f32x4.mul(v128.load(t), av)));
    v128.store(c, f32x4.add(f32x4.mul(v128.load(c, 16), bv), f32x4.mul(v128.load(t, 16), av)), 16);
    t += NR << 2;
    c += ldc;
  }
}

/** C[0:mr, 0:nr] = alpha * tile + beta * C for an edge tile (beta == 0: C not read). */
export function updateEdge(t: usize, c: usize, ldc: usize, mr: i32, nr: i32, alpha: f32, beta: f32): void {
  for (let r = 0; r < mr; r++) {
    for (let q = 0; q < nr; q++) {
      const o = <usize>q << 2;
      const v = alpha * load<f32>(t + o);
      if (beta == 0) store<f32>(c + o, v);
      else if (beta == 1) store<f32>(c + o, load<f32>(c + o) + v);
      else store<f32>(c + o, beta * load<f32>(c + o) + v);
    }
    t += NR << 2;
    c += ldc;
  }
}

// ---- driver ---------------------------------------------------------------------------

/**
 * C = alpha * op(A) op(B) + beta * C for M, N, K > 0 (the caller handles empty sizes,
 * K == 0 and alpha == 0). `packA` needs MC * KC floats, `packB` KC * roundup(min(N, NC), NR)
 * floats, `tile` MR * NR floats; all 16-byte aligned.
 */
export function f32_gemm(
  transA: bool, transB: bool, M: i32, N: i32, K: i32, alpha: f32,
  a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32,
  pa: usize, pb: usize, tile: usize,
): void {
  const ldcB = <usize>ldc << 2;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      const bt: f32 = pc == 0 ? beta : 1;
      packB(transB, b, ldb, pc, jc, kc, nc, pb);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA(transA, a, lda, ic, pc, mc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pbp = pb + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const pap = pa + (<usize>(ir * kc) << 2);
            const cp = c + ((<usize>(ic + ir) * ldc + jc + jr) << 2);
            // Two call sites keep Binaryen from inlining the kernel into this loop nest
            // (inlined, V8 allocates its registers worse: see microKernel).
            if (mr == MR && nr == NR) {
              microKernel(kc, pap, pbp, tile);
              updateFull(tile, cp, ldcB, alpha, bt);
            } else {
              microKernel(kc, pap, pbp, tile);
              updateEdge(tile, cp, ldcB, mr, nr, alpha, bt);
            }
          }
        }
      }
    }
  }
}
