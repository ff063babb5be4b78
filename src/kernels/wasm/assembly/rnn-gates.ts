// The f32x4 gate kernels of the fused recurrent layer (f32-rnn.ts, rnn-steps.ts), forward
// and backward, over hidden units [j0, j1) of `bs` rows: the same math as
// src/kernels/ref/rnn-{lstm,gru,simple}-ref.ts.
//
// Every kernel is one per-unit body (`...At`: 4 units at once, or one in lane 0) run by
// one loop, `gateLoop`, over the rows and the units; the exported kernels below only say
// which body, which buffers and their row strides. `alt` is the cell's variant: for the
// LSTM and GRU bodies hard-sigmoid gates clip(alpha x + beta, 0, 1) (`ha` = alpha, `hb` =
// beta in every lane) instead of the sigmoid, for the RNN bodies relu instead of tanh.
// The loop is instantiated for each body and each value of `alt` (constants that fold
// away), so the code is the hand-specialised loop of each case.

import { ld, st, vgate, vhardGrad, vtanh } from './simd-math';

// ---- per-unit bodies --------------------------------------------------------------------
// Pointers are at the row and unit already; `H4` = 4H bytes, the distance between the gate
// slots of a gate row (LSTM i, f, g, o; GRU r, z, n).

// @ts-ignore: decorator
@inline function lstmFwdAt(H4: usize, g: usize, gh: usize, c: usize, cp: usize, cn: usize, ho: usize, full: bool, hard: bool, ha: v128, hb: v128): void {
  const i = vgate(f32x4.add(ld(g, full), ld(gh, full)), hard, ha, hb);
  const f = vgate(f32x4.add(ld(g + H4, full), ld(gh + H4, full)), hard, ha, hb);
  const gg = vtanh(f32x4.add(ld(g + 2 * H4, full), ld(gh + 2 * H4, full)));
  const o = vgate(f32x4.add(ld(g + 3 * H4, full), ld(gh + 3 * H4, full)), hard, ha, hb);
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

// @ts-ignore: decorator
@inline function gruFwdAt(H4: usize, g: usize, gh: usize, bhn: usize, h: usize, ghn: usize, out: usize, full: bool, hard: bool, ha: v128, hb: v128): void {
  const r = vgate(f32x4.add(ld(g, full), ld(gh, full)), hard, ha, hb);
  const z = vgate(f32x4.add(ld(g + H4, full), ld(gh + H4, full)), hard, ha, hb);
  const hn = f32x4.add(ld(gh + 2 * H4, full), ld(bhn, full));
  st(ghn, hn, full);
  const n = vtanh(f32x4.add(ld(g + 2 * H4, full), f32x4.mul(r, hn)));
  st(g, r, full);
  st(g + H4, z, full);
  st(g + 2 * H4, n, full);
  const one = f32x4.splat(1.0);
  st(out, f32x4.add(f32x4.mul(f32x4.sub(one, z), n), f32x4.mul(z, ld(h, full))), full);
}

// @ts-ignore: decorator
@inline function rnnFwdAt(g: usize, gh: usize, out: usize, full: bool, relu: bool): void {
  const a = f32x4.add(ld(g, full), ld(gh, full));
  const zero = f32x4.splat(0.0);
  // relu: a > 0 ? a : 0 (NaN -> 0, as the reference)
  const y = relu ? v128.and(a, f32x4.gt(a, zero)) : vtanh(a);
  st(g, y, full);
  st(out, y, full);
}

// @ts-ignore: decorator
@inline function lstmBwdAt(H4: usize, g: usize, cp: usize, cn: usize, dh: usize, dc: usize, dg: usize, full: bool, hard: bool, ha: v128): void {
  const one = f32x4.splat(1.0);
  const i = ld(g, full);
  const f = ld(g + H4, full);
  const gg = ld(g + 2 * H4, full);
  const o = ld(g + 3 * H4, full);
  const tc = vtanh(ld(cn, full));
  const dhv = ld(dh, full);
  const dct = f32x4.add(ld(dc, full), f32x4.mul(f32x4.mul(dhv, o), f32x4.sub(one, f32x4.mul(tc, tc))));
  if (hard) {
    st(dg, f32x4.mul(f32x4.mul(dct, gg), vhardGrad(i, ha)), full);
    st(dg + H4, f32x4.mul(f32x4.mul(dct, ld(cp, full)), vhardGrad(f, ha)), full);
    st(dg + 3 * H4, f32x4.mul(f32x4.mul(dhv, tc), vhardGrad(o, ha)), full);
  } else {
    st(dg, f32x4.mul(f32x4.mul(f32x4.mul(dct, gg), i), f32x4.sub(one, i)), full);
    st(dg + H4, f32x4.mul(f32x4.mul(f32x4.mul(dct, ld(cp, full)), f), f32x4.sub(one, f)), full);
    st(dg + 3 * H4, f32x4.mul(f32x4.mul(f32x4.mul(dhv, tc), o), f32x4.sub(one, o)), full);
  }
  st(dg + 2 * H4, f32x4.mul(f32x4.mul(dct, i), f32x4.sub(one, f32x4.mul(gg, gg))), full);
  st(dc, f32x4.mul(dct, f), full);
}

// @ts-ignore: decorator
@inline function gruBwdAt(H4: usize, g: usize, ghn: usize, hp: usize, dh: usize, dgx: usize, dgh: usize, full: bool, hard: bool, ha: v128, rb: bool): void {
  const one = f32x4.splat(1.0);
  const z = ld(g + H4, full);
  const n = ld(g + 2 * H4, full);
  const d = ld(dh, full);
  const dan = f32x4.mul(f32x4.mul(d, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
  const daz = hard
    ? f32x4.mul(f32x4.mul(d, f32x4.sub(ld(hp, full), n)), vhardGrad(z, ha))
    : f32x4.mul(f32x4.mul(f32x4.mul(d, f32x4.sub(ld(hp, full), n)), z), f32x4.sub(one, z));
  if (rb) {
    // the reset-before GRU's first half: r's part waits for d(r * h) (`gruRbBackward2`)
    st(dgh + 2 * H4, dan, full);
  } else {
    const r = ld(g, full);
    const dar = hard
      ? f32x4.mul(f32x4.mul(dan, ld(ghn, full)), vhardGrad(r, ha))
      : f32x4.mul(f32x4.mul(f32x4.mul(dan, ld(ghn, full)), r), f32x4.sub(one, r));
    st(dgx, dar, full);
    st(dgh, dar, full);
    st(dgh + 2 * H4, f32x4.mul(dan, r), full);
  }
  st(dgx + H4, daz, full);
  st(dgx + 2 * H4, dan, full);
  st(dgh + H4, daz, full);
  st(dh, f32x4.mul(d, z), full);
}

// @ts-ignore: decorator
@inline function rnnBwdAt(g: usize, dh: usize, dg: usize, full: bool, relu: bool): void {
  const y = ld(g, full);
  const d = ld(dh, full);
  const zero = f32x4.splat(0.0);
  const r = relu ? v128.and(d, f32x4.gt(y, zero)) : f32x4.mul(d, f32x4.sub(f32x4.splat(1.0), f32x4.mul(y, y)));
  st(dg, r, full);
}

// The reset-before GRU (n = tanh(gx_n + b_hn + (r * h) W_hn^T)): a step runs in two halves
// around the GEMM (r * h) W_hn^T, which needs r * h of every unit: first r, z and r * h
// (`gruRbGates`), then n and h' (`gruRbOut`); backward likewise around d(r * h) = dG_n W_hn
// (`gruRbBackward1`, then `gruRbBackward2`). Same math as
// src/kernels/ref/rnn-gru-ref.ts (gruResetBefore*Ref).

// @ts-ignore: decorator
@inline function gruRbGatesAt(H4: usize, g: usize, gh: usize, h: usize, rh: usize, full: bool, hard: bool, ha: v128, hb: v128): void {
  const r = vgate(f32x4.add(ld(g, full), ld(gh, full)), hard, ha, hb);
  const z = vgate(f32x4.add(ld(g + H4, full), ld(gh + H4, full)), hard, ha, hb);
  st(g, r, full);
  st(g + H4, z, full);
  st(rh, f32x4.mul(r, ld(h, full)), full);
}

// @ts-ignore: decorator
@inline function gruRbOutAt(H4: usize, g: usize, gh: usize, h: usize, out: usize, full: bool): void {
  const n = vtanh(f32x4.add(ld(g + 2 * H4, full), ld(gh + 2 * H4, full)));
  st(g + 2 * H4, n, full);
  const z = ld(g + H4, full);
  st(out, f32x4.add(f32x4.mul(f32x4.sub(f32x4.splat(1.0), z), n), f32x4.mul(z, ld(h, full))), full);
}

// @ts-ignore: decorator
@inline function gruRbBwd2At(g: usize, hp: usize, drh: usize, dh: usize, dgx: usize, dgh: usize, full: bool, hard: bool, ha: v128): void {
  const r = ld(g, full);
  const d = ld(drh, full);
  const dhr = f32x4.mul(d, ld(hp, full));
  const dar = hard ? f32x4.mul(dhr, vhardGrad(r, ha)) : f32x4.mul(f32x4.mul(dhr, r), f32x4.sub(f32x4.splat(1.0), r));
  st(dgx, dar, full);
  st(dgh, dar, full);
  st(dh, f32x4.add(ld(dh, full), f32x4.mul(d, r)), full);
}

// ---- the loop ----------------------------------------------------------------------------

/** The per-unit bodies, as `gateLoop`'s `op`. */
const LSTM_FWD = 0;
const GRU_FWD = 1;
const RNN_FWD = 2;
const LSTM_BWD = 3;
const GRU_BWD = 4;
const GRU_RB_BWD1 = 5;
const RNN_BWD = 6;
const GRU_RB_GATES = 7;
const GRU_RB_OUT = 8;
const GRU_RB_BWD2 = 9;

/** Body `op` at pointers p0..p5 (each kernel's buffers in the order of its body's parameters). */
// @ts-ignore: decorator
@inline function unitAt(op: i32, H4: usize, p0: usize, p1: usize, p2: usize, p3: usize, p4: usize, p5: usize, full: bool, alt: bool, ha: v128, hb: v128): void {
  if (op == LSTM_FWD) lstmFwdAt(H4, p0, p1, p2, p3, p4, p5, full, alt, ha, hb);
  else if (op == GRU_FWD) gruFwdAt(H4, p0, p1, p2, p3, p4, p5, full, alt, ha, hb);
  else if (op == RNN_FWD) rnnFwdAt(p0, p1, p2, full, alt);
  else if (op == LSTM_BWD) lstmBwdAt(H4, p0, p1, p2, p3, p4, p5, full, alt, ha);
  else if (op == GRU_BWD) gruBwdAt(H4, p0, p1, p2, p3, p4, p5, full, alt, ha, false);
  else if (op == GRU_RB_BWD1) gruBwdAt(H4, p0, p1, p2, p3, p4, p5, full, alt, ha, true);
  else if (op == RNN_BWD) rnnBwdAt(p0, p1, p2, full, alt);
  else if (op == GRU_RB_GATES) gruRbGatesAt(H4, p0, p1, p2, p3, full, alt, ha, hb);
  else if (op == GRU_RB_OUT) gruRbOutAt(H4, p0, p1, p2, p3, full);
  else gruRbBwd2At(p0, p1, p2, p3, p4, p5, full, alt, ha);
}

/**
 * Runs body `op` over rows [0, bs) and units [j0, j1) (4 at a time, then one at a time):
 * at row b and unit j, buffer i is at byte `p_i + 4 (b s_i + j)` (`s_i`: its row stride in
 * floats; 0 for a vector shared by the rows, like b_hn; unused buffers are 0, 0).
 */
// @ts-ignore: decorator
@inline function gateLoop(op: i32, bs: i32, H: i32, j0: i32, j1: i32, alt: bool, ha: v128, hb: v128, p0: usize, s0: i32, p1: usize, s1: i32, p2: usize, s2: i32, p3: usize, s3: i32, p4: usize, s4: i32, p5: usize, s5: i32): void {
  const H4 = <usize>H << 2;
  for (let b = 0; b < bs; b++) {
    const r0 = p0 + ((<usize>b * s0) << 2);
    const r1 = p1 + ((<usize>b * s1) << 2);
    const r2 = p2 + ((<usize>b * s2) << 2);
    const r3 = p3 + ((<usize>b * s3) << 2);
    const r4 = p4 + ((<usize>b * s4) << 2);
    const r5 = p5 + ((<usize>b * s5) << 2);
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const o = <usize>j << 2;
      unitAt(op, H4, r0 + o, r1 + o, r2 + o, r3 + o, r4 + o, r5 + o, true, alt, ha, hb);
    }
    for (; j < j1; j++) {
      const o = <usize>j << 2;
      unitAt(op, H4, r0 + o, r1 + o, r2 + o, r3 + o, r4 + o, r5 + o, false, alt, ha, hb);
    }
  }
}

/** `gateLoop` instantiated for both values of `alt` (alpha `a`, beta `c` splatted once). */
// @ts-ignore: decorator
@inline function gateKernel(op: i32, bs: i32, H: i32, j0: i32, j1: i32, alt: bool, a: f32, c: f32, p0: usize, s0: i32, p1: usize, s1: i32, p2: usize, s2: i32, p3: usize, s3: i32, p4: usize, s4: i32, p5: usize, s5: i32): void {
  if (alt) gateLoop(op, bs, H, j0, j1, true, f32x4.splat(a), f32x4.splat(c), p0, s0, p1, s1, p2, s2, p3, s3, p4, s4, p5, s5);
  else gateLoop(op, bs, H, j0, j1, false, f32x4.splat(0), f32x4.splat(0), p0, s0, p1, s1, p2, s2, p3, s3, p4, s4, p5, s5);
}

// ---- the kernels -------------------------------------------------------------------------
// `hard`: hard-sigmoid gates with alpha `ha`, beta `hb`; `relu`: the RNN's relu.

/**
 * LSTM forward: gates (x W_ih^T + biases) + gh (h W_hh^T) -> activations in gates; c,
 * cPrev, cNew; hOut (row stride ldo).
 */
export function lstmForward(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, gh: usize, c: usize, cPrev: usize, cNew: usize, hOut: usize, ldo: i32, hard: bool = false, ha: f32 = 0, hb: f32 = 0): void {
  gateKernel(LSTM_FWD, bs, H, j0, j1, hard, ha, hb, gates, 4 * H, gh, 4 * H, c, H, cPrev, H, cNew, H, hOut, ldo);
}

/** GRU (reset-after) forward: r, z, n into gates, gh_n + b_hn into ghn, h' into out. */
export function gruForward(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, gh: usize, bhn: usize, h: usize, ghn: usize, out: usize, hard: bool = false, ha: f32 = 0, hb: f32 = 0): void {
  gateKernel(GRU_FWD, bs, H, j0, j1, hard, ha, hb, gates, 3 * H, gh, 3 * H, bhn, 0, h, H, ghn, H, out, H);
}

/** RNN forward: tanh (or relu) of gates + gh into gates and out. */
export function rnnForward(bs: i32, H: i32, j0: i32, j1: i32, relu: bool, gates: usize, gh: usize, out: usize): void {
  gateKernel(RNN_FWD, bs, H, j0, j1, relu, 0, 0, gates, H, gh, H, out, H, 0, 0, 0, 0, 0, 0);
}

/** LSTM backward: from dh (row stride lddh) and dc, the gate gradients dG; dc becomes dc_{t-1}. */
export function lstmBackward(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, cPrev: usize, cNew: usize, dh: usize, lddh: i32, dc: usize, dG: usize, hard: bool = false, ha: f32 = 0): void {
  gateKernel(LSTM_BWD, bs, H, j0, j1, hard, ha, 0, gates, 4 * H, cPrev, H, cNew, H, dh, lddh, dc, H, dG, 4 * H);
}

/** GRU (reset-after) gate backward over units [j0, j1): dGx, dGh (over the gates: read first) and dh = z * dh. */
export function gruBackward(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, ghn: usize, hPrev: usize, dh: usize, dGx: usize, dGh: usize, hard: bool = false, ha: f32 = 0): void {
  gateKernel(GRU_BWD, bs, H, j0, j1, hard, ha, 0, gates, 3 * H, ghn, H, hPrev, H, dh, H, dGx, 3 * H, dGh, 3 * H);
}

/** RNN backward: dG = dh * tanh' (or relu') from the saved outputs in gates. */
export function rnnBackward(bs: i32, H: i32, j0: i32, j1: i32, relu: bool, gates: usize, dh: usize, dG: usize): void {
  gateKernel(RNN_BWD, bs, H, j0, j1, relu, 0, 0, gates, H, dh, H, dG, H, 0, 0, 0, 0, 0, 0);
}

/**
 * First half of a reset-before GRU step over units [j0, j1) of `bs` rows: r, z from
 * gates (x W_ih^T + biases) + gh (h W_h{r,z}^T) into the gate rows, and r * h (bs, H) into `rh`.
 */
export function gruRbGates(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, gh: usize, h: usize, rh: usize, hard: bool, ha: f32, hb: f32): void {
  gateKernel(GRU_RB_GATES, bs, H, j0, j1, hard, ha, hb, gates, 3 * H, gh, 3 * H, h, H, rh, H, 0, 0, 0, 0);
}

/**
 * Second half of a reset-before GRU step: n = tanh(gates_n + gh_n) (gh_n = (r * h) W_hn^T)
 * into the gate rows, h' = (1 - z) n + z h into `out` (bs, H).
 */
export function gruRbOut(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, gh: usize, h: usize, out: usize): void {
  gateKernel(GRU_RB_OUT, bs, H, j0, j1, false, 0, 0, gates, 3 * H, gh, 3 * H, h, H, out, H, 0, 0, 0, 0);
}

/**
 * First half of the reset-before GRU backward over units [j0, j1): the z and n parts of
 * dGx and dGh (over the gates: read first) and dh = z * dh, after which the caller forms
 * d(r * h) = dGx_n W_hn for `gruRbBackward2`.
 */
export function gruRbBackward1(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, hPrev: usize, dh: usize, dGx: usize, dGh: usize, hard: bool, ha: f32): void {
  gateKernel(GRU_RB_BWD1, bs, H, j0, j1, hard, ha, 0, gates, 3 * H, 0, 0, hPrev, H, dh, H, dGx, 3 * H, dGh, 3 * H);
}

/**
 * Second half of the reset-before GRU backward: from d(r * h) `drh` (bs, H), the r part
 * of dGx and dGh (over the gates' r), and dh += r * d(r * h) (the caller then adds
 * dG_{r,z} W_h{r,z}).
 */
export function gruRbBackward2(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, hPrev: usize, drh: usize, dh: usize, dGx: usize, dGh: usize, hard: bool, ha: f32): void {
  gateKernel(GRU_RB_BWD2, bs, H, j0, j1, hard, ha, 0, gates, 3 * H, hPrev, H, drh, H, dh, H, dGx, 3 * H, dGh, 3 * H);
}
