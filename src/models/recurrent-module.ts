/*
 * Running the PyTorch module behind a Keras-style recurrent layer (`LSTM`, `GRU` or
 * `RNN`, batch-first, one layer; see `RecurrentLayer.createModule`) with one signature:
 * states in as `h0`, `c0`, out as `[output, h_n, c_n]`, whatever the module's state type.
 */
import { ConfigError } from '../core/errors.js';
import type { Module } from '../nn/module.js';
import { GRU } from '../nn/rnn/gru.js';
import { LSTM } from '../nn/rnn/lstm.js';
import type { PackedSequence } from '../nn/rnn/packed-sequence.js';
import { RNN } from '../nn/rnn/rnn.js';
import type { Tensor } from '../tensor/index.js';

/**
 * Runs a layer's module on `input` `(N, L, F)` or a PackedSequence from the states `h0`,
 * `c0` `(D, N, H)` (null for zeros; `c0` only for an LSTM); returns `[output, hN, cN]`,
 * `cN` null but for an LSTM. A ConfigError naming `label` when the layer is not built.
 */
export function forwardRecurrentModule(
  mod: Module | null,
  input: Tensor,
  h0: Tensor | null,
  c0: Tensor | null,
  label: string,
): [Tensor, Tensor, Tensor | null];
export function forwardRecurrentModule(
  mod: Module | null,
  input: PackedSequence,
  h0: Tensor | null,
  c0: Tensor | null,
  label: string,
): [PackedSequence, Tensor, Tensor | null];
export function forwardRecurrentModule(
  mod: Module | null,
  input: Tensor | PackedSequence,
  h0: Tensor | null,
  c0: Tensor | null,
  label: string,
): [Tensor | PackedSequence, Tensor, Tensor | null] {
  if (mod instanceof LSTM) {
    const [o, [h, c]] = mod.forward(input, h0 === null ? null : [h0, c0 as Tensor]);
    return [o, h, c];
  }
  if (mod instanceof GRU || mod instanceof RNN) {
    const [o, h] = mod.forward(input, h0);
    return [o, h, null];
  }
  throw new ConfigError(`${label}: the layer is not built`);
}
