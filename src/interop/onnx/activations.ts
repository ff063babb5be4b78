// The activation functions of the ONNX recurrent ops (LSTM, GRU, RNN), with their
// activation_alpha / activation_beta parameters, as the `RnnActivation`s longshort's
// fused recurrent op runs.
import { UnsupportedError } from '../../core/errors.js';
import type { RnnActivation, RnnActivationName } from '../../tensor/ops/recurrent.js';

// ONNX name (lower case) -> [longshort's name, uses alpha, uses beta, default alpha, default beta]
const PARAMS: Record<string, [RnnActivationName, boolean, boolean, number, number]> = {
  relu: ['relu', false, false, 0, 0],
  tanh: ['tanh', false, false, 0, 0],
  sigmoid: ['sigmoid', false, false, 0, 0],
  affine: ['affine', true, true, 1, 0],
  leakyrelu: ['leakyRelu', true, false, 0.01, 0],
  thresholdedrelu: ['thresholdedRelu', true, false, 1, 0],
  scaledtanh: ['scaledTanh', true, true, 1, 1],
  hardsigmoid: ['hardSigmoid', true, true, 0.2, 0.5],
  elu: ['elu', true, false, 1, 0],
  softsign: ['softsign', false, false, 0, 0],
  softplus: ['softplus', false, false, 0, 0],
};

/** The ONNX spelling of an activation (for export), or null when ONNX has none. */
export function onnxActivationName(a: RnnActivation): string | null {
  const onnx: Partial<Record<RnnActivationName, string>> = {
    relu: 'Relu',
    tanh: 'Tanh',
    sigmoid: 'Sigmoid',
    affine: 'Affine',
    leakyRelu: 'LeakyRelu',
    thresholdedRelu: 'ThresholdedRelu',
    scaledTanh: 'ScaledTanh',
    hardSigmoid: 'HardSigmoid',
    elu: 'Elu',
    softsign: 'Softsign',
    softplus: 'Softplus',
  };
  return onnx[a.name] ?? null;
}

/** Whether the ONNX activation reads activation_alpha / activation_beta. */
export function onnxActivationParams(onnxName: string): { alpha: boolean; beta: boolean } {
  const p = PARAMS[onnxName.toLowerCase()];
  return { alpha: p[1], beta: p[2] };
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
): RnnActivation[] {
  let ia = 0;
  let ib = 0;
  return names.map((n) => {
    const p = PARAMS[n.toLowerCase()];
    if (!p) {
      throw new UnsupportedError(
        `${where}: activations must be among Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus; got '${n}'`,
      );
    }
    const alpha = p[1] ? (alphas[ia++] ?? p[3]) : p[3];
    const beta = p[2] ? (betas[ib++] ?? p[4]) : p[4];
    return { name: p[0], alpha, beta };
  });
}
