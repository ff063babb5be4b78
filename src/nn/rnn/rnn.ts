import { nonlinearityOf } from './cell-family.js';
import type { RNNNonlinearity, RNNVariantOptions } from './cell-variant.js';
import { HiddenStateRNN } from './hidden-state-rnn.js';
import type { RNNBaseOptions } from './rnn-options.js';

export type { RNNNonlinearity } from './cell-variant.js';

/**
 * Options of `RNN`: those of every recurrent layer plus the cell options (`nonlinearity`,
 * or an `activation` in its place, and `clip`).
 *
 * @example
 * const rnn = new RNN(10, 20, { nonlinearity: 'relu', numLayers: 2 });
 */
export interface RNNOptions extends RNNBaseOptions, RNNVariantOptions {}

/**
 * A multi-layer Elman RNN with tanh or ReLU non-linearity, after `torch.nn.RNN`. For
 * each element of the input sequence, each layer computes
 *
 * ```text
 * h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)
 * ```
 *
 * (ReLU instead of tanh with `nonlinearity: 'relu'`).
 *
 * Args:
 * - `inputSize`: H_in; `hiddenSize`: H_out.
 * - `options.numLayers` (default 1), `options.nonlinearity` (default 'tanh'),
 *   `options.bias` (default true), `options.batchFirst` (default false),
 *   `options.dropout` (default 0, between layers in training mode),
 *   `options.bidirectional` (default false), `options.activation` (any
 *   `ActivationOption` in place of nonlinearity; run on the reference kernels unless
 *   tanh or relu).
 *
 * Inputs: `input`, `h_0` (optional, zeros by default)
 * - `input`: `(L, N, H_in)`, `(N, L, H_in)` with batchFirst, `(L, H_in)` unbatched, or
 *   a PackedSequence.
 * - `h_0`: `(D*numLayers, N, H_out)` (`(D*numLayers, H_out)` unbatched).
 *
 * Outputs: `[output, h_n]`
 * - `output`: `(L, N, D*H_out)` (batchFirst `(N, L, D*H_out)`, unbatched `(L, D*H_out)`,
 *   or a PackedSequence).
 * - `h_n`: `(D*numLayers, N, H_out)`, layer-major then direction.
 *
 * Parameters: `weight_ih_l{k}` `(H_out, H_in or D*H_out)`, `weight_hh_l{k}`
 * `(H_out, H_out)`, `bias_ih_l{k}`, `bias_hh_l{k}` `(H_out)` (+ `_reverse`), all
 * U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)).
 *
 * @example
 * const rnn = new RNN(10, 20, { numLayers: 2, nonlinearity: 'relu' });
 * const [output, hn] = rnn.forward(randn([5, 3, 10]), randn([2, 3, 20])); // [5,3,20], [2,3,20]
 */
export class RNN extends HiddenStateRNN {
  /** 'tanh' or 'relu' (the activation's, when `activation` replaces it). */
  readonly nonlinearity: RNNNonlinearity = nonlinearityOf(this.cellKind);

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super('RNN', inputSize, hiddenSize, options, 'rnn');
  }
}
