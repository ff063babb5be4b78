/*
 * The one sequence driver behind LSTM, GRU and RNN, after torch.nn.RNNBase: the
 * PyTorch-named parameters, streaming states, and the layer x direction loop, each
 * step of which is ONE call of the fused recurrent op. The shared options are in
 * rnn-options.ts, the input/state checks and layouts in rnn-sequence-io.ts.
 */
import type { FloatArray } from '../../core/dtype.js';
import { ConfigError, DTypeError, ShapeError, StateError, UnsupportedError } from '../../core/errors.js';
import { gateCount, modeOfCellKind, type TorchMode } from '../../core/cell-kind.js';
import { checkBoolean, checkOptions, checkPositiveInt } from '../../core/check.js';
import { formatShape, shapesEqual } from '../../core/shape.js';
import { warn } from '../../core/warn.js';
import {
  cat,
  dropout as dropoutOp,
  recurrentLayer,
  select,
  stack,
  Tensor,
  type RecurrentWeights,
} from '../../tensor/index.js';
import { variantRepr } from './cell-variant.js';
import type { CellFamily } from './cell-family.js';
import { createRecurrentStep } from '../../tensor/ops/recurrent-step.js';
import { Parameter } from '../parameter.js';
import type { PackedSequence } from './packed-sequence.js';
import { BASE_KEYS, uniformParameter, type RNNBaseOptions } from './rnn-options.js';
import { RecurrentBase } from './recurrent-base.js';
import {
  finishSequence,
  prepareSequence,
  type DriverResult,
  type SequenceLayout,
} from './rnn-sequence-io.js';
import { RecurrentState, type RecurrentStateOptions } from './recurrent-state.js';

/**
 * Base class of `LSTM`, `GRU` and `RNN` (PyTorch's `RNNBase`): holds the options and
 * the parameters, named, ordered and shaped as in PyTorch, for each layer `k` and
 * direction (`_reverse` suffix for the second):
 * `weight_ih_l{k}` `(G*H_cell, H_in or D*H_out)`, `weight_hh_l{k}` `(G*H_cell, H_out)`,
 * `bias_ih_l{k}`, `bias_hh_l{k}` `(G*H_cell)` when `bias`, `weight_hr_l{k}`
 * `(H_out, H_cell)` with `projSize` (LSTM), `weight_ph_l{k}` `(3*H_cell)` with
 * `peepholes` (LSTM), where G is 4 (LSTM), 3 (GRU) or 1 (RNN).
 * Every parameter starts U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)).
 *
 * @example
 * const layers: RNNBase[] = [new LSTM(8, 16), new GRU(8, 16), new RNN(8, 16)];
 * for (const l of layers) console.log(l.mode, l.hiddenSize); // 'LSTM' 16, 'GRU' 16, 'RNN_TANH' 16
 */
export abstract class RNNBase extends RecurrentBase {
  /** PyTorch's mode: 'LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU' (that of `cellKind`). */
  readonly mode: TorchMode;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** Width of h with an LSTM projection, else 0. */
  readonly projSize: number;
  /** Parameter names in PyTorch's `_flat_weights_names` order. */
  readonly flatWeightsNames: readonly string[];
  /** Parameter names per layer and direction (PyTorch's `_all_weights`). */
  readonly allWeightsNames: ReadonlyArray<readonly string[]>;

  protected constructor(
    opName: string,
    inputSize: number,
    hiddenSize: number,
    options: RNNBaseOptions & { projSize?: number },
    family: CellFamily,
  ) {
    super(
      opName,
      inputSize,
      hiddenSize,
      options,
      family,
      family === 'lstm' ? [...BASE_KEYS, 'projSize'] : BASE_KEYS,
    );
    const numLayers = checkPositiveInt(opName, 'numLayers', options.numLayers ?? 1);
    const bias = checkBoolean(opName, 'bias', options.bias ?? true);
    const batchFirst = checkBoolean(opName, 'batchFirst', options.batchFirst ?? false);
    const bidirectional = checkBoolean(opName, 'bidirectional', options.bidirectional ?? false);
    const dropout = options.dropout ?? 0;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) {
      throw new ConfigError(
        `${opName}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed; got ${String(dropout)}`,
      );
    }
    if (dropout > 0 && numLayers === 1) {
      warn(
        `${opName}: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects ` +
          `numLayers greater than 1, but got dropout=${dropout} and numLayers=${numLayers}`,
      );
    }
    const projSize = options.projSize ?? 0;
    if (typeof projSize !== 'number' || !Number.isInteger(projSize) || projSize < 0) {
      throw new ConfigError(
        `${opName}: projSize should be a positive integer or zero to disable projections; got ${String(projSize)}`,
      );
    }
    if (projSize >= hiddenSize) {
      throw new ConfigError(
        `${opName}: projSize has to be smaller than hiddenSize; expected projSize < ${hiddenSize}, got ${projSize}`,
      );
    }
    this.mode = modeOfCellKind(this.cellKind);
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = dropout;
    this.bidirectional = bidirectional;
    this.projSize = projSize;

