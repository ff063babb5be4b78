/*
 * The cell-variant options of the recurrent layers and cells (other gate and cell
 * activations, the reset-before GRU, LSTM peepholes and coupled input-forget gate,
 * ONNX's cell clip), checked and turned into the `RnnVariant` the
 * fused op reads. Options that spell PyTorch's equations resolve to no variant, so
 * those layers keep the fast kernels.
 */
import { showValue } from '../../core/check.js';
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
 * `'relu6'`, `'exponential'`, `'thresholdedRelu'` (x >= alpha ? x : 0, alpha 1)) or
 * `{ name, alpha?, beta? }` with ONNX's parameters
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
  /**
   * Peephole connections (ONNX's `P`, TensorFlow's `use_peepholes`): the gates also see
   * the cell state, i = σ(… + p_i ⊙ c_{t-1}), f = σ(… + p_f ⊙ c_{t-1}),
   * o = σ(… + p_o ⊙ c_t), with one trainable (3*H_cell) parameter per layer and
   * direction, `weight_ph_l{k}` (`weight_ph` on a cell) = [p_i, p_f, p_o] (longshort's
   * i, f, o order; ONNX stores i, o, f), initialised U(-1/sqrt(H), 1/sqrt(H)) like the
   * other weights. Works with `projSize` (the peepholes read c, which is not projected).
   * Default false.
   *
   * @example
   * const lstm = new LSTM(8, 16, { peepholes: true }); // lstm.weight_ph_l0: (48)
   */
  peepholes?: boolean;
  /**
   * The coupled input-forget gate (ONNX `input_forget=1`): f = 1 − i; the f rows of the
   * weights (and p_f) are kept, for the state dict's shapes, but unused. Default false.
   *
   * @example
   * const lstm = new LSTM(8, 16, { coupledInputForget: true });
   */
  coupledInputForget?: boolean;
  /**
   * ONNX's cell clip: the input of every gate and cell activation (i, f, g, o) is
   * clipped to [−clip, clip] (not c_t in h = o ⊙ act(c_t)); no gradient flows through a
   * clipped value. A positive number; default: no clipping.
   *
   * @example
   * const lstm = new LSTM(8, 16, { clip: 3 });
   */
  clip?: number;
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
  /**
   * ONNX's cell clip: the inputs of the r, z and n activations are clipped to
   * [−clip, clip]; no gradient flows through a clipped value. Default: no clipping.
   *
   * @example
   * const gru = new GRU(8, 16, { clip: 2 });
   */
  clip?: number;
}

/**
 * The non-linearity of an Elman RNN.
 *
 * @example
 * new RNN(10, 20, { nonlinearity: 'relu' }); // or 'tanh' (the default)
 */
export type RNNNonlinearity = 'tanh' | 'relu';

/** Validates a nonlinearity option (JS callers may pass anything). */
export function checkNonlinearity(op: string, value: unknown): RNNNonlinearity {
  if (value !== 'tanh' && value !== 'relu') {
    throw new ConfigError(`${op}: Unknown nonlinearity '${String(value)}'; expected 'tanh' or 'relu'`);
  }
  return value;
}

/**
 * The cell options of `RNN` / `RNNCell`: PyTorch's `nonlinearity`, or any `activation` in
 * its place, and a clip.
 *
 * @example
 * const rnn = new RNN(8, 16, { activation: 'softsign' });
 */
export interface RNNVariantOptions {
  /** 'tanh' or 'relu'. Default: 'tanh'. */
  nonlinearity?: RNNNonlinearity;
  /** Any activation in place of `nonlinearity` (give one or the other). */
  activation?: ActivationOption;
  /**
   * ONNX's cell clip: the activation's input is clipped to [−clip, clip]; no gradient
   * flows through a clipped value. Default: no clipping.
   *
   * @example
   * const rnn = new RNN(8, 16, { clip: 1 });
   */
  clip?: number;
}

export const LSTM_VARIANT_KEYS = [
  'gateActivation',
  'cellActivation',
  'outActivation',
  'peepholes',
  'coupledInputForget',
  'clip',
] as const;
export const GRU_VARIANT_KEYS = ['gateActivation', 'cellActivation', 'resetAfter', 'clip'] as const;
export const RNN_VARIANT_KEYS = ['activation', 'clip'] as const;

/** Checks a clip option: undefined or a positive finite number. */
export function resolveClip(op: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new ConfigError(`${op}: clip must be a positive finite number; got ${showValue(value)}`);
  return value;
}

