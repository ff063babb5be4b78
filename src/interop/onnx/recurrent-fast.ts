// The ONNX recurrent ops on longshort's fused recurrent op: ONNX's gate blocks
// reordered to PyTorch's, the peepholes P reordered to [p_i, p_f, p_o], ragged
// sequence_lens turned into the packed layout (batch entries sorted by decreasing
// length, as PyTorch's PackedSequence), one fused call per direction. A node that is
// PyTorch's cell (default activations, or Relu for RNN; GRU with linear_before_reset;
// no clip, input_forget or peepholes) has no variant and runs on the fast kernels; any
// other runs the variant on the reference kernels.
import { noGrad } from '../../tensor/grad-mode.js';
import { recurrentLayer, type RecurrentMode, type RnnVariant } from '../../tensor/ops/recurrent.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Value } from './value.js';

/** Counters of the fused runs per direction: `fast` without a variant, `variant` with one. */
export const onnxRecurrentRuns = { fast: 0, variant: 0 };

export interface FusedNode {
  kind: 'LSTM' | 'GRU' | 'RNN';
  mode: RecurrentMode;
  seq: number;
  batch: number;
  input: number;
  hidden: number;
  reverse: boolean[];
  /** per direction: the variant, or undefined for PyTorch's equations */
  variants: Array<RnnVariant | undefined>;
  x: Value; // (seq, batch, input), float32 or float64
  W: Value; // (D, G*H, I) ONNX gate order
  R: Value; // (D, G*H, H)
  B: Value | undefined; // (D, 2*G*H)
  P: Value | undefined; // (D, 3*H) i, o, f
  lens: Int32Array; // (batch) each entry's length, 0..seq
  h0: Float64Array | undefined; // (D, batch, H)
  c0: Float64Array | undefined;
}

// ONNX gate blocks in PyTorch order: LSTM (i,o,f,c) -> (i,f,g,o); GRU (z,r,h) -> (r,z,n);
// peepholes (i,o,f) -> (i,f,o)
const TORCH_ORDER = { LSTM: [0, 2, 3, 1], GRU: [1, 0, 2], RNN: [0] };
const PEEPHOLE_ORDER = [0, 2, 1];

function blocks(
  src: ArrayLike<number>,
  offset: number,
  H: number,
  cols: number,
  order: readonly number[],
  f64: boolean,
): Tensor {
  const out = f64 ? new Float64Array(order.length * H * cols) : new Float32Array(order.length * H * cols);
  order.forEach((g, k) => {
    for (let i = 0; i < H * cols; i++) out[k * H * cols + i] = src[offset + g * H * cols + i];
  });
  return new Tensor(out, cols === 1 ? [order.length * H] : [order.length * H, cols]);
}

/**
 * Runs the node on the fused op; fills Y (seq, D, batch, H) (zeros past each entry's
 * length), Y_h and Y_c (D, batch, H) (zeros for an entry of length 0, as onnxruntime).
 */
export function runFused(n: FusedNode, Y: Float64Array, Yh: Float64Array, Yc: Float64Array): void {
  const { batch, input: I, hidden: H, lens } = n;
  const G = TORCH_ORDER[n.kind].length;
  const D = n.reverse.length;
  const f64 = n.x.kind === 'float64';
  const isLstm = n.kind === 'LSTM';
  // the entries with steps, longest first (a stable sort keeps equal lengths in order);
  // an entry of length 0 gets zeros everywhere, as onnxruntime gives
  const order = Array.from({ length: batch }, (_, b) => b)
    .filter((b) => lens[b] > 0)
    .sort((a, b) => lens[b] - lens[a]);
  const B = order.length;
  if (B === 0) return;
  const L = lens[order[0]];
  const batchSizes = new Int32Array(L); // (L) entries active at step t
  for (let t = 0; t < L; t++) while (batchSizes[t] < B && lens[order[batchSizes[t]]] > t) batchSizes[t]++;
  const offs = new Int32Array(L); // (L) first packed row of step t
  for (let t = 1; t < L; t++) offs[t] = offs[t - 1] + batchSizes[t - 1];
  const rows = offs[L - 1] + batchSizes[L - 1];
  const xp = f64 ? new Float64Array(rows * I) : new Float32Array(rows * I); // (rows, I) packed
  const xd = n.x.data;
  for (let t = 0; t < L; t++)
    for (let k = 0; k < batchSizes[t]; k++) {
      const src = (t * batch + order[k]) * I;
      const dst = (offs[t] + k) * I;
      for (let i = 0; i < I; i++) xp[dst + i] = xd[src + i];
    }
  const x = new Tensor(xp, [rows, I]);
  const state = (s: Float64Array | undefined, d: number): Tensor => {
    const out = f64 ? new Float64Array(B * H) : new Float32Array(B * H); // (B, H) sorted rows
    if (s)
      for (let k = 0; k < B; k++)
        for (let j = 0; j < H; j++) out[k * H + j] = s[(d * batch + order[k]) * H + j];
    return new Tensor(out, [B, H]);
  };
  noGrad(() => {
    for (let d = 0; d < D; d++) {
      const tOrder = TORCH_ORDER[n.kind];
      const v = n.variants[d];
      if (v === undefined) onnxRecurrentRuns.fast++;
      else onnxRecurrentRuns.variant++;
      const weights = {
        wIh: blocks(n.W.data, d * G * H * I, H, I, tOrder, f64),
        wHh: blocks(n.R.data, d * G * H * H, H, H, tOrder, f64),
        bIh: n.B ? blocks(n.B.data, d * 2 * G * H, H, 1, tOrder, f64) : null,
        bHh: n.B ? blocks(n.B.data, d * 2 * G * H + G * H, H, 1, tOrder, f64) : null,
        wHr: null,
        wPh: v?.peepholes === true && n.P ? blocks(n.P.data, d * 3 * H, H, 1, PEEPHOLE_ORDER, f64) : null,
      };
      const r = recurrentLayer(
        n.mode,
        x,
        batchSizes,
        state(n.h0, d),
        isLstm ? state(n.c0, d) : null,
        weights,
        n.reverse[d],
        v,
      );
      const out = r.output.data; // (rows, H) packed
      for (let t = 0; t < L; t++)
        for (let k = 0; k < batchSizes[t]; k++) {
          const src = (offs[t] + k) * H;
          const dst = ((t * D + d) * batch + order[k]) * H;
          for (let j = 0; j < H; j++) Y[dst + j] = out[src + j];
        }
      for (let k = 0; k < B; k++)
        for (let j = 0; j < H; j++) {
          const dst = (d * batch + order[k]) * H + j;
          Yh[dst] = r.hN.data[k * H + j];
          if (r.cN) Yc[dst] = r.cN.data[k * H + j];
        }
    }
  });
}
