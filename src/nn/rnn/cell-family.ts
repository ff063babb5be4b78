/*
 * The cell families of the recurrent layers and cells (LSTM, GRU, the Elman RNN) and what
 * a family's options choose: the cell kind the fused op runs, the option keys the family
 * adds to the shared ones, and the cell variant. Written once for the layers (rnn-base.ts)
 * and the cells (rnn-cell-base.ts).
 */
import type { CellKind } from '../../core/cell-kind.js';
import type { RnnVariant } from '../../tensor/index.js';
import {
  checkNonlinearity,
  GRU_VARIANT_KEYS,
  gruVariant,
  LSTM_VARIANT_KEYS,
  lstmVariant,
  RNN_VARIANT_KEYS,
  rnnVariant,
  type RNNNonlinearity,
  type RNNVariantOptions,
} from './cell-variant.js';

/** A cell family as the layer and cell classes name it: `LSTM*`, `GRU*`, `RNN*`. */
export type CellFamily = 'lstm' | 'gru' | 'rnn';

/** The non-linearity an RNN or RNNCell of cell kind `kind` runs (the `nonlinearity` attribute). */
export function nonlinearityOf(kind: CellKind): RNNNonlinearity {
  return kind === 'rnn_relu' ? 'relu' : 'tanh';
}

/** What the options of a layer or cell choose (see `chooseCell`). */
export interface CellChoice {
  /** The cell kind the fused op runs ('rnn_tanh' or 'rnn_relu' for an RNN, by its options). */
  readonly kind: CellKind;
  /** The option keys the family adds to the shared ones. */
  readonly keys: readonly string[];
  /** The cell variant, or undefined for PyTorch's equations. */
  readonly variant: RnnVariant | undefined;
}

/**
 * Reads the family options of an `LSTM`/`GRU`/`RNN` layer or cell: the variant, and for an
 * RNN the non-linearity (`nonlinearity`, or an `activation` in its place). Checks only
 * those options; the caller checks the keys.
 */
export function chooseCell(op: string, family: CellFamily, options: object | null | undefined): CellChoice {
  const o = options ?? {};
  if (family === 'lstm') return { kind: 'lstm', keys: LSTM_VARIANT_KEYS, variant: lstmVariant(op, o) };
  if (family === 'gru') return { kind: 'gru', keys: GRU_VARIANT_KEYS, variant: gruVariant(op, o) };
  const r = o as RNNVariantOptions;
  const v = rnnVariant(op, r);
  const relu = v === null ? checkNonlinearity(op, r.nonlinearity ?? 'tanh') === 'relu' : v.relu;
  return {
    kind: relu ? 'rnn_relu' : 'rnn_tanh',
    keys: ['nonlinearity', ...RNN_VARIANT_KEYS],
    variant: v?.variant,
  };
}
