// The activation functions of the ONNX recurrent ops (LSTM, GRU, RNN), with their
// activation_alpha / activation_beta parameters.
import { UnsupportedError } from '../../core/errors.js';

export type Activation = (x: number) => number;

// name (lower case) -> [uses alpha, uses beta, default alpha, default beta]
const PARAMS: Record<string, [boolean, boolean, number, number]> = {
  relu: [false, false, 0, 0],
  tanh: [false, false, 0, 0],
  sigmoid: [false, false, 0, 0],
  affine: [true, true, 1, 0],
  leakyrelu: [true, false, 0.01, 0],
  thresholdedrelu: [true, false, 1, 0],
  scaledtanh: [true, true, 1, 1],
  hardsigmoid: [true, true, 0.2, 0.5],
  elu: [true, false, 1, 0],
  softsign: [false, false, 0, 0],
  softplus: [false, false, 0, 0],
};

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

function make(name: string, a: number, b: number): Activation {
  switch (name) {
    case 'relu':
      return (x) => (x > 0 ? x : 0);
    case 'tanh':
      return Math.tanh;
    case 'sigmoid':
      return sigmoid;
    case 'affine':
      return (x) => a * x + b;
    case 'leakyrelu':
      return (x) => (x >= 0 ? x : a * x);
    case 'thresholdedrelu':
      return (x) => (x >= a ? x : 0);
    case 'scaledtanh':
      return (x) => a * Math.tanh(b * x);
    case 'hardsigmoid':
      return (x) => Math.min(Math.max(a * x + b, 0), 1);
    case 'elu':
      return (x) => (x >= 0 ? x : a * (Math.exp(x) - 1));
    case 'softsign':
      return (x) => x / (1 + Math.abs(x));
    default:
      return (x) => (x > 30 ? x : Math.log1p(Math.exp(x))); // softplus
  }
}

/**
 * The activation functions named by a node, in order. `activation_alpha` / `_beta` are
 * consumed in that order by the functions that take them (Affine, LeakyRelu,
 * ThresholdedRelu, ScaledTanh, HardSigmoid, Elu); a missing value takes the default of the
 * ONNX operator of that name.
 */
export function resolveActivations(
  where: string,
  names: readonly string[],
  alphas: readonly number[],
  betas: readonly number[],
): Activation[] {
  let ia = 0;
  let ib = 0;
  return names.map((n) => {
    const key = n.toLowerCase();
    const p = PARAMS[key];
    if (!p) {
      throw new UnsupportedError(
        `${where}: activations must be among Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus; got '${n}'`,
      );
    }
    const a = p[0] ? (alphas[ia++] ?? p[2]) : p[2];
    const b = p[1] ? (betas[ib++] ?? p[3]) : p[3];
    return make(key, a, b);
  });
}
