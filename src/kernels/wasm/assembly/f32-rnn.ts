// AssemblyScript source of the fused recurrent layer (`f32-rnn-sequence-wasmsimd`):
// the whole sequence of one layer and direction, forward (`rnn_forward`) and backward
// (`rnn_backward`), in WebAssembly SIMD (128-bit, no relaxed SIMD). Compiled twice by
// scripts/build-wasm.mjs: a plain build, and a shared-memory build (`--sharedMemory
// --enable threads`) that the worker pool runs on several threads at once. Driven by
// src/kernels/f32-rnn-sequence-wasmsimd.ts, which lays the buffers out in the memory and
// writes their byte offsets and the sizes into a parameter block (see the F_* indices).
//
// Same semantics as src/kernels/ref/rnn-sequence-ref.ts (packed batchSizes, reverse,
// LSTM projection, optional biases): the input projection x W_ih^T of every step is one
// GEMM (rows split over threads), W_hh (and W_hr) are packed once per call into NR-wide
// panels, one panel set per gate, and each step runs the recurrent GEMM straight from the
// packed panels into the gate rows, then the f32x4 gate kernel. Threads split the hidden
// units (whole NR panels) of every gate, so a step needs one barrier; the backward pass
// splits the state columns the same way and ends with the dX, dW_ih, dW_hh (and dW_hr)
// GEMMs split by output rows. Every output element is computed by the same instructions
// in the same order for any thread count: the results are bit-identical.
//
// Thread `tid` of `nt` runs `rnn_forward(P, tid, nt)`; with nt = 1 there is no barrier.

import { KC, MC, MR, NR, f32_gemm, kernel5x8, packA, packB, updateEdge, updateFull } from './gemm-core';

// Re-exported so the shared build is also the worker pool's GEMM.
export { f32_gemm, KC, MC, NC, TILE_MR, TILE_NR } from './gemm-core';

// ---- the parameter block: i32 fields at P + 4 * index ---------------------------------

/** Cell: 0 lstm, 1 gru, 2 rnn_tanh, 3 rnn_relu. */
const F_KIND = 0;
const F_I = 1;
const F_H = 2;
const F_HOUT = 3;
const F_L = 4;
const F_B = 5;
const F_ROWS = 6;
const F_REV = 7;
/** (L) i32 batch sizes, (L) i32 first row of each step. */
const F_BS = 8;
const F_OFFS = 9;
const F_X = 10; // (rows, I)
const F_WIH = 11; // (GH, I)
const F_WHH = 12; // (GH, Hout)
const F_BIAS = 13; // (GH) b_ih + b_hh (gru: without b_hn), or 0 for none
const F_BHN = 14; // (H) gru b_hn (zeros without bias)
const F_WHR = 15; // (Hout, H) or 0
const F_OUT = 16; // (rows, Hout)
const F_HN = 17; // (B, Hout) in: h0, out: hN
const F_CN = 18; // (B, H) in: c0, out: cN
const F_GATES = 19; // (rows, GH)
const F_HPREV = 20; // (rows, Hout)
const F_CPREV = 21; // (rows, H)
const F_CNEW = 22; // (rows, H)
const F_HRAW = 23; // (rows, H)
const F_GHN = 24; // (rows, H)
const F_GH = 25; // (B, GH) h W_hh^T of a step
const F_HBUF = 26; // (B, Hout) the second state buffer
const F_PWHH = 27; // packed W_hh^T (forward) or W_hh (backward)
const F_PWHR = 28; // packed W_hr^T (forward) or W_hr (backward)
const F_SCR = 29; // per-thread scratch: packA, packB, tile
const F_SCR_STRIDE = 30; // bytes between threads' scratch
const F_SCR_PB = 31; // byte offset of packB inside a scratch
const F_SCR_TILE = 32; // byte offset of the tile inside a scratch
const F_BAR = 33; // barrier: [count, generation, abort] i32
// backward only
const F_DOUT = 34; // (rows, Hout) or 0
const F_DX = 35; // (rows, I) or 0
const F_DWIH = 36; // (GH, I) or 0
const F_DWHH = 37; // (GH, Hout) or 0
const F_DBIH = 38; // (GH) or 0
const F_DBHH = 39; // (GH) or 0
const F_DWHR = 40; // (Hout, H) or 0
const F_DH = 41; // (B, Hout) in: dhN (zeros if none), out: dh0
const F_DC = 42; // (B, H) in: dcN, out: dc0
const F_DGX = 43; // (rows, GH); the JS side lays it over F_GATES (read before written, per element)
const F_DGH = 44; // (rows, GH) gru (else = F_DGX)
const F_DHALL = 45; // (rows, Hout) projection
const F_DRAW = 46; // (B, H) projection
const F_ACC = 47; // (GH) f64 column sums