function flag(op: string, key: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw new ConfigError(`${op}: ${key} must be a boolean; got ${showValue(value)}`);
  return value;
}

/** The optional fields of a variant, only those that are set (so defaults compare equal). */
function extras(p: { peepholes?: boolean; coupledInputForget?: boolean; clip?: number | undefined }): {
  peepholes?: boolean;
  coupledInputForget?: boolean;
  clip?: number;
} {
  const e: { peepholes?: boolean; coupledInputForget?: boolean; clip?: number } = {};
  if (p.peepholes === true) e.peepholes = true;
  if (p.coupledInputForget === true) e.coupledInputForget = true;
  if (p.clip !== undefined) e.clip = p.clip;
  return e;
}

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
      throw new ConfigError(`${op}: ${key}.${k} must be a finite number; got ${showValue(v)}`);
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
  const e = extras({
    peepholes: flag(op, 'peepholes', o.peepholes),
    coupledInputForget: flag(op, 'coupledInputForget', o.coupledInputForget),
    clip: resolveClip(op, o.clip),
  });
  if (
    isPlain(gate, 'sigmoid') &&
    isPlain(cell, 'tanh') &&
    isPlain(out, 'tanh') &&
    Object.keys(e).length === 0
  )
    return undefined;
  return { gate, cell, out, resetAfter: true, ...e };
}

/** The variant of a GRU's options, or undefined for PyTorch's equations. */
export function gruVariant(op: string, o: GRUVariantOptions): RnnVariant | undefined {
  const gate = resolveActivation(op, 'gateActivation', o.gateActivation, 'sigmoid');
  const cell = resolveActivation(op, 'cellActivation', o.cellActivation, 'tanh');
  const resetAfter = o.resetAfter ?? true;
  if (typeof resetAfter !== 'boolean')
    throw new ConfigError(`${op}: resetAfter must be a boolean; got ${String(resetAfter)}`);
  const e = extras({ clip: resolveClip(op, o.clip) });
  if (isPlain(gate, 'sigmoid') && isPlain(cell, 'tanh') && resetAfter && e.clip === undefined)
    return undefined;
  return { gate, cell, out: { name: 'tanh', alpha: 0, beta: 0 }, resetAfter, ...e };
}

/**
 * The variant of an RNN's options, or undefined when the activation is tanh or relu
 * (the kinds `rnn_tanh` / `rnn_relu`, returned as `relu`) without a clip; null when
 * neither `activation` nor `clip` is given (then `nonlinearity` decides).
 */
export function rnnVariant(
  op: string,
  o: RNNVariantOptions,
): { variant: RnnVariant | undefined; relu: boolean } | null {
  const clip = resolveClip(op, o.clip);
  if (o.activation === undefined && clip === undefined) return null;
  if (o.activation !== undefined && o.nonlinearity !== undefined) {
    throw new ConfigError(
      `${op}: give nonlinearity or activation, not both; got nonlinearity=${showValue(o.nonlinearity)} and an activation`,
    );
  }
  const fallback = o.nonlinearity === 'relu' ? 'relu' : 'tanh';
  if (o.nonlinearity !== undefined) checkNonlinearity(op, o.nonlinearity);
  const cell = resolveActivation(op, 'activation', o.activation, fallback);
  const relu = isPlain(cell, 'relu');
  if (clip === undefined && (isPlain(cell, 'tanh') || relu)) return { variant: undefined, relu };
  const tanh: RnnActivation = { name: 'tanh', alpha: 0, beta: 0 };
  return { variant: { gate: tanh, cell, out: tanh, resetAfter: true, ...extras({ clip }) }, relu };
}

/** Describes a variant for `extraRepr` (empty for none). */
export function variantRepr(v: RnnVariant | undefined, kind: 'lstm' | 'gru' | 'rnn'): string {
  if (v === undefined) return '';
  const f = (a: RnnActivation): string => JSON.stringify(activationOption(a));
  const clip = v.clip === undefined ? '' : `, clip=${v.clip}`;
  if (kind === 'rnn') return `, activation=${f(v.cell)}${clip}`;
  let s = `, gate_activation=${f(v.gate)}, cell_activation=${f(v.cell)}`;
  if (kind === 'lstm') s += `, out_activation=${f(v.out)}`;
  if (kind === 'gru' && !v.resetAfter) s += ', reset_after=False';
  if (v.peepholes === true) s += ', peepholes=True';
  if (v.coupledInputForget === true) s += ', coupled_input_forget=True';
  return s + clip;
}
