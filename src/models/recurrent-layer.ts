/*
 * Keras-style recurrent layers (`lstm`, `gru`, `simpleRNN`, `bidirectional`) over the
 * PyTorch-exact modules of src/nn/rnn.
 */
import type { CellKind } from '../core/cell-kind.js';
import { checkOptions, checkPositiveInt } from '../core/check.js';
import { ConfigError, ShapeError } from '../core/errors.js';
import type { Module } from '../nn/module.js';
import type { ActivationOption } from '../nn/rnn/cell-variant.js';
import { activationOption, resolveActivation, resolveClip } from '../nn/rnn/cell-variant.js';
import { GRU } from '../nn/rnn/gru.js';
import { LSTM } from '../nn/rnn/lstm.js';
import { packPaddedSequence, padPackedSequence } from '../nn/rnn/packed-sequence.js';
import { RNN } from '../nn/rnn/rnn.js';
import type { RNNBase } from '../nn/rnn/rnn-base.js';
import {
  dropout as dropoutOp,
  indexSelect,
  mul,
  ones,
  select,
  Tensor,
  unsqueeze,
  where,
} from '../tensor/index.js';
import {
  BASE_KEYS,
  boolOpt,
  formatSpec,
  Layer,
  rateOpt,
  type BaseLayerOptions,
  type CallContext,
  type JsonValue,
  type LayerOutput,
  type ShapeSpec,
} from './layer.js';
import { maskedSteps, merge, rightPaddedLengths, toFloatMask } from './recurrent-masked.js';
import { forwardRecurrentModule } from './recurrent-module.js';
import {
  CLASS_NAMES,
  KIND_KEYS,
  MERGE_MODES,
  type BidirectionalOptions,
  type MergeMode,
  type RecurrentKind,
  type RecurrentLayerOptions,
  type SimpleRNNOptions,
} from './recurrent-options.js';

export type {
  BidirectionalOptions,
  MergeMode,
  RecurrentKind,
  RecurrentLayerOptions,
  SimpleRNNOptions,
} from './recurrent-options.js';

/**
 * A Keras-style recurrent layer (LSTM, GRU or SimpleRNN, optionally bidirectional)
 * holding one PyTorch module (`LSTM`, `GRU` or `RNN` with `batchFirst: true`, one
 * layer, `bidirectional` for the wrapper), so its parameters are PyTorch's:
 * `weight_ih_l0` `(G*units, F)`, `weight_hh_l0` `(G*units, units)`, `bias_ih_l0`,
 * `bias_hh_l0` `(G*units)` (G = 4, 3, 1), plus `_reverse` twins when bidirectional.
 *
 * Shapes: input `(N, L, F)` (batch-first, like Keras); output `(N, L, D')` with
 * `returnSequences`, else `(N, D')`, where D' = units, or 2*units for a
 * bidirectional layer with `mergeMode: 'concat'`.
 *
 * Masks (from `embedding({ maskZero: true })`), Keras semantics: a masked step leaves
 * the state unchanged; with `returnSequences` its output repeats the previous output
 * (zeros before the first unmasked step). In a bidirectional layer with
 * `returnSequences`, masked steps output zeros in both directions (Keras sets
 * `zero_output_for_mask` there). The last output is the final state. Right-padded
 * masks run as a PackedSequence (exact and fast: the padding is never computed);
 * other masks (or `goBackwards`) run step by step with `where`. The output mask is
 * the input mask with `returnSequences`, else none.
 *
 * @example
 * const layer = lstm({ units: 16, returnSequences: true });
 * layer.apply(randn([4, 10, 3])).shape; // [4, 10, 16]
 */
export class RecurrentLayer extends Layer {
  readonly kind: RecurrentKind;
  /** The cell the layer runs: 'lstm', 'gru', or 'rnn_tanh' / 'rnn_relu' by SimpleRNN's activation. */
  readonly cellKind: CellKind;
  readonly units: number;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly stateful: boolean;
  readonly goBackwards: boolean;
  readonly dropout: number;
  readonly useBias: boolean;
  /** Keras' `activation` (cell candidate / state), as an option. */
  readonly activation: ActivationOption;
  /** Keras' `recurrent_activation` (gates; 'sigmoid' for SimpleRNN, which has none). */
  readonly recurrentActivation: ActivationOption;
  /** GRU: whether the reset gate applies after the recurrent matmul (true for LSTM/SimpleRNN). */
  readonly resetAfter: boolean;
  /** LSTM: peephole connections (see `RecurrentLayerOptions.peepholes`). */
  readonly peepholes: boolean;
  /** LSTM: the coupled input-forget gate. */
  readonly coupledInputForget: boolean;
  /** ONNX's cell clip, or undefined. */
  readonly clip: number | undefined;
  /** Whether this is the `bidirectional` wrapper. */
  readonly bidirectional: boolean;
  /** The merge mode of a bidirectional layer ('concat' otherwise). */
  readonly mergeMode: MergeMode;
  /** Stateful layers: the carried states `(D, N, units)` (h, and c for LSTM), or null. */
  private states: Tensor[] | null = null;

