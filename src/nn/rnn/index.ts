export { LSTM, type LSTMOptions, type LSTMState } from './lstm.js';
export { GRU, type GRUOptions } from './gru.js';
export { RNN, type RNNOptions, type RNNNonlinearity } from './rnn.js';
export {
  type ActivationOption,
  type LSTMVariantOptions,
  type GRUVariantOptions,
  type RNNVariantOptions,
} from './cell-variant.js';
export { RNNBase } from './rnn-base.js';
export type { RNNBaseOptions } from './rnn-options.js';
export { RecurrentState, type RecurrentStateOptions } from './recurrent-state.js';
export { LSTMCell, type LSTMCellOptions } from './lstm-cell.js';
export { GRUCell, type GRUCellOptions } from './gru-cell.js';
export { RNNCell, type RNNCellOptions } from './rnn-cell.js';
export { RNNCellBase, type RNNCellBaseOptions } from './rnn-cell-base.js';
export {
  PackedSequence,
  packPaddedSequence,
  padPackedSequence,
  packSequence,
  padSequence,
  invertPermutation,
  type Lengths,
  type PackPaddedOptions,
  type PadPackedOptions,
  type PadSequenceOptions,
  type PackSequenceOptions,
} from './packed-sequence.js';
