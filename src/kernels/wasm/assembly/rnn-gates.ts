// The f32x4 gate kernels of the fused recurrent layer (f32-rnn.ts), forward and
// backward, over hidden units [j0, j1) of `bs` rows: the same math as
// src/kernels/ref/rnn-{lstm,gru,simple}-ref.ts.

import { ld, st, vgate, vhardGrad, vtanh } from './simd-math';

// ---- gate kernels over units [j0, j1) of `bs` rows ----------------------------------------
// Byte offsets: `o` = 4*j within a row. Rows of the step start at row `off`. The LSTM and
// GRU kernels take the gate activation: sigmoid, or (`hard`, alpha `ha`, beta `hb`) the
// hard sigmoid; each row loop is written once and instantiated for both (a constant
// `hard` folds away).

// @ts-ignore: decorator
@inline export function lstmFwdAt(g: usize, H4: usize, gh: usize, c: usize, cp: usize, cn: usize, ho: usize, full: bool, hard: bool, ha: v128, hb: v128): void {
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

/**
 * gates (x W_ih^T + biases) + gh (h W_hh^T) -> activations in gates; c, cPrev, cNew;
 * hOut (ld ldo). `hard`: hard-sigmoid gates with alpha `ha`, beta `hb`.
 */
export function lstmForward(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, gh: usize, c: usize, cPrev: usize, cNew: usize, hOut: usize, ldo: i32, hard: bool = false, ha: f32 = 0, hb: f32 = 0): void {
  if (hard) lstmFwdRows(bs, H, j0, j1, gates, gh, c, cPrev, cNew, hOut, ldo, true, f32x4.splat(ha), f32x4.splat(hb));
  else lstmFwdRows(bs, H, j0, j1, gates, gh, c, cPrev, cNew, hOut, ldo, false, f32x4.splat(0), f32x4.splat(0));
}

// @ts-ignore: decorator
@inline function lstmFwdRows(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, gh: usize, c: usize, cPrev: usize, cNew: usize, hOut: usize, ldo: i32, hard: bool, ha: v128, hb: v128): void {
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
      lstmFwdAt(g + o, H4, ghr + o, cr + o, pr + o, nr + o, hr + o, true, hard, ha, hb);
    }
    for (; j < j1; j++) {
      const o = <usize>j << 2;
      lstmFwdAt(g + o, H4, ghr + o, cr + o, pr + o, nr + o, hr + o, false, hard, ha, hb);
    }
  }
}

// @ts-ignore: decorator
@inline export function gruFwdAt(g: usize, H4: usize, gh: usize, bhn: usize, h: usize, ghn: usize, out: usize, full: bool, hard: bool, ha: v128, hb: v128): void {
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

export function gruForward(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, gh: usize, bhn: usize, h: usize, ghn: usize, out: usize, hard: bool = false, ha: f32 = 0, hb: f32 = 0): void {
  if (hard) gruFwdRows(bs, H, j0, j1, gates, gh, bhn, h, ghn, out, true, f32x4.splat(ha), f32x4.splat(hb));
  else gruFwdRows(bs, H, j0, j1, gates, gh, bhn, h, ghn, out, false, f32x4.splat(0), f32x4.splat(0));
}

// @ts-ignore: decorator
@inline function gruFwdRows(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, gh: usize, bhn: usize, h: usize, ghn: usize, out: usize, hard: bool, ha: v128, hb: v128): void {
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
      gruFwdAt(g + o, H4, ghr + o, bhn + o, hr + o, nr + o, orow + o, true, hard, ha, hb);
    }
    for (; j < j1; j++) {
      const o = <usize>j << 2;
      gruFwdAt(g + o, H4, ghr + o, bhn + o, hr + o, nr + o, orow + o, false, hard, ha, hb);
    }
  }
}

// @ts-ignore: decorator
@inline export function rnnFwdAt(g: usize, gh: usize, out: usize, relu: bool, full: bool): void {
  const a = f32x4.add(ld(g, full), ld(gh, full));
  const zero = f32x4.splat(0.0);
  // relu: a > 0 ? a : 0 (NaN -> 0, as the reference)
  const y = relu ? v128.and(a, f32x4.gt(a, zero)) : vtanh(a);
  st(g, y, full);
  st(out, y, full);
}

