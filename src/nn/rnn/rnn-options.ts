/*
 * The options every recurrent layer shares, their check, and the initial parameter
 * (PyTorch's U(-1/sqrt(H), 1/sqrt(H))), used by the layers and the cells.
 */
import { allocateFloat, getDefaultDtype, type FloatDType } from '../../core/dtype.js';
import { ConfigError } from '../../core/errors.js';
import { defaultGenerator } from '../../core/rng.js';
import { checkOptions } from '../../core/check.js';
import { numel } from '../../core/shape.js';
import { Parameter } from '../parameter.js';

/**
 * Options shared by `LSTM`, `GRU` and `RNN` (PyTorch's keyword arguments, camelCase).
 *
 * @example
 * const gru = new GRU(10, 20, { numLayers: 2, bias: true, batchFirst: true, dropout: 0, bidirectional: true });
 */
export interface RNNBaseOptions {
  /** Number of stacked recurrent layers. Default: 1. */
  numLayers?: number;
  /** Use the biases `b_ih` and `b_hh`. Default: true. */
  bias?: boolean;
  /** Input and output are `(N, L, H)` instead of `(L, N, H)` (states are not affected). Default: false. */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training mode. Default: 0. */
  dropout?: number;
  /** Run a second, reversed direction and concatenate. Default: false. */
  bidirectional?: boolean;
}

export const BASE_KEYS = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional'] as const;

/** Initial uniform(-k, k) parameter with the default generator, in the default dtype. */
export function uniformParameter(
  shape: readonly number[],
  k: number,
  dtype: FloatDType = getDefaultDtype(),
): Parameter {
  const data = allocateFloat(dtype, numel(shape));
  defaultGenerator.fillUniform(data, -k, k);
  return new Parameter(data, shape);
}

/**
 * Rejects option keys the layer does not know (JS callers, typos), with PyTorch's message
 * for `projSize` on a GRU or RNN.
 */
export function checkRecurrentOptions(op: string, options: object, allowed: readonly string[]): void {
  const projSize = (options as { projSize?: unknown } | null)?.projSize;
  if (projSize !== undefined && !allowed.includes('projSize')) {
    throw new ConfigError(
      `${op}: projSize argument is only supported for LSTM, not RNN or GRU; got projSize=${String(projSize)}`,
    );
  }
  checkOptions(op, options, allowed);
}
