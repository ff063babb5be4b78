// AssemblyScript source of the one-step recurrent kernels (streaming inference) in
// WebAssembly SIMD (128-bit, no relaxed SIMD). Compiled by scripts/build-wasm.mjs;
// driven by src/kernels/f32-rnn-step-wasmsimd.ts, which owns the memory (one per
// stream), packs the weights into it and lays out the buffers.
//
// One call computes one layer's step for every batch row: per row, a matrix-vector
// product of the packed weights with x and h (f32x4 accumulators, one per 4 hidden
// units and gate slot, started at the bias), then the gate math in f32x4 with a
// polynomial exp (simd-math.ts, shared with the fused layer), and the new h into `hnew`; at the end hnew is copied over h.
//
// Packed weights ("slot-major groups"): hidden units come in groups of 4 lanes
// (Hg = ceil(H/4), lanes past H are zero); each group has S slots (LSTM: i, f, g, o;
// GRU: r, z, n_x, n_h; RNN and projection: 1). Groups are processed in blocks of NB
// (NB = 1 for S = 4; 4 for S = 1, then single groups for the rest), so a block has 4
// f32x4 accumulators (more make V8 spill them: measured slower); the block that
// starts at group g0 with nb groups sits at float offset g0*K*S*4 and holds, for each
// k in 0..K-1, nb*S vectors: index ((k*nb + gi)*S + s)*4 + lane. The bias is
// [g][s][lane] (Hg*S*4 floats). All pointers are byte offsets; buffers are rows of
// exactly H (or Hout) floats: loads may read up to 3 floats past a row (the caller
// leaves 16 bytes of slack after each buffer), stores of the last group are masked.

import { vsigmoid, vtanh } from './simd-math';

// ---- stores -----------------------------------------------------------------------

/** Stores the first n (1..4) lanes of v at p. */
// @ts-ignore: decorator
@inline function storeLanes(p: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, v);
  } else {
    store<f32>(p, f32x4.extract_lane(v, 0));
    if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
    if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
  }
}

// ---- gate math for one group of 4 hidden units ------------------------------------

/** LSTM: c' = f*c + i*g (c in place), out = o * tanh(c'); n valid lanes. */
// @ts-ignore: decorator
@inline function lstmGroup(ai: v128, af: v128, ag: v128, ao: v128, c: usize, out: usize, n: i32): void {
  const i = vsigmoid(ai);
  const f = vsigmoid(af);
  const g = vtanh(ag);
  const o = vsigmoid(ao);
  const cn = f32x4.add(f32x4.mul(f, v128.load(c)), f32x4.mul(i, g));
  storeLanes(c, cn, n);
  storeLanes(out, f32x4.mul(o, vtanh(cn)), n);
}

/** GRU: n = tanh(nx + r*nh), out = (1-z)*n + z*h. */
// @ts-ignore: decorator
@inline function gruGroup(ar: v128, az: v128, anx: v128, anh: v128, h: usize, out: usize, n: i32): void {
  const r = vsigmoid(ar);
  const z = vsigmoid(az);
  const nn = vtanh(f32x4.add(anx, f32x4.mul(r, anh)));
  const hn = f32x4.add(f32x4.mul(f32x4.sub(f32x4.splat(1.0), z), nn), f32x4.mul(z, v128.load(h)));
  storeLanes(out, hn, n);
}

/** act 0: identity, 1: tanh, 2: relu. */
// @ts-ignore: decorator
@inline function activate(a: v128, act: i32): v128 {
  if (act == 1) return vtanh(a);
  // relu: a > 0 ? a : 0 (NaN -> 0, as the reference and the fused layer)
  if (act == 2) return v128.and(a, f32x4.gt(a, f32x4.splat(0.0)));
  return a;
}

// ---- accumulation -----------------------------------------------------------------

