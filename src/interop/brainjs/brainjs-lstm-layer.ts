/*
 * brain.js's LSTM cell as a Keras-front layer. brain.js 1.x keeps no separate cell
 * state: the forget gate multiplies the previous *hidden* output,
 *
 *   i = σ(W_i x + U_i h + b_i)   f = σ(W_f x + U_f h + b_f)   o = σ(W_o x + U_o h + b_o)
 *   g = tanh(W_c x + U_c h + b_c)
 *   c = f ⊙ h + i ⊙ g            h' = o ⊙ tanh(c)
 *
 * so it is not a standard LSTM (where c carries over), and the layer composes the step
 * from tensor ops (autograd trains it; `fit` works as for any layer).
 */
import { checkBoolean, checkPositiveInt } from '../../core/check.js';
import { ConfigError } from '../../core/errors.js';
import {
  BASE_KEYS,
  Layer,
  type BaseLayerOptions,
  type CallContext,
  type JsonValue,
  type LayerOutput,
  type ShapeSpec,
} from '../../models/layer.js';
import { registerLayerClass } from '../../models/model-format.js';
import { Module } from '../../nn/module.js';
import { Parameter } from '../../nn/parameter.js';
import { stack, zeros, type Tensor } from '../../tensor/index.js';

/**
 * Options of `BrainjsLSTMLayer`.
 *
 * @example
 * const model = await importModel('brain-lstm.json'); // a brain.js LSTM's toJSON()
 * model.layers[0]; // a BrainjsLSTMLayer, configured by these options
 */
export interface BrainjsLSTMOptions extends BaseLayerOptions {
  /** Hidden size H. Required. */
  units: number;
  /** Return the hidden output of every step `(N, L, H)` rather than the last `(N, H)`. Default false. */
  returnSequences?: boolean;
}

/** The parameters: `weight_ih` `(4H, F)`, `weight_hh` `(4H, H)`, `bias` `(4H)`, gates in order i, f, g, o. */
class BrainjsLSTMModule extends Module {
  readonly weightIh: Parameter;
  readonly weightHh: Parameter;
  readonly bias: Parameter;
  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
  ) {
    super();
    const g = 4 * hiddenSize;
    this.weightIh = this.registerParameter('weight_ih', new Parameter(zeros([g, inputSize])));
    this.weightHh = this.registerParameter('weight_hh', new Parameter(zeros([g, hiddenSize])));
    this.bias = this.registerParameter('bias', new Parameter(zeros([g])));
  }
}

/**
 * A recurrent layer with brain.js 1.x's LSTM equations (see docs/brainjs.md), which
 * `importModel` builds for brain.js `LSTMTimeStep` and `LSTM` nets. Input `(N, L, F)`;
 * output `(N, H)`, or `(N, L, H)` with `returnSequences`. Parameters start at zero:
 * the layer is meant to receive imported weights (`model.setWeights`). `model.save(dir)`
 * stores it (class name `BrainjsLSTM`) and `loadModel(dir)` reads it back.
 *
 * @example
 * const layer = new BrainjsLSTMLayer({ units: 4, returnSequences: true });
 * layer.apply(randn([3, 7, 2])).shape; // [3, 7, 4]
 */
export class BrainjsLSTMLayer extends Layer {
  override readonly className = 'BrainjsLSTM';
  override readonly namePrefix = 'brainjs_lstm';
  readonly units: number;
  readonly returnSequences: boolean;

  constructor(options: BrainjsLSTMOptions) {
    const op = 'BrainjsLSTMLayer';
    if (options === null || typeof options !== 'object')
      throw new ConfigError(`${op}: options must be an object; got ${String(options)}`);
    for (const k of Object.keys(options))
      if (![...BASE_KEYS, 'units', 'returnSequences'].includes(k))
        throw new ConfigError(
          `${op}: unknown option '${k}'; expected units, returnSequences or ${BASE_KEYS.join(', ')}`,
        );
    super(op, options);
    this.units = checkPositiveInt(op, 'units', options.units);
    this.returnSequences =
      options.returnSequences === undefined
        ? false
        : checkBoolean(op, 'returnSequences', options.returnSequences);
  }

  computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return this.returnSequences ? [inputShape[0], this.units] : [this.units];
  }

  protected acceptedRanks(): readonly number[] {
    return [3];
  }

  protected createModule(inputShape: ShapeSpec): Module {
    const f = inputShape[inputShape.length - 1];
    if (f === null)
      throw new ConfigError(`${this.label}: the feature size must be known; expected a number, got None`);
    return new BrainjsLSTMModule(f, this.units);
  }

  call(x: Tensor, _mask: Tensor | null, _ctx: CallContext): LayerOutput {
    const m = this.module as BrainjsLSTMModule;
    const [n, len] = x.shape;
    const xw = x.matmul(m.weightIh.t()).add(m.bias); // (N, L, 4H)
    const whh = m.weightHh.t(); // (H, 4H)
    let h: Tensor = zeros([n, this.units], { dtype: x.dtype });
    const outs: Tensor[] = [];
    for (let t = 0; t < len; t++) {
      const z = xw.select(1, t).add(h.matmul(whh)); // (N, 4H)
      const [i, f, g, o] = z.chunk(4, 1);
      const c = f.sigmoid().mul(h).add(i.sigmoid().mul(g.tanh()));
      h = o.sigmoid().mul(c.tanh());
      if (this.returnSequences) outs.push(h);
    }
    return { output: this.returnSequences ? stack(outs, 1) : h, mask: null };
  }

  getConfig(): { [key: string]: JsonValue } {
    return { ...this.baseConfig(), units: this.units, returnSequences: this.returnSequences };
  }
}

// saved with model.save(dir), read back by loadModel(dir)
registerLayerClass('BrainjsLSTM', (config) => new BrainjsLSTMLayer(config as unknown as BrainjsLSTMOptions));
