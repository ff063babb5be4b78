import type { Tensor } from '../../tensor/index.js';
import type { PackedSequence } from './packed-sequence.js';
import { RNNBase } from './rnn-base.js';

/**
 * Base of `GRU` and `RNN`, the layers whose only state is h: their `forward`, from
 * `h_0` `(D*numLayers, N, H_out)` (zeros when omitted) to `[output, h_n]` (shapes in
 * each class's docs).
 *
 * @example
 * const layers: HiddenStateRNN[] = [new GRU(8, 16), new RNN(8, 16)];
 * for (const l of layers) l.forward(randn([5, 3, 8]))[1].shape; // [1, 3, 16]
 */
export abstract class HiddenStateRNN extends RNNBase {
  /** Runs the layer over a padded tensor (see the class docs for shapes). */
  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor];
  /** Runs the layer over a packed batch; returns a PackedSequence with the same packing. */
  forward(input: PackedSequence, h0?: Tensor | null): [PackedSequence, Tensor];
  forward(input: Tensor | PackedSequence, h0?: Tensor | null): [Tensor | PackedSequence, Tensor];
  forward(input: Tensor | PackedSequence, h0: Tensor | null = null): [Tensor | PackedSequence, Tensor] {
    const r = this.run(input, h0 ?? null, null, false);
    return [r.output, r.hN];
  }
}
