import type { FloatArray } from '../../core/dtype.js';
import { activate, backpropActivation, clipBounds, clipValue, type RnnVariant } from './rnn-variant-ref.js';

/**
 * One vanilla-RNN time step over the `bs` active rows: h' = v.cell(clip(gx + gh)), where
 * gx = x W_ih^T + b_ih + b_hh and gh = h W_hh^T; with PyTorch's variants
 * (`cellVariant('rnn_tanh' | 'rnn_relu', undefined)`) the cell is tanh or relu, unclipped.
 *
 * Buffers (row-major, `H` = hidden size):
 * - `gates` (bs, H) at `gOff`: in: gx; out: h' (saved for the backward step).
 * - `gh` (bs, H) at `ghOff`: the recurrent projection (read only).
 * - `hOut` (bs, H) at `outOff`: receives h'.
 */
export function rnnStepForwardRef(
  bs: number,
  H: number,
  gates: FloatArray,
  gOff: number,
  gh: FloatArray,
  ghOff: number,
  hOut: FloatArray,
  outOff: number,
  v: RnnVariant,
): void {
  const n = bs * H;
  for (let k = 0; k < n; k++) {
    gates[gOff + k] = activate(v.cell, clipValue(v.clip, gates[gOff + k] + gh[ghOff + k]));
    hOut[outOff + k] = gates[gOff + k];
  }
}

/**
 * The backward of `rnnStepForwardRef` over the `bs` active rows, for the forward's
 * variant `v`: `gates` (bs, H) at `gOff` holds the saved h', `dh` (bs, H) at 0 the
 * gradient w.r.t. h' (read only); `dGates` (bs, H) at `gOff` receives the gradient
 * w.r.t. the pre-activation (relu'(0) = 0, and relu passes no NaN through an inactive
 * unit, as in PyTorch).
 */
export function rnnStepBackwardRef(
  bs: number,
  H: number,
  gates: FloatArray,
  gOff: number,
  dh: FloatArray,
  dGates: FloatArray,
  v: RnnVariant,
): void {
  const cb = clipBounds(v.cell, v.clip, gates); // (2) or null
  for (let k = 0; k < bs * H; k++) dGates[gOff + k] = backpropActivation(v.cell, gates[gOff + k], dh[k], cb);
}
