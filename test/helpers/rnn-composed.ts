/*
 * The composed oracle for the recurrent layers: PyTorch's equations written with
 * ordinary tensor ops (matmul, sigmoid, tanh, chunk, ...) and ordinary autograd, one
 * time step at a time, on the padded time-major layout with 0/1 masks for
 * variable lengths. It shares no code with the module driver or the fused op.
 */
import type { TorchMode } from '../../src/core/cell-kind.js';
import {
  add,
  chunk,
  matmul,
  mul,
  ones,
  relu,
  select,
  sigmoid,
  stack,
  cat,
  sub,
  tanh,
  Tensor,
  zeros,
} from '../../src/tensor/index.js';

export interface ComposedConfig {
  mode: TorchMode;
  hiddenSize: number;
  numLayers: number;
  bias: boolean;
  bidirectional: boolean;
  projSize: number;
}

export interface CellParams {
  weight_ih: Tensor;
  weight_hh: Tensor;
  bias_ih: Tensor | null;
  bias_hh: Tensor | null;
  weight_hr?: Tensor | null;
}

function lin(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const y = matmul(x, w.t());
  return b === null ? y : add(y, b);
}

/** One step of one cell on `(N, *)` tensors: PyTorch's equations literally. */
export function composedCellStep(
  mode: TorchMode,
  x: Tensor,
  h: Tensor,
  c: Tensor | null,
  p: CellParams,
): { h: Tensor; c: Tensor | null } {
  const gi = lin(x, p.weight_ih, p.bias_ih);
  const gh = lin(h, p.weight_hh, p.bias_hh);
  if (mode === 'LSTM') {
    const [i, f, g, o] = chunk(add(gi, gh), 4, 1);
    const c1 = add(mul(sigmoid(f), c as Tensor), mul(sigmoid(i), tanh(g)));
    let h1 = mul(sigmoid(o), tanh(c1));
    if (p.weight_hr) h1 = matmul(h1, p.weight_hr.t());
    return { h: h1, c: c1 };
  }
  if (mode === 'GRU') {
    const [ir, iz, inn] = chunk(gi, 3, 1);
    const [hr, hz, hn] = chunk(gh, 3, 1);
    const r = sigmoid(add(ir, hr));
    const z = sigmoid(add(iz, hz));
    const n = tanh(add(inn, mul(r, hn)));
    return { h: add(mul(sub(1, z), n), mul(z, h)), c: null };
  }
  const pre = add(gi, gh);
  return { h: mode === 'RNN_TANH' ? tanh(pre) : relu(pre), c: null };
}

export interface ComposedResult {
  /** `(L, N, D*H_out)`, zero past each sequence's length. */
  output: Tensor;
  hN: Tensor;
  cN: Tensor | null;
}

/**
 * The whole multi-layer (bi)directional network on a padded time-major input
 * `x (L, N, H_in)` with optional per-sequence `lengths` (any order). `params` are
 * PyTorch-named (`weight_ih_l0`, ...). States `(D*numLayers, N, ·)`, zeros when null.
 */
export function composedRnn(
  cfg: ComposedConfig,
  params: Record<string, Tensor>,
  x: Tensor,
  lengths: readonly number[] | null,
  h0: Tensor | null,
  c0: Tensor | null,
): ComposedResult {
  const [L, N] = x.shape;
  const D = cfg.bidirectional ? 2 : 1;
  const hOut = cfg.projSize > 0 ? cfg.projSize : cfg.hiddenSize;
  const lstm = cfg.mode === 'LSTM';
  const H0 = h0 ?? zeros([cfg.numLayers * D, N, hOut], { dtype: x.dtype });
  const C0 = lstm ? (c0 ?? zeros([cfg.numLayers * D, N, cfg.hiddenSize], { dtype: x.dtype })) : null;
  const masks: Tensor[] = [];
  for (let t = 0; t < L; t++) {
    const m = zeros([N, 1], { dtype: x.dtype });
    for (let b = 0; b < N; b++) m.data[b] = lengths === null || t < lengths[b] ? 1 : 0;
    masks.push(m);
  }
  const one = ones([N, 1], { dtype: x.dtype });
  let layerIn: Tensor[] = [];
  for (let t = 0; t < L; t++) layerIn.push(select(x, 0, t));
  const hNs: Tensor[] = [];
  const cNs: Tensor[] = [];
  for (let layer = 0; layer < cfg.numLayers; layer++) {
    const dirOuts: Tensor[][] = [];
    for (let dir = 0; dir < D; dir++) {
      const sfx = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
      const p: CellParams = {
        weight_ih: params[`weight_ih${sfx}`],
        weight_hh: params[`weight_hh${sfx}`],
        bias_ih: cfg.bias ? params[`bias_ih${sfx}`] : null,
        bias_hh: cfg.bias ? params[`bias_hh${sfx}`] : null,
        weight_hr: cfg.projSize > 0 ? params[`weight_hr${sfx}`] : null,
      };
      let h = select(H0, 0, layer * D + dir);
      let c = C0 === null ? null : select(C0, 0, layer * D + dir);
      const outs: Tensor[] = new Array<Tensor>(L);
      for (let k = 0; k < L; k++) {
        const t = dir === 1 ? L - 1 - k : k;
        const s = composedCellStep(cfg.mode, layerIn[t], h, c, p);
        const m = masks[t];
        const keep = sub(one, m);
        h = add(mul(m, s.h), mul(keep, h));
        if (c !== null) c = add(mul(m, s.c as Tensor), mul(keep, c));
        outs[t] = mul(m, s.h);
      }
      dirOuts.push(outs);
      hNs.push(h);
      if (c !== null) cNs.push(c);
    }
    layerIn = [];
    for (let t = 0; t < L; t++)
      layerIn.push(D === 1 ? dirOuts[0][t] : cat([dirOuts[0][t], dirOuts[1][t]], 1));
  }
  return { output: stack(layerIn, 0), hN: stack(hNs, 0), cN: lstm ? stack(cNs, 0) : null };
}
