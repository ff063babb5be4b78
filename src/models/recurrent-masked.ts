/*
 * The helpers of the Keras-style recurrent layers' masks and bidirectional merges:
 * float masks, right-padding detection (such masks run packed), the step-by-step path
 * for general masks, and the merge modes.
 */
import type { RNNBase } from '../nn/rnn/rnn-base.js';
import {
  add,
  cat,
  div,
  mul,
  recurrentLayer,
  select,
  stack,
  Tensor,
  unsqueeze,
  where,
  zeros,
} from '../tensor/index.js';
import type { MergeMode } from './recurrent-options.js';

export function toFloatMask(mask: Tensor, dtype: 'float32' | 'float64' | 'int32'): Tensor {
  const d = dtype === 'float64' ? new Float64Array(mask.numel()) : new Float32Array(mask.numel());
  const s = mask.data;
  for (let i = 0; i < d.length; i++) d[i] = s[i] !== 0 ? 1 : 0;
  return new Tensor(d, mask.shape);
}

/** The lengths when every row of the (N, L) mask is 1...1 0...0 with at least one 1; else null. */
export function rightPaddedLengths(m: Tensor): number[] | null {
  const [N, L] = m.shape;
  const d = m.data;
  const lens: number[] = [];
  for (let n = 0; n < N; n++) {
    let len = 0;
    while (len < L && d[n * L + len] !== 0) len++;
    if (len === 0) return null;
    for (let t = len; t < L; t++) if (d[n * L + t] !== 0) return null;
    lens.push(len);
  }
  return lens;
}

export function merge(mode: MergeMode, a: Tensor, b: Tensor): Tensor {
  switch (mode) {
    case 'sum':
      return add(a, b);
    case 'mul':
      return mul(a, b);
    case 'ave':
      return div(add(a, b), 2);
    default:
      return cat([a, b], a.ndim - 1);
  }
}

/**
 * General masks: each direction of the one-layer module `mod` step by step with the
 * fused op on one step, keeping the state where the mask `m` (N, L) is 0 (Keras'
 * `where` formulation); with `zeroOut`, masked steps output zeros. `x` (N, L, F),
 * `h0`, `c0` (D, N, H) or null. Returns [(N, L, D*H) outputs, hN, cN (LSTM) or null],
 * each state (D, N, H).
 */
export function maskedSteps(
  mod: RNNBase,
  x: Tensor,
  m: Tensor,
  h0: Tensor | null,
  c0: Tensor | null,
  zeroOut: boolean,
): [Tensor, Tensor, Tensor | null] {
  const N = x.shape[0];
  const L = x.shape[1];
  const H = mod.hiddenSize;
  const mode = mod.cellKind;
  const isLstm = mode === 'lstm';
  const peepholes = mod.cellVariant?.peepholes === true;
  const bs = Int32Array.of(N);
  const outs: Tensor[] = [];
  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  for (let d = 0; d < mod.numDirections; d++) {
    const sfx = `_l0${d === 1 ? '_reverse' : ''}`;
    const p = (n: string): Tensor => mod.getParameter(n + sfx) as Tensor;
    const weights = {
      wIh: p('weight_ih'),
      wHh: p('weight_hh'),
      bIh: mod.bias ? p('bias_ih') : null,
      bHh: mod.bias ? p('bias_hh') : null,
      wHr: null,
      wPh: peepholes ? p('weight_ph') : null,
    };
    let h = h0 === null ? zeros([N, H], { dtype: x.dtype }) : select(h0, 0, d);
    let c: Tensor | null = isLstm
      ? c0 === null
        ? zeros([N, H], { dtype: x.dtype })
        : select(c0, 0, d)
      : null;
    const stepOut: Tensor[] = new Array<Tensor>(L);
    for (let k = 0; k < L; k++) {
      const t = d === 1 ? L - 1 - k : k;
      const mt = unsqueeze(select(m, 1, t), 1); // (N, 1)
      const r = recurrentLayer(mode, select(x, 1, t), bs, h, c, weights, false, mod.cellVariant);
      h = where(mt, r.hN, h);
      if (c !== null) c = where(mt, r.cN as Tensor, c);
      stepOut[t] = zeroOut ? where(mt, r.hN, 0) : h;
    }
    outs.push(stack(stepOut, 1)); // (N, L, H)
    hs.push(h);
    if (c !== null) cs.push(c);
  }
  return [outs.length === 1 ? outs[0] : cat(outs, 2), stack(hs, 0), isLstm ? stack(cs, 0) : null];
}
