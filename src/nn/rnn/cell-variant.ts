/*
 * The cell-variant options of the recurrent layers and cells (other gate and cell
 * activations, the reset-before GRU), checked and turned into the `RnnVariant` the
 * fused op reads. Options that spell PyTorch's equations resolve to no variant, so
 * those layers keep the fast kernels.
 */
import { ConfigError } from '../../core/errors.js';
import {
  RNN_ACTIVATIONS,
  type RnnActivation,
  type RnnActivationName,
  type RnnVariant,
} from '../../tensor/index.js';

/**
 * An activation option: a name (`'sigmoid'`, `'tanh'`, `'relu'`, `'linear'`,
 * `'hardSigmoid'` (clip(0.2x + 0.5, 0, 1), Keras 2's, TF.js's and ONNX's), `'softsign'`,
 * `'softplus'`, `'elu'`, `'selu'`, `'affine'`, `'leakyRelu'`, `'scaledTanh'`,
 * `'relu6'`, `'exponential'`) or `{ name, alpha?, beta? }` with ONNX's parameters
 * (Keras 3's hard sigmoid is `{ name: 'hardSigmoid', alpha: 1 / 6, beta: 0.5 }`).
 *
 * @example
 * new LSTM(8, 16, { gateActivation: { name: 'hardSigmoid', alpha: 1 / 6 } });
 */
export type ActivationOption = RnnActivationName | { name: RnnActivationName; alpha?: number; beta?: number };

/**
 * The variant options of `LSTM` / `LSTMCell`.
 *
 * @example
 * const lstm = new LSTM(8, 16, { gateActivation: { name: 'hardSigmoid', alpha: 1 / 6 } }); // Keras 3's hard sigmoid
 */
export interface LSTMVariantOptions {
  /** Activation of the input, forget and output gates. Default 'sigmoid'. */
  gateActivation?: ActivationOption;
  /** Activation of the cell candidate g. Default 'tanh'. */
  cellActivation?: ActivationOption;
  /** Activation of the cell state in h = o * act(c). Default 'tanh'. */
  outActivation?: ActivationOption;
}

/**
 * The variant options of `GRU` / `GRUCell`.
 *
 * @example
 * const gru = new GRU(8, 16, { resetAfter: false, gateActivation: 'hardSigmoid' }); // TF.js's GRU
 */
export interface GRUVariantOptions {
  /** Activation of the reset and update gates. Default 'sigmoid'. */
  gateActivation?: ActivationOption;
  /** Activation of the new gate n. Default 'tanh'. */
  cellActivation?: ActivationOption;
  /**
   * true (default, PyTorch; Keras' `reset_after=True`): n = act(W_in x + b_in + r * (W_hn h + b_hn));
   * false (Keras' `reset_after=False`, TF.js, ONNX `linear_before_reset=0`):
   * n = act(W_in x + b_in + b_hn + W_hn (r * h)).
   */
  resetAfter?: boolean;
}

/**
 * The variant option of `RNN` / `RNNCell`.
 *
 * @example
 * const rnn = new RNN(8, 16, { activation: 'softsign' });
 */
export interface RNNVariantOptions {
  /** Any activation in place of `nonlinearity` (give one or the other). */
  activation?: ActivationOption;
}

export const LSTM_VARIANT_KEYS = ['gateActivation', 'cellActivation', 'outActivation'] as const;
export const GRU_VARIANT_KEYS = ['gateActivation', 'cellActivation', 'resetAfter'] as const;
export const RNN_VARIANT_KEYS = ['activation'] as const;

/** Checks an activation option; `fallback` when undefined. */
export function resolveActivation(
  op: string,
  key: string,
  value: unknown,
  fallback: RnnActivationName,
): RnnActivation {
  if (value === undefined) return { name: fallback, ...RNN_ACTIVATIONS[fallback] };
  const obj =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : { name: value };
  const name = obj.name;
  if (typeof name !== 'string' || !Object.hasOwn(RNN_ACTIVATIONS, name)) {
    throw new ConfigError(
      `${op}: ${key} must be one of ${Object.keys(RNN_ACTIVATIONS).join(', ')} (or { name, alpha, beta }); got ${JSON.stringify(name) ?? String(name)}`,
    );
  }
  for (const k of Object.keys(obj)) {
    if (k !== 'name' && k !== 'alpha' && k !== 'beta')
      throw new ConfigError(`${op}: ${key} has an unknown field '${k}'; expected name, alpha, beta`);
  }
  const defaults = RNN_ACTIVATIONS[name as RnnActivationName];
  const num = (k: 'alpha' | 'beta'): number => {
    const v = obj[k];
    if (v === undefined) return defaults[k];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ConfigError(`${op}: ${key}.${k} must be a finite number; got ${String(v)}`);
    return v;
  };
  return { name: name as RnnActivationName, alpha: num('alpha'), beta: num('beta') };
}

