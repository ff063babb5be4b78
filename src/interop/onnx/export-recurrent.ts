// Writes one recurrent layer (both directions) into a graph: an ONNX LSTM / GRU / RNN
// node (with the attributes and the P input of a cell variant: activations with
// alpha/beta, clip, input_forget, peepholes, linear_before_reset), or, for an LSTM with
// a projection (weight_hr, which the ONNX LSTM op cannot express), a Scan per direction
// whose body is the projected LSTM step.
import type { FloatArray } from '../../core/dtype.js';
import { UnsupportedError } from '../../core/errors.js';
import type { RnnActivation, RnnVariant } from '../../tensor/ops/recurrent.js';
import { concatFloat32 } from '../concat-arrays.js';
import { onnxActivationName, onnxActivationParams } from './activations.js';
import { GraphBuilder, valueInfo, type AttrValue } from './graph-builder.js';

export type ExportMode = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';

/** One direction's parameters, in PyTorch's layout and gate order. */
export interface DirectionWeights {
  wIh: FloatArray; // (G*H, I)
  wHh: FloatArray; // (G*H, H_out)
  bIh: FloatArray | null; // (G*H,)
  bHh: FloatArray | null; // (G*H,)
  wHr: FloatArray | null; // (H_out, H) with a projection
  /** (3H) [p_i, p_f, p_o] LSTM peepholes, with `variant.peepholes`; else absent or null. */
  wPh?: FloatArray | null;
}

export interface RecurrentSpec {
  mode: ExportMode;
  inputSize: number;
  hiddenSize: number;
  /** 0 without a projection. */
  projSize: number;
  /** One entry per direction (forward, then reverse). */
  dirs: readonly DirectionWeights[];
  /** A single direction that runs reversed (Keras goBackwards). */
  reverse?: boolean;
  h0?: string; // (D, N, H_out)
  c0?: string; // (D, N, H)
  /** The layer's cell variant (see `RnnVariant`), or undefined for PyTorch's cell. */
  variant?: RnnVariant;
  /** Names the layer in error messages. */
  where?: string;
}

export interface RecurrentOut {
  y: string; // (L, D, N, H_out)
  yh: string; // (D, N, H_out)
  yc: string | null; // (D, N, H) for LSTM
}

const GATES: Record<ExportMode, number> = { LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 };
// PyTorch gate blocks in ONNX order: LSTM (i,f,g,o) -> (i,o,f,c); GRU (r,z,n) -> (z,r,h)
const ONNX_ORDER: Record<ExportMode, number[]> = {
  LSTM: [0, 3, 1, 2],
  GRU: [1, 0, 2],
  RNN_TANH: [0],
  RNN_RELU: [0],
};

/** Rows of a (G*H, cols) matrix (or a (G*H,) vector, cols 1) reordered block by block. */
function reorder(src: FloatArray, H: number, cols: number, order: readonly number[]): Float32Array {
  const out = new Float32Array(order.length * H * cols);
  order.forEach((g, k) => out.set(src.subarray(g * H * cols, (g + 1) * H * cols), k * H * cols));
  return out;
}

