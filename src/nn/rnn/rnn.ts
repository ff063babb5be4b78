import { ConfigError } from '../../core/errors.js';
import { Tensor } from '../../tensor/index.js';
import { PackedSequence } from './packed-sequence.js';
import { RNN_VARIANT_KEYS, rnnVariant, type RNNVariantOptions } from './cell-variant.js';
import { RNNBase } from './rnn-base.js';
import type { RNNBaseOptions } from './rnn-options.js';

/**
 * The non-linearity of an Elman RNN.
 *
 * @example
 * new RNN(10, 20, { nonlinearity: 'relu' }); // or 'tanh' (the default)
 */
export type RNNNonlinearity = 'tanh' | 'relu';

/**
 * Options of `RNN`: those of every recurrent layer plus `nonlinearity`.
 *
 * @example
 * const rnn = new RNN(10, 20, { nonlinearity: 'relu', numLayers: 2 });
 */
export interface RNNOptions extends RNNBaseOptions, RNNVariantOptions {
  /** 'tanh' or 'relu'. Default: 'tanh'. */
  nonlinearity?: RNNNonlinearity;
}

/** Validates a nonlinearity option (JS callers may pass anything). */
export function checkNonlinearity(op: string, value: unknown): RNNNonlinearity {
  if (value !== 'tanh' && value !== 'relu') {
    throw new ConfigError(`${op}: Unknown nonlinearity '${String(value)}'; expected 'tanh' or 'relu'`);
  }
  return value;
}

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
export class RNN extends RNNBase {
  /** 'tanh' or 'relu'. */
  readonly nonlinearity: RNNNonlinearity;

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    const v = rnnVariant('RNN', options ?? {});
    const nonlinearity =
      v === null ? checkNonlinearity('RNN', options?.nonlinearity ?? 'tanh') : v.relu ? 'relu' : 'tanh';
    super(
      'RNN',
      nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU',
      inputSize,
      hiddenSize,
      options,
      ['nonlinearity', ...RNN_VARIANT_KEYS],
      v?.variant,
    );
    this.nonlinearity = nonlinearity;
  }

  override extraRepr(): string {
    const base = super.extraRepr();
    return this.nonlinearity === 'tanh' ? base : `${base}, nonlinearity=${this.nonlinearity}`;
  }

  /** Runs the RNN over a padded tensor (see the class docs for shapes). */
  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor];
  /** Runs the RNN over a packed batch; returns a PackedSequence with the same packing. */
  forward(input: PackedSequence, h0?: Tensor | null): [PackedSequence, Tensor];
  forward(input: Tensor | PackedSequence, h0?: Tensor | null): [Tensor | PackedSequence, Tensor];
  forward(input: Tensor | PackedSequence, h0: Tensor | null = null): [Tensor | PackedSequence, Tensor] {
    const r = this.run(input, h0 ?? null, null, false);
    return [r.output, r.hN];
  }
}
