import type { CellKind } from '../../core/cell-kind.js';

/*
 * The cell variants other frameworks use, as data the reference kernels read: gate and
 * cell activations other than sigmoid/tanh, the GRU that applies its reset gate
 * before the recurrent matmul (Keras `reset_after=False`, TensorFlow.js, ONNX
 * `linear_before_reset=0`), LSTM peepholes and the coupled input-forget gate, and
 * ONNX's cell clip. The fast sets run the common ones (sigmoid or hard-sigmoid gates
 * with tanh cells; `KernelSet.supportsVariant` says which); for every other variant the
 * op falls back to these reference kernels.
 */

/**
 * An elementwise activation of a recurrent cell, with ONNX's parameter names:
 * - 'sigmoid' 1/(1+e^-x); 'tanh'; 'relu' max(0, x); 'linear' x;
 * - 'hardSigmoid' clip(alpha*x + beta, 0, 1) (Keras 2 / TF.js / ONNX: alpha 0.2,
 *   beta 0.5; Keras 3: alpha 1/6, beta 0.5);
 * - 'softsign' x/(1+|x|); 'softplus' log(1+e^x); 'elu' x > 0 ? x : alpha*(e^x - 1);
 * - 'selu' scale*(x > 0 ? x : alpha*(e^x - 1)) with Keras' constants;
 * - 'affine' alpha*x + beta; 'leakyRelu' x >= 0 ? x : alpha*x (alpha > 0);
 * - 'scaledTanh' alpha*tanh(beta*x); 'relu6' min(max(0, x), 6); 'exponential' e^x;
 * - 'thresholdedRelu' x >= alpha ? x : 0 (ONNX's ThresholdedRelu, alpha 1).
 * Every one is monotone on the pieces where its derivative is not zero, so its derivative is a function of its output, which is what
 * the backward pass reads.
 *
 * @example
 * const act: RnnActivation = { name: 'hardSigmoid', alpha: 1 / 6, beta: 0.5 };
 */
export interface RnnActivation {
  readonly name: RnnActivationName;
  readonly alpha: number;
  readonly beta: number;
}

/**
 * The activation names `RnnActivation` knows.
 *
 * @example
 * const name: RnnActivationName = 'softsign';
 */
export type RnnActivationName =
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'linear'
  | 'hardSigmoid'
  | 'softsign'
  | 'softplus'
  | 'elu'
  | 'selu'
  | 'affine'
  | 'leakyRelu'
  | 'scaledTanh'
  | 'relu6'
  | 'exponential'
  | 'thresholdedRelu';

/**
 * Every `RnnActivationName`, with its default alpha and beta.
 *
 * @example
 * RNN_ACTIVATIONS.hardSigmoid; // { alpha: 0.2, beta: 0.5 }: the default alpha and beta
 */
export const RNN_ACTIVATIONS: Readonly<Record<RnnActivationName, { alpha: number; beta: number }>> = {
  sigmoid: { alpha: 0, beta: 0 },
  tanh: { alpha: 0, beta: 0 },
  relu: { alpha: 0, beta: 0 },
  linear: { alpha: 0, beta: 0 },
  hardSigmoid: { alpha: 0.2, beta: 0.5 },
  softsign: { alpha: 0, beta: 0 },
  softplus: { alpha: 0, beta: 0 },
  elu: { alpha: 1, beta: 0 },
  selu: { alpha: 1.6732632423543772, beta: 1.0507009873554805 },
  affine: { alpha: 1, beta: 0 },
  leakyRelu: { alpha: 0.01, beta: 0 },
  scaledTanh: { alpha: 1, beta: 1 },
  relu6: { alpha: 0, beta: 0 },
  exponential: { alpha: 0, beta: 0 },
  thresholdedRelu: { alpha: 1, beta: 0 },
};

/**
 * What a variant cell computes beyond PyTorch's equations.
 * - LSTM: i, f, o = gate(.); g = cell(.); c' = f*c + i*g; h' = o * out(c').
 * - GRU: r, z = gate(.); n = cell(.); resetAfter true: n = cell(gx_n + r*(h W_hn^T + b_hn))
 *   (PyTorch, Keras' default); false: n = cell(gx_n + b_hn + (r*h) W_hn^T).
 * - RNN: h' = cell(.) (the kind's tanh/relu is replaced).
 * - LSTM `peepholes` (ONNX's `P`, TensorFlow's `use_peepholes`): with p (3H) = [p_i, p_f,
 *   p_o] (`RecurrentWeights.wPh`), i = gate(. + p_i*c), f = gate(. + p_f*c),
 *   o = gate(. + p_o*c') where c is the cell state before the step and c' after it.
 * - LSTM `coupledInputForget` (ONNX `input_forget=1`): f = 1 - i (the f rows of the
 *   weights and p_f are unused).
 * - `clip` (ONNX's cell clip, every kind): each activation's input is clipped to
 *   [-clip, clip] (the gate and cell pre-activations; not c' in o * out(c')), and no
 *   gradient flows through a clipped value.
 *
 * @example
 * new GRU(8, 16, { resetAfter: false }).cellVariant; // the RnnVariant the fused op runs
 */
export interface RnnVariant {
  readonly gate: RnnActivation;
  readonly cell: RnnActivation;
  /** LSTM only: the activation of the cell state in h' = o * out(c'). */
  readonly out: RnnActivation;
  /** GRU only: whether the reset gate multiplies after the recurrent matmul. */
  readonly resetAfter: boolean;
  /** LSTM only: the gates read the cell state through the peephole weights `wPh` (3H). */
  readonly peepholes?: boolean;
  /** LSTM only: f = 1 - i. */
  readonly coupledInputForget?: boolean;
  /** A positive bound on every activation's input (undefined: no clipping). */
  readonly clip?: number;
}

