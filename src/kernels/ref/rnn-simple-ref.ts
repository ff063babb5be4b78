import type { FloatArray } from '../../core/dtype.js';
import { activate, clipBounds, clippedGrad, clipValue, type RnnVariant } from './rnn-variant-ref.js';

/**
 * One vanilla-RNN time step over the `bs` active rows: h' = act(gx + gh), act = tanh
 * or relu, where gx = x W_ih^T + b_ih + b_hh and gh = h W_hh^T.
 *
 * Buffers (row-major, `H` = hidden size):
 * - `gates` (bs, H) at `gOff`: in: gx; out: h' (saved for the backward step).
 * - `gh` (bs, H) at `ghOff`: the recurrent projection (read only).
 * - `hOut` (bs, H) at `outOff`: receives h'.
 * - `v`: a cell variant (h' = v.cell(clip(.)), `relu` ignored), or undefined.
 */
export function rnnStepForwardRef(
  bs: number,
  H: number,
  relu: boolean,
  gates: FloatArray,
  gOff: number,
  gh: FloatArray,
  ghOff: number,
  hOut: FloatArray,
  outOff: number,
  v?: RnnVariant,
): void {
  const n = bs * H;
  if (v !== undefined) {
    for (let k = 0; k < n; k++) {
      gates[gOff + k] = activate(v.cell, clipValue(v.clip, gates[gOff + k] + gh[ghOff + k]));
      hOut[outOff + k] = gates[gOff + k];
    }
  } else if (relu) {
    for (let k = 0; k < n; k++) {
      const a = gates[gOff + k] + gh[ghOff + k];
      gates[gOff + k] = a > 0 ? a : 0;
      hOut[outOff + k] = gates[gOff + k];
    }
  } else {
    for (let k = 0; k < n; k++) {
      gates[gOff + k] = Math.tanh(gates[gOff + k] + gh[ghOff + k]);
      hOut[outOff + k] = gates[gOff + k];
    }
  }
}

/**
 * The backward of `rnnStepForwardRef` over the `bs` active rows.
 *
 * Buffers:
 * - `gates` (bs, H) at `gOff`: the saved h'.
 * - `dh` (bs, H) at 0: gradient w.r.t. h' (read only).
 * - `dGates` (bs, H) at `gOff`: receives the gradient w.r.t. the pre-activation
 *   (relu'(0) = 0, as in PyTorch).
 * - `v`: the forward's cell variant, or undefined.
 */
export function rnnStepBackwardRef(
  bs: number,
  H: number,
  relu: boolean,
  gates: FloatArray,
  gOff: number,
  dh: FloatArray,
  dGates: FloatArray,
  v?: RnnVariant,
): void {
  const n = bs * H;
  if (v !== undefined) {
    const cb = clipBounds(v.cell, v.clip, gates); // (2) or null
    for (let k = 0; k < n; k++) dGates[gOff + k] = dh[k] * clippedGrad(v.cell, gates[gOff + k], cb);
  } else if (relu) {
    for (let k = 0; k < n; k++) dGates[gOff + k] = gates[gOff + k] > 0 ? dh[k] : 0;
  } else {
    for (let k = 0; k < n; k++) {
      const y = gates[gOff + k];
      dGates[gOff + k] = dh[k] * (1 - y * y);
    }
  }
}
