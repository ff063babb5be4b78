/*
 * Keras-style Dense, Dropout and Embedding layers over the PyTorch-exact modules.
 */
import { checkOptions, checkPositiveInt } from '../core/check.js';
import { ConfigError, DTypeError } from '../core/errors.js';
import { Embedding } from '../nn/embedding.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import { dropout as dropoutOp, Tensor } from '../tensor/index.js';
import { BASE_KEYS, boolOpt, formatSpec, Layer, rateOpt } from './layer.js';
import type { BaseLayerOptions, CallContext, JsonValue, LayerOutput, ShapeSpec } from './layer.js';

/** Activations of `dense`. */
export type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';
const ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];

/**
 * Options of `dense`.
 *
 * @example
 * layers.dense({ units: 10, activation: 'softmax', useBias: true });
 */
export interface DenseOptions extends BaseLayerOptions {
  /** Output features. Required. */
  units: number;
  /** Applied after the affine map: 'linear' (default), 'relu', 'sigmoid', 'tanh', 'softmax' (over the last dim). */
  activation?: Activation;
  /** Learn a bias. Default true. */
  useBias?: boolean;
}

/**
 * A Keras-style Dense layer over a PyTorch `Linear` (keys `<name>.weight`
 * `(units, F)`, `<name>.bias` `(units)`; PyTorch's initialisation). On a sequence
 * `(N, L, F)` it applies to every time step (Keras semantics), giving `(N, L, units)`;
 * on `(N, F)` it gives `(N, units)`. The incoming mask passes through.
 *
 * @example dense({ units: 10, activation: 'softmax' })
 */
export class DenseLayer extends Layer {
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;

  /** @internal use `dense`. */
  constructor(options: DenseOptions) {
    super('Dense', options ?? {});
    checkOptions('Dense', options, [...BASE_KEYS, 'units', 'activation', 'useBias']);
    this.units = checkPositiveInt('Dense', 'units', options.units);
    const act = options.activation ?? 'linear';
    if (!ACTIVATIONS.includes(act))
      throw new ConfigError(`Dense: activation must be one of ${ACTIVATIONS.join(', ')}; got ${String(act)}`);
    this.activation = act;
    this.useBias = boolOpt('Dense', 'useBias', options.useBias, true);
  }

  protected acceptedRanks(): readonly number[] {
    return [2, 3, 4, 5, 6];
  }

  computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return [...inputShape.slice(0, -1), this.units];
  }

  protected createModule(inputShape: ShapeSpec): Module {
    const F = inputShape[inputShape.length - 1];
    if (F === null)
      throw new ConfigError(
        `${this.label}: the last input dim must be known to build; got ${formatSpec(inputShape)}`,
      );
    return new Linear(F, this.units, { bias: this.useBias });
  }

  call(x: Tensor, mask: Tensor | null, _ctx: CallContext): LayerOutput {
    const z = (this.module as Linear).forward(x);
    switch (this.activation) {
      case 'relu':
        return { output: z.relu(), mask };
      case 'tanh':
        return { output: z.tanh(), mask };
      case 'sigmoid':
        return { output: z.sigmoid(), mask, logits: z };
      case 'softmax':
        return { output: z.softmax(-1), mask, logits: z };
      default:
        return { output: z, mask };
    }
  }

  getConfig(): { [key: string]: JsonValue } {
    const c: { [key: string]: JsonValue } = { ...this.baseConfig(), units: this.units };
    if (this.activation !== 'linear') c.activation = this.activation;
    if (!this.useBias) c.useBias = false;
    return c;
  }
}

/** Options of `dropout`. */
export interface DropoutLayerOptions extends BaseLayerOptions {
  /** Fraction of the inputs to zero in training, in [0, 1). Required. */
  rate: number;
}

/**
 * A Keras-style Dropout layer: in training, zeroes each element with probability
 * `rate` and scales the rest by 1 / (1 - rate) (the default generator, see
 * `manualSeed`); the identity otherwise. No parameters; the mask passes through.
 *
 * @example dropout({ rate: 0.2 })
 */
export class DropoutLayer extends Layer {
  readonly rate: number;

  /** @internal use `dropout`. */
  constructor(options: DropoutLayerOptions) {
    super('Dropout', options ?? {});
    checkOptions('Dropout', options, [...BASE_KEYS, 'rate']);
    if (options.rate === undefined)
      throw new ConfigError('Dropout: rate is required; expected a number in [0, 1), got undefined');
    this.rate = rateOpt('Dropout', 'rate', options.rate, 0);
  }

  protected acceptedRanks(): readonly number[] {
    return [2, 3, 4, 5, 6];
  }

  computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return inputShape;
  }

  protected createModule(): null {
    return null;
  }

  call(x: Tensor, mask: Tensor | null, ctx: CallContext): LayerOutput {
    if (!ctx.training || this.rate === 0) return { output: x, mask };
    return { output: dropoutOp(x, this.rate, true, { generator: ctx.generator }), mask };
  }

  getConfig(): { [key: string]: JsonValue } {
    return { ...this.baseConfig(), rate: this.rate };
  }
}