// AssemblyScript functions return one value, so `accumulate` hands a block's four f32x4
// accumulators on in these globals (its loop runs on locals; 8 global accesses per call).
let acc0: v128 = f32x4(0, 0, 0, 0);
let acc1: v128 = f32x4(0, 0, 0, 0);
let acc2: v128 = f32x4(0, 0, 0, 0);
let acc3: v128 = f32x4(0, 0, 0, 0);

/** Starts the four accumulators at the 4 vectors at `b` (a block's bias), or at zeros for b = 0. */
// @ts-ignore: decorator
@inline function startAcc(b: usize): void {
  const z = f32x4.splat(0.0);
  acc0 = b != 0 ? v128.load(b, 0) : z;
  acc1 = b != 0 ? v128.load(b, 16) : z;
  acc2 = b != 0 ? v128.load(b, 32) : z;
  acc3 = b != 0 ? v128.load(b, 48) : z;
}

/**
 * acc_s += sum_k W[k, s] v[k] for the 4 vectors s of a block: `n` inputs v[0..n) (floats at
 * `v`), the weights at `w`, per k 4 vectors (s at byte 16 s, 64 bytes per k). `skip2` /
 * `skip3`: vector 2 / 3 has zero weights and is left out (not multiplied): the GRU's n_h
 * has no x part and its n_x no h part, so that an infinite input gives the reference's
 * result instead of 0 * Inf = NaN. Both are constants at every call.
 */
// @ts-ignore: decorator
@inline function accumulate(v: usize, n: i32, w: usize, skip2: bool, skip3: bool): void {
  let a0 = acc0;
  let a1 = acc1;
  let a2 = acc2;
  let a3 = acc3;
  for (let k = 0; k < n; k++) {
    const s = v128.load32_splat(v + (<usize>k << 2));
    a0 = f32x4.add(a0, f32x4.mul(v128.load(w, 0), s));
    a1 = f32x4.add(a1, f32x4.mul(v128.load(w, 16), s));
    if (!skip2) a2 = f32x4.add(a2, f32x4.mul(v128.load(w, 32), s));
    if (!skip3) a3 = f32x4.add(a3, f32x4.mul(v128.load(w, 48), s));
    w += 64;
  }
  acc0 = a0;
  acc1 = a1;
  acc2 = a2;
  acc3 = a3;
}

// ---- S = 4 rows (LSTM, GRU) ---------------------------------------------------------

/**
 * One batch row of a 4-slot cell: accumulates bias + Wx x + Wh h per group, then the
 * gate math (`gru`: GRU, else LSTM; a constant at each call). `st` is c (LSTM) or h (GRU,
 * the old state), both rows of H floats; `out` receives H floats.
 */
// @ts-ignore: decorator
@inline function row4(gru: bool, I: i32, K: i32, H: i32, x: usize, h: usize, wx: usize, wh: usize, b: usize, st: usize, out: usize): void {
  const Hg = (H + 3) >> 2;
  for (let g = 0; g < Hg; g++) {
    startAcc(b + (<usize>g << 6));
    // GRU: slot n_h has no x part and slot n_x no h part
    accumulate(x, I, wx + ((<usize>g * <usize>I) << 6), false, gru);
    accumulate(h, K, wh + ((<usize>g * <usize>K) << 6), gru, false);
    const o0 = <usize>g << 4;
    const n0 = min(4, H - (g << 2));
    if (gru) gruGroup(acc0, acc1, acc2, acc3, st + o0, out + o0, n0);
    else lstmGroup(acc0, acc1, acc2, acc3, st + o0, out + o0, n0);
  }
}

// ---- S = 1 rows (RNN, LSTM projection) -----------------------------------------------

/**
 * One batch row of a 1-slot map: out = act(bias + Wx x + Wh h), M outputs (groups of
 * 4, blocks of 4 groups then single groups). b = 0: no bias; K = 0: no h part.
 */
