import { ShapeError } from '../../core/errors.js';
import type { Tensor } from '../../tensor/index.js';
import type { LSTMVariantOptions } from './cell-variant.js';
import { RNNCellBase, type RNNCellBaseOptions } from './rnn-cell-base.js';

/**
 * Options of `LSTMCell`: `bias` and the cell variants of `LSTM`.
 *
 * @example
 * const cell = new LSTMCell(10, 20, { bias: true });
 */
export interface LSTMCellOptions extends RNNCellBaseOptions, LSTMVariantOptions {}

/**
 * A long short-term memory (LSTM) cell, after `torch.nn.LSTMCell`:
 *
 * ```text
 * i = σ(W_ii x + b_ii + W_hi h + b_hi)
 * f = σ(W_if x + b_if + W_hf h + b_hf)
 * g = tanh(W_ig x + b_ig + W_hg h + b_hg)
 * o = σ(W_io x + b_io + W_ho h + b_ho)
 * c' = f ⊙ c + i ⊙ g
 * h' = o ⊙ tanh(c')
 * ```
 *
 * Args: `inputSize` (H_in), `hiddenSize` (H), `options.bias` (default true).
 *
 * Inputs: `input` `(N, H_in)` or `(H_in)`; `[h_0, c_0]` `(N, H)` or `(H)` each,
 * zeros when omitted. Outputs: `[h_1, c_1]`, shaped like the states.
 *
 * Parameters: `weight_ih` `(4H, H_in)`, `weight_hh` `(4H, H)`, `bias_ih`, `bias_hh`
 * `(4H)`; all U(-1/sqrt(H), 1/sqrt(H)). The same as an `LSTM` layer's `_l0` ones.
 *
 * @example
 * const cell = new LSTMCell(10, 20);
 * const x = randn([2, 3, 10]); // (time, batch, input)
 * let h = randn([3, 20]);
 * let c = randn([3, 20]);
 * for (let t = 0; t < 2; t++) [h, c] = cell.forward(x.select(0, t), [h, c]);
 */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: LSTMCellOptions = {}) {
    super('LSTMCell', inputSize, hiddenSize, options, 'lstm');
  }

  /** One step: returns `[h_1, c_1]`. */
  forward(input: Tensor, state: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    if (state !== null && state !== undefined && (!Array.isArray(state) || state.length !== 2)) {
      throw new ShapeError(
        `LSTMCell: the state must be a pair [h_0, c_0]; got ${Array.isArray(state) ? `${state.length} tensors` : String(state)}`,
      );
    }
    const { x, unbatched } = this.prepInput(input);
    const h = this.prepState(state?.[0] ?? null, 'hx[0]', x, unbatched);
    const c = this.prepState(state?.[1] ?? null, 'hx[1]', x, unbatched);
    const r = this.step(x, h, c);
    return [RNNCellBase.unbatch(r.h, unbatched), RNNCellBase.unbatch(r.c as Tensor, unbatched)];
  }
}
