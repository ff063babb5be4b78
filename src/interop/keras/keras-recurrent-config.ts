/*
 * Keras LSTM / GRU / SimpleRNN configs -> the front's recurrent layer options, and one
 * direction's Keras weights (kernel, recurrent_kernel, bias) -> PyTorch-named entries.
 */
import { FormatError, UnsupportedError } from '../../core/errors.js';
import type { RecurrentLayerOptions } from '../../models/recurrent-layer.js';
import { Tensor } from '../../tensor/index.js';
import { kerasActivation, type HardSigmoidFlavor } from './keras-activations.js';
import { bool, checkArray, checkKeys, num, type Json, type KerasArray } from './keras-config.js';
import { kerasToTorchRecurrent, type KerasCell } from './keras-rnn-weights.js';

/** The Keras recurrent classes and their cells. */
export const RECURRENT: Record<string, KerasCell> = { LSTM: 'lstm', GRU: 'gru', SimpleRNN: 'rnn' };

/** The options of a Keras recurrent layer config, checked. */
export function recurrentOptions(
  w: string,
  cell: KerasCell,
  c: Json,
  flavor: HardSigmoidFlavor,
  inBidirectional: boolean,
): RecurrentLayerOptions {
  const used = [
    'units',
    'activation',
    'recurrent_activation',
    'use_bias',
    'return_sequences',
    'return_state',
    'go_backwards',
    'stateful',
    'dropout',
    'reset_after',
  ];
  checkKeys(w, c, used);
  if (c.time_major === true) throw new UnsupportedError(`${w}: time_major must be false; got true`);
  if (typeof c.recurrent_dropout === 'number' && c.recurrent_dropout !== 0) {
    throw new UnsupportedError(
      `${w}: recurrent_dropout is not supported; expected 0, got ${c.recurrent_dropout}`,
    );
  }
  if (!inBidirectional && c.zero_output_for_mask === true) {
    throw new UnsupportedError(
      `${w}: zero_output_for_mask is only supported inside Bidirectional; expected false, got true`,
    );
  }
  const o: RecurrentLayerOptions = {
    units: num(w, c, 'units'),
    activation: kerasActivation(c.activation ?? 'tanh', flavor, w),
    useBias: bool(w, c, 'use_bias', true),
    returnSequences: bool(w, c, 'return_sequences', false),
    returnState: bool(w, c, 'return_state', false),
    goBackwards: bool(w, c, 'go_backwards', false),
    stateful: bool(w, c, 'stateful', false),
    dropout: num(w, c, 'dropout', 0),
  };
  if (cell !== 'rnn')
    o.recurrentActivation = kerasActivation(
      c.recurrent_activation ?? (flavor === 'keras2' ? 'hard_sigmoid' : 'sigmoid'),
      flavor,
      w,
    );
  else if (c.recurrent_activation !== undefined)
    throw new FormatError(
      `${w}: SimpleRNN has no recurrent_activation; got ${JSON.stringify(c.recurrent_activation)}`,
    );
  if (cell === 'gru') o.resetAfter = bool(w, c, 'reset_after', flavor !== 'keras2');
  else if (c.reset_after !== undefined)
    throw new FormatError(`${w}: only GRU has reset_after; got ${JSON.stringify(c.reset_after)}`);
  return o;
}

/** State-dict entries of one direction of a recurrent layer from its Keras arrays. */
export function recurrentState(
  w: string,
  cell: KerasCell,
  name: string,
  sfx: string,
  I: number,
  o: RecurrentLayerOptions,
  arrays: readonly KerasArray[],
  at: number,
): Map<string, Tensor> {
  const H = o.units;
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const resetAfter = o.resetAfter ?? true;
  const kernel = checkArray(w, 'kernel', arrays[at], [I, G * H]);
  const rec = checkArray(w, 'recurrent_kernel', arrays[at + 1], [H, G * H]);
  const bias =
    o.useBias === false
      ? null
      : checkArray(w, 'bias', arrays[at + 2], cell === 'gru' && resetAfter ? [2, G * H] : [G * H]);
  const t = kerasToTorchRecurrent(cell, I, H, { kernel, recurrentKernel: rec, bias }, resetAfter, w);
  const m = new Map<string, Tensor>();
  m.set(`${name}.weight_ih_l0${sfx}`, new Tensor(t.weightIh, [G * H, I]));
  m.set(`${name}.weight_hh_l0${sfx}`, new Tensor(t.weightHh, [G * H, H]));
  if (t.biasIh !== null && t.biasHh !== null) {
    m.set(`${name}.bias_ih_l0${sfx}`, new Tensor(t.biasIh, [G * H]));
    m.set(`${name}.bias_hh_l0${sfx}`, new Tensor(t.biasHh, [G * H]));
  }
  return m;
}
