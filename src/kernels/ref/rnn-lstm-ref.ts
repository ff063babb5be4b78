import type { FloatArray } from '../../core/dtype.js';
import { activate, activateGrad, type RnnVariant } from './rnn-variant-ref.js';

/**
 * One LSTM time step's gate math over the `bs` active rows (PyTorch's equations, gate
 * order i, f, g, o):
 *
 *     i, f, o = sigmoid(.), g = tanh(.)   of   gates + gh
 *     c' = f * c + i * g
 *     h' = o * tanh(c')
 *
 * Buffers (row-major, `H` = hidden size, rows are batch entries 0..bs-1):
 * - `gates` (bs, 4H) at `gOff`: in: the input projection x W_ih^T + b_ih + b_hh;
 *   out: the activations [i, f, g, o] (saved for the backward step).
 * - `gh` (bs, 4H) at `ghOff`: the recurrent projection h W_hh^T (read only).
 * - `c` (bs, H) at 0: the cell state, updated in place to c'.
 * - `cPrev` (bs, H) at `cOff`: receives c (the state before the step).
 * - `cNew` (bs, H) at `cOff`: receives c'.
 * - `hOut` (bs, H) at `hOff`: receives h' (before any projection).
 * - `v`: a cell variant (other activations), or undefined for the equations above.
 */
export function lstmStepForwardRef(
  bs: number,
  H: number,
  gates: FloatArray,
  gOff: number,
  gh: FloatArray,
  ghOff: number,
  c: FloatArray,
  cPrev: FloatArray,
  cNew: FloatArray,
  cOff: number,
  hOut: FloatArray,
  hOff: number,
  v?: RnnVariant,
): void {
  if (v !== undefined) {
    lstmStepForwardVariant(bs, H, gates, gOff, gh, ghOff, c, cPrev, cNew, cOff, hOut, hOff, v);
    return;
  }
  const G = 4 * H;
  for (let b = 0; b < bs; b++) {
    const gr = gOff + b * G;
    const hr = ghOff + b * G;
    const cr = b * H;
    const sr = cOff + b * H;
    const orow = hOff + b * H;
    for (let j = 0; j < H; j++) {
      const i = 1 / (1 + Math.exp(-(gates[gr + j] + gh[hr + j])));
      const f = 1 / (1 + Math.exp(-(gates[gr + H + j] + gh[hr + H + j])));
      const g = Math.tanh(gates[gr + 2 * H + j] + gh[hr + 2 * H + j]);
      const o = 1 / (1 + Math.exp(-(gates[gr + 3 * H + j] + gh[hr + 3 * H + j])));
      gates[gr + j] = i;
      gates[gr + H + j] = f;
      gates[gr + 2 * H + j] = g;
      gates[gr + 3 * H + j] = o;
      const cp = c[cr + j];
      cPrev[sr + j] = cp;
      const cn = f * cp + i * g;
      // store first, then read back: float32 rounds c' exactly as the state holds it
      cNew[sr + j] = cn;
      c[cr + j] = cn;
      hOut[orow + j] = o * Math.tanh(cNew[sr + j]);
    }
  }
}

/**
 * The backward of `lstmStepForwardRef` over the `bs` active rows.
 *
 * Buffers:
 * - `gates` (bs, 4H) at `gOff`: the saved activations [i, f, g, o].
 * - `cPrev`, `cNew` (bs, H) at `cOff`: the saved cell states before and after the step.
 * - `dh` (bs, H) at `dhOff`: gradient w.r.t. h' (before any projection); read only.
 * - `dc` (bs, H) at 0: in: gradient w.r.t. c'; out: gradient w.r.t. c (in place).
 * - `dGates` (bs, 4H) at `gOff`: receives the gradient w.r.t. the gate pre-activations
 *   (the same for the input and the recurrent projection).
 * - `v`: the forward's cell variant, or undefined.
 */