export function rnnForward(bs: i32, H: i32, j0: i32, j1: i32, relu: bool, gates: usize, gh: usize, out: usize): void {
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
@inline export function lstmBwdAt(g: usize, H4: usize, cp: usize, cn: usize, dh: usize, dc: usize, dg: usize, full: bool, hard: bool, ha: v128): void {
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

export function lstmBackward(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, cPrev: usize, cNew: usize, dh: usize, lddh: i32, dc: usize, dG: usize, hard: bool = false, ha: f32 = 0): void {
  if (hard) lstmBwdRows(bs, H, j0, j1, gates, cPrev, cNew, dh, lddh, dc, dG, true, f32x4.splat(ha));
  else lstmBwdRows(bs, H, j0, j1, gates, cPrev, cNew, dh, lddh, dc, dG, false, f32x4.splat(0));
}

// @ts-ignore: decorator
@inline function lstmBwdRows(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, cPrev: usize, cNew: usize, dh: usize, lddh: i32, dc: usize, dG: usize, hard: bool, ha: v128): void {
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
      lstmBwdAt(g + o, H4, pr + o, nr + o, dhr + o, dcr + o, dg + o, true, hard, ha);
    }
    for (; j < j1; j++) {
      const o = <usize>j << 2;
      lstmBwdAt(g + o, H4, pr + o, nr + o, dhr + o, dcr + o, dg + o, false, hard, ha);
    }
  }
}

// @ts-ignore: decorator
@inline export function gruBwdAt(g: usize, H4: usize, ghn: usize, hp: usize, dh: usize, dgx: usize, dgh: usize, full: bool, hard: bool, ha: v128, rb: bool): void {
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

/**
 * GRU gate backward over units [j0, j1): dGx, dGh (over the gates: read first) and
 * dh = z * dh. `rb`: the reset-before GRU's first half (z and n parts only; `ghn` unused),
 * after which the caller forms d(r * h) = dGx_n W_hn for `gruRbBackward2`.
 */
export function gruBackward(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, ghn: usize, hPrev: usize, dh: usize, dGx: usize, dGh: usize, hard: bool = false, ha: f32 = 0, rb: bool = false): void {
  if (rb) {
    if (hard) gruBwdRows(bs, H, j0, j1, gates, ghn, hPrev, dh, dGx, dGh, true, f32x4.splat(ha), true);
    else gruBwdRows(bs, H, j0, j1, gates, ghn, hPrev, dh, dGx, dGh, false, f32x4.splat(0), true);
  } else if (hard) gruBwdRows(bs, H, j0, j1, gates, ghn, hPrev, dh, dGx, dGh, true, f32x4.splat(ha), false);
  else gruBwdRows(bs, H, j0, j1, gates, ghn, hPrev, dh, dGx, dGh, false, f32x4.splat(0), false);
}

// @ts-ignore: decorator
@inline function gruBwdRows(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, ghn: usize, hPrev: usize, dh: usize, dGx: usize, dGh: usize, hard: bool, ha: v128, rb: bool): void {
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
      gruBwdAt(g + o, H4, nr + o, pr + o, dr + o, gx + o, gh + o, true, hard, ha, rb);
    }
    for (; j < j1; j++) {
      const o = <usize>j << 2;
      gruBwdAt(g + o, H4, nr + o, pr + o, dr + o, gx + o, gh + o, false, hard, ha, rb);
    }
  }
}

// @ts-ignore: decorator
@inline export function rnnBwdAt(g: usize, dh: usize, dg: usize, relu: bool, full: bool): void {
  const y = ld(g, full);
  const d = ld(dh, full);
  const zero = f32x4.splat(0.0);
  const r = relu ? v128.and(d, f32x4.gt(y, zero)) : f32x4.mul(d, f32x4.sub(f32x4.splat(1.0), f32x4.mul(y, y)));
  st(dg, r, full);
}

export function rnnBackward(bs: i32, H: i32, j0: i32, j1: i32, relu: bool, gates: usize, dh: usize, dG: usize): void {
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


// ---- the reset-before GRU (n = tanh(gx_n + b_hn + (r * h) W_hn^T)) ---------------------------
// A step runs in two halves around the GEMM (r * h) W_hn^T, which needs r * h of every
// unit: first r, z and r * h (`gruRbGates`), then n and h' (`gruRbOut`); backward
// likewise around d(r * h) = dG_n W_hn (`gruBackward` with `rb`, then `gruRbBackward2`). Same
// math as src/kernels/ref/rnn-gru-ref.ts (gruResetBefore*Ref).

// @ts-ignore: decorator
@inline function gruRbGatesAt(g: usize, H4: usize, gh: usize, h: usize, rh: usize, full: bool, hard: bool, ha: v128, hb: v128): void {
  const r = vgate(f32x4.add(ld(g, full), ld(gh, full)), hard, ha, hb);
  const z = vgate(f32x4.add(ld(g + H4, full), ld(gh + H4, full)), hard, ha, hb);
  st(g, r, full);
  st(g + H4, z, full);
  st(rh, f32x4.mul(r, ld(h, full)), full);
}

// @ts-ignore: decorator
@inline function gruRbGatesRows(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, gh: usize, h: usize, rh: usize, hard: bool, ha: v128, hb: v128): void {
  const H4 = <usize>H << 2;
  for (let b = 0; b < bs; b++) {
    const g = gates + <usize>b * 3 * H4;
    const ghr = gh + <usize>b * 3 * H4;
    const hr = h + <usize>b * H4;
    const rr = rh + <usize>b * H4;
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const o = <usize>j << 2;
      gruRbGatesAt(g + o, H4, ghr + o, hr + o, rr + o, true, hard, ha, hb);
    }
    for (; j < j1; j++) {
      const o = <usize>j << 2;
      gruRbGatesAt(g + o, H4, ghr + o, hr + o, rr + o, false, hard, ha, hb);
    }
  }
}

