// The fast path of the ONNX recurrent ops: a node that is PyTorch's cell (default
// activations, or Relu for RNN; GRU with linear_before_reset; no clip, input_forget,
// peepholes or ragged sequence_lens) runs on longshort's fused recurrent op instead of
// the float64 reference loop in ops-recurrent.ts.
import { noGrad } from '../../tensor/grad-mode.js';
import { recurrentLayer, type RecurrentMode } from '../../tensor/ops/recurrent.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Value } from './value.js';

/** Switches and counters of the fast path (tests turn it off to compare with the reference). */
export const onnxRecurrentFastPath = { enabled: true, runs: 0 };

export interface FastNode {
  kind: 'LSTM' | 'GRU' | 'RNN';
  mode: RecurrentMode;
  seq: number;
  batch: number;
  input: number;
  hidden: number;
  reverse: boolean[];
  x: Value; // (seq, batch, input), float32 or float64
  W: Value; // (D, G*H, I) ONNX gate order
  R: Value; // (D, G*H, H)
  B: Value | undefined; // (D, 2*G*H)
  h0: Float64Array | undefined; // (D, batch, H)
  c0: Float64Array | undefined;
}

// ONNX gate blocks in PyTorch order: LSTM (i,o,f,c) -> (i,f,g,o); GRU (z,r,h) -> (r,z,n)
const TORCH_ORDER = { LSTM: [0, 2, 3, 1], GRU: [1, 0, 2], RNN: [0] };

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

/** Runs the node on the fused op; fills Y (seq, D, batch, H), Y_h and Y_c (D, batch, H). */
export function runFast(n: FastNode, Y: Float64Array, Yh: Float64Array, Yc: Float64Array): void {
  onnxRecurrentFastPath.runs++;
  const { seq, batch, input: I, hidden: H } = n;
  const G = TORCH_ORDER[n.kind].length;
  const D = n.reverse.length;
  const f64 = n.x.kind === 'float64';
  const make = (data: ArrayLike<number>, shape: number[]): Tensor =>
    new Tensor(f64 ? Float64Array.from(data) : Float32Array.from(data), shape);
  const x = make(n.x.data, [seq * batch, I]);
  const sizes = new Int32Array(seq).fill(batch);
  noGrad(() => {
    for (let d = 0; d < D; d++) {
      const order = TORCH_ORDER[n.kind];
      const weights = {
        wIh: blocks(n.W.data, d * G * H * I, H, I, order, f64),
        wHh: blocks(n.R.data, d * G * H * H, H, H, order, f64),
        bIh: n.B ? blocks(n.B.data, d * 2 * G * H, H, 1, order, f64) : null,
        bHh: n.B ? blocks(n.B.data, d * 2 * G * H + G * H, H, 1, order, f64) : null,
        wHr: null,
      };
      const state = (s: Float64Array | undefined): Tensor =>
        make(s ? s.subarray(d * batch * H, (d + 1) * batch * H) : new Float64Array(batch * H), [batch, H]);
      const r = recurrentLayer(
        n.mode,
        x,
        sizes,
        state(n.h0),
        n.kind === 'LSTM' ? state(n.c0) : null,
        weights,
        n.reverse[d],
      );
      const out = r.output.data; // (seq*batch, H)
      for (let t = 0; t < seq; t++) {
        for (let b = 0; b < batch; b++) {
          const src = (t * batch + b) * H;
          const dst = ((t * D + d) * batch + b) * H;
          for (let j = 0; j < H; j++) Y[dst + j] = out[src + j];
        }
      }
      Yh.set(r.hN.data, d * batch * H);
      if (r.cN) Yc.set(r.cN.data, d * batch * H);
    }
  });
}
