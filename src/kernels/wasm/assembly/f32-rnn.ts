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

import { barrier } from './barrier';
import { NR, f32_gemm } from './gemm-core';
import {
  gruBackward,
  gruForward,
  gruRbBackward1,
  gruRbBackward2,
  gruRbGates,
  gruRbOut,
  lstmBackward,
  lstmForward,
  rnnBackward,
  rnnForward,
} from './rnn-gates';
import { fld, fldf, ptr } from './rnn-block';
import { addTo, copyCols, gemmSet, gemmSets, packSet, roundNR } from './rnn-panels';
import * as F from '../rnn-params';

// Re-exported so the shared build is also the worker pool's GEMM; the per-step entry
// points serve the driver that runs the loop outside the module (native BLAS).
export { rnn_step_backward, rnn_step_forward } from './rnn-steps';
export { f32_gemm, KC, MC, NC, TILE_MR, TILE_NR } from './gemm-core';

/** The first index of thread `t`'s share of `n` items split into `nt` parts. */
// @ts-ignore: decorator
@inline function part(n: i32, t: i32, nt: i32): i32 {
  return <i32>((<i64>n * <i64>t) / <i64>nt);
}

/**
 * The hard sigmoid's alpha (beta: `gateBeta`) from the block. The step loops read them
 * after their last barrier, right before the gate kernel: an f32 held in a local across
 * a barrier's `memory.atomic.wait32` came back changed in V8's baseline compiler
 * (Liftoff, which runs a function's first calls), so on several threads the gates used
 * a wrong alpha / beta after any wait (wrong results, different from run to run).
 * Memory loads after the barrier are not moved across its atomics.
 */
// @ts-ignore: decorator
@inline function gateAlpha(P: usize): f32 {
  return fldf(P, F.F_GATE_ALPHA);
}

// @ts-ignore: decorator
@inline function gateBeta(P: usize): f32 {
  return fldf(P, F.F_GATE_BETA);
}

// ---- entries ------------------------------------------------------------------------------

/**
 * Forward pass of one layer and direction; thread `tid` of `nt`. In: x, the weights,
 * bias, bhn, h0 in F_HN, c0 in F_CN. Out: output, hN (F_HN), cN (F_CN) and the saved
 * buffers (gates as activations, hPrev, cPrev, cNew, hRaw, ghn).
 */
export function rnn_forward(P: usize, tid: i32, nt: i32): void {
  runPass(P, tid, nt, FORWARD);
}

/**
 * Backward pass of `rnn_forward` (thread `tid` of `nt`): the time loop, then
 * `rnn_backward_tail`. In: x, W_ih, W_hh, W_hr, the saved buffers, dOutput (or 0), dhN
 * in F_DH and dcN in F_DC (zeros where absent). Out: dh0 in F_DH, dc0 in F_DC, and every
 * non-zero gradient pointer.
 */
export function rnn_backward(P: usize, tid: i32, nt: i32): void {
  runPass(P, tid, nt, BACKWARD);
}

/**
 * The end of `rnn_backward` after its time loop (thread `tid` of `nt`): the dX, dW_ih,
 * dW_hh (and dW_hr) GEMMs split by output rows (unless the caller runs them: F_FLAGS & 2)
 * and the bias sums. Also called by the driver that runs the loop outside the module.
 */
export function rnn_backward_tail(P: usize, tid: i32, nt: i32): void {
  runPass(P, tid, nt, TAIL);
}

/** What `runPass` runs: the forward time loop, the backward one and then the tail, or the tail. */
const FORWARD = 0;
const BACKWARD = 1;
const TAIL = 2;

/**
 * The three entries: the sizes from the block, thread `tid`'s scratch and its share of
 * the work (whole NR panels of the hidden units of every gate, and of the state columns),
 * then pass `pass` (a constant in each entry, so each compiles to its own code).
 */