// @ts-ignore: decorator
@inline function fld(P: usize, i: i32): i32 {
  return load<i32>(P + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function ptr(P: usize, i: i32): usize {
  return <usize>load<u32>(P + (<usize>i << 2));
}

/** The first index of thread `t`'s share of `n` items split into `nt` parts. */
// @ts-ignore: decorator
@inline function part(n: i32, t: i32, nt: i32): i32 {
  return <i32>((<i64>n * <i64>t) / <i64>nt);
}

// ---- barrier ----------------------------------------------------------------------------

const SPINS = 4000;

/**
 * Waits until all `nt` threads have arrived (a generation barrier on the shared memory).
 * Returns false when another thread set the abort flag (it failed): the caller returns.
 */
function barrier(bar: usize, nt: i32): bool {
  if (nt <= 1) return true;
  if (ASC_FEATURE_THREADS) {
    const gen = atomic.load<i32>(bar, 4);
    if (atomic.add<i32>(bar, 1) == nt - 1) {
      atomic.store<i32>(bar, 0);
      atomic.store<i32>(bar, gen + 1, 4);
      atomic.notify(bar + 4, nt);
      return atomic.load<i32>(bar, 8) == 0;
    }
    let spins = 0;
    while (atomic.load<i32>(bar, 4) == gen) {
      if (atomic.load<i32>(bar, 8) != 0) return false;
      if (++spins > SPINS) memory.atomic.wait32(bar + 4, gen, 1000000);
    }
    return atomic.load<i32>(bar, 8) == 0;
  }
  return true;
}

// ---- f32x4 math -------------------------------------------------------------------------

/**
 * exp(x) lanewise: x = n ln2 + r, |r| <= ln2/2, exp(r) by the Cephes expf polynomial
 * (relative error ~1e-7), times 2^n built in the exponent bits. x is clamped to
 * [-87, 88] so 2^n stays a normal float (no inf, no denormal); NaN stays NaN.
 */
// @ts-ignore: decorator
@inline function vexp(x0: v128): v128 {
  const x = f32x4.min(f32x4.max(x0, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const fx = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1.0));
  const e = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fx), i32x4.splat(127)), 23);
  return f32x4.mul(y, e);
}

/** 1 / (1 + exp(-x)) lanewise: relative error ~2e-7; 0 < result <= 1, no NaN for finite x. */
// @ts-ignore: decorator
@inline function vsigmoid(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

/**
 * tanh(x) lanewise with a small relative error everywhere: for |x| < 0.625 the Cephes
 * tanhf odd polynomial x + x^3 P(x^2) (no cancellation near 0), else
 * sign(x) (1 - 2 / (exp(2|x|) + 1)), which saturates to exactly +-1.
 */
// @ts-ignore: decorator
@inline function vtanh(x: v128): v128 {
  const one = f32x4.splat(1.0);
  const ax = f32x4.abs(x);
  const big = f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(vexp(f32x4.add(ax, ax)), one)));
  const bigS = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  return v128.bitselect(small, bigS, f32x4.lt(ax, f32x4.splat(0.625)));
}

/** Loads 4 floats at p, or (full = false) one float into every lane. */
// @ts-ignore: decorator
@inline function ld(p: usize, full: bool): v128 {
  return full ? v128.load(p) : v128.load32_splat(p);
}
/** Stores 4 floats at p, or (full = false) lane 0 only. */
// @ts-ignore: decorator
@inline function st(p: usize, v: v128, full: bool): void {
  if (full) v128.store(p, v);
  else store<f32>(p, f32x4.extract_lane(v, 0));
}

// ---- gate kernels over units [j0, j1) of `bs` rows ----------------------------------------
// Byte offsets: `o` = 4*j within a row. Rows of the step start at row `off`.

// @ts-ignore: decorator
@inline function lstmFwdAt(g: usize, H4: usize, gh: usize, c: usize, cp: usize, cn: usize, ho: usize, full: bool): void {
  const i = vsigmoid(f32x4.add(ld(g, full), ld(gh, full)));
  const f = vsigmoid(f32x4.add(ld(g + H4, full), ld(gh + H4, full)));
  const gg = vtanh(f32x4.add(ld(g + 2 * H4, full), ld(gh + 2 * H4, full)));
  const o = vsigmoid(f32x4.add(ld(g + 3 * H4, full), ld(gh + 3 * H4, full)));
  st(g, i, full);
  st(g + H4, f, full);
  st(g + 2 * H4, gg, full);
  st(g + 3 * H4, o, full);
  const cprev = ld(c, full);
  st(cp, cprev, full);
  const cnew = f32x4.add(f32x4.mul(f, cprev), f32x4.mul(i, gg));
  st(cn, cnew, full);
  st(c, cnew, full);
  st(ho, f32x4.mul(o, vtanh(cnew)), full);
}

