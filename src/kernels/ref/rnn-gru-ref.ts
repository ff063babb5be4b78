import type { FloatArray } from '../../core/dtype.js';

/**
 * One GRU time step's gate math over the `bs` active rows (PyTorch's equations, gate
 * order r, z, n):
 *
 *     r = sigmoid(gx_r + gh_r),  z = sigmoid(gx_z + gh_z)
 *     n = tanh(gx_n + r * (gh_n + b_hn))
 *     h' = (1 - z) * n + z * h
 *
 * where gx = x W_ih^T + b_ih (+ b_hr, b_hz folded into the r and z parts) and
 * gh = h W_hh^T (no bias).
 *
 * Buffers (row-major, `H` = hidden size):
 * - `gates` (bs, 3H) at `gOff`: in: gx; out: the activations [r, z, n] (saved).
 * - `gh` (bs, 3H) at `ghOff`: the recurrent projection (read only).
 * - `bhn` (H) at `bhnOff`: b_hn (zeros when the layer has no bias).
 * - `h` (bs, H) at 0: the state before the step (read only).
 * - `ghn` (bs, H) at `hOff`: receives gh_n + b_hn (saved for the backward step).
 * - `hOut` (bs, H) at `outOff`: receives h'.
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
): void {
  const G = 3 * H;
  for (let b = 0; b < bs; b++) {
    const gr = gOff + b * G;
    const hr = ghOff + b * G;
    const sr = hOff + b * H;
    const orow = outOff + b * H;
    for (let j = 0; j < H; j++) {
      const r = 1 / (1 + Math.exp(-(gates[gr + j] + gh[hr + j])));
      const z = 1 / (1 + Math.exp(-(gates[gr + H + j] + gh[hr + H + j])));
      ghn[sr + j] = gh[hr + 2 * H + j] + bhn[bhnOff + j];
      const n = Math.tanh(gates[gr + 2 * H + j] + r * ghn[sr + j]);
      gates[gr + j] = r;
      gates[gr + H + j] = z;
      gates[gr + 2 * H + j] = n;
      hOut[orow + j] = (1 - z) * gates[gr + 2 * H + j] + z * h[b * H + j];
    }
  }
}

/**
 * The backward of `gruStepForwardRef` over the `bs` active rows.
 *
 * Buffers:
 * - `gates` (bs, 3H) at `gOff`: the saved activations [r, z, n].
 * - `ghn` (bs, H) at `hOff`: the saved gh_n + b_hn.
 * - `hPrev` (bs, H) at `hOff`: the saved state before the step.
 * - `dh` (bs, H) at 0: in: gradient w.r.t. h'; out: its direct part z * dh' of the
 *   gradient w.r.t. h (the caller adds dGh W_hh).
 * - `dGx` (bs, 3H) at `gOff`: receives the gradient w.r.t. the input pre-activations.
 * - `dGh` (bs, 3H) at `gOff`: receives the gradient w.r.t. h W_hh^T + b_hh
 *   (equal to dGx in the r and z parts, r * dGx in the n part).
 */
export function gruStepBackwardRef(
  bs: number,
  H: number,
  gates: FloatArray,
  gOff: number,
  ghn: FloatArray,
  hPrev: FloatArray,
  hOff: number,
  dh: FloatArray,
  dGx: FloatArray,
  dGh: FloatArray,
): void {
  const G = 3 * H;
  for (let b = 0; b < bs; b++) {
    const gr = gOff + b * G;
    const sr = hOff + b * H;
    const dr = b * H;
    for (let j = 0; j < H; j++) {
      const r = gates[gr + j];
      const z = gates[gr + H + j];
      const n = gates[gr + 2 * H + j];
      const d = dh[dr + j];
      const dan = d * (1 - z) * (1 - n * n);
      const dar = dan * ghn[sr + j] * r * (1 - r);
      const daz = d * (hPrev[sr + j] - n) * z * (1 - z);
      dGx[gr + j] = dar;
      dGx[gr + H + j] = daz;
      dGx[gr + 2 * H + j] = dan;
      dGh[gr + j] = dar;
      dGh[gr + H + j] = daz;
      dGh[gr + 2 * H + j] = dan * r;
      dh[dr + j] = d * z;
    }
  }
}
