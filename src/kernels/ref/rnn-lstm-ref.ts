import type { FloatArray } from '../../core/dtype.js';
import { activate, clipBounds, clippedGrad, clipValue, type RnnVariant } from './rnn-variant-ref.js';

/** x + p[k] * s: a pre-activation plus its peephole term, or x itself without peepholes (`p` null). */
function peephole(x: number, p: FloatArray | null, k: number, s: number): number {
  return p === null ? x : x + p[k] * s;
}

/**
 * One LSTM time step's gate math over the `bs` active rows (gate order i, f, g, o). With
 * PyTorch's variant (`cellVariant('lstm', undefined)`) these are PyTorch's equations:
 *
 *     i, f, o = sigmoid(.), g = tanh(.)   of   gates + gh
 *     c' = f * c + i * g
 *     h' = o * tanh(c')
 *
 * A variant `v` changes the activations (i, f, o = v.gate, g = v.cell, h' = o * v.out(c'))
 * and may add ONNX's LSTM terms: peepholes P, the coupled input-forget gate, the clip:
 *
 *     i = gate(clip(. + p_i*c)), f = coupled ? 1 - i : gate(clip(. + p_f*c))
 *     g = cell(clip(.)), c' = f*c + i*g, o = gate(clip(. + p_o*c')), h' = o * out(c')
 *
 * Buffers (row-major, `H` = hidden size, rows are batch entries 0..bs-1):
 * - `gates` (bs, 4H) at `gOff`: in: the input projection x W_ih^T + b_ih + b_hh;
 *   out: the activations [i, f, g, o] (saved for the backward step).
 * - `gh` (bs, 4H) at `ghOff`: the recurrent projection h W_hh^T (read only).
 * - `c` (bs, H) at 0: the cell state, updated in place to c'.
 * - `cPrev` (bs, H) at `cOff`: receives c (the state before the step).
 * - `cNew` (bs, H) at `cOff`: receives c'.
 * - `hOut` (bs, H) at `hOff`: receives h' (before any projection).
 * - `v`: the cell variant (see `RnnVariant`; `cellVariant` gives PyTorch's equations).
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
  v: RnnVariant,
  ph: FloatArray | null = null,
): void {
  const G = 4 * H;
  const { gate, cell, out, clip } = v;
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
      const i = activate(gate, clipValue(clip, peephole(gates[gr + j] + gh[hr + j], ph, j, cp)));
      const f = coupled
        ? 1 - i
        : activate(gate, clipValue(clip, peephole(gates[gr + H + j] + gh[hr + H + j], ph, H + j, cp)));
      const g = activate(cell, clipValue(clip, gates[gr + 2 * H + j] + gh[hr + 2 * H + j]));
      gates[gr + j] = i;
      gates[gr + H + j] = f;
      gates[gr + 2 * H + j] = g;
      // store first, then read back: float32 rounds c' exactly as the state holds it
      cNew[sr + j] = f * cp + i * g;
      c[cr + j] = cNew[sr + j];
      const cn = cNew[sr + j];
      const o = activate(
        gate,
        clipValue(clip, peephole(gates[gr + 3 * H + j] + gh[hr + 3 * H + j], ph, 2 * H + j, cn)),
      );
      gates[gr + 3 * H + j] = o;
      hOut[orow + j] = o * activate(out, cn);
    }
  }
}

/**
 * The backward of `lstmStepForwardRef` over the `bs` active rows. With peepholes, o
 * depends on c' and i, f on c, so dc' gains dA_o*p_o and dc gains dA_i*p_i + dA_f*p_f;
 * with the coupled gate, i receives f's gradient with the sign flipped and the f part of
 * `dGates` is zero.
 *
 * Buffers:
 * - `gates` (bs, 4H) at `gOff`: the saved activations [i, f, g, o].
 * - `cPrev`, `cNew` (bs, H) at `cOff`: the saved cell states before and after the step.
 * - `dh` (bs, H) at `dhOff`: gradient w.r.t. h' (before any projection); read only.
 * - `dc` (bs, H) at 0: in: gradient w.r.t. c'; out: gradient w.r.t. c (in place).
 * - `dGates` (bs, 4H) at `gOff`: receives the gradient w.r.t. the gate pre-activations
 *   (the same for the input and the recurrent projection).
 * - `v`: the forward's cell variant.
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
  v: RnnVariant,
  ph: FloatArray | null = null,
  dPh: FloatArray | null = null,
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
      const dai = dct * (coupled ? g - cp : g) * clippedGrad(v.gate, i, gb);
      const daf = coupled ? 0 : dct * cp * clippedGrad(v.gate, f, gb);
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