/** The variant that is PyTorch's equations for a cell (sigmoid gates, tanh cell/out, reset after). */
export function defaultRnnVariant(relu = false): RnnVariant {
  const sig = { name: 'sigmoid', ...RNN_ACTIVATIONS.sigmoid } as const;
  const tanh = { name: 'tanh', ...RNN_ACTIVATIONS.tanh } as const;
  return { gate: sig, cell: relu ? { name: 'relu', alpha: 0, beta: 0 } : tanh, out: tanh, resetAfter: true };
}

const PYTORCH_CELL = defaultRnnVariant();
const PYTORCH_RELU_CELL = defaultRnnVariant(true);

/**
 * The variant the step kernels run for a layer: `v`, or PyTorch's equations for `kind`
 * when undefined (sigmoid gates, tanh cell and out; relu for 'rnn_relu').
 */
export function cellVariant(kind: CellKind, v: RnnVariant | undefined): RnnVariant {
  return v ?? (kind === 'rnn_relu' ? PYTORCH_RELU_CELL : PYTORCH_CELL);
}

/** a(x). */
export function activate(a: RnnActivation, x: number): number {
  switch (a.name) {
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'tanh':
      return Math.tanh(x);
    case 'relu':
      return x > 0 ? x : 0;
    case 'linear':
      return x;
    case 'hardSigmoid': {
      const y = a.alpha * x + a.beta;
      return y <= 0 ? 0 : y >= 1 ? 1 : y;
    }
    case 'softsign':
      return x / (1 + Math.abs(x));
    case 'softplus':
      return x > 20 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    case 'elu':
      return x > 0 ? x : a.alpha * Math.expm1(x);
    case 'selu':
      return a.beta * (x > 0 ? x : a.alpha * Math.expm1(x));
    case 'affine':
      return a.alpha * x + a.beta;
    case 'leakyRelu':
      return x >= 0 ? x : a.alpha * x;
    case 'scaledTanh':
      return a.alpha * Math.tanh(a.beta * x);
    case 'relu6':
      return x <= 0 ? 0 : x >= 6 ? 6 : x;
    case 'exponential':
      return Math.exp(x);
    case 'thresholdedRelu':
      return x >= a.alpha ? x : 0;
  }
}

/** a'(x) written in terms of y = a(x) (0 where a is flat, as the frameworks' gradients). */
export function activateGrad(a: RnnActivation, y: number): number {
  switch (a.name) {
    case 'sigmoid':
      return y * (1 - y);
    case 'tanh':
      return 1 - y * y;
    case 'relu':
      return y > 0 ? 1 : 0;
    case 'linear':
      return 1;
    case 'hardSigmoid':
      return y > 0 && y < 1 ? a.alpha : 0;
    case 'softsign': {
      const s = 1 - Math.abs(y);
      return s * s;
    }
    case 'softplus':
      return -Math.expm1(-y);
    case 'elu':
      return y > 0 ? 1 : y + a.alpha;
    case 'selu':
      return y > 0 ? a.beta : y + a.alpha * a.beta;
    case 'affine':
      return a.alpha;
    case 'leakyRelu':
      return y >= 0 ? 1 : a.alpha;
    case 'scaledTanh': {
      const t = a.alpha === 0 ? 0 : y / a.alpha;
      return a.alpha * a.beta * (1 - t * t);
    }
    case 'relu6':
      return y > 0 && y < 6 ? 1 : 0;
    case 'exponential':
      return y;
    case 'thresholdedRelu':
      return y !== 0 ? 1 : 0;
  }
}

/** x clipped to [-clip, clip]; x itself when clip is undefined. */
export function clipValue(clip: number | undefined, x: number): number {
  if (clip === undefined) return x;
  return x > clip ? clip : x < -clip ? -clip : x;
}

/**
 * The outputs a(-clip) and a(clip) of an activation at the clip bounds, rounded to the
 * element type of `like` (as the forward stores them), or null without a clip. The
 * backward reads a stored output equal to either as clipped: no gradient (for a strictly
 * monotone activation that is exactly the clipped inputs; in float32 an input within
 * rounding of the bound counts as clipped too).
 */
export function clipBounds(
  a: RnnActivation,
  clip: number | undefined,
  like: Float32Array | Float64Array,
): Float32Array | Float64Array | null {
  if (clip === undefined) return null;
  const b = like instanceof Float64Array ? new Float64Array(2) : new Float32Array(2); // (2) lo, hi
  b[0] = activate(a, -clip);
  b[1] = activate(a, clip);
  return b;
}

/** a'(x) from y = a(clip(x)): 0 where y is at a clip bound (`bounds` from `clipBounds`). */
export function clippedGrad(a: RnnActivation, y: number, bounds: ArrayLike<number> | null): number {
  if (bounds !== null && (y === bounds[0] || y === bounds[1])) return 0;
  return activateGrad(a, y);
}

/**
 * d * a'(x) from y = a(clip(x)) (see `clippedGrad`), except that relu passes d itself or
 * 0, as PyTorch's threshold backward does: a NaN or infinite d stops at an inactive unit.
 */
export function backpropActivation(
  a: RnnActivation,
  y: number,
  d: number,
  bounds: ArrayLike<number> | null,
): number {
  const g = clippedGrad(a, y, bounds);
  return a.name === 'relu' && g === 0 ? 0 : d * g;
}