/** gates (x W_ih^T + biases) + gh (h W_hh^T) -> activations in gates; c, cPrev, cNew; hOut (ld ldo). */
function lstmForward(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, gh: usize, c: usize, cPrev: usize, cNew: usize, hOut: usize, ldo: i32): void {
  const H4 = <usize>H << 2;
  for (let b = 0; b < bs; b++) {
    const g = gates + <usize>b * 4 * H4;
    const ghr = gh + <usize>b * 4 * H4;
    const cr = c + <usize>b * H4;
    const pr = cPrev + <usize>b * H4;
    const nr = cNew + <usize>b * H4;
    const hr = hOut + ((<usize>b * ldo) << 2);
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const o = <usize>j << 2;
      lstmFwdAt(g + o, H4, ghr + o, cr + o, pr + o, nr + o, hr + o, true);
    }
    for (; j < j1; j++) {
      const o = <usize>j << 2;
      lstmFwdAt(g + o, H4, ghr + o, cr + o, pr + o, nr + o, hr + o, false);
    }
  }
}

// @ts-ignore: decorator
@inline function gruFwdAt(g: usize, H4: usize, gh: usize, bhn: usize, h: usize, ghn: usize, out: usize, full: bool): void {
  const r = vsigmoid(f32x4.add(ld(g, full), ld(gh, full)));
  const z = vsigmoid(f32x4.add(ld(g + H4, full), ld(gh + H4, full)));
  const hn = f32x4.add(ld(gh + 2 * H4, full), ld(bhn, full));
  st(ghn, hn, full);
  const n = vtanh(f32x4.add(ld(g + 2 * H4, full), f32x4.mul(r, hn)));
  st(g, r, full);
  st(g + H4, z, full);
  st(g + 2 * H4, n, full);
  const one = f32x4.splat(1.0);
  st(out, f32x4.add(f32x4.mul(f32x4.sub(one, z), n), f32x4.mul(z, ld(h, full))), full);
}

function gruForward(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, gh: usize, bhn: usize, h: usize, ghn: usize, out: usize): void {
  const H4 = <usize>H << 2;
  for (let b = 0; b < bs; b++) {
    const g = gates + <usize>b * 3 * H4;
    const ghr = gh + <usize>b * 3 * H4;
    const hr = h + <usize>b * H4;
    const nr = ghn + <usize>b * H4;
    const orow = out + <usize>b * H4;
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const o = <usize>j << 2;
      gruFwdAt(g + o, H4, ghr + o, bhn + o, hr + o, nr + o, orow + o, true);
    }
    for (; j < j1; j++) {
      const o = <usize>j << 2;
      gruFwdAt(g + o, H4, ghr + o, bhn + o, hr + o, nr + o, orow + o, false);
    }
  }
}

// @ts-ignore: decorator
@inline function rnnFwdAt(g: usize, gh: usize, out: usize, relu: bool, full: bool): void {
  const a = f32x4.add(ld(g, full), ld(gh, full));
  const zero = f32x4.splat(0.0);
  // relu: a > 0 ? a : 0 (NaN -> 0, as the reference)
  const y = relu ? v128.and(a, f32x4.gt(a, zero)) : vtanh(a);
  st(g, y, full);
  st(out, y, full);
}

function rnnForward(bs: i32, H: i32, j0: i32, j1: i32, relu: bool, gates: usize, gh: usize, out: usize): void {
  const H4 = <usize>H << 2;
  for (let b = 0; b < bs; b++) {
    const g = gates + <usize>b * H4;
    const ghr = gh + <usize>b * H4;
    const orow = out + <usize>b * H4;
    let j = j0;
    if (relu) {
      for (; j + 4 <= j1; j += 4) rnnFwdAt(g + (<usize>j << 2), ghr + (<usize>j << 2), orow + (<usize>j << 2), true, true);
      for (; j < j1; j++) rnnFwdAt(g + (<usize>j << 2), ghr + (<usize>j << 2), orow + (<usize>j << 2), true, false);
    } else {
      for (; j + 4 <= j1; j += 4) rnnFwdAt(g + (<usize>j << 2), ghr + (<usize>j << 2), orow + (<usize>j << 2), false, true);
      for (; j < j1; j++) rnnFwdAt(g + (<usize>j << 2), ghr + (<usize>j << 2), orow + (<usize>j << 2), false, false);
    }
  }
}

