// The recurrent cell kind: one spelling for every layer below `nn` (kernels, ops, the
// Keras front, file formats). PyTorch's upper-case mode names ('LSTM', 'RNN_TANH', ...)
// appear only at the `nn` boundary, converted by `cellKindFromMode` / `modeOfCellKind`.
import { ConfigError } from './errors.js';

/**
 * The cell kinds: LSTM, GRU, and the Elman RNN with tanh or relu.
 *
 * @example
 * gateCount('lstm'); // 4 (i, f, g, o)
 * new LSTM(4, 8).cellKind; // 'lstm'
 */
export type CellKind = 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu';

/**
 * PyTorch's mode names, as `torch.nn.RNNBase.mode` spells them.
 *
 * @example
 * new RNN(4, 8, { nonlinearity: 'relu' }).mode; // 'RNN_RELU'
 */
export type TorchMode = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';

/** Per kind: gates per hidden unit (rows of `weight_ih` = gates * hidden), the integer code
 * the wasm kernels take, and PyTorch's mode name. */
export const CELL_KINDS = {
  lstm: { gates: 4, code: 0, mode: 'LSTM' },
  gru: { gates: 3, code: 1, mode: 'GRU' },
  rnn_tanh: { gates: 1, code: 2, mode: 'RNN_TANH' },
  rnn_relu: { gates: 1, code: 3, mode: 'RNN_RELU' },
} as const satisfies Record<CellKind, { gates: number; code: number; mode: TorchMode }>;

/** Gates per hidden unit: 4 for LSTM (i, f, g, o), 3 for GRU (r, z, n), 1 for RNN. */
export function gateCount(kind: CellKind): number {
  return CELL_KINDS[kind].gates;
}

/** The kind of a PyTorch mode name; a ConfigError for anything else. */
export function cellKindFromMode(mode: string): CellKind {
  for (const [kind, info] of Object.entries(CELL_KINDS)) if (info.mode === mode) return kind as CellKind;
  throw new ConfigError(
    `cellKindFromMode: mode must be one of LSTM, GRU, RNN_TANH, RNN_RELU; got ${String(mode)}`,
  );
}

/** PyTorch's mode name of a kind. */
export function modeOfCellKind(kind: CellKind): TorchMode {
  return CELL_KINDS[kind].mode;
}