function row1(act: i32, I: i32, K: i32, M: i32, x: usize, h: usize, wx: usize, wh: usize, b: usize, out: usize): void {
  const Mg = (M + 3) >> 2;
  let g = 0;
  for (; g + 4 <= Mg; g += 4) {
    startAcc(b != 0 ? b + (<usize>g << 4) : 0);
    accumulate(x, I, wx + ((<usize>g * <usize>I) << 4), false, false);
    accumulate(h, K, wh + ((<usize>g * <usize>K) << 4), false, false);
    const o = out + (<usize>g << 4);
    v128.store(o, activate(acc0, act), 0);
    v128.store(o, activate(acc1, act), 16);
    v128.store(o, activate(acc2, act), 32);
    storeLanes(o + 48, activate(acc3, act), min(4, M - ((g + 3) << 2)));
  }
  for (; g < Mg; g++) {
    let a0 = b != 0 ? v128.load(b + (<usize>g << 4)) : f32x4.splat(0.0);
    let w = wx + ((<usize>g * <usize>I) << 4);
    for (let k = 0; k < I; k++) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load(w), v128.load32_splat(x + (<usize>k << 2))));
      w += 16;
    }
    w = wh + ((<usize>g * <usize>K) << 4);
    for (let k = 0; k < K; k++) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load(w), v128.load32_splat(h + (<usize>k << 2))));
      w += 16;
    }
    storeLanes(out + (<usize>g << 4), activate(a0, act), min(4, M - (g << 2)));
  }
}

// ---- exported steps ------------------------------------------------------------------

/**
 * One LSTM layer step for N rows. x (N, I), h (N, Hout), c (N, H) in place; wx, wh, b
 * packed with S = 4; wr (packed S = 1, K = H, M = Hout) or 0 without projection;
 * hraw (N, H) scratch (projection only); hnew (N, Hout) scratch, copied over h.
 */
export function lstm_step(
  N: i32, I: i32, H: i32, Hout: i32,
  x: usize, h: usize, c: usize, wx: usize, wh: usize, b: usize, wr: usize, hraw: usize, hnew: usize,
): void {
  for (let n = 0; n < N; n++) {
    const xr = x + ((<usize>n * <usize>I) << 2);
    const hr = h + ((<usize>n * <usize>Hout) << 2);
    const cr = c + ((<usize>n * <usize>H) << 2);
    const outr = hnew + ((<usize>n * <usize>Hout) << 2);
    // with projection the cell's h goes to hraw, and out = hraw W_hr^T
    const rr = wr == 0 ? outr : hraw + ((<usize>n * <usize>H) << 2);
    row4(false, I, Hout, H, xr, hr, wx, wh, b, cr, rr);
    if (wr != 0) row1(0, H, 0, Hout, rr, 0, wr, 0, 0, outr);
  }
  memory.copy(h, hnew, (<usize>N * <usize>Hout) << 2);
}

/** One GRU layer step for N rows: x (N, I), h (N, H); wx, wh, b packed with S = 4 (r, z, n_x, n_h). */
export function gru_step(N: i32, I: i32, H: i32, x: usize, h: usize, wx: usize, wh: usize, b: usize, hnew: usize): void {
  for (let n = 0; n < N; n++) {
    const hr = h + ((<usize>n * <usize>H) << 2);
    row4(true, I, H, H, x + ((<usize>n * <usize>I) << 2), hr, wx, wh, b, hr, hnew + ((<usize>n * <usize>H) << 2));
  }
  memory.copy(h, hnew, (<usize>N * <usize>H) << 2);
}

/** One RNN layer step for N rows (relu != 0: relu, else tanh); packed with S = 1. */
export function rnn_step(N: i32, relu: i32, I: i32, H: i32, x: usize, h: usize, wx: usize, wh: usize, b: usize, hnew: usize): void {
  const act = relu != 0 ? 2 : 1;
  for (let n = 0; n < N; n++) {
    row1(act, I, H, H, x + ((<usize>n * <usize>I) << 2), h + ((<usize>n * <usize>H) << 2), wx, wh, b, hnew + ((<usize>n * <usize>H) << 2));
  }
  memory.copy(h, hnew, (<usize>N * <usize>H) << 2);
}
