// Per-step entry points of the fused recurrent layer for a driver outside the module
// (src/kernels/f32-rnn-sequence-blas.ts, the 'native-blas' set): the driver runs the time
// loop and each step's recurrent GEMMs in the machine's BLAS on views of this memory, and
// calls these for the f32x4 gate math of step `t` (one thread). Same parameter block and
// buffers as rnn_forward / rnn_backward (f32-rnn.ts); the gate kernels are the same code.

import { gruBackward, gruForward, lstmBackward, lstmForward, rnnBackward, rnnForward } from './rnn-gates';
import { fld, fldf, ptr } from './rnn-block';
import { addTo } from './rnn-panels';
import * as F from '../rnn-params';

/**
 * The gates of forward step `t`: F_GH holds the step's h_{t-1} W_hh^T (bs rows) and
 * F_HPREV's rows of the step hold h_{t-1}. Writes the activations over the gate rows,
 * c (F_CN), cPrev, cNew, ghn and the step's output rows (with projection: hRaw; the
 * driver then runs out = hRaw W_hr^T).
 */
export function rnn_step_forward(P: usize, t: i32): void {
  step(P, t, false, 0);
}

/**
 * Backward step `t`, in parts: `part & 1` adds the step's dOutput rows to dh (F_DH) and,
 * with projection, keeps dh in F_DHALL; `part & 2` runs the gate backward (with
 * projection from F_DRAW = dh W_hr, which the driver computes between the parts), writing
 * dG (F_DGX, and F_DGH for gru, where dh becomes z * dh) and dc (F_DC).
 */
export function rnn_step_backward(P: usize, t: i32, part: i32): void {
  step(P, t, true, part);
}

/** Both entries: step `t`'s rows in the block's buffers, then its forward or backward gates. */
// @ts-ignore: decorator
@inline function step(P: usize, t: i32, backward: bool, part: i32): void {
  const kind = fld(P, F.F_KIND);
  const H = fld(P, F.F_H);
  const Hout = fld(P, F.F_HOUT);
  const bs = load<i32>(ptr(P, F.F_BS) + (<usize>t << 2));
  const off = load<i32>(ptr(P, F.F_OFFS) + (<usize>t << 2));
  const gOff = (<usize>off * fld(P, F.F_G) * H) << 2;
  const hOff = (<usize>off * Hout) << 2;
  const cOff = (<usize>off * H) << 2;
  const proj = kind == 0 && ptr(P, F.F_WHR) != 0;
  const gates = ptr(P, F.F_GATES) + gOff;
  const hard = fld(P, F.F_GATE) == 1;
  const ha = fldf(P, F.F_GATE_ALPHA);
  if (!backward) {
    const gh = ptr(P, F.F_GH);
    const hb = fldf(P, F.F_GATE_BETA);
    if (kind == 0) {
      const hOut = proj ? ptr(P, F.F_HRAW) + cOff : ptr(P, F.F_OUT) + hOff;
      lstmForward(bs, H, 0, H, gates, gh, ptr(P, F.F_CN), ptr(P, F.F_CPREV) + cOff, ptr(P, F.F_CNEW) + cOff, hOut, proj ? H : Hout, hard, ha, hb);
    } else if (kind == 1) {
      gruForward(bs, H, 0, H, gates, gh, ptr(P, F.F_BHN), ptr(P, F.F_HPREV) + hOff, ptr(P, F.F_GHN) + cOff, ptr(P, F.F_OUT) + hOff, hard, ha, hb);
    } else {
      rnnForward(bs, H, 0, H, kind == 3, gates, gh, ptr(P, F.F_OUT) + hOff);
    }
    return;
  }
  const dh = ptr(P, F.F_DH);
  if ((part & 1) != 0) {
    const dOut = ptr(P, F.F_DOUT);
    if (dOut != 0) addTo(dh, dOut + hOff, bs * Hout);
    if (proj) memory.copy(ptr(P, F.F_DHALL) + hOff, dh, <usize>(bs * Hout) << 2);
  }
  if ((part & 2) == 0) return;
  const dG = ptr(P, F.F_DGX) + gOff;
  if (kind == 0) {
    const src = proj ? ptr(P, F.F_DRAW) : dh;
    lstmBackward(bs, H, 0, H, gates, ptr(P, F.F_CPREV) + cOff, ptr(P, F.F_CNEW) + cOff, src, proj ? H : Hout, ptr(P, F.F_DC), dG, hard, ha);
  } else if (kind == 1) {
    gruBackward(bs, H, 0, H, gates, ptr(P, F.F_GHN) + cOff, ptr(P, F.F_HPREV) + hOff, dh, dG, ptr(P, F.F_DGH) + gOff, hard, ha);
  } else {
    rnnBackward(bs, H, 0, H, kind == 3, gates, dh, dG);
  }
}