// @ts-ignore: decorator
@inline function runPass(P: usize, tid: i32, nt: i32, pass: i32): void {
  // the block's sizes and buffers
  const kind = fld(P, F.F_KIND);
  const I = fld(P, F.F_I);
  const H = fld(P, F.F_H);
  const Hout = fld(P, F.F_HOUT);
  const L = fld(P, F.F_L);
  const B = fld(P, F.F_B);
  const rows = fld(P, F.F_ROWS);
  const G = fld(P, F.F_G);
  const bsP = ptr(P, F.F_BS);
  const offsP = ptr(P, F.F_OFFS);
  const wHr = ptr(P, F.F_WHR);
  const bar = ptr(P, F.F_BAR);
  const gates = ptr(P, F.F_GATES);
  const hPrev = ptr(P, F.F_HPREV);
  const cPrev = ptr(P, F.F_CPREV);
  const cNew = ptr(P, F.F_CNEW);
  const ghnB = ptr(P, F.F_GHN);
  // and what follows from them
  const GH = G * H;
  const reverse = fld(P, F.F_REV) != 0;
  const isGru = kind == 1;
  const resetBefore = isGru && fld(P, F.F_RESET_BEFORE) == 1;
  const proj = kind == 0 && wHr != 0;
  const hard = fld(P, F.F_GATE) == 1;
  // thread tid's scratch: packA, packB, the micro-tile
  const scr = ptr(P, F.F_SCR) + <usize>tid * ptr(P, F.F_SCR_STRIDE);
  const pa = scr;
  const pb = scr + ptr(P, F.F_SCR_PB);
  const tile = scr + ptr(P, F.F_SCR_TILE);
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

  if (pass == FORWARD) {
    const bias = ptr(P, F.F_BIAS);
    const out = ptr(P, F.F_OUT);
    // input projection of every step, rows split over threads: gates = bias + x W_ih^T
    // (unless the caller ran it already: F_FLAGS & 1)
    const r0 = part(rows, tid, nt);
    const r1 = part(rows, tid + 1, nt);
    if ((fld(P, F.F_FLAGS) & 1) == 0 && r1 > r0) {
      const g0 = gates + ((<usize>r0 * GH) << 2);
      if (bias != 0) {
        for (let r = r0; r < r1; r++) memory.copy(gates + ((<usize>r * GH) << 2), bias, <usize>GH << 2);
      }
      f32_gemm(false, true, r1 - r0, GH, I, 1, ptr(P, F.F_X) + ((<usize>r0 * I) << 2), I, ptr(P, F.F_WIH), I, bias != 0 ? 1 : 0, g0, GH, pa, pb, tile);
    }

    // pack this thread's panels of W_hh^T (one set per gate: K = Hout, N = H) and W_hr^T
    const pWhh = ptr(P, F.F_PWHH);
    const setB = <usize>Hout * <usize>roundNR(H) << 2;
    const wHh = ptr(P, F.F_WHH);
    for (let g = 0; g < G; g++) packSet(true, wHh, Hout, Hout, g * H, H, q0, q1, pWhh + <usize>g * setB);
    const pWhr = ptr(P, F.F_PWHR);
    if (proj) packSet(true, wHr, H, H, 0, Hout, p0, p1, pWhr);
    if (!barrier(bar, nt)) return;

    const cst = ptr(P, F.F_CN);
    const hRaw = ptr(P, F.F_HRAW);
    const gh = ptr(P, F.F_GH);
    const bhn = ptr(P, F.F_BHN);
    let hCur = ptr(P, F.F_HN);
    let hNext = ptr(P, F.F_HBUF);
    for (let s = 0; s < L; s++) {
      const t = reverse ? L - 1 - s : s;
      const bs = load<i32>(bsP + (<usize>t << 2));
      const off = load<i32>(offsP + (<usize>t << 2));
      const gRow = gates + ((<usize>off * GH) << 2);
      // recurrent GEMM for this thread's units of every gate, into the (cache-hot) gh rows
      // (reset-before GRU: of r and z; n's runs on r * h below)
      gemmSets(bs, Hout, hCur, Hout, resetBefore ? 2 : G, pWhh, setB, H, q0, q1, gh, <usize>H << 2, GH, 0, pa, tile);
      const hOff = (<usize>off * Hout) << 2;
      // the hard sigmoid's alpha and beta are read here, after this step's last barrier:
      // see `gateAlpha`
      const ha = gateAlpha(P);
      const hb = gateBeta(P);
      if (kind == 0) {
        const cOff = (<usize>off * H) << 2;
        if (proj) {
          lstmForward(bs, H, j0, j1, gRow, gh, cst, cPrev + cOff, cNew + cOff, hRaw + cOff, H, hard, ha, hb);
          if (!barrier(bar, nt)) return;
          gemmSet(bs, H, hRaw + cOff, H, pWhr, Hout, p0, p1, out + hOff, Hout, 0, pa, tile);
        } else {
          lstmForward(bs, H, j0, j1, gRow, gh, cst, cPrev + cOff, cNew + cOff, out + hOff, Hout, hard, ha, hb);
        }
      } else if (resetBefore) {
        // r, z and r * h (saved in F_GHN) of this thread's units; gh_n = (r * h) W_hn^T
        // needs every unit's r * h
        const rh = ghnB + ((<usize>off * H) << 2);
        gruRbGates(bs, H, j0, j1, gRow, gh, hCur, rh, hard, ha, hb);
        if (!barrier(bar, nt)) return;
        gemmSet(bs, H, rh, H, pWhh + 2 * setB, H, q0, q1, gh + ((<usize>2 * H) << 2), GH, 0, pa, tile);
        gruRbOut(bs, H, j0, j1, gRow, gh, hCur, out + hOff);
      } else if (isGru) {
        gruForward(bs, H, j0, j1, gRow, gh, bhn, hCur, ghnB + ((<usize>off * H) << 2), out + hOff, hard, ha, hb);
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
    if (hCur != ptr(P, F.F_HN)) copyCols(B, k0, k1, hCur, Hout, ptr(P, F.F_HN), Hout);
    return;
  }

  // ---- backward ----
  const dGx = ptr(P, F.F_DGX);
  const dGh = ptr(P, F.F_DGH);
  const dHall = ptr(P, F.F_DHALL);
  if (pass == BACKWARD) {
    // packed W_hh as op(B) (K = GH, N = Hout, this thread's state columns) and W_hr
    // (K = Hout, N = H, this thread's units)
    const pWhh = ptr(P, F.F_PWHH);
    // reset-before GRU: two sets, W_h{r,z} (K = 2H) and after it W_hn (K = H), for
    // dh += dG_{r,z} W_h{r,z} and d(r * h) = dG_n W_hn
    const pWhn = pWhh + ((<usize>2 * H * roundNR(Hout)) << 2);
    if (resetBefore) {
      packSet(false, ptr(P, F.F_WHH), Hout, 2 * H, 0, Hout, p0, p1, pWhh);
      packSet(false, ptr(P, F.F_WHH) + ((<usize>2 * H * Hout) << 2), Hout, H, 0, Hout, p0, p1, pWhn);
    } else {
      packSet(false, ptr(P, F.F_WHH), Hout, GH, 0, Hout, p0, p1, pWhh);
    }
    const pWhr = ptr(P, F.F_PWHR);
    if (proj) packSet(false, wHr, H, Hout, 0, H, q0, q1, pWhr);

    const dOut = ptr(P, F.F_DOUT);
    const dh = ptr(P, F.F_DH);
    const dc = ptr(P, F.F_DC);
    const dRaw = ptr(P, F.F_DRAW);
    for (let s = L - 1; s >= 0; s--) {
      const t = reverse ? L - 1 - s : s;
      const bs = load<i32>(bsP + (<usize>t << 2));
      const off = load<i32>(offsP + (<usize>t << 2));
      const hOff = (<usize>off * Hout) << 2;
      const gOff = (<usize>off * GH) << 2;
      // dh[:bs, k0:k1] += dOutput rows
      if (dOut != 0 && k1 > k0) {
        for (let b = 0; b < bs; b++) {
          const q = (<usize>b * Hout + k0) << 2;
          addTo(dh + q, dOut + hOff + q, k1 - k0);
        }
      }
      if (resetBefore) {
        gruRbBackward1(bs, H, j0, j1, gates + gOff, hPrev + hOff, dh, dGx + gOff, dGh + gOff, hard, gateAlpha(P));
        if (!barrier(bar, nt)) return;
        // d(r * h)[:, own] = dG_n W_hn[:, own] (into F_DRAW), then the r part and dh
        gemmSet(bs, H, dGx + gOff + ((<usize>2 * H) << 2), GH, pWhn, H, q0, q1, dRaw, H, 0, pa, tile);
        gruRbBackward2(bs, H, j0, j1, gates + gOff, hPrev + hOff, dRaw, dh, dGx + gOff, dGh + gOff, hard, gateAlpha(P));
        if (!barrier(bar, nt)) return;
        gemmSet(bs, 2 * H, dGh + gOff, GH, pWhh, Hout, p0, p1, dh, Hout, 1, pa, tile);
        continue;
      }
      if (kind == 0) {
        const cOff = (<usize>off * H) << 2;
        if (proj) {
          copyCols(bs, k0, k1, dh, Hout, dHall + hOff, Hout);
          if (!barrier(bar, nt)) return;
          gemmSet(bs, Hout, dh, Hout, pWhr, H, q0, q1, dRaw, H, 0, pa, tile);
          lstmBackward(bs, H, j0, j1, gates + gOff, cPrev + cOff, cNew + cOff, dRaw, H, dc, dGx + gOff, hard, gateAlpha(P));
        } else {
          lstmBackward(bs, H, j0, j1, gates + gOff, cPrev + cOff, cNew + cOff, dh, Hout, dc, dGx + gOff, hard, gateAlpha(P));
        }
      } else if (isGru) {
        gruBackward(bs, H, j0, j1, gates + gOff, ghnB + ((<usize>off * H) << 2), hPrev + hOff, dh, dGx + gOff, dGh + gOff, hard, gateAlpha(P));
      } else {
        rnnBackward(bs, H, j0, j1, kind == 3, gates + gOff, dh, dGx + gOff);
      }
      if (!barrier(bar, nt)) return;
      // dh[:bs, k0:k1] = dG W_hh[:, k0:k1] (gru: += onto z * dh')
      gemmSet(bs, GH, isGru ? dGh + gOff : dGx + gOff, GH, pWhh, Hout, p0, p1, dh, Hout, isGru ? 1 : 0, pa, tile);
    }
    if (!barrier(bar, nt)) return;
  }

  // ---- the tail ----
  if ((fld(P, F.F_FLAGS) & 2) == 0) {
    const dX = ptr(P, F.F_DX);
    if (dX != 0) {
      const a = part(rows, tid, nt);
      const b = part(rows, tid + 1, nt);
      if (b > a) f32_gemm(false, false, b - a, I, GH, 1, dGx + ((<usize>a * GH) << 2), GH, ptr(P, F.F_WIH), I, 0, dX + ((<usize>a * I) << 2), I, pa, pb, tile);
    }
    const m0 = part(GH, tid, nt);
    const m1 = part(GH, tid + 1, nt);
    const dWIh = ptr(P, F.F_DWIH);
    if (dWIh != 0 && m1 > m0) {
      f32_gemm(true, false, m1 - m0, I, rows, 1, dGx + (<usize>m0 << 2), GH, ptr(P, F.F_X), I, 0, dWIh + ((<usize>m0 * I) << 2), I, pa, pb, tile);
    }
    const dWHh = ptr(P, F.F_DWHH);
    // rows [0, nh) against h_{t-1}; the reset-before GRU's n rows [2H, GH) against r * h
    const nh = resetBefore ? 2 * H : GH;
    const a0 = m0;
    const a1 = min(m1, nh);
    if (dWHh != 0 && a1 > a0) {
      f32_gemm(true, false, a1 - a0, Hout, rows, 1, dGh + (<usize>a0 << 2), GH, hPrev, Hout, 0, dWHh + ((<usize>a0 * Hout) << 2), Hout, pa, pb, tile);
    }
    const b0 = max(m0, nh);
    if (dWHh != 0 && m1 > b0) {
      f32_gemm(true, false, m1 - b0, Hout, rows, 1, dGh + (<usize>b0 << 2), GH, ptr(P, F.F_GHN), H, 0, dWHh + ((<usize>b0 * Hout) << 2), Hout, pa, pb, tile);
    }
    const dWHr = ptr(P, F.F_DWHR);
    if (dWHr != 0 && proj) {
      const a = part(Hout, tid, nt);
      const b = part(Hout, tid + 1, nt);
      if (b > a) f32_gemm(true, false, b - a, H, rows, 1, dHall + (<usize>a << 2), Hout, ptr(P, F.F_HRAW), H, 0, dWHr + ((<usize>a * H) << 2), H, pa, pb, tile);
    }
  }
  // bias sums: columns split in multiples of 4
  const n4 = (GH + 3) >> 2;
  const c0 = min(GH, part(n4, tid, nt) << 2);
  const c1 = min(GH, part(n4, tid + 1, nt) << 2);
  const acc = ptr(P, F.F_ACC);
  const dBIh = ptr(P, F.F_DBIH);
  const dBHh = ptr(P, F.F_DBHH);
  if (dBIh != 0) columnSums(dGx, rows, GH, c0, c1, acc, dBIh);
  if (dBHh != 0) columnSums(dGh, rows, GH, c0, c1, acc, dBHh);
}

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
