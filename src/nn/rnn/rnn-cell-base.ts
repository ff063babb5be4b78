import { gateCount } from '../../core/cell-kind.js';
import { checkBoolean } from '../../core/check.js';
import { ShapeError, DTypeError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import { recurrentLayer, squeeze, unsqueeze, zeros, Tensor } from '../../tensor/index.js';
import type { Parameter } from '../parameter.js';
import { variantRepr } from './cell-variant.js';
import type { CellFamily } from './cell-family.js';
import { RecurrentBase } from './recurrent-base.js';
import { uniformParameter } from './rnn-options.js';

/**
 * Options shared by the cells.
 *
 * @example
 * const cell = new LSTMCell(10, 20, { bias: false });
 */
export interface RNNCellBaseOptions {
  /** Use the biases `bias_ih` and `bias_hh`. Default: true. */
  bias?: boolean;
}

/**
 * Base class of `LSTMCell`, `GRUCell` and `RNNCell` (PyTorch's `RNNCellBase`): one time
 * step of one layer. Parameters `weight_ih` `(G*H, H_in)`, `weight_hh` `(G*H, H)`,
 * `bias_ih`, `bias_hh` `(G*H)` (null without bias), all
 * U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)); G = 4 (LSTM), 3 (GRU), 1 (RNN).
 * A step is one call of the fused recurrent op over a one-step sequence.
 *
 * @example
 * const cells: RNNCellBase[] = [new LSTMCell(8, 16), new GRUCell(8, 16), new RNNCell(8, 16)];
 * for (const c of cells) console.log(c.inputSize, c.hiddenSize);
 */
export abstract class RNNCellBase extends RecurrentBase {
  readonly bias: boolean;
  readonly weight_ih: Parameter;
  readonly weight_hh: Parameter;
  readonly bias_ih: Parameter | null;
  readonly bias_hh: Parameter | null;
  /** (3*hiddenSize) the LSTM peephole weights [p_i, p_f, p_o] with `peepholes`, else null. */
  readonly weight_ph: Parameter | null;

  protected constructor(
    opName: string,
    inputSize: number,
    hiddenSize: number,
    options: RNNCellBaseOptions,
    family: CellFamily,
  ) {
    super(opName, inputSize, hiddenSize, options, family, ['bias']);
    this.bias = checkBoolean(opName, 'bias', options.bias ?? true);
    const k = 1 / Math.sqrt(hiddenSize);
    const G = gateCount(this.cellKind) * hiddenSize;
    this.weight_ih = this.registerParameter('weight_ih', uniformParameter([G, inputSize], k));
    this.weight_hh = this.registerParameter('weight_hh', uniformParameter([G, hiddenSize], k));
    this.bias_ih = this.registerParameter('bias_ih', this.bias ? uniformParameter([G], k) : null);
    this.bias_hh = this.registerParameter('bias_hh', this.bias ? uniformParameter([G], k) : null);
    const peep = this.cellVariant?.peepholes === true;
    this.weight_ph = peep ? this.registerParameter('weight_ph', uniformParameter([3 * hiddenSize], k)) : null;
  }

  override extraRepr(): string {
    const nonlinearity = this.cellKind === 'rnn_relu' ? ', nonlinearity=relu' : '';
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=False'}${nonlinearity}${variantRepr(this.cellVariant, this.family)}`;
  }

  /** Checks the input; returns it as `(N, H_in)` and whether it was unbatched. */
  protected prepInput(input: Tensor): { x: Tensor; unbatched: boolean } {
    const op = this.opName;
    if (!(input instanceof Tensor))
      throw new ShapeError(`${op}: input must be a Tensor; got ${String(input)}`);
    if (input.ndim !== 1 && input.ndim !== 2) {
      throw new ShapeError(
        `${op}: Expected input to be 1-D or 2-D; expected 1 or 2 dimensions, got ${input.ndim}-D tensor`,
      );
    }
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw new ShapeError(
        `${op}: input has inconsistent input_size; expected ${this.inputSize}, got ${input.shape[input.ndim - 1]}`,
      );
    }
    const pdtype = this.weight_ih.dtype;
    if (input.dtype !== pdtype) {
      throw new DTypeError(
        `${op}: input dtype must match the parameters'; expected ${pdtype}, got ${input.dtype}`,
      );
    }
    const unbatched = input.ndim === 1;
    return { x: unbatched ? unsqueeze(input, 0) : input, unbatched };
  }

  /** Checks one state (`hx`, or `hx[0]`/`hx[1]`); returns it as `(N, H)` (zeros when null). */
  protected prepState(t: Tensor | null, name: string, x: Tensor, unbatched: boolean): Tensor {
    const op = this.opName;
    const N = x.shape[0];
    if (t === null) return zeros([N, this.hiddenSize], { dtype: x.dtype });
    if (!(t instanceof Tensor)) throw new ShapeError(`${op}: ${name} must be a Tensor; got ${String(t)}`);
    const rank = unbatched ? 1 : 2;
    if (t.ndim !== rank) {
      throw new ShapeError(
        `${op}: Expected ${name} to be ${rank}-D for ${unbatched ? 'unbatched 1-D' : 'batched 2-D'} input; got ${t.ndim}-D tensor (shape ${formatShape(t.shape)})`,
      );
    }
    if (!unbatched && t.shape[0] !== N) {
      throw new ShapeError(
        `${op}: Input batch size ${N} doesn't match ${name} batch size; expected ${N}, got ${t.shape[0]}`,
      );
    }
    if (t.shape[rank - 1] !== this.hiddenSize) {
      throw new ShapeError(
        `${op}: ${name} has inconsistent hidden_size; expected ${this.hiddenSize}, got ${t.shape[rank - 1]}`,
      );
    }
    if (t.dtype !== x.dtype)
      throw new DTypeError(
        `${op}: ${name} dtype must match the input's; expected ${x.dtype}, got ${t.dtype}`,
      );
    return unbatched ? unsqueeze(t, 0) : t;
  }

  /** One fused step over `(N, H_in)`; returns `(N, H)` states. */
  protected step(x: Tensor, h: Tensor, c: Tensor | null): { h: Tensor; c: Tensor | null } {
    const res = recurrentLayer(
      this.cellKind,
      x,
      new Int32Array([x.shape[0]]),
      h,
      c,
      {
        wIh: this.weight_ih,
        wHh: this.weight_hh,
        bIh: this.bias_ih,
        bHh: this.bias_hh,
        wHr: null,
        wPh: this.weight_ph,
      },
      false,
      this.cellVariant,
    );
    return { h: res.hN, c: res.cN };
  }

  /** One step of a cell whose only state is h (GRUCell, RNNCell): returns `h_1`, shaped like `h_0`. */
  protected stepHidden(input: Tensor, hx: Tensor | null): Tensor {
    const { x, unbatched } = this.prepInput(input);
    const h = this.prepState(hx, 'hx', x, unbatched);
    return RNNCellBase.unbatch(this.step(x, h, null).h, unbatched);
  }

  /** Drops the batch dim again for unbatched input. */
  protected static unbatch(t: Tensor, unbatched: boolean): Tensor {
    return unbatched ? squeeze(t, 0) : t;
  }
}
