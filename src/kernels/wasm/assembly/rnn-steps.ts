// Per-step entry points of the fused recurrent layer for a driver outside the module
// (src/kernels/f32-rnn-sequence-blas.ts, the 'native-blas' set): the driver runs the time
// loop and each step's recurrent GEMMs in the machine's BLAS on views of this memory, and
// calls these for the f32x4 gate math of step `t` (one thread). Same parameter block and
// buffers as rnn_forward / rnn_backward (f32-rnn.ts); the gate kernels are the same code.

import { gruBackward, gruForward, lstmBackward, lstmForward, rnnBackward, rnnForward } from './rnn-gates';
import { fld, fldf, ptr } from './rnn-block';

import {
  F_KIND,
  F_H,
  F_HOUT,
  F_BS,
  F_OFFS,
  F_BHN,
  F_WHR,
  F_OUT,
  F_CN,
  F_GATES,
  F_HPREV,
  F_CPREV,
  F_CNEW,
  F_HRAW,
  F_GHN,
  F_GH,
  F_DOUT,
  F_DH,
  F_DC,
  F_DGX,
  F_DGH,
  F_DHALL,
  F_DRAW,
  F_GATE,
  F_GATE_ALPHA,
  F_GATE_BETA,
} from '../rnn-params';


/**
 * The gates of forward step `t`: F_GH holds the step's h_{t-1} W_hh^T (bs rows) and
 * F_HPREV's rows of the step hold h_{t-1}. Writes the activations over the gate rows,
 * c (F_CN), cPrev, cNew, ghn and the step's output rows (with projection: hRaw; the
 * driver then runs out = hRaw W_hr^T).
 */
export function rnn_step_forward(P: usize, t: i32): void {
  const kind = fld(P, F_KIND);
  const H = fld(P, F_H);
  const Hout = fld(P, F_HOUT);
  const bs = load<i32>(ptr(P, F_BS) + (<usize>t << 2));
  const off = load<i32>(ptr(P, F_OFFS) + (<usize>t << 2));
  const G = kind == 0 ? 4 : kind == 1 ? 3 : 1;
  const gRow = ptr(P, F_GATES) + ((<usize>off * G * H) << 2);
  const gh = ptr(P, F_GH);
  const hOff = (<usize>off * Hout) << 2;
  const cOff = (<usize>off * H) << 2;
  const hard = fld(P, F_GATE) == 1;
  const ha = fldf(P, F_GATE_ALPHA);
  const hb = fldf(P, F_GATE_BETA);
  if (kind == 0) {
    const proj = ptr(P, F_WHR) != 0;
    const hOut = proj ? ptr(P, F_HRAW) + cOff : ptr(P, F_OUT) + hOff;
    lstmForward(bs, H, 0, H, gRow, gh, ptr(P, F_CN), ptr(P, F_CPREV) + cOff, ptr(P, F_CNEW) + cOff, hOut, proj ? H : Hout, hard, ha, hb);
  } else if (kind == 1) {
    gruForward(bs, H, 0, H, gRow, gh, ptr(P, F_BHN), ptr(P, F_HPREV) + hOff, ptr(P, F_GHN) + cOff, ptr(P, F_OUT) + hOff, hard, ha, hb);
  } else {
    rnnForward(bs, H, 0, H, kind == 3, gRow, gh, ptr(P, F_OUT) + hOff);
  }
}

/**
 * Backward step `t`, in parts: `part & 1` adds the step's dOutput rows to dh (F_DH) and,
 * with projection, keeps dh in F_DHALL; `part & 2` runs the gate backward (with
 * projection from F_DRAW = dh W_hr, which the driver computes between the parts), writing
 * dG (F_DGX, and F_DGH for gru, where dh becomes z * dh) and dc (F_DC).
 */
export function rnn_step_backward(P: usize, t: i32, part: i32): void {
  const kind = fld(P, F_KIND);
  const H = fld(P, F_H);
  const Hout = fld(P, F_HOUT);
  const bs = load<i32>(ptr(P, F_BS) + (<usize>t << 2));
  const off = load<i32>(ptr(P, F_OFFS) + (<usize>t << 2));
  const G = kind == 0 ? 4 : kind == 1 ? 3 : 1;
  const GH = G * H;
  const proj = kind == 0 && ptr(P, F_WHR) != 0;
  const dh = ptr(P, F_DH);
  const hOff = (<usize>off * Hout) << 2;
  if ((part & 1) != 0) {
    const dOut = ptr(P, F_DOUT);
    if (dOut != 0) {
      const n = bs * Hout;
      const o = dOut + hOff;
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const q = <usize>i << 2;
        v128.store(dh + q, f32x4.add(v128.load(dh + q), v128.load(o + q)));
      }
      for (; i < n; i++) {
        const q = <usize>i << 2;
        store<f32>(dh + q, load<f32>(dh + q) + load<f32>(o + q));
      }
    }
    if (proj) memory.copy(ptr(P, F_DHALL) + hOff, dh, <usize>(bs * Hout) << 2);
  }
  if ((part & 2) == 0) return;
  const gOff = (<usize>off * GH) << 2;
  const cOff = (<usize>off * H) << 2;
  const gates = ptr(P, F_GATES);
  const dGx = ptr(P, F_DGX);
  const hard = fld(P, F_GATE) == 1;
  if (kind == 0) {
    const src = proj ? ptr(P, F_DRAW) : dh;
    lstmBackward(bs, H, 0, H, gates + gOff, ptr(P, F_CPREV) + cOff, ptr(P, F_CNEW) + cOff, src, proj ? H : Hout, ptr(P, F_DC), dGx + gOff, hard, fldf(P, F_GATE_ALPHA));
  } else if (kind == 1) {
    gruBackward(bs, H, 0, H, gates + gOff, ptr(P, F_GHN) + cOff, ptr(P, F_HPREV) + hOff, dh, dGx + gOff, ptr(P, F_DGH) + gOff, hard, fldf(P, F_GATE_ALPHA));
  } else {
    rnnBackward(bs, H, 0, H, kind == 3, gates + gOff, dh, dGx + gOff);
  }
}
