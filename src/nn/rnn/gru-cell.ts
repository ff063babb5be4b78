import type { Tensor } from '../../tensor/index.js';
import type { GRUVariantOptions } from './cell-variant.js';
import { RNNCellBase, type RNNCellBaseOptions } from './rnn-cell-base.js';

/**
 * Options of `GRUCell`: `bias` and the cell variants of `GRU` (`resetAfter`, activations).
 *
 * @example
 * const cell = new GRUCell(10, 20, { bias: true });
 */
export interface GRUCellOptions extends RNNCellBaseOptions, GRUVariantOptions {}

/**
 * A gated recurrent unit (GRU) cell, after `torch.nn.GRUCell`:
 *
 * ```text
 * r = σ(W_ir x + b_ir + W_hr h + b_hr)
 * z = σ(W_iz x + b_iz + W_hz h + b_hz)
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 * h' = (1 - z) ⊙ n + z ⊙ h
 * ```
 *
 * Args: `inputSize` (H_in), `hiddenSize` (H), `options.bias` (default true).
 *
 * Inputs: `input` `(N, H_in)` or `(H_in)`; `h_0` `(N, H)` or `(H)`, zeros when omitted.
 * Output: `h_1`, shaped like `h_0`.
 *
 * Parameters: `weight_ih` `(3H, H_in)`, `weight_hh` `(3H, H)`, `bias_ih`, `bias_hh`
 * `(3H)`; all U(-1/sqrt(H), 1/sqrt(H)).
 *
 * @example
 * const cell = new GRUCell(10, 20);
 * let h = zeros([3, 20]);
 * h = cell.forward(randn([3, 10]), h);
 */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: GRUCellOptions = {}) {
    super('GRUCell', inputSize, hiddenSize, options, 'gru');
  }

  /** One step: returns `h_1`. */
  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return this.stepHidden(input, hx ?? null);
  }
}