// @ts-ignore: decorator
@inline function lstmBwdAt(g: usize, H4: usize, cp: usize, cn: usize, dh: usize, dc: usize, dg: usize, full: bool): void {
  const one = f32x4.splat(1.0);
  const i = ld(g, full);
  const f = ld(g + H4, full);
  const gg = ld(g + 2 * H4, full);
  const o = ld(g + 3 * H4, full);
  const tc = vtanh(ld(cn, full));
  const dhv = ld(dh, full);
  const dct = f32x4.add(ld(dc, full), f32x4.mul(f32x4.mul(dhv, o), f32x4.sub(one, f32x4.mul(tc, tc))));
  st(dg, f32x4.mul(f32x4.mul(f32x4.mul(dct, gg), i), f32x4.sub(one, i)), full);
  st(dg + H4, f32x4.mul(f32x4.mul(f32x4.mul(dct, ld(cp, full)), f), f32x4.sub(one, f)), full);
  st(dg + 2 * H4, f32x4.mul(f32x4.mul(dct, i), f32x4.sub(one, f32x4.mul(gg, gg))), full);
  st(dg + 3 * H4, f32x4.mul(f32x4.mul(f32x4.mul(dhv, tc), o), f32x4.sub(one, o)), full);
  st(dc, f32x4.mul(dct, f), full);
}

function lstmBackward(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, cPrev: usize, cNew: usize, dh: usize, lddh: i32, dc: usize, dG: usize): void {
  const H4 = <usize>H << 2;
  for (let b = 0; b < bs; b++) {
    const g = gates + <usize>b * 4 * H4;
    const dg = dG + <usize>b * 4 * H4;
    const pr = cPrev + <usize>b * H4;
    const nr = cNew + <usize>b * H4;
    const dhr = dh + ((<usize>b * lddh) << 2);
    const dcr = dc + <usize>b * H4;
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const o = <usize>j << 2;
      lstmBwdAt(g + o, H4, pr + o, nr + o, dhr + o, dcr + o, dg + o, true);
    }
    for (; j < j1; j++) {
      const o = <usize>j << 2;
      lstmBwdAt(g + o, H4, pr + o, nr + o, dhr + o, dcr + o, dg + o, false);
    }
  }
}

