import type { Tensor } from '../../tensor/index.js';
import { nonlinearityOf } from './cell-family.js';
import type { RNNNonlinearity, RNNVariantOptions } from './cell-variant.js';
import { RNNCellBase, type RNNCellBaseOptions } from './rnn-cell-base.js';

/**
 * Options of `RNNCell`: `bias` and the cell options of `RNN` (`nonlinearity`, `activation`, `clip`).
 *
 * @example
 * const cell = new RNNCell(10, 20, { nonlinearity: 'relu' });
 */
export interface RNNCellOptions extends RNNCellBaseOptions, RNNVariantOptions {}

/**
 * An Elman RNN cell with tanh or ReLU non-linearity, after `torch.nn.RNNCell`:
 *
 * ```text
 * h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
 * ```
 *
 * (ReLU instead of tanh with `nonlinearity: 'relu'`).
 *
 * Args: `inputSize` (H_in), `hiddenSize` (H), `options.bias` (default true),
 * `options.nonlinearity` (default 'tanh').
 *
 * Inputs: `input` `(N, H_in)` or `(H_in)`; `h_0` `(N, H)` or `(H)`, zeros when omitted.
 * Output: `h_1`, shaped like `h_0`.
 *
 * Parameters: `weight_ih` `(H, H_in)`, `weight_hh` `(H, H)`, `bias_ih`, `bias_hh`
 * `(H)`; all U(-1/sqrt(H), 1/sqrt(H)).
 *
 * @example
 * const cell = new RNNCell(10, 20, { nonlinearity: 'relu' });
 * const h = cell.forward(randn([3, 10])); // [3, 20]
 */
export class RNNCell extends RNNCellBase {
  /** 'tanh' or 'relu' (the activation's, when `activation` replaces it). */
  readonly nonlinearity: RNNNonlinearity = nonlinearityOf(this.cellKind);

  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super('RNNCell', inputSize, hiddenSize, options, 'rnn');
  }

  /** One step: returns `h_1`. */
  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return this.stepHidden(input, hx ?? null);
  }
}