/**
 * Options of `embedding`.
 *
 * @example
 * layers.embedding({ inputDim: 65, outputDim: 32, maskZero: true, inputShape: [50] });
 */
export interface EmbeddingLayerOptions extends BaseLayerOptions {
  /** Vocabulary size (ids in [0, inputDim)). Required. */
  inputDim: number;
  /** Vector size. Required. */
  outputDim: number;
  /**
   * Treat id 0 as padding: the layer outputs a mask (N, L), 1 where the id is not 0,
   * which the recurrent layers use (see `RecurrentLayer`). Id 0 still has a trainable
   * vector, as in Keras. Default false.
   */
  maskZero?: boolean;
  /**
   * Keras' `input_length`: the sequence length, the same as `inputShape: [inputLength]`
   * (`null` for any length). Not with `inputShape` or `batchInputShape`.
   */
  inputLength?: number | null;
}

/** Maps Embedding's `inputLength` onto `inputShape` (rejecting both at once). */
function withInputLength(options: EmbeddingLayerOptions): EmbeddingLayerOptions {
  if (options === null || typeof options !== 'object' || options.inputLength === undefined)
    return options ?? ({} as EmbeddingLayerOptions);
  if (options.inputShape !== undefined || options.batchInputShape !== undefined) {
    throw new ConfigError(
      `Embedding: inputLength is the same as inputShape: [inputLength]; expected only one of them; got inputLength and ${options.inputShape !== undefined ? 'inputShape' : 'batchInputShape'}`,
    );
  }
  return { ...options, inputShape: [options.inputLength] };
}

/**
 * A Keras-style Embedding layer over a PyTorch `Embedding` (key `<name>.weight`
 * `(inputDim, outputDim)`, PyTorch's N(0, 1) initialisation). Input: ids `(N, L)` as
 * int32, or a float tensor holding integers (converted); output `(N, L, outputDim)`.
 *
 * @example embedding({ inputDim: 1000, outputDim: 64, maskZero: true, inputShape: [null] })
 */
export class EmbeddingLayer extends Layer {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;

  /** @internal use `embedding`. */
  constructor(options: EmbeddingLayerOptions) {
    super('Embedding', withInputLength(options));
    checkOptions('Embedding', options, [...BASE_KEYS, 'inputDim', 'outputDim', 'maskZero', 'inputLength']);
    this.inputDim = checkPositiveInt('Embedding', 'inputDim', options.inputDim);
    this.outputDim = checkPositiveInt('Embedding', 'outputDim', options.outputDim);
    this.maskZero = boolOpt('Embedding', 'maskZero', options.maskZero, false);
  }

  protected acceptedRanks(): readonly number[] {
    return [2];
  }

  override inferSpec(): ShapeSpec {
    return [null];
  }

  computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return [...inputShape, this.outputDim];
  }

  protected createModule(): Module {
    return new Embedding(this.inputDim, this.outputDim);
  }

  call(x: Tensor, _mask: Tensor | null, _ctx: CallContext): LayerOutput {
    let ids = x;
    if (x.dtype !== 'int32') {
      const d = new Int32Array(x.numel());
      const s = x.data;
      for (let i = 0; i < d.length; i++) {
        if (!Number.isInteger(s[i]))
          throw new DTypeError(`${this.label}: ids must be integers; got ${s[i]} at flat index ${i}`);
        d[i] = s[i];
      }
      ids = new Tensor(d, x.shape);
    }
    const output = (this.module as Embedding).forward(ids);
    let mask: Tensor | null = null;
    if (this.maskZero) {
      const m = new Float32Array(ids.numel());
      const s = ids.data;
      for (let i = 0; i < m.length; i++) m[i] = s[i] !== 0 ? 1 : 0;
      mask = new Tensor(m, ids.shape);
    }
    return { output, mask };
  }

  getConfig(): { [key: string]: JsonValue } {
    const c: { [key: string]: JsonValue } = {
      ...this.baseConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
    };
    if (this.maskZero) c.maskZero = true;
    return c;
  }
}

/**
 * A fully connected layer, applied per time step on sequences (see `DenseLayer`).
 * @example dense({ units: 1 })
 */
export function dense(options: DenseOptions): DenseLayer {
  return new DenseLayer(options);
}

/**
 * A dropout layer (see `DropoutLayer`).
 * @example dropout({ rate: 0.5 })
 */
export function dropout(options: DropoutLayerOptions): DropoutLayer {
  return new DropoutLayer(options);
}

/**
 * An embedding layer, optionally producing a padding mask (see `EmbeddingLayer`).
 * @example embedding({ inputDim: 50, outputDim: 8, maskZero: true })
 */
export function embedding(options: EmbeddingLayerOptions): EmbeddingLayer {
  return new EmbeddingLayer(options);
}
