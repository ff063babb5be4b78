import type { FloatArray } from '../../core/dtype.js';
import { activate, clipBounds, clippedGrad, clipValue, type RnnVariant } from './rnn-variant-ref.js';

/**
 * One GRU time step's gate math over the `bs` active rows (gate order r, z, n). With
 * PyTorch's variant (`cellVariant('gru', undefined)`) these are PyTorch's equations:
 *
 *     r = sigmoid(gx_r + gh_r),  z = sigmoid(gx_z + gh_z)
 *     n = tanh(gx_n + r * (gh_n + b_hn))
 *     h' = (1 - z) * n + z * h
 *
 * where gx = x W_ih^T + b_ih (+ b_hr, b_hz folded into the r and z parts) and
 * gh = h W_hh^T (no bias). A reset-after variant `v` changes the activations
 * (r, z = v.gate, n = v.cell) and may clip their inputs.
 *
 * Buffers (row-major, `H` = hidden size):
 * - `gates` (bs, 3H) at `gOff`: in: gx; out: the activations [r, z, n] (saved).
 * - `gh` (bs, 3H) at `ghOff`: the recurrent projection (read only).
 * - `bhn` (H) at `bhnOff`: b_hn (zeros when the layer has no bias).
 * - `h` (bs, H) at 0: the state before the step (read only).
 * - `ghn` (bs, H) at `hOff`: receives gh_n + b_hn (saved for the backward step).
 * - `hOut` (bs, H) at `outOff`: receives h'.
 * - `v`: the reset-after cell variant (`cellVariant` gives PyTorch's equations).
 */
export function gruStepForwardRef(
  bs: number,
  H: number,
  gates: FloatArray,
  gOff: number,
  gh: FloatArray,
  ghOff: number,
  bhn: FloatArray,
  bhnOff: number,
  h: FloatArray,
  ghn: FloatArray,
  hOff: number,
  hOut: FloatArray,
  outOff: number,
  v: RnnVariant,
): void {
  const G = 3 * H;
  const { gate, cell, clip } = v;
  for (let b = 0; b < bs; b++) {
    const gr = gOff + b * G;
    const hr = ghOff + b * G;
    const sr = hOff + b * H;
    const orow = outOff + b * H;
    for (let j = 0; j < H; j++) {
      const r = activate(gate, clipValue(clip, gates[gr + j] + gh[hr + j]));
      const z = activate(gate, clipValue(clip, gates[gr + H + j] + gh[hr + H + j]));
      ghn[sr + j] = gh[hr + 2 * H + j] + bhn[bhnOff + j];
      const n = activate(cell, clipValue(clip, gates[gr + 2 * H + j] + r * ghn[sr + j]));
      gates[gr + j] = r;
      gates[gr + H + j] = z;
      gates[gr + 2 * H + j] = n;
      hOut[orow + j] = (1 - z) * gates[gr + 2 * H + j] + z * h[b * H + j];
    }
  }
}

/*
 * The GRU with the reset gate before the recurrent matmul (Keras reset_after=False,
 * TF.js, ONNX linear_before_reset=0), as two halves around the caller's GEMM
 * gh_n = (r*h) W_hn^T:
 *
 *     r = gate(gx_r + gh_r),  z = gate(gx_z + gh_z)
 *     n = cell(gx_n + (r*h) W_hn^T)        (b_hn folded into gx_n)
 *     h' = (1 - z) * n + z * h
 */

/**
 * One half of a reset-before GRU step, either side of the caller's GEMM
 * gh_n = (r*h) W_hn^T; `h` (bs, H) at 0 is the state before the step.
 * - half 1: r and z into `gates` (bs, 3H) at `gOff` (from gx there and the r and z parts
 *   of gh (bs, 3H) at `ghOff`), and rh = r*h into `dst` (bs, H) at `dstOff` (saved);
 * - half 2: n = cell(gx_n + gh_n) into the n part of `gates`, with gh_n in the n part of
 *   `gh`, and h' into `dst` (bs, H) at `dstOff`.
 */
