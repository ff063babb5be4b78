import { ShapeError } from '../../core/errors.js';
import { Tensor } from '../../tensor/index.js';
import { PackedSequence } from './packed-sequence.js';
import type { LSTMVariantOptions } from './cell-variant.js';
import { RNNBase } from './rnn-base.js';
import type { RNNBaseOptions } from './rnn-options.js';

/**
 * Options of `LSTM`: those of every recurrent layer plus `projSize`.
 *
 * @example
 * const lstm = new LSTM(28, 128, { numLayers: 2, batchFirst: true, dropout: 0.1, bidirectional: false, projSize: 64 });
 */
export interface LSTMOptions extends RNNBaseOptions, LSTMVariantOptions {
  /** If > 0, h is projected to this width by `weight_hr_l{k}` (`projSize < hiddenSize`). Default: 0. */
  projSize?: number;
}

/**
 * `(h, c)`: the hidden and the cell state of an LSTM.
 *
 * @example
 * const [out, [hN, cN]]: [Tensor, LSTMState] = lstm.forward(x);
 */
export type LSTMState = readonly [Tensor, Tensor];

/**
 * A multi-layer long short-term memory (LSTM) RNN, after `torch.nn.LSTM`. For each
 * element of the input sequence, each layer computes
 *
 * ```text
 * i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)
 * f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)
 * g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
 * o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)
 * c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
 * h_t = o_t ⊙ tanh(c_t)
 * ```
 *
 * where h_t is the hidden state at time t, c_t the cell state, x_t the input (the
 * previous layer's h_t, times dropout in training, for layers after the first), and
 * i, f, g, o the input, forget, cell and output gates (stacked in that order in the
 * weights). With `projSize > 0`, h_t = W_hr (o_t ⊙ tanh(c_t)), so h is projSize wide
 * while c stays hiddenSize wide.
 *
 * Args:
 * - `inputSize`: H_in, the features of x.
 * - `hiddenSize`: H_cell, the features of c (and of h without projection).
 * - `options.numLayers` (default 1), `options.bias` (default true),
 *   `options.batchFirst` (default false: input/output `(L, N, H)`; true: `(N, L, H)`;
 *   states are never batch-first), `options.dropout` (default 0, between layers in
 *   training mode only), `options.bidirectional` (default false),
 *   `options.projSize` (default 0).
 * - Cell variants (other frameworks' LSTMs; run on the reference kernels):
 *   `options.gateActivation` (i, f, o; default 'sigmoid'), `options.cellActivation`
 *   (g; default 'tanh'), `options.outActivation` (h = o * act(c); default 'tanh'),
 *   e.g. Keras' `recurrent_activation='hard_sigmoid'`.
 *
 * Inputs: `input`, `[h_0, c_0]` (optional, zeros by default)
 * - `input`: `(L, N, H_in)`, `(N, L, H_in)` with batchFirst, `(L, H_in)` unbatched, or
 *   a `PackedSequence`.
 * - `h_0`: `(D*numLayers, N, H_out)` (`(D*numLayers, H_out)` unbatched);
 *   `c_0`: `(D*numLayers, N, H_cell)`. D = 2 if bidirectional else 1;
 *   H_out = projSize if > 0 else hiddenSize.
 *
 * Outputs: `[output, [h_n, c_n]]`
 * - `output`: `(L, N, D*H_out)` (batchFirst `(N, L, D*H_out)`, unbatched
 *   `(L, D*H_out)`, or a PackedSequence), h_t of the last layer for every t; the
 *   two directions are concatenated (forward first).
 * - `h_n`, `c_n`: the final states, layer-major then direction
 *   (`h_n[2*k + 1]` is layer k's reverse direction). For packed input, each sequence's
 *   own final state, in the caller's batch order.
 *
 * Parameters: `weight_ih_l{k}` `(4*H_cell, H_in)` for k = 0 else `(4*H_cell, D*H_out)`,
 * `weight_hh_l{k}` `(4*H_cell, H_out)`, `bias_ih_l{k}`, `bias_hh_l{k}` `(4*H_cell)`,
 * `weight_hr_l{k}` `(H_out, H_cell)` with projSize, each with a `_reverse` twin when
 * bidirectional; all U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)) at construction.
 *
 * @example
 * const lstm = new LSTM(10, 20, { numLayers: 2 });
 * const input = randn([5, 3, 10]);
 * const h0 = randn([2, 3, 20]);
 * const c0 = randn([2, 3, 20]);
 * const [output, [hn, cn]] = lstm.forward(input, [h0, c0]); // [5,3,20], [2,3,20], [2,3,20]
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: LSTMOptions = {}) {
    super('LSTM', inputSize, hiddenSize, options, 'lstm');
  }

  /** Runs the LSTM over a padded tensor (see the class docs for shapes). */
  forward(input: Tensor, state?: LSTMState | null): [Tensor, [Tensor, Tensor]];
  /** Runs the LSTM over a packed batch; returns a PackedSequence with the same packing. */
  forward(input: PackedSequence, state?: LSTMState | null): [PackedSequence, [Tensor, Tensor]];
  forward(
    input: Tensor | PackedSequence,
    state?: LSTMState | null,
  ): [Tensor | PackedSequence, [Tensor, Tensor]];
  forward(
    input: Tensor | PackedSequence,
    state: LSTMState | null = null,
  ): [Tensor | PackedSequence, [Tensor, Tensor]] {
    if (state !== null && state !== undefined && (!Array.isArray(state) || state.length !== 2)) {
      throw new ShapeError(
        `LSTM: the state must be a pair [h_0, c_0]; got ${Array.isArray(state) ? `${state.length} tensors` : String(state)}`,
      );
    }
    const r = this.run(input, state?.[0] ?? null, state?.[1] ?? null, true);
    return [r.output, [r.hN, r.cN as Tensor]];
  }
}
