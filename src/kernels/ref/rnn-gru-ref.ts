import type { FloatArray } from '../../core/dtype.js';
import { activate, clipBounds, clippedGrad, clipValue, type RnnVariant } from './rnn-variant-ref.js';

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
 * - `v`: a reset-after cell variant (other activations), or undefined for the above.
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
  v?: RnnVariant,
): void {
  const G = 3 * H;
  if (v !== undefined) {
    const clip = v.clip;
    for (let b = 0; b < bs; b++) {
      const gr = gOff + b * G;
      const hr = ghOff + b * G;
      const sr = hOff + b * H;
      const orow = outOff + b * H;
      for (let j = 0; j < H; j++) {
        gates[gr + j] = activate(v.gate, clipValue(clip, gates[gr + j] + gh[hr + j]));
        gates[gr + H + j] = activate(v.gate, clipValue(clip, gates[gr + H + j] + gh[hr + H + j]));
        ghn[sr + j] = gh[hr + 2 * H + j] + bhn[bhnOff + j];
        gates[gr + 2 * H + j] = activate(
          v.cell,
          clipValue(clip, gates[gr + 2 * H + j] + gates[gr + j] * ghn[sr + j]),
        );
        const z = gates[gr + H + j];
        hOut[orow + j] = (1 - z) * gates[gr + 2 * H + j] + z * h[b * H + j];
      }
    }
    return;
  }
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
 * - `v`: the forward's reset-after variant, or undefined.
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
  v?: RnnVariant,
): void {
  const G = 3 * H;
  const like = gates;
  const gb = v === undefined ? null : clipBounds(v.gate, v.clip, like); // (2) or null
  const cb = v === undefined ? null : clipBounds(v.cell, v.clip, like); // (2) or null
  for (let b = 0; b < bs; b++) {
    const gr = gOff + b * G;
    const sr = hOff + b * H;
    const dr = b * H;
    for (let j = 0; j < H; j++) {
      const r = gates[gr + j];
      const z = gates[gr + H + j];
      const n = gates[gr + 2 * H + j];
      const d = dh[dr + j];
      const dn = v === undefined ? 1 - n * n : clippedGrad(v.cell, n, cb);
      const dr_ = v === undefined ? r * (1 - r) : clippedGrad(v.gate, r, gb);
      const dz = v === undefined ? z * (1 - z) : clippedGrad(v.gate, z, gb);
      const dan = d * (1 - z) * dn;
      const dar = dan * ghn[sr + j] * dr_;
      const daz = d * (hPrev[sr + j] - n) * dz;
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
 * First half of a reset-before GRU step: r and z into `gates` (bs, 3H) at `gOff` (from
 * gx there and gh (bs, 3H) at `ghOff`, of which the r and z parts are read), and
 * rh = r*h into `rh` (bs, H) at `rhOff` (saved), from `h` (bs, H) at 0.
 */
export function gruResetBeforeGatesRef(
  bs: number,
  H: number,
  gates: FloatArray,
  gOff: number,
  gh: FloatArray,
  ghOff: number,
  h: FloatArray,
  rh: FloatArray,
  rhOff: number,
  v: RnnVariant,
): void {
  const G = 3 * H;
  for (let b = 0; b < bs; b++) {
    const gr = gOff + b * G;
    const hr = ghOff + b * G;
    for (let j = 0; j < H; j++) {
      gates[gr + j] = activate(v.gate, clipValue(v.clip, gates[gr + j] + gh[hr + j]));
      gates[gr + H + j] = activate(v.gate, clipValue(v.clip, gates[gr + H + j] + gh[hr + H + j]));
      rh[rhOff + b * H + j] = gates[gr + j] * h[b * H + j];
    }
  }
}

/**
 * Second half of a reset-before GRU step: n = cell(gx_n + gh_n) into the n part of
 * `gates`, with gh_n = (r*h) W_hn^T in the n part of `gh`; h' into `hOut` (bs, H) at
 * `outOff`, from `h` (bs, H) at 0.
 */
export function gruResetBeforeOutRef(
  bs: number,
  H: number,
  gates: FloatArray,
  gOff: number,
  gh: FloatArray,
  ghOff: number,
  h: FloatArray,
  hOut: FloatArray,
  outOff: number,
  v: RnnVariant,
): void {
  const G = 3 * H;
  for (let b = 0; b < bs; b++) {
    const gr = gOff + b * G;
    const hr = ghOff + b * G;
    for (let j = 0; j < H; j++) {
      gates[gr + 2 * H + j] = activate(v.cell, clipValue(v.clip, gates[gr + 2 * H + j] + gh[hr + 2 * H + j]));
      const z = gates[gr + H + j];
      hOut[outOff + b * H + j] = (1 - z) * gates[gr + 2 * H + j] + z * h[b * H + j];
    }
  }
}

/**
 * First half of the reset-before backward: from dh (bs, H) at 0 (gradient w.r.t. h'),
 * the saved `gates` and `hPrev` (bs, H) at `hOff`, writes the z and n parts of `dGx` and
 * `dGh` (bs, 3H) at `gOff` (both the pre-activation gradients). The caller then forms
 * d(rh) = dGx_n W_hn.
 */
export function gruResetBeforeBackward1Ref(
  bs: number,
  H: number,
  gates: FloatArray,
  gOff: number,
  hPrev: FloatArray,
  hOff: number,
  dh: FloatArray,
  dGx: FloatArray,
  dGh: FloatArray,
  v: RnnVariant,
): void {
  const G = 3 * H;
  const gb = clipBounds(v.gate, v.clip, gates); // (2) or null
  const cb = clipBounds(v.cell, v.clip, gates); // (2) or null
  for (let b = 0; b < bs; b++) {
    const gr = gOff + b * G;
    for (let j = 0; j < H; j++) {
      const z = gates[gr + H + j];
      const n = gates[gr + 2 * H + j];
      const d = dh[b * H + j];
      const dan = d * (1 - z) * clippedGrad(v.cell, n, cb);
      const daz = d * (hPrev[hOff + b * H + j] - n) * clippedGrad(v.gate, z, gb);
      dGx[gr + H + j] = daz;
      dGx[gr + 2 * H + j] = dan;
      dGh[gr + H + j] = daz;
      dGh[gr + 2 * H + j] = dan;
    }
  }
}

/**
 * Second half of the reset-before backward: from d(rh) `drh` (bs, H) at 0, writes the
 * r part of `dGx` and `dGh` and turns `dh` (bs, H) into its direct part
 * z*dh' + r*d(rh) (the caller adds the r, z parts' dGh W_hh).
 */
export function gruResetBeforeBackward2Ref(
  bs: number,
  H: number,
  gates: FloatArray,
  gOff: number,
  hPrev: FloatArray,
  hOff: number,
  drh: FloatArray,
  dh: FloatArray,
  dGx: FloatArray,
  dGh: FloatArray,
  v: RnnVariant,
): void {
  const G = 3 * H;
  const gb = clipBounds(v.gate, v.clip, gates); // (2) or null
  for (let b = 0; b < bs; b++) {
    const gr = gOff + b * G;
    for (let j = 0; j < H; j++) {
      const r = gates[gr + j];
      const z = gates[gr + H + j];
      const d = drh[b * H + j];
      const dar = d * hPrev[hOff + b * H + j] * clippedGrad(v.gate, r, gb);
      dGx[gr + j] = dar;
      dGh[gr + j] = dar;
      dh[b * H + j] = dh[b * H + j] * z + d * r;
    }
  }
}