function isPlain(a: RnnActivation, name: 'sigmoid' | 'tanh' | 'relu'): boolean {
  return a.name === name;
}

/** The compact option form of an activation (a name when alpha and beta are the defaults). */
export function activationOption(a: RnnActivation): ActivationOption {
  const d = RNN_ACTIVATIONS[a.name];
  return a.alpha === d.alpha && a.beta === d.beta ? a.name : { name: a.name, alpha: a.alpha, beta: a.beta };
}

/** The variant of an LSTM's options, or undefined for PyTorch's equations. */
export function lstmVariant(op: string, o: LSTMVariantOptions): RnnVariant | undefined {
  const gate = resolveActivation(op, 'gateActivation', o.gateActivation, 'sigmoid');
  const cell = resolveActivation(op, 'cellActivation', o.cellActivation, 'tanh');
  const out = resolveActivation(op, 'outActivation', o.outActivation, 'tanh');
  if (isPlain(gate, 'sigmoid') && isPlain(cell, 'tanh') && isPlain(out, 'tanh')) return undefined;
  return { gate, cell, out, resetAfter: true };
}

/** The variant of a GRU's options, or undefined for PyTorch's equations. */
export function gruVariant(op: string, o: GRUVariantOptions): RnnVariant | undefined {
  const gate = resolveActivation(op, 'gateActivation', o.gateActivation, 'sigmoid');
  const cell = resolveActivation(op, 'cellActivation', o.cellActivation, 'tanh');
  const resetAfter = o.resetAfter ?? true;
  if (typeof resetAfter !== 'boolean')
    throw new ConfigError(`${op}: resetAfter must be a boolean; got ${String(resetAfter)}`);
  if (isPlain(gate, 'sigmoid') && isPlain(cell, 'tanh') && resetAfter) return undefined;
  return { gate, cell, out: { name: 'tanh', alpha: 0, beta: 0 }, resetAfter };
}

/**
 * The variant of an RNN's options, or undefined when the activation is tanh or relu
 * (the kinds `rnn_tanh` / `rnn_relu`), which is returned as `nonlinearity`.
 */
export function rnnVariant(
  op: string,
  o: RNNVariantOptions & { nonlinearity?: unknown },
): { variant: RnnVariant | undefined; relu: boolean } | null {
  if (o.activation === undefined) return null;
  if (o.nonlinearity !== undefined) {
    throw new ConfigError(
      `${op}: give nonlinearity or activation, not both; got nonlinearity=${String(o.nonlinearity)} and an activation`,
    );
  }
  const cell = resolveActivation(op, 'activation', o.activation, 'tanh');
  if (isPlain(cell, 'tanh')) return { variant: undefined, relu: false };
  if (isPlain(cell, 'relu')) return { variant: undefined, relu: true };
  const tanh: RnnActivation = { name: 'tanh', alpha: 0, beta: 0 };
  return { variant: { gate: tanh, cell, out: tanh, resetAfter: true }, relu: false };
}

/** Describes a variant for `extraRepr` (empty for none). */
export function variantRepr(v: RnnVariant | undefined, kind: 'lstm' | 'gru' | 'rnn'): string {
  if (v === undefined) return '';
  const f = (a: RnnActivation): string => JSON.stringify(activationOption(a));
  if (kind === 'rnn') return `, activation=${f(v.cell)}`;
  let s = `, gate_activation=${f(v.gate)}, cell_activation=${f(v.cell)}`;
  if (kind === 'lstm') s += `, out_activation=${f(v.out)}`;
  if (kind === 'gru' && !v.resetAfter) s += ', reset_after=False';
  return s;
}
