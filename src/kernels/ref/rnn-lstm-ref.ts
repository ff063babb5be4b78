import type { FloatArray } from '../../core/dtype.js';
import { activate, clipBounds, clippedGrad, clipValue, type RnnVariant } from './rnn-variant-ref.js';

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
 * - `v`: a cell variant (other activations, peepholes, coupled input-forget gate, clip;
 *   see `RnnVariant`), or undefined for the equations above.
 * - `ph` (3H) [p_i, p_f, p_o]: the peephole weights when `v.peepholes`, else null.
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
  ph: FloatArray | null = null,
): void {
  if (v !== undefined) {
    lstmStepForwardVariant(bs, H, gates, gOff, gh, ghOff, c, cPrev, cNew, cOff, hOut, hOff, v, ph);
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
 * - `ph` (3H): the forward's peephole weights, or null; `dPh` (3H): receives their
 *   gradient summed over the rows (added to what it holds), or null.
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
  ph: FloatArray | null = null,
  dPh: FloatArray | null = null,
): void {
  if (v !== undefined) {
    lstmStepBackwardVariant(bs, H, gates, gOff, cPrev, cNew, cOff, dh, dhOff, dc, dGates, v, ph, dPh);
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

/**
 * `lstmStepForwardRef` with a variant (same buffers): other activations, and ONNX's
 * LSTM equations (peepholes P, input_forget, clip):
 *
 *     i = gate(clip(. + p_i*c)), f = coupled ? 1 - i : gate(clip(. + p_f*c))
 *     g = cell(clip(.)), c' = f*c + i*g, o = gate(clip(. + p_o*c')), h' = o * out(c')
 */
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
  ph: FloatArray | null,
): void {
  const G = 4 * H;
  const clip = v.clip;
  const coupled = v.coupledInputForget === true;
  for (let b = 0; b < bs; b++) {
    const gr = gOff + b * G;
    const hr = ghOff + b * G;
    const cr = b * H;
    const sr = cOff + b * H;
    const orow = hOff + b * H;
    for (let j = 0; j < H; j++) {
      const cp = c[cr + j];
      cPrev[sr + j] = cp;
      const pi = ph === null ? 0 : ph[j] * cp;
      gates[gr + j] = activate(v.gate, clipValue(clip, gates[gr + j] + gh[hr + j] + pi));
      if (coupled) gates[gr + H + j] = 1 - gates[gr + j];
      else {
        const pf = ph === null ? 0 : ph[H + j] * cp;
        gates[gr + H + j] = activate(v.gate, clipValue(clip, gates[gr + H + j] + gh[hr + H + j] + pf));
      }
      gates[gr + 2 * H + j] = activate(v.cell, clipValue(clip, gates[gr + 2 * H + j] + gh[hr + 2 * H + j]));
      cNew[sr + j] = gates[gr + H + j] * cp + gates[gr + j] * gates[gr + 2 * H + j];
      c[cr + j] = cNew[sr + j];
      const po = ph === null ? 0 : ph[2 * H + j] * cNew[sr + j];
      gates[gr + 3 * H + j] = activate(
        v.gate,
        clipValue(clip, gates[gr + 3 * H + j] + gh[hr + 3 * H + j] + po),
      );
      hOut[orow + j] = gates[gr + 3 * H + j] * activate(v.out, cNew[sr + j]);
    }
  }
}

/**
 * `lstmStepBackwardRef` with a variant (same buffers). With peepholes, o depends on c'
 * and i, f on c, so dc' gains dA_o*p_o and dc gains dA_i*p_i + dA_f*p_f; with the
 * coupled gate, i receives f's gradient with the sign flipped and the f part of
 * `dGates` is zero.
 */
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
  ph: FloatArray | null,
  dPh: FloatArray | null,
): void {
  const G = 4 * H;
  const coupled = v.coupledInputForget === true;
  const gb = clipBounds(v.gate, v.clip, gates); // (2) or null
  const cb = clipBounds(v.cell, v.clip, gates); // (2) or null
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
      const cp = cPrev[sr + j];
      const cn = cNew[sr + j];
      const tc = activate(v.out, cn);
      const dhv = dh[dr + j];
      const dao = dhv * tc * clippedGrad(v.gate, o, gb);
      let dct = dc[cr + j] + dhv * o * clippedGrad(v.out, tc, null);
      if (ph !== null) dct += dao * ph[2 * H + j];
      let dai: number;
      let daf = 0;
      if (coupled) dai = dct * (g - cp) * clippedGrad(v.gate, i, gb);
      else {
        dai = dct * g * clippedGrad(v.gate, i, gb);
        daf = dct * cp * clippedGrad(v.gate, f, gb);
      }
      dGates[gr + j] = dai;
      dGates[gr + H + j] = daf;
      dGates[gr + 2 * H + j] = dct * i * clippedGrad(v.cell, g, cb);
      dGates[gr + 3 * H + j] = dao;
      let dcp = dct * f;
      if (ph !== null) {
        dcp += dai * ph[j] + daf * ph[H + j];
        if (dPh !== null) {
          dPh[j] += dai * cp;
          dPh[H + j] += daf * cp;
          dPh[2 * H + j] += dao * cn;
        }
      }
      dc[cr + j] = dcp;
    }
  }
}