export function gruResetBeforeStepRef(
  half: 1 | 2,
  bs: number,
  H: number,
  gates: FloatArray,
  gOff: number,
  gh: FloatArray,
  ghOff: number,
  h: FloatArray,
  dst: FloatArray,
  dstOff: number,
  v: RnnVariant,
): void {
  const G = 3 * H;
  const { gate, cell, clip } = v;
  for (let b = 0; b < bs; b++) {
    const gr = gOff + b * G;
    const hr = ghOff + b * G;
    const sr = dstOff + b * H;
    for (let j = 0; j < H; j++) {
      if (half === 1) {
        gates[gr + j] = activate(gate, clipValue(clip, gates[gr + j] + gh[hr + j]));
        gates[gr + H + j] = activate(gate, clipValue(clip, gates[gr + H + j] + gh[hr + H + j]));
        dst[sr + j] = gates[gr + j] * h[b * H + j];
      } else {
        gates[gr + 2 * H + j] = activate(cell, clipValue(clip, gates[gr + 2 * H + j] + gh[hr + 2 * H + j]));
        const z = gates[gr + H + j];
        dst[sr + j] = (1 - z) * gates[gr + 2 * H + j] + z * h[b * H + j];
      }
    }
  }
}

/**
 * The backward of a GRU step (`gruStepForwardRef`, or the two halves of
 * `gruResetBeforeStepRef`) over the `bs` active rows, in two halves: the reset-before
 * GRU forms d(rh) = dGx_n W_hn between them, the reset-after GRU runs them back to back.
 * - half 1: the z and n parts of `dGx` and `dGh`;
 * - half 2: their r parts, and `dh` turned into its direct part of the gradient w.r.t. h,
 *   z*dh' (reset-before: + r*d(rh)); the caller adds dGh W_hh.
 *
 * Buffers:
 * - `gates` (bs, 3H) at `gOff`: the saved activations [r, z, n].
 * - `ghn` (bs, H) at `hOff`: the saved gh_n + b_hn (reset-after; read by half 2).
 * - `hPrev` (bs, H) at `hOff`: the saved state before the step.
 * - `drh` (bs, H) at 0: the reset-before GRU's d(rh) (read by half 2); else not read.
 * - `dh` (bs, H) at 0: the gradient w.r.t. h' (changed by half 2, see above).
 * - `dGx` (bs, 3H) at `gOff`: receives the gradient w.r.t. the input pre-activations.
 * - `dGh` (bs, 3H) at `gOff`: receives the gradient w.r.t. the recurrent pre-activations:
 *   dGx in the r and z parts; in the n part r * dGx_n (reset-after: w.r.t.
 *   h W_hn^T + b_hn), or dGx_n (reset-before: w.r.t. (r*h) W_hn^T).
 * - `v`: the forward's cell variant.
 */
export function gruStepBackwardRef(
  half: 1 | 2,
  bs: number,
  H: number,
  gates: FloatArray,
  gOff: number,
  ghn: FloatArray,
  hPrev: FloatArray,
  hOff: number,
  drh: FloatArray,
  dh: FloatArray,
  dGx: FloatArray,
  dGh: FloatArray,
  v: RnnVariant,
): void {
  const G = 3 * H;
  const after = v.resetAfter;
  const gb = clipBounds(v.gate, v.clip, gates); // (2) or null
  const cb = clipBounds(v.cell, v.clip, gates); // (2) or null
  for (let b = 0; b < bs; b++) {
    const gr = gOff + b * G;
    const sr = hOff + b * H;
    const dr = b * H;
    for (let j = 0; j < H; j++) {
      const r = gates[gr + j];
      const z = gates[gr + H + j];
      const d = dh[dr + j];
      if (half === 1) {
        const n = gates[gr + 2 * H + j];
        const dan = d * (1 - z) * clippedGrad(v.cell, n, cb);
        const daz = d * (hPrev[sr + j] - n) * clippedGrad(v.gate, z, gb);
        dGx[gr + H + j] = daz;
        dGx[gr + 2 * H + j] = dan;
        dGh[gr + H + j] = daz;
        dGh[gr + 2 * H + j] = after ? dan * r : dan;
      } else {
        const rGrad = clippedGrad(v.gate, r, gb);
        const dar = after ? dGx[gr + 2 * H + j] * ghn[sr + j] * rGrad : drh[dr + j] * hPrev[sr + j] * rGrad;
        dGx[gr + j] = dar;
        dGh[gr + j] = dar;
        dh[dr + j] = after ? d * z : d * z + drh[dr + j] * r;
      }
    }
  }
}