/** A^T of a row-major (rows, cols) matrix. */
export function transposed(a: FloatArray, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

/** Emits the layer on `x` (L, N, I) and returns the names of Y, Y_h and Y_c. */
export function emitRecurrent(b: GraphBuilder, x: string, s: RecurrentSpec): RecurrentOut {
  if (s.projSize > 0 && s.variant !== undefined) {
    throw new UnsupportedError(
      `${s.where ?? 'exportOnnx'}: an LSTM with projSize and a cell variant cannot be exported to ONNX; expected projSize 0 or PyTorch's cell, got projSize ${s.projSize} with a variant`,
    );
  }
  return s.projSize > 0 ? emitProjected(b, x, s) : emitNode(b, x, s);
}

/** The ONNX attributes of a variant (activations with alpha/beta, clip, input_forget). */
function variantAttrs(s: RecurrentSpec, D: number): Record<string, AttrValue> {
  const v = s.variant;
  const attrs: Record<string, AttrValue> = {};
  if (s.mode === 'GRU') attrs.linear_before_reset = v === undefined || v.resetAfter ? 1 : 0;
  if (v === undefined) {
    if (s.mode === 'RNN_RELU') attrs.activations = Array<string>(D).fill('Relu');
    return attrs;
  }
  const acts: RnnActivation[] =
    s.mode === 'LSTM' ? [v.gate, v.cell, v.out] : s.mode === 'GRU' ? [v.gate, v.cell] : [v.cell];
  const names: string[] = [];
  const alphas: number[] = [];
  const betas: number[] = [];
  for (let d = 0; d < D; d++) {
    for (const a of acts) {
      // ONNX has no Linear: Affine(1, 0) is the same function
      const act = a.name === 'linear' ? { name: 'affine' as const, alpha: 1, beta: 0 } : a;
      const name = onnxActivationName(act);
      if (name === null) {
        throw new UnsupportedError(
          `${s.where ?? 'exportOnnx'}: activation '${a.name}' has no ONNX equivalent in the recurrent ops; expected one of relu, tanh, sigmoid, linear, affine, leakyRelu, thresholdedRelu, scaledTanh, hardSigmoid, elu, softsign, softplus`,
        );
      }
      names.push(name);
      const uses = onnxActivationParams(name);
      if (uses.alpha) alphas.push(act.alpha);
      if (uses.beta) betas.push(act.beta);
    }
  }
  attrs.activations = names;
  if (alphas.length > 0) attrs.activation_alpha = { floats: alphas };
  if (betas.length > 0) attrs.activation_beta = { floats: betas };
  if (v.clip !== undefined) attrs.clip = { float: v.clip };
  if (v.coupledInputForget === true) attrs.input_forget = 1;
  return attrs;
}

function emitNode(b: GraphBuilder, x: string, s: RecurrentSpec): RecurrentOut {
  const G = GATES[s.mode];
  const H = s.hiddenSize;
  const D = s.dirs.length;
  const order = ONNX_ORDER[s.mode];
  const W = b.float('W', concatFloat32(s.dirs.map((d) => reorder(d.wIh, H, s.inputSize, order))), [
    D,
    G * H,
    s.inputSize,
  ]);
  const R = b.float('R', concatFloat32(s.dirs.map((d) => reorder(d.wHh, H, H, order))), [D, G * H, H]);
  const zeros = new Float32Array(G * H);
  const B = b.float(
    'B',
    concatFloat32(
      s.dirs.flatMap((d) => [reorder(d.bIh ?? zeros, H, 1, order), reorder(d.bHh ?? zeros, H, 1, order)]),
    ),
    [D, 2 * G * H],
  );
  const op = s.mode === 'LSTM' ? 'LSTM' : s.mode === 'GRU' ? 'GRU' : 'RNN';
  const inputs = [x, W, R, B, '', s.h0 ?? ''];
  if (s.mode === 'LSTM') inputs.push(s.c0 ?? '');
  if (s.mode === 'LSTM' && s.variant?.peepholes === true) {
    // longshort's [p_i, p_f, p_o] in ONNX's order i, o, f
    const P = s.dirs.map((d) => reorder(d.wPh!, H, 1, [0, 2, 1]));
    inputs.push(b.float('P', concatFloat32(P), [D, 3 * H]));
  }
  while (inputs[inputs.length - 1] === '') inputs.pop();
  const attrs: Record<string, AttrValue> = {
    hidden_size: H,
    direction: D === 2 ? 'bidirectional' : s.reverse ? 'reverse' : 'forward',
    ...variantAttrs(s, D),
  };
  const outs = b.node(op, inputs, s.mode === 'LSTM' ? 3 : 2, attrs);
  return { y: outs[0], yh: outs[1], yc: s.mode === 'LSTM' ? outs[2] : null };
}

/** An LSTM with weight_hr: c' = f*c + i*g, h' = W_hr (o * tanh(c')), one Scan per direction. */
function emitProjected(b: GraphBuilder, x: string, s: RecurrentSpec): RecurrentOut {
  const H = s.hiddenSize;
  const P = s.projSize;
  const I = s.inputSize;
  const batch = b.op('Shape', [x], { start: 1, end: 2 }); // [N]
  const ys: string[] = [],
    hs: string[] = [],
    cs: string[] = [];
  s.dirs.forEach((d, k) => {
    const rev = k === 1 || s.reverse === true ? 1 : 0;
    const bias = new Float32Array(4 * H);
    for (let j = 0; j < 4 * H; j++) bias[j] = (d.bIh?.[j] ?? 0) + (d.bHh?.[j] ?? 0);
    // the input projection of every step at once: (L, N, 4H)
    const xw = b.op('Add', [
      b.op('MatMul', [x, b.float('W_ih_T', transposed(d.wIh, 4 * H, I), [I, 4 * H])]),
      b.float('bias', bias, [4 * H]),
    ]);
    const whhT = b.float('W_hh_T', transposed(d.wHh, 4 * H, P), [P, 4 * H]);
    const whrT = b.float('W_hr_T', transposed(d.wHr!, P, H), [H, P]);
    const split = b.ints('split', [H, H, H, H]);
    const state = (init: string | undefined, size: number, hint: string): string => {
      if (init) return b.op('Gather', [init, b.ints(`${hint}_dir`, [k], [])], { axis: 0 });
      return b.op('ConstantOfShape', [b.op('Concat', [batch, b.ints(`${hint}_size`, [size])], { axis: 0 })]);
    };
    const body = new GraphBuilder(`lstm_proj_step_${k}`, `step${k}_`);
    const [hIn, cIn, xIn] = [`step${k}_h`, `step${k}_c`, `step${k}_xw_t`];
    body.inputs.push(
      valueInfo(hIn, 1, ['N', P]),
      valueInfo(cIn, 1, ['N', H]),
      valueInfo(xIn, 1, ['N', 4 * H]),
    );
    const gates = body.op('Add', [xIn, body.op('MatMul', [hIn, whhT])]);
    const [gi, gf, gg, go] = body.node('Split', [gates, split], 4, { axis: 1 });
    const c2 = body.op('Add', [
      body.op('Mul', [body.op('Sigmoid', [gf]), cIn]),
      body.op('Mul', [body.op('Sigmoid', [gi]), body.op('Tanh', [gg])]),
    ]);
    const h2 = body.op('MatMul', [body.op('Mul', [body.op('Sigmoid', [go]), body.op('Tanh', [c2])]), whrT]);
    const y = body.op('Identity', [h2]);
    body.outputs.push(valueInfo(h2, 1, ['N', P]), valueInfo(c2, 1, ['N', H]), valueInfo(y, 1, ['N', P]));
    const [hn, cn, yd] = b.node('Scan', [state(s.h0, P, 'h0'), state(s.c0, H, 'c0'), xw], 3, {
      body: body.graph(),
      num_scan_inputs: 1,
      scan_input_directions: [rev],
      scan_output_directions: [rev],
    });
    const axis0 = b.ints('axis', [0]);
    ys.push(b.op('Unsqueeze', [yd, b.ints('axis', [1])]));
    hs.push(b.op('Unsqueeze', [hn, axis0]));
    cs.push(b.op('Unsqueeze', [cn, axis0]));
  });
  const cat = (parts: string[]): string =>
    parts.length === 1 ? parts[0] : b.op('Concat', parts, { axis: 0 });
  return { y: ys.length === 1 ? ys[0] : b.op('Concat', ys, { axis: 1 }), yh: cat(hs), yc: cat(cs) };
}