  /** @internal use `lstm`, `gru`, `simpleRNN` or `bidirectional`. */
  constructor(kind: RecurrentKind, options: SimpleRNNOptions, wrapper: BidirectionalOptions | null = null) {
    const op = wrapper === null ? CLASS_NAMES[kind] : 'Bidirectional';
    const base: BaseLayerOptions = wrapper === null ? options : wrapper;
    super(op, base);
    if (options === null || typeof options !== 'object')
      throw new ConfigError(`${op}: options must be an object with units; got ${String(options)}`);
    checkOptions(CLASS_NAMES[kind], options, KIND_KEYS[kind]);
    this.kind = kind;
    this.bidirectional = wrapper !== null;
    this.units = checkPositiveInt(op, 'units', options.units);
    this.returnSequences = boolOpt(op, 'returnSequences', options.returnSequences, false);
    this.returnState = boolOpt(op, 'returnState', options.returnState, false);
    this.stateful = boolOpt(op, 'stateful', options.stateful, false);
    this.goBackwards = boolOpt(op, 'goBackwards', options.goBackwards, false);
    this.dropout = rateOpt(op, 'dropout', options.dropout, 0);
    this.useBias = boolOpt(op, 'useBias', options.useBias, true);
    this.activation = activationOption(resolveActivation(op, 'activation', options.activation, 'tanh'));
    this.recurrentActivation = activationOption(
      resolveActivation(op, 'recurrentActivation', options.recurrentActivation, 'sigmoid'),
    );
    this.resetAfter = boolOpt(op, 'resetAfter', options.resetAfter, true);
    this.peepholes = boolOpt(op, 'peepholes', options.peepholes, false);
    this.coupledInputForget = boolOpt(op, 'coupledInputForget', options.coupledInputForget, false);
    this.clip = resolveClip(op, options.clip);
    this.cellKind = kind === 'simpleRNN' ? (this.activation === 'relu' ? 'rnn_relu' : 'rnn_tanh') : kind;
    if (wrapper !== null) {
      checkOptions('Bidirectional', wrapper, [...BASE_KEYS, 'mergeMode']);
      const mm = wrapper.mergeMode ?? 'concat';
      if (!MERGE_MODES.includes(mm))
        throw new ConfigError(
          `Bidirectional: mergeMode must be one of ${MERGE_MODES.join(', ')}; got ${String(mm)}`,
        );
      this.mergeMode = mm;
      if (this.goBackwards) {
        throw new ConfigError(
          'Bidirectional: the wrapped layer must not set goBackwards; expected goBackwards false, got true (the wrapper runs both directions)',
        );
      }
    } else {
      this.mergeMode = 'concat';
    }
  }

  private get D(): number {
    return this.bidirectional ? 2 : 1;
  }

  private get outDim(): number {
    return this.bidirectional && this.mergeMode === 'concat' ? 2 * this.units : this.units;
  }

  protected acceptedRanks(): readonly number[] {
    return [3];
  }

  computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return this.returnSequences ? [inputShape[0], this.outDim] : [this.outDim];
  }

  protected createModule(inputShape: ShapeSpec): Module {
    const F = inputShape[1];
    if (F === null)
      throw new ConfigError(
        `${this.label}: the feature size (last input dim) must be known to build; got ${formatSpec(inputShape)}`,
      );
    const opts = {
      batchFirst: true,
      bias: this.useBias,
      bidirectional: this.bidirectional,
      ...(this.clip === undefined ? {} : { clip: this.clip }),
    };
    const [gateActivation, cellActivation] = [this.recurrentActivation, this.activation];
    if (this.kind === 'lstm')
      return new LSTM(F, this.units, {
        ...opts,
        gateActivation,
        cellActivation,
        outActivation: cellActivation,
        peepholes: this.peepholes,
        coupledInputForget: this.coupledInputForget,
      });
    if (this.kind === 'gru')
      return new GRU(F, this.units, { ...opts, gateActivation, cellActivation, resetAfter: this.resetAfter });
    return new RNN(F, this.units, { ...opts, activation: this.activation });
  }

  override resetStates(): void {
    this.states = null;
  }

  /** The carried states of a stateful layer (`[h]` or `[h, c]`, each `(D, N, units)`), or null. */
  getStates(): Tensor[] | null {
    return this.states === null ? null : this.states.slice();
  }

  call(x: Tensor, mask: Tensor | null, ctx: CallContext): LayerOutput {
    const N = x.shape[0];
    const L = x.shape[1];
    const F = x.shape[2];
    if (L === 0)
      throw new ShapeError(
        `${this.label}: the input needs at least one time step; got shape ${formatSpec(x.shape.slice(1), N)}`,
      );
    let xin = x;
    if (ctx.training && this.dropout > 0) {
      const keep = dropoutOp(ones([N, 1, F], { dtype: x.dtype }), this.dropout, true, {
        generator: ctx.generator,
      }); // (N, 1, F)
      xin = mul(x, keep);
    }
    let m: Tensor | null = null; // (N, L) float 0/1
    if (mask !== null) {
      if (mask.ndim !== 2 || mask.shape[0] !== N || mask.shape[1] !== L) {
        throw new ShapeError(
          `${this.label}: the mask must have shape (N, L) = (${N}, ${L}); got ${formatSpec(mask.shape.slice(1), mask.shape[0])}`,
        );
      }
      m = mask.dtype === x.dtype ? mask : toFloatMask(mask, x.dtype);
    }
    if (this.goBackwards) {
      const rev = new Tensor(
        Int32Array.from({ length: L }, (_, i) => L - 1 - i),
        [L],
      );
      xin = indexSelect(xin, 1, rev);
      if (m !== null) m = indexSelect(m, 1, rev);
    }
    // initial states (D, N, H)
    let h0: Tensor | null = null;
    let c0: Tensor | null = null;
    if (this.stateful && this.states !== null) {
      const carried = this.states[0].shape[1];
      if (carried !== N) {
        throw new ShapeError(
          `${this.label}: a stateful layer needs a fixed batch size; expected ${carried} (the previous batch), got ${N}; call resetStates() or make the sample count a multiple of the batch size`,
        );
      }
      h0 = this.states[0];
      c0 = this.states[1] ?? null;
    }
    const zeroOut = this.bidirectional && this.returnSequences;
    let seq: Tensor; // (N, L, D*H), processing order
    let hN: Tensor; // (D, N, H)
    let cN: Tensor | null;
    const lengths = m === null ? null : rightPaddedLengths(m);
    if (m === null) {
      [seq, hN, cN] = forwardRecurrentModule(this.module, xin, h0, c0, this.label);
    } else if (lengths !== null) {
      const packed = packPaddedSequence(xin, lengths, { batchFirst: true, enforceSorted: false });
      const [outP, h, c] = forwardRecurrentModule(this.module, packed, h0, c0, this.label);
      [seq] = padPackedSequence(outP, { batchFirst: true, totalLength: L });
      hN = h;
      cN = c;
      if (this.returnSequences && !zeroOut) {
        // Keras: masked steps repeat the previous output, i.e. the final state here
        seq = where(unsqueeze(m, 2), seq, unsqueeze(select(hN, 0, 0), 1));
      }
    } else {
      [seq, hN, cN] = maskedSteps(this.module as RNNBase, xin, m, h0, c0, zeroOut);
    }
    if (this.stateful) this.states = cN === null ? [hN.detach()] : [hN.detach(), cN.detach()];
    const H = this.units;
    let output: Tensor;
    if (this.returnSequences) {
      output = this.bidirectional ? merge(this.mergeMode, seq.slice(2, 0, H), seq.slice(2, H, 2 * H)) : seq;
    } else {
      output = this.bidirectional
        ? merge(this.mergeMode, select(hN, 0, 0), select(hN, 0, 1))
        : select(hN, 0, 0);
    }
    const out: LayerOutput = { output, mask: this.returnSequences ? mask : null };
    if (this.returnState) {
      const states: Tensor[] = [];
      for (let d = 0; d < this.D; d++) {
        states.push(select(hN, 0, d));
        if (cN !== null) states.push(select(cN, 0, d));
      }
      out.states = states;
    }
    return out;
  }

  getConfig(): { [key: string]: JsonValue } {
    const inner: { [key: string]: JsonValue } = { units: this.units };
    if (this.returnSequences) inner.returnSequences = true;
    if (this.returnState) inner.returnState = true;
    if (this.stateful) inner.stateful = true;
    if (this.goBackwards) inner.goBackwards = true;
    if (this.dropout !== 0) inner.dropout = this.dropout;
    if (!this.useBias) inner.useBias = false;
    if (this.activation !== 'tanh') inner.activation = this.activation;
    if (this.kind !== 'simpleRNN' && this.recurrentActivation !== 'sigmoid')
      inner.recurrentActivation = this.recurrentActivation;
    if (this.kind === 'gru' && !this.resetAfter) inner.resetAfter = false;
    if (this.peepholes) inner.peepholes = true;
    if (this.coupledInputForget) inner.coupledInputForget = true;
    if (this.clip !== undefined) inner.clip = this.clip;
    if (!this.bidirectional) return { ...this.baseConfig(), ...inner };
    return {
      ...this.baseConfig(),
      mergeMode: this.mergeMode,
      layer: { className: CLASS_NAMES[this.kind], config: inner },
    };
  }
}