/**
 * First half of a reset-before GRU step over units [j0, j1) of `bs` rows: r, z from
 * gates (x W_ih^T + biases) + gh (h W_h{r,z}^T) into the gate rows, and r * h (bs, H) into `rh`.
 */
export function gruRbGates(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, gh: usize, h: usize, rh: usize, hard: bool, ha: f32, hb: f32): void {
  if (hard) gruRbGatesRows(bs, H, j0, j1, gates, gh, h, rh, true, f32x4.splat(ha), f32x4.splat(hb));
  else gruRbGatesRows(bs, H, j0, j1, gates, gh, h, rh, false, f32x4.splat(0), f32x4.splat(0));
}

// @ts-ignore: decorator
@inline function gruRbOutAt(g: usize, H4: usize, gh: usize, h: usize, out: usize, full: bool): void {
  const n = vtanh(f32x4.add(ld(g + 2 * H4, full), ld(gh + 2 * H4, full)));
  st(g + 2 * H4, n, full);
  const z = ld(g + H4, full);
  st(out, f32x4.add(f32x4.mul(f32x4.sub(f32x4.splat(1.0), z), n), f32x4.mul(z, ld(h, full))), full);
}

/**
 * Second half of a reset-before GRU step: n = tanh(gates_n + gh_n) (gh_n = (r * h) W_hn^T)
 * into the gate rows, h' = (1 - z) n + z h into `out` (bs, H).
 */
export function gruRbOut(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, gh: usize, h: usize, out: usize): void {
  const H4 = <usize>H << 2;
  for (let b = 0; b < bs; b++) {
    const g = gates + <usize>b * 3 * H4;
    const ghr = gh + <usize>b * 3 * H4;
    const hr = h + <usize>b * H4;
    const orow = out + <usize>b * H4;
    let j = j0;
    for (; j + 4 <= j1; j += 4) gruRbOutAt(g + (<usize>j << 2), H4, ghr + (<usize>j << 2), hr + (<usize>j << 2), orow + (<usize>j << 2), true);
    for (; j < j1; j++) gruRbOutAt(g + (<usize>j << 2), H4, ghr + (<usize>j << 2), hr + (<usize>j << 2), orow + (<usize>j << 2), false);
  }
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

// @ts-ignore: decorator
@inline function gruRbBwd2Rows(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, hPrev: usize, drh: usize, dh: usize, dGx: usize, dGh: usize, hard: bool, ha: v128): void {
  const H4 = <usize>H << 2;
  for (let b = 0; b < bs; b++) {
    const g = gates + <usize>b * 3 * H4;
    const gx = dGx + <usize>b * 3 * H4;
    const gh = dGh + <usize>b * 3 * H4;
    const pr = hPrev + <usize>b * H4;
    const rr = drh + <usize>b * H4;
    const dr = dh + <usize>b * H4;
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const o = <usize>j << 2;
      gruRbBwd2At(g + o, pr + o, rr + o, dr + o, gx + o, gh + o, true, hard, ha);
    }
    for (; j < j1; j++) {
      const o = <usize>j << 2;
      gruRbBwd2At(g + o, pr + o, rr + o, dr + o, gx + o, gh + o, false, hard, ha);
    }
  }
}

/**
 * Second half of the reset-before GRU backward: from d(r * h) `drh` (bs, H), the r part
 * of dGx and dGh (over the gates' r), and dh += r * d(r * h) (the caller then adds
 * dG_{r,z} W_h{r,z}).
 */
export function gruRbBackward2(bs: i32, H: i32, j0: i32, j1: i32, gates: usize, hPrev: usize, drh: usize, dh: usize, dGx: usize, dGh: usize, hard: bool, ha: f32): void {
  if (hard) gruRbBwd2Rows(bs, H, j0, j1, gates, hPrev, drh, dh, dGx, dGh, true, f32x4.splat(ha));
  else gruRbBwd2Rows(bs, H, j0, j1, gates, hPrev, drh, dh, dGx, dGh, false, f32x4.splat(0));
}
