import type { GRUVariantOptions } from './cell-variant.js';
import { HiddenStateRNN } from './hidden-state-rnn.js';
import type { RNNBaseOptions } from './rnn-options.js';

/**
 * Options of `GRU` (there is no projSize): the shared ones plus the cell variants.
 *
 * @example
 * const gru = new GRU(10, 20, { numLayers: 2, batchFirst: true });
 */
export interface GRUOptions extends RNNBaseOptions, GRUVariantOptions {}

/**
 * A multi-layer gated recurrent unit (GRU) RNN, after `torch.nn.GRU`. For each element
 * of the input sequence, each layer computes
 *
 * ```text
 * r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
 * z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
 * n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
 * h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}
 * ```
 *
 * with r, z, n the reset, update and new gates (stacked in that order in the weights).
 *
 * Args:
 * - `inputSize`: H_in; `hiddenSize`: H_out.
 * - `options.numLayers` (default 1), `options.bias` (default true),
 *   `options.batchFirst` (default false), `options.dropout` (default 0, between layers
 *   in training mode), `options.bidirectional` (default false).
 * - Cell variants (run on the reference kernels): `options.gateActivation` (r, z;
 *   default 'sigmoid'), `options.cellActivation` (n; default 'tanh'),
 *   `options.resetAfter` (default true; false: n = tanh(W_in x + b_in + b_hn + W_hn (r ⊙ h)),
 *   Keras' `reset_after=False` and TF.js's GRU).
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
 * Parameters: `weight_ih_l{k}` `(3*H_out, H_in or D*H_out)`, `weight_hh_l{k}`
 * `(3*H_out, H_out)`, `bias_ih_l{k}`, `bias_hh_l{k}` `(3*H_out)` (+ `_reverse`), all
 * U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)).
 *
 * @example
 * const gru = new GRU(10, 20, { numLayers: 2 });
 * const [output, hn] = gru.forward(randn([5, 3, 10]), randn([2, 3, 20])); // [5,3,20], [2,3,20]
 */
export class GRU extends HiddenStateRNN {
  constructor(inputSize: number, hiddenSize: number, options: GRUOptions = {}) {
    super('GRU', inputSize, hiddenSize, options, 'gru');
  }
}
