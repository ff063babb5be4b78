/*
 * The options of the Keras-style recurrent layers (`lstm`, `gru`, `simpleRNN`,
 * `bidirectional`), the keys each kind accepts, and the Keras class names.
 */
import type { ActivationOption } from '../nn/rnn/cell-variant.js';
import { BASE_KEYS, type BaseLayerOptions } from './layer.js';

/** The Keras class of a recurrent layer (its cell kind is `RecurrentLayer.cellKind`). */
export type RecurrentKind = 'lstm' | 'gru' | 'simpleRNN';

/** How `bidirectional` combines the two directions. */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';

/**
 * Options of `lstm`, `gru` and `simpleRNN` (Keras' arguments, camelCase).
 *
 * @example
 * layers.lstm({ units: 64, returnSequences: true, dropout: 0.1, goBackwards: false, inputShape: [24, 1] });
 */
export interface RecurrentLayerOptions extends BaseLayerOptions {
  /** Width of the hidden state (PyTorch's hiddenSize). Required. */
  units: number;
  /** Return the output of every step `(N, L, units)` instead of the last one `(N, units)`. Default false. */
  returnSequences?: boolean;
  /**
   * Also return the final states: `apply` gives `[output, h, c]` (LSTM) or
   * `[output, h]` (GRU, SimpleRNN), each state `(N, units)`. Only for layers used on
   * their own: a `sequential` model rejects it (ConfigError), as Keras' Sequential
   * allows single-output layers only. Default false.
   */
  returnState?: boolean;
  /**
   * Carry the final states of a batch over as the initial states of the next
   * (detached: no gradient flows across batches) until `resetStates()`. Needs a fixed
   * batch size: `batchSize` on the model's first layer. Default false.
   */
  stateful?: boolean;
  /**
   * Process the sequence from the last step to the first. As in Keras, with
   * `returnSequences` the output is in processing order (reversed), and the last
   * output is that of the first time step. Default false.
   */
  goBackwards?: boolean;
  /**
   * Fraction of the input features to drop in training (Keras' `dropout`): one mask
   * per sample and feature, the same at every time step, scaled by 1 / (1 - rate).
   * Default 0.
   */
  dropout?: number;
  /** Use the biases (PyTorch's `bias`: both `bias_ih` and `bias_hh`). Default true. */
  useBias?: boolean;
  /**
   * Keras' `activation`: of the cell candidate and of h = o * act(c) (LSTM), of the new
   * gate (GRU), of the state (SimpleRNN). Default 'tanh'. `'hardSigmoid'` is Keras 2's
   * clip(0.2x + 0.5, 0, 1); Keras 3's is `{ name: 'hardSigmoid', alpha: 1 / 6 }`.
   */
  activation?: ActivationOption;
  /** Keras' `recurrent_activation`, of the gates (LSTM, GRU). Default 'sigmoid'. */
  recurrentActivation?: ActivationOption;
  /**
   * GRU only: Keras' `reset_after`. true (default; PyTorch's GRU) applies the reset gate
   * after the recurrent matmul, false before it (Keras 2's default, TF.js's GRU).
   */
  resetAfter?: boolean;
  /**
   * LSTM only: peephole connections (the nn `LSTM`'s `peepholes`: the gates also see
   * the cell state, through a `(3*units)` parameter `weight_ph_l0`). Keras has no such
   * option, so a layer with it exports to ONNX and longshort's format but not to Keras
   * or TF.js files. Default false.
   *
   * @example
   * layers.lstm({ units: 16, peepholes: true });
   */
  peepholes?: boolean;
  /**
   * LSTM only: the coupled input-forget gate f = 1 − i (ONNX `input_forget`). Not
   * exportable to Keras files. Default false.
   *
   * @example
   * layers.lstm({ units: 16, coupledInputForget: true });
   */
  coupledInputForget?: boolean;
  /**
   * ONNX's cell clip: every gate / cell activation's input is clipped to [−clip, clip].
   * Not exportable to Keras files. Default: none.
   *
   * @example
   * layers.gru({ units: 16, clip: 3 });
   */
  clip?: number;
}

/** Options of `simpleRNN`: those of every recurrent layer (its `activation` is any `ActivationOption`). */
export type SimpleRNNOptions = RecurrentLayerOptions;

/** Options of `bidirectional`. */
export interface BidirectionalOptions extends BaseLayerOptions {
  /** How to combine the forward and backward outputs. Default 'concat' (PyTorch's layout). */
  mergeMode?: MergeMode;
}

const REC_KEYS: string[] = [
  ...BASE_KEYS,
  'units',
  'returnSequences',
  'returnState',
  'stateful',
  'goBackwards',
  'dropout',
  'useBias',
  'activation',
  'clip',
];
export const KIND_KEYS: Record<RecurrentKind, string[]> = {
  lstm: [...REC_KEYS, 'recurrentActivation', 'peepholes', 'coupledInputForget'],
  gru: [...REC_KEYS, 'recurrentActivation', 'resetAfter'],
  simpleRNN: REC_KEYS,
};
export const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave'];
export const CLASS_NAMES: Record<RecurrentKind, string> = {
  lstm: 'LSTM',
  gru: 'GRU',
  simpleRNN: 'SimpleRNN',
};