/**
 * A Keras-style LSTM layer over a PyTorch `LSTM` (see `RecurrentLayer` for shapes,
 * masks and options). Parameters: 4*units*(F + units + 2) with biases, as PyTorch
 * (two bias vectors) counts them.
 *
 * @example
 * const model = sequential([lstm({ units: 128, returnSequences: true, inputShape: [28, 28] }), lstm({ units: 128 }), dense({ units: 10 })]);
 */
export function lstm(options: RecurrentLayerOptions): RecurrentLayer {
  return new RecurrentLayer('lstm', options);
}

/**
 * A Keras-style GRU layer over a PyTorch `GRU` (PyTorch's equations, which are Keras'
 * `reset_after: true`); 3*units*(F + units + 2) parameters with biases.
 *
 * @example gru({ units: 32, returnSequences: true })
 */
export function gru(options: RecurrentLayerOptions): RecurrentLayer {
  return new RecurrentLayer('gru', options);
}

/**
 * A Keras-style SimpleRNN layer over a PyTorch `RNN` (`activation` 'tanh' or 'relu');
 * units*(F + units + 2) parameters with biases.
 *
 * @example simpleRNN({ units: 8, activation: 'relu' })
 */
export function simpleRNN(options: SimpleRNNOptions): RecurrentLayer {
  return new RecurrentLayer('simpleRNN', options);
}

/**
 * Wraps a recurrent layer (not yet built or added to a model) to run in both
 * directions: one PyTorch module with `bidirectional: true`, so the state-dict keys
 * are PyTorch's (`<name>.weight_ih_l0`, `<name>.weight_ih_l0_reverse`, ...). The
 * wrapped layer's options apply to both directions; its `inputShape`/`batchSize` are
 * used unless the wrapper sets them; naming the wrapped layer is a ConfigError (name
 * the wrapper). `returnState` gives `[output, h_fw, (c_fw,) h_bw, (c_bw)]`.
 *
 * @param layer an `lstm`, `gru` or `simpleRNN` layer (not `goBackwards`)
 * @param options `mergeMode` ('concat' default, 'sum', 'mul', 'ave'), `name`, `inputShape`, `batchSize`
 * @example
 * bidirectional(gru({ units: 16, returnSequences: true }), { mergeMode: 'sum' })
 */
export function bidirectional(layer: RecurrentLayer, options: BidirectionalOptions = {}): RecurrentLayer {
  if (!(layer instanceof RecurrentLayer) || layer.bidirectional) {
    throw new ConfigError(
      `Bidirectional: expected an lstm, gru or simpleRNN layer; got ${layer instanceof RecurrentLayer ? 'a Bidirectional layer' : String(layer)}`,
    );
  }
  if (layer.built || layer.owner !== null)
    throw new ConfigError(
      `Bidirectional: the wrapped layer ${layer.label} must not be built or in a model yet`,
    );
  if (layer.name !== null) {
    throw new ConfigError(
      `Bidirectional: the wrapped layer must not have a name (its keys use the wrapper's); expected no name, got "${layer.name}"; pass { name } to bidirectional instead`,
    );
  }
  const cfg = layer.getConfig() as unknown as SimpleRNNOptions;
  const { inputShape, batchSize, ...inner } = cfg;
  const wrapper: BidirectionalOptions = { ...options };
  if (wrapper.batchInputShape === undefined) {
    if (wrapper.inputShape === undefined && inputShape !== undefined) wrapper.inputShape = inputShape;
    if (wrapper.batchSize === undefined && batchSize !== undefined) wrapper.batchSize = batchSize;
  }
  return new RecurrentLayer(layer.kind, inner, wrapper);
}