export function lstmStepBackwardRef(
  bs: number,
  H: number,
  gates: FloatArray,
  gOff: number,
  cPrev: FloatArray,
  cNew: FloatArray,
  cOff: number,
  dh: FloatArray,
  dhOff: number,
  dc: FloatArray,
  dGates: FloatArray,
  v?: RnnVariant,
): void {
  if (v !== undefined) {
    lstmStepBackwardVariant(bs, H, gates, gOff, cPrev, cNew, cOff, dh, dhOff, dc, dGates, v);
    return;
  }
  const G = 4 * H;
  for (let b = 0; b < bs; b++) {
    const gr = gOff + b * G;
    const sr = cOff + b * H;
    const dr = dhOff + b * H;
    const cr = b * H;
    for (let j = 0; j < H; j++) {
      const i = gates[gr + j];
      const f = gates[gr + H + j];
      const g = gates[gr + 2 * H + j];
      const o = gates[gr + 3 * H + j];
      const tc = Math.tanh(cNew[sr + j]);
      const dhv = dh[dr + j];
      const dct = dc[cr + j] + dhv * o * (1 - tc * tc);
      dGates[gr + j] = dct * g * i * (1 - i);
      dGates[gr + H + j] = dct * cPrev[sr + j] * f * (1 - f);
      dGates[gr + 2 * H + j] = dct * i * (1 - g * g);
      dGates[gr + 3 * H + j] = dhv * tc * o * (1 - o);
      dc[cr + j] = dct * f;
    }
  }
}

/** `lstmStepForwardRef` with a variant's activations (same buffers). */
function lstmStepForwardVariant(
  bs: number,
  H: number,
  gates: FloatArray,
  gOff: number,
  gh: FloatArray,
  ghOff: number,
  c: FloatArray,
  cPrev: FloatArray,
  cNew: FloatArray,
  cOff: number,
  hOut: FloatArray,
  hOff: number,
  v: RnnVariant,
): void {
  const G = 4 * H;
  for (let b = 0; b < bs; b++) {
    const gr = gOff + b * G;
    const hr = ghOff + b * G;
    const cr = b * H;
    const sr = cOff + b * H;
    const orow = hOff + b * H;
    for (let j = 0; j < H; j++) {
      gates[gr + j] = activate(v.gate, gates[gr + j] + gh[hr + j]);
      gates[gr + H + j] = activate(v.gate, gates[gr + H + j] + gh[hr + H + j]);
      gates[gr + 2 * H + j] = activate(v.cell, gates[gr + 2 * H + j] + gh[hr + 2 * H + j]);
      gates[gr + 3 * H + j] = activate(v.gate, gates[gr + 3 * H + j] + gh[hr + 3 * H + j]);
      const cp = c[cr + j];
      cPrev[sr + j] = cp;
      cNew[sr + j] = gates[gr + H + j] * cp + gates[gr + j] * gates[gr + 2 * H + j];
      c[cr + j] = cNew[sr + j];
      hOut[orow + j] = gates[gr + 3 * H + j] * activate(v.out, cNew[sr + j]);
    }
  }
}

/** `lstmStepBackwardRef` with a variant's activations (same buffers). */
function lstmStepBackwardVariant(
  bs: number,
  H: number,
  gates: FloatArray,
  gOff: number,
  cPrev: FloatArray,
  cNew: FloatArray,
  cOff: number,
  dh: FloatArray,
  dhOff: number,
  dc: FloatArray,
  dGates: FloatArray,
  v: RnnVariant,
): void {
  const G = 4 * H;
  for (let b = 0; b < bs; b++) {
    const gr = gOff + b * G;
    const sr = cOff + b * H;
    const dr = dhOff + b * H;
    const cr = b * H;
    for (let j = 0; j < H; j++) {
      const i = gates[gr + j];
      const f = gates[gr + H + j];
      const g = gates[gr + 2 * H + j];
      const o = gates[gr + 3 * H + j];
      const tc = activate(v.out, cNew[sr + j]);
      const dhv = dh[dr + j];
      const dct = dc[cr + j] + dhv * o * activateGrad(v.out, tc);
      dGates[gr + j] = dct * g * activateGrad(v.gate, i);
      dGates[gr + H + j] = dct * cPrev[sr + j] * activateGrad(v.gate, f);
      dGates[gr + 2 * H + j] = dct * i * activateGrad(v.cell, g);
      dGates[gr + 3 * H + j] = dhv * tc * activateGrad(v.gate, o);
      dc[cr + j] = dct * f;
    }
  }
}