// @ts-ignore: decorator
@inline function gruBwdAt(g: usize, H4: usize, ghn: usize, hp: usize, dh: usize, dgx: usize, dgh: usize, full: bool): void {
  const one = f32x4.splat(1.0);
  const r = ld(g, full);
  const z = ld(g + H4, full);
  const n = ld(g + 2 * H4, full);
  const d = ld(dh, full);
  const dan = f32x4.mul(f32x4.mul(d, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
  const dar = f32x4.mul(f32x4.mul(f32x4.mul(dan, ld(ghn, full)), r), f32x4.sub(one, r));
  const daz = f32x4.mul(f32x4.mul(f32x4.mul(d, f32x4.sub(ld(hp, full), n)), z), f32x4.sub(one, z));
  st(dgx, dar, full);
  st(dgx + H4, daz, full);
  st(dgx + 2 * H4, dan, full);
  st(dgh, dar, full);
  st(dgh + H4, daz, full);
  st(dgh + 2 * H4, f32x4.mul(dan, r), full);
  st(dh, f32x4.mul(d, z), full);
}

function gruBackward(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, ghn: usize, hPrev: usize, dh: usize, dGx: usize, dGh: usize): void {
  const H4 = <usize>H << 2;
  for (let b = 0; b < bs; b++) {
    const g = gates + <usize>b * 3 * H4;
    const gx = dGx + <usize>b * 3 * H4;
    const gh = dGh + <usize>b * 3 * H4;
    const nr = ghn + <usize>b * H4;
    const pr = hPrev + <usize>b * H4;
    const dr = dh + <usize>b * H4;
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const o = <usize>j << 2;
      gruBwdAt(g + o, H4, nr + o, pr + o, dr + o, gx + o, gh + o, true);
    }
    for (; j < j1; j++) {
      const o = <usize>j << 2;
      gruBwdAt(g + o, H4, nr + o, pr + o, dr + o, gx + o, gh + o, false);
    }
  }
}

// @ts-ignore: decorator
@inline function rnnBwdAt(g: usize, dh: usize, dg: usize, relu: bool, full: bool): void {
  const y = ld(g, full);
  const d = ld(dh, full);
  const zero = f32x4.splat(0.0);
  const r = relu ? v128.and(d, f32x4.gt(y, zero)) : f32x4.mul(d, f32x4.sub(f32x4.splat(1.0), f32x4.mul(y, y)));
  st(dg, r, full);
}

function rnnBackward(bs: i32, H: i32, j0: i32, j1: i32, relu: bool, gates: usize, dh: usize, dG: usize): void {
  const H4 = <usize>H << 2;
  for (let b = 0; b < bs; b++) {
    const g = gates + <usize>b * H4;
    const dr = dh + <usize>b * H4;
    const dg = dG + <usize>b * H4;
    let j = j0;
    if (relu) {
      for (; j + 4 <= j1; j += 4) rnnBwdAt(g + (<usize>j << 2), dr + (<usize>j << 2), dg + (<usize>j << 2), true, true);
      for (; j < j1; j++) rnnBwdAt(g + (<usize>j << 2), dr + (<usize>j << 2), dg + (<usize>j << 2), true, false);
    } else {
      for (; j + 4 <= j1; j += 4) rnnBwdAt(g + (<usize>j << 2), dr + (<usize>j << 2), dg + (<usize>j << 2), false, true);
      for (; j < j1; j++) rnnBwdAt(g + (<usize>j << 2), dr + (<usize>j << 2), dg + (<usize>j << 2), false, false);
    }
  }
}

// ---- GEMM on pre-packed B panel sets --------------------------------------------------------
// A "set" is op(B)[0:K, col0:col0+N] packed once: K blocks of KC rows; block pc sits at
// float offset pc * NP (NP = N rounded up to NR) and holds NP/NR panels of kc x NR floats.

// @ts-ignore: decorator
@inline function roundNR(n: i32): i32 {
  return ((n + NR - 1) / NR) * NR;
}

/** Packs panels [q0, q1) of the set of op(B)[0:K, col0:col0+N] into `dst` (the set's base). */
function packSet(transB: bool, b: usize, ldb: i32, K: i32, col0: i32, N: i32, q0: i32, q1: i32, dst: usize): void {
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
function gemmSets(M: i32, K: i32, a: usize, lda: i32, nsets: i32, set: usize, setStride: usize, N: i32, q0: i32, q1: i32, c: usize, cStride: usize, ldc: i32, beta: f32, pa: usize, tile: usize): void {
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
              kernel5x8(kc, pap, pbp, tile);
              updateFull(tile, cp, ldcB, 1, bt);
            } else {
              kernel5x8(kc, pap, pbp, tile);
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
@inline function gemmSet(M: i32, K: i32, a: usize, lda: i32, set: usize, N: i32, q0: i32, q1: i32, c: usize, ldc: i32, beta: f32, pa: usize, tile: usize): void {
  gemmSets(M, K, a, lda, 1, set, 0, N, q0, q1, c, 0, ldc, beta, pa, tile);
}

/** Copies columns [j0, j1) of `n` rows (row strides in elements). */
function copyCols(n: i32, j0: i32, j1: i32, src: usize, lds: i32, dst: usize, ldd: i32): void {
  if (j1 <= j0) return;
  const bytes = <usize>(j1 - j0) << 2;
  for (let b = 0; b < n; b++) {
    memory.copy(dst + ((<usize>b * ldd + j0) << 2), src + ((<usize>b * lds + j0) << 2), bytes);
  }
}

// ---- forward ----------------------------------------------------------------------------------

/**
 * Forward pass of one layer and direction; thread `tid` of `nt`. In: x, the weights,
 * bias, bhn, h0 in F_HN, c0 in F_CN. Out: output, hN (F_HN), cN (F_CN) and the saved
 * buffers (gates as activations, hPrev, cPrev, cNew, hRaw, ghn).
 */
export function rnn_forward(P: usize, tid: i32, nt: i32): void {
  const kind = fld(P, F_KIND);
  const I = fld(P, F_I);
  const H = fld(P, F_H);
  const Hout = fld(P, F_HOUT);
  const L = fld(P, F_L);
  const B = fld(P, F_B);
  const rows = fld(P, F_ROWS);
  const reverse = fld(P, F_REV) != 0;
  const bsP = ptr(P, F_BS);
  const offsP = ptr(P, F_OFFS);
  const G = kind == 0 ? 4 : kind == 1 ? 3 : 1;
  const GH = G * H;
  const isGru = kind == 1;
  const wHr = ptr(P, F_WHR);
  const proj = kind == 0 && wHr != 0;
  const bias = ptr(P, F_BIAS);
  const gates = ptr(P, F_GATES);
  const out = ptr(P, F_OUT);
  const bar = ptr(P, F_BAR);
  const scr = ptr(P, F_SCR) + <usize>tid * ptr(P, F_SCR_STRIDE);
  const pa = scr;
  const pb = scr + ptr(P, F_SCR_PB);
  const tile = scr + ptr(P, F_SCR_TILE);

  // input projection of every step, rows split over threads: gates = bias + x W_ih^T
  const r0 = part(rows, tid, nt);
  const r1 = part(rows, tid + 1, nt);
  if (r1 > r0) {
    const g0 = gates + ((<usize>r0 * GH) << 2);
    if (bias != 0) {
      for (let r = r0; r < r1; r++) memory.copy(gates + ((<usize>r * GH) << 2), bias, <usize>GH << 2);
    }
    f32_gemm(false, true, r1 - r0, GH, I, 1, ptr(P, F_X) + ((<usize>r0 * I) << 2), I, ptr(P, F_WIH), I, bias != 0 ? 1 : 0, g0, GH, pa, pb, tile);
  }

  // this thread's hidden units: NR panels [q0, q1) of every gate = units [j0, j1)
  const nP = (H + NR - 1) / NR;
  const q0 = part(nP, tid, nt);
  const q1 = part(nP, tid + 1, nt);
  const j0 = q0 * NR;
  const j1 = min(H, q1 * NR);
  // and its state columns (= the units without projection)
  const nPo = (Hout + NR - 1) / NR;
  const p0 = proj ? part(nPo, tid, nt) : q0;
  const p1 = proj ? part(nPo, tid + 1, nt) : q1;
  const k0 = p0 * NR;
  const k1 = min(Hout, p1 * NR);

  // pack this thread's panels of W_hh^T (one set per gate: K = Hout, N = H) and W_hr^T
  const pWhh = ptr(P, F_PWHH);
  const setB = <usize>Hout * <usize>roundNR(H) << 2;
  const wHh = ptr(P, F_WHH);
  for (let g = 0; g < G; g++) packSet(true, wHh, Hout, Hout, g * H, H, q0, q1, pWhh + <usize>g * setB);
  const pWhr = ptr(P, F_PWHR);
  if (proj) packSet(true, wHr, H, H, 0, Hout, p0, p1, pWhr);
  if (!barrier(bar, nt)) return;

  const cst = ptr(P, F_CN);
  const hPrev = ptr(P, F_HPREV);
  const cPrev = ptr(P, F_CPREV);
  const cNew = ptr(P, F_CNEW);
  const hRaw = ptr(P, F_HRAW);
  const ghnB = ptr(P, F_GHN);
  const gh = ptr(P, F_GH);
  const bhn = ptr(P, F_BHN);
  let hCur = ptr(P, F_HN);
  let hNext = ptr(P, F_HBUF);
  for (let s = 0; s < L; s++) {
    const t = reverse ? L - 1 - s : s;
    const bs = load<i32>(bsP + (<usize>t << 2));
    const off = load<i32>(offsP + (<usize>t << 2));
    const gRow = gates + ((<usize>off * GH) << 2);
    // recurrent GEMM for this thread's units of every gate, into the (cache-hot) gh rows
    gemmSets(bs, Hout, hCur, Hout, G, pWhh, setB, H, q0, q1, gh, <usize>H << 2, GH, 0, pa, tile);
    const hOff = (<usize>off * Hout) << 2;
    if (kind == 0) {
      const cOff = (<usize>off * H) << 2;
      if (proj) {
        lstmForward(bs, H, j0, j1, gRow, gh, cst, cPrev + cOff, cNew + cOff, hRaw + cOff, H);
        if (!barrier(bar, nt)) return;
        gemmSet(bs, H, hRaw + cOff, H, pWhr, Hout, p0, p1, out + hOff, Hout, 0, pa, tile);
      } else {
        lstmForward(bs, H, j0, j1, gRow, gh, cst, cPrev + cOff, cNew + cOff, out + hOff, Hout);
      }
    } else if (isGru) {
      gruForward(bs, H, j0, j1, gRow, gh, bhn, hCur, ghnB + ((<usize>off * H) << 2), out + hOff);
    } else {
      rnnForward(bs, H, j0, j1, kind == 3, gRow, gh, out + hOff);
    }
    // state bookkeeping for this thread's columns [k0, k1)
    copyCols(bs, k0, k1, hCur, Hout, hPrev + hOff, Hout);
    copyCols(bs, k0, k1, out + hOff, Hout, hNext, Hout);
    copyCols(B - bs, k0, k1, hCur + ((<usize>bs * Hout) << 2), Hout, hNext + ((<usize>bs * Hout) << 2), Hout);
    const tmp = hCur;
    hCur = hNext;
    hNext = tmp;
    if (!barrier(bar, nt)) return;
  }
  // the final state belongs in F_HN
  if (hCur != ptr(P, F_HN)) copyCols(B, k0, k1, hCur, Hout, ptr(P, F_HN), Hout);
}

// ---- backward ----------------------------------------------------------------------------------

/** out[c0:c1] = column sums (f64 accumulation) of a (rows, n); acc = (n) f64 scratch. */
function columnSums(a: usize, rows: i32, n: i32, c0: i32, c1: i32, acc: usize, out: usize): void {
  if (c1 <= c0) return;
  for (let c = c0; c < c1; c++) store<f64>(acc + (<usize>c << 3), 0);
  const ld = <usize>n << 2;
  for (let r = 0; r < rows; r += 32) {
    const nr = min(32, rows - r);
    const base = a + <usize>r * ld;
    let c = c0;
    for (; c + 4 <= c1; c += 4) {
      let p = base + (<usize>c << 2);
      let s = v128.load(p);
      for (let k = 1; k < nr; k++) {
        p += ld;
        s = f32x4.add(s, v128.load(p));
      }
      const q = acc + (<usize>c << 3);
      v128.store(q, f64x2.add(v128.load(q), f64x2.promote_low_f32x4(s)));
      v128.store(q, f64x2.add(v128.load(q, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(s, s, 2, 3, 0, 1))), 16);
    }
    for (; c < c1; c++) {
      let p = base + (<usize>c << 2);
      let s: f32 = load<f32>(p);
      for (let k = 1; k < nr; k++) {
        p += ld;
        s += load<f32>(p);
      }
      const q = acc + (<usize>c << 3);
      store<f64>(q, load<f64>(q) + <f64>s);
    }
  }
  for (let c = c0; c < c1; c++) store<f32>(out + (<usize>c << 2), <f32>load<f64>(acc + (<usize>c << 3)));
}

/**
 * Backward pass of `rnn_forward` (thread `tid` of `nt`). In: x, W_ih, W_hh, W_hr, the
 * saved buffers, dOutput (or 0), dhN in F_DH and dcN in F_DC (zeros where absent).
 * Out: dh0 in F_DH, dc0 in F_DC, and every non-zero gradient pointer.
 */
export function rnn_backward(P: usize, tid: i32, nt: i32): void {
  const kind = fld(P, F_KIND);
  const I = fld(P, F_I);
  const H = fld(P, F_H);
  const Hout = fld(P, F_HOUT);
  const L = fld(P, F_L);
  const rows = fld(P, F_ROWS);
  const reverse = fld(P, F_REV) != 0;
  const bsP = ptr(P, F_BS);
  const offsP = ptr(P, F_OFFS);
  const G = kind == 0 ? 4 : kind == 1 ? 3 : 1;
  const GH = G * H;
  const isGru = kind == 1;
  const wHr = ptr(P, F_WHR);
  const proj = kind == 0 && wHr != 0;
  const bar = ptr(P, F_BAR);
  const scr = ptr(P, F_SCR) + <usize>tid * ptr(P, F_SCR_STRIDE);
  const pa = scr;
  const pb = scr + ptr(P, F_SCR_PB);
  const tile = scr + ptr(P, F_SCR_TILE);

  const nP = (H + NR - 1) / NR;
  const q0 = part(nP, tid, nt);
  const q1 = part(nP, tid + 1, nt);
  const j0 = q0 * NR;
  const j1 = min(H, q1 * NR);
  const nPo = (Hout + NR - 1) / NR;
  const p0 = proj ? part(nPo, tid, nt) : q0;
  const p1 = proj ? part(nPo, tid + 1, nt) : q1;
  const k0 = p0 * NR;
  const k1 = min(Hout, p1 * NR);

  // packed W_hh as op(B) (K = GH, N = Hout, this thread's state columns) and W_hr
  // (K = Hout, N = H, this thread's units)
  const pWhh = ptr(P, F_PWHH);
  packSet(false, ptr(P, F_WHH), Hout, GH, 0, Hout, p0, p1, pWhh);
  const pWhr = ptr(P, F_PWHR);
  if (proj) packSet(false, wHr, H, Hout, 0, H, q0, q1, pWhr);

  const gates = ptr(P, F_GATES);
  const hPrev = ptr(P, F_HPREV);
  const cPrev = ptr(P, F_CPREV);
  const cNew = ptr(P, F_CNEW);
  const ghnB = ptr(P, F_GHN);
  const dOut = ptr(P, F_DOUT);
  const dh = ptr(P, F_DH);
  const dc = ptr(P, F_DC);
  const dGx = ptr(P, F_DGX);
  const dGh = ptr(P, F_DGH);
  const dHall = ptr(P, F_DHALL);
  const dRaw = ptr(P, F_DRAW);
  for (let s = L - 1; s >= 0; s--) {
    const t = reverse ? L - 1 - s : s;
    const bs = load<i32>(bsP + (<usize>t << 2));
    const off = load<i32>(offsP + (<usize>t << 2));
    const hOff = (<usize>off * Hout) << 2;
    const gOff = (<usize>off * GH) << 2;
    // dh[:bs, k0:k1] += dOutput rows
    if (dOut != 0 && k1 > k0) {
      for (let b = 0; b < bs; b++) {
        const d = dh + ((<usize>b * Hout) << 2);
        const o = dOut + hOff + ((<usize>b * Hout) << 2);
        let k = k0;
        for (; k + 4 <= k1; k += 4) {
          const q = <usize>k << 2;
          v128.store(d + q, f32x4.add(v128.load(d + q), v128.load(o + q)));
        }
        for (; k < k1; k++) {
          const q = <usize>k << 2;
          store<f32>(d + q, load<f32>(d + q) + load<f32>(o + q));
        }
      }
    }
    if (kind == 0) {
      const cOff = (<usize>off * H) << 2;
      if (proj) {
        copyCols(bs, k0, k1, dh, Hout, dHall + hOff, Hout);
        if (!barrier(bar, nt)) return;
        gemmSet(bs, Hout, dh, Hout, pWhr, H, q0, q1, dRaw, H, 0, pa, tile);
        lstmBackward(bs, H, j0, j1, gates + gOff, cPrev + cOff, cNew + cOff, dRaw, H, dc, dGx + gOff);
      } else {
        lstmBackward(bs, H, j0, j1, gates + gOff, cPrev + cOff, cNew + cOff, dh, Hout, dc, dGx + gOff);
      }
    } else if (isGru) {
      gruBackward(bs, H, j0, j1, gates + gOff, ghnB + ((<usize>off * H) << 2), hPrev + hOff, dh, dGx + gOff, dGh + gOff);
    } else {
      rnnBackward(bs, H, j0, j1, kind == 3, gates + gOff, dh, dGx + gOff);
    }
    if (!barrier(bar, nt)) return;
    // dh[:bs, k0:k1] = dG W_hh[:, k0:k1] (gru: += onto z * dh')
    gemmSet(bs, GH, isGru ? dGh + gOff : dGx + gOff, GH, pWhh, Hout, p0, p1, dh, Hout, isGru ? 1 : 0, pa, tile);
  }
  if (!barrier(bar, nt)) return;

  // the weight and input gradients, split by output rows
  const dX = ptr(P, F_DX);
  if (dX != 0) {
    const a = part(rows, tid, nt);
    const b = part(rows, tid + 1, nt);
    if (b > a) f32_gemm(false, false, b - a, I, GH, 1, dGx + ((<usize>a * GH) << 2), GH, ptr(P, F_WIH), I, 0, dX + ((<usize>a * I) << 2), I, pa, pb, tile);
  }
  const m0 = part(GH, tid, nt);
  const m1 = part(GH, tid + 1, nt);
  const dWIh = ptr(P, F_DWIH);
  if (dWIh != 0 && m1 > m0) {
    f32_gemm(true, false, m1 - m0, I, rows, 1, dGx + (<usize>m0 << 2), GH, ptr(P, F_X), I, 0, dWIh + ((<usize>m0 * I) << 2), I, pa, pb, tile);
  }
  const dWHh = ptr(P, F_DWHH);
  if (dWHh != 0 && m1 > m0) {
    f32_gemm(true, false, m1 - m0, Hout, rows, 1, dGh + (<usize>m0 << 2), GH, hPrev, Hout, 0, dWHh + ((<usize>m0 * Hout) << 2), Hout, pa, pb, tile);
  }
  const dWHr = ptr(P, F_DWHR);
  if (dWHr != 0 && proj) {
    const a = part(Hout, tid, nt);
    const b = part(Hout, tid + 1, nt);
    if (b > a) f32_gemm(true, false, b - a, H, rows, 1, dHall + (<usize>a << 2), Hout, ptr(P, F_HRAW), H, 0, dWHr + ((<usize>a * H) << 2), H, pa, pb, tile);
  }
  // bias sums: columns split in multiples of 4
  const n4 = (GH + 3) >> 2;
  const c0 = min(GH, part(n4, tid, nt) << 2);
  const c1 = min(GH, part(n4, tid + 1, nt) << 2);
  const acc = ptr(P, F_ACC);
  const dBIh = ptr(P, F_DBIH);
  const dBHh = ptr(P, F_DBHH);
  if (dBIh != 0) columnSums(dGx, rows, GH, c0, c1, acc, dBIh);
  if (dBHh != 0) columnSums(dGh, rows, GH, c0, c1, acc, dBHh);
}