    const gateSize = gateCount(this.cellKind) * hiddenSize;
    const D = bidirectional ? 2 : 1;
    const realHidden = projSize > 0 ? projSize : hiddenSize;
    const stdv = 1 / Math.sqrt(hiddenSize);
    const flat: string[] = [];
    const all: string[][] = [];
    for (let layer = 0; layer < numLayers; layer++) {
      for (let dir = 0; dir < D; dir++) {
        const layerInput = layer === 0 ? inputSize : realHidden * D;
        const sfx = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
        const names: string[] = [];
        const reg = (name: string, shape: number[]): void => {
          this.registerParameter(name + sfx, uniformParameter(shape, stdv));
          names.push(name + sfx);
        };
        reg('weight_ih', [gateSize, layerInput]);
        reg('weight_hh', [gateSize, realHidden]);
        if (bias) {
          reg('bias_ih', [gateSize]);
          reg('bias_hh', [gateSize]);
        }
        if (projSize > 0) reg('weight_hr', [projSize, hiddenSize]);
        if (this.cellVariant?.peepholes === true) reg('weight_ph', [3 * hiddenSize]);
        flat.push(...names);
        all.push(names);
      }
    }
    this.flatWeightsNames = Object.freeze(flat);
    this.allWeightsNames = Object.freeze(all.map((n) => Object.freeze(n)));
  }

  /** Number of directions D (2 when bidirectional). */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The parameters per layer and direction, like PyTorch's `all_weights`. */
  get allWeights(): Parameter[][] {
    return this.allWeightsNames.map((names) => names.map((n) => this.getParameter(n) as Parameter));
  }

  private param(name: string): Parameter {
    return this.getParameter(name) as Parameter;
  }

  /** The weights of one layer and direction (`_reverse` names for `dir` 1), for the fused op. */
  private layerWeights(layer: number, dir: number): RecurrentWeights {
    const sfx = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
    return {
      wIh: this.param(`weight_ih${sfx}`),
      wHh: this.param(`weight_hh${sfx}`),
      bIh: this.bias ? this.param(`bias_ih${sfx}`) : null,
      bHh: this.bias ? this.param(`bias_hh${sfx}`) : null,
      wHr: this.projSize > 0 ? this.param(`weight_hr${sfx}`) : null,
      wPh: this.cellVariant?.peepholes === true ? this.param(`weight_ph${sfx}`) : null,
    };
  }

  /**
   * PyTorch's `flatten_parameters()`, kept so ported code runs unchanged: PyTorch packs
   * the weights into one buffer for cuDNN; longshort's kernels read the parameters
   * where they are, so there is nothing to do.
   * @example lstm.flattenParameters(); // no-op
   */
  flattenParameters(): void {}

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += ', bias=False';
    if (this.batchFirst) s += ', batch_first=True';
    if (this.dropout !== 0) s += `, dropout=${this.dropout}`;
    if (this.bidirectional) s += ', bidirectional=True';
    s += variantRepr(this.cellVariant, this.family);
    if (this.cellKind === 'rnn_relu') s += ', nonlinearity=relu';
    return s;
  }

  /**
   * A state for streaming inference with `step`: the states of every layer and all
   * step buffers, allocated once. States start at zero, or at copies of `h0`
   * `(numLayers, N, H_out)` and (LSTM, together with h0) `c0` `(numLayers, N, H_cell)`;
   * `reset()` returns to them. The state uses the parameters' dtype at this call.
   *
   * @throws UnsupportedError for a bidirectional layer (its reverse direction needs
   *   the whole sequence); ShapeError / DTypeError / ConfigError for bad options
   * @example
   * const s = lstm.initState({ batch: 1 });
   */
  initState(options: RecurrentStateOptions = {}): RecurrentState {
    const op = `${this.opName}.initState`;
    const isLstm = this.mode === 'LSTM';
    checkOptions(op, options, ['batch', 'h0', 'c0']);
    if (this.bidirectional) {
      throw new UnsupportedError(
        `${op}: a bidirectional layer cannot stream: its reverse direction needs the whole sequence (the future inputs); ` +
          `use forward() on the full sequence, or a layer with bidirectional: false`,
      );
    }
    const h0 = options.h0 ?? null;
    const c0 = options.c0 ?? null;
    if (!isLstm && c0 !== null)
      throw new ConfigError(`${op}: c0 is only used by LSTM; got a c0 for ${this.opName}`);
    if (isLstm && (h0 === null) !== (c0 === null)) {
      throw new ConfigError(
        `${op}: give h0 and c0 together (or neither, for zeros); got only ${h0 === null ? 'c0' : 'h0'}`,
      );
    }
    if (h0 !== null && !(h0 instanceof Tensor))
      throw new ShapeError(`${op}: h0 must be a Tensor; got ${String(h0)}`);
    if (c0 !== null && !(c0 instanceof Tensor))
      throw new ShapeError(`${op}: c0 must be a Tensor; got ${String(c0)}`);
    let batch = options.batch;
    if (batch === undefined) batch = h0 !== null && h0.ndim === 3 ? h0.shape[1] : 1;
    checkPositiveInt(op, 'batch', batch);
    const pdtype = this.param(this.flatWeightsNames[0]).dtype;
    const hOut = this.projSize > 0 ? this.projSize : this.hiddenSize;
    const given: Array<[Tensor | null, string, number]> = [
      [h0, 'h0', hOut],
      [c0, 'c0', this.hiddenSize],
    ];
    for (const [t, name, width] of given) {
      if (t === null) continue;
      const expected = [this.numLayers, batch, width];
      if (!shapesEqual(t.shape, expected)) {
        throw new ShapeError(
          `${op}: ${name} must have shape (numLayers, N, ${name === 'h0' ? 'H_out' : 'H_cell'}); expected ${formatShape(expected)}, got ${formatShape(t.shape)}`,
        );
      }
      if (t.dtype !== pdtype)
        throw new DTypeError(
          `${op}: ${name} dtype must match the parameters'; expected ${pdtype}, got ${t.dtype}`,
        );
    }
    const layers: RecurrentWeights[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) layers.push(this.layerWeights(layer, 0));
    const stepper = createRecurrentStep(this.cellKind, layers, batch, {
      op: `${this.opName}.step`,
      variant: this.cellVariant,
    });
    const copy = (t: Tensor | null) => (t === null ? null : (t.data as FloatArray).slice());
    return new RecurrentState(this, stepper, copy(h0), copy(c0));
  }

  /**
   * One time step for streaming inference: runs every layer on `x` `(N, H_in)` (a
   * Tensor, `(H_in)` when N = 1, or a typed array of N * H_in values in the
   * parameters' dtype), updates `state` and returns the top layer's h `(N, H_out)`.
   * The result is a view into `state` (the same tensor object every call),
   * overwritten by the next step: copy it (`clone()`) to keep it. Allocates nothing.
   *
   * Step t of a stream gives what `forward` gives at output[t] for the whole
   * sequence (up to float32 rounding), with dropout off (inference; no autograd
   * graph is recorded). It reads the parameters' current values, so optimizer updates
   * and in-place edits show in the next step.
   *
   * @throws StateError for a state of another layer; ShapeError / DTypeError for a bad x
   * @example
   * const s = lstm.initState();
   * const y = lstm.step(new Float32Array([0.3]), s); // (1, hiddenSize)
   */
  step(x: Tensor | Float32Array | Float64Array, state: RecurrentState): Tensor {
    if (!(state instanceof RecurrentState) || state.owner !== this) {
      throw new StateError(
        `${this.opName}.step: the state must come from this layer's initState(); got ${state instanceof RecurrentState ? "another layer's state" : String(state)}`,
      );
    }
    return state.stepper.step(x);
  }

  /**
   * The shared forward: validates, runs every layer and direction with one fused op
   * call each, and shapes the results for the caller. `isLstm` selects the (h, c)
   * state pair (messages say `hidden[0]`/`hidden[1]`; `hidden` otherwise).
   */
  protected run(
    input: Tensor | PackedSequence,
    hx: Tensor | null,
    cx: Tensor | null,
    isLstm: boolean,
  ): DriverResult {
    const D = this.numDirections;
    const lay: SequenceLayout = {
      op: this.opName,
      inputSize: this.inputSize,
      hiddenSize: this.hiddenSize,
      hOut: this.projSize > 0 ? this.projSize : this.hiddenSize,
      numLayers: this.numLayers,
      D,
      batchFirst: this.batchFirst,
      pdtype: this.param(this.flatWeightsNames[0]).dtype,
    };
    const prep = prepareSequence(lay, input, hx, cx, isLstm);

    // --- layers x directions: one fused op call each ---
    const hNs: Tensor[] = [];
    const cNs: Tensor[] = [];
    let layerInput = prep.rows;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let dir = 0; dir < D; dir++) {
        const weights = this.layerWeights(layer, dir);
        const idx = layer * D + dir;
        const res = recurrentLayer(
          this.cellKind,
          layerInput,
          prep.batchSizes,
          select(prep.h0, 0, idx),
          prep.c0 === null ? null : select(prep.c0, 0, idx),
          weights,
          dir === 1,
          this.cellVariant,
        );
        outs.push(res.output);
        hNs.push(res.hN);
        if (res.cN !== null) cNs.push(res.cN);
      }
      layerInput = D === 1 ? outs[0] : cat(outs, 1);
      if (this.training && this.dropout > 0 && layer < this.numLayers - 1)
        layerInput = dropoutOp(layerInput, this.dropout, true);
    }

    return finishSequence(lay, prep, layerInput, stack(hNs, 0), isLstm ? stack(cNs, 0) : null);
  }
}
