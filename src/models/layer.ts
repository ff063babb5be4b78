/*
 * The Keras-style layer base: a configuration (JSON-serialisable), a lazy build from
 * the input shape, and a `call` that maps a batch (and its mask) to an output. The
 * parameters live in PyTorch modules (`layer.module`), which the model registers
 * under the layer's name, so state-dict keys are `<layer name>.<PyTorch key>`.
 */
import { checkBoolean, checkOptions, checkPositiveInt, showValue } from '../core/check.js';
import { ConfigError, ShapeError, StateError } from '../core/errors.js';
import type { Generator } from '../core/rng.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/index.js';

/** A shape without the batch dimension; `null` marks a free size (Keras' `None`). */
export type ShapeSpec = ReadonlyArray<number | null>;

/** A JSON value, as stored in `model.json`. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Options every layer accepts. */
export interface BaseLayerOptions {
  /**
   * The layer's name, the prefix of its state-dict keys. Default: assigned by the
   * model as `<kind>_<k>` with k counting that kind from 1 within the model
   * (`lstm_1`, `lstm_2`, `dense_1`). Must be unique in the model and contain no '.'.
   */
  name?: string;
  /**
   * The input shape without the batch dimension, on the first layer of a model
   * (e.g. `[28, 28]` for (timesteps, features); `null` for a free size, as `[null, 28]`).
   * Without it the model is built at its first call from the data.
   */
  inputShape?: ReadonlyArray<number | null>;
  /**
   * A fixed batch size (Keras' `batch_size`), needed on the first layer when a layer
   * is `stateful`. Default: none (any batch size).
   */
  batchSize?: number;
  /**
   * Keras' `batch_input_shape`: `[batchSize, ...inputShape]` in one option (`null` first
   * for any batch size), e.g. `[32, 10, 1]` for a stateful layer. Not with `inputShape`
   * or `batchSize`.
   */
  batchInputShape?: ReadonlyArray<number | null>;
}

/** The option keys every layer accepts (see `BaseLayerOptions`). */
export const BASE_KEYS: readonly string[] = ['name', 'inputShape', 'batchSize', 'batchInputShape'];

/** What a layer's `call` returns. */
export interface LayerOutput {
  /** The main output. */
  output: Tensor;
  /** The output mask (N, L) for the next layer, or null. */
  mask: Tensor | null;
  /** Recurrent layers with `returnState`: the final states (see `RecurrentLayer`). */
  states?: Tensor[];
  /** Dense layers with a softmax or sigmoid: the pre-activation (logits). */
  logits?: Tensor;
}

/** Per-call context. */
export interface CallContext {
  /** Training mode (dropout active). */
  training: boolean;
  /**
   * The generator of dropout masks; the default generator (see `manualSeed`) when absent.
   * `fit` with a `seed` passes one per epoch, so a resumed run draws the same masks.
   */
  generator?: Generator;
}

/** Serialised layer: `{ className, config }`, as in Keras' `get_config`. */
export interface LayerJson {
  className: string;
  config: { [key: string]: JsonValue };
}

/** Formats a shape spec with `None` for free sizes and the batch first: `(None, 28, 128)`. */
export function formatSpec(spec: ShapeSpec, batch: number | null = null): string {
  const all = [batch, ...spec].map((d) => (d === null ? 'None' : String(d)));
  return `(${all.join(', ')}${all.length === 1 ? ',' : ''})`;
}

/**
 * @internal the option-key check under its earlier name, for the model files that still
 * import it from here; new code imports `checkOptions` from core/check.ts.
 */
export const checkKeys = checkOptions;

/** Validates a boolean option with a default. */
export function boolOpt(op: string, name: string, v: unknown, dflt: boolean): boolean {
  return v === undefined ? dflt : checkBoolean(op, name, v);
}

/** Validates a rate in [0, 1). */
export function rateOpt(op: string, name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !(v >= 0 && v < 1))
    throw new ConfigError(`${op}: ${name} must be a number in [0, 1); got ${showValue(v)}`);
  return v;
}

/** Keras' `to_snake_case` of a class name: 'SimpleRNN' -> 'simple_rnn', 'Dense' -> 'dense'. */
function snakeCase(className: string): string {
  return className
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

function checkInputShape(op: string, s: unknown): ShapeSpec {
  if (!Array.isArray(s) || s.length === 0) {
    throw new ConfigError(
      `${op}: inputShape must be a non-empty array of sizes (null for a free size), without the batch; got ${JSON.stringify(s)}`,
    );
  }
  for (const d of s) {
    if (d !== null && (typeof d !== 'number' || !Number.isInteger(d) || d <= 0)) {
      throw new ConfigError(
        `${op}: inputShape entries must be positive integers or null; got ${JSON.stringify(s)}`,
      );
    }
  }
  return Object.freeze([...(s as Array<number | null>)]);
}

/**
 * Base class of the Keras-style layers. A layer is configured by its options, built
 * once from its input shape (creating its PyTorch module), and then called on
 * batch-first tensors. Layers belong to at most one model.
 *
 * @example
 * const layer = lstm({ units: 8, returnSequences: true });
 * layer.apply(randn([4, 10, 3])).shape; // [4, 10, 8] (built on first call)
 */
export abstract class Layer {
  /**
   * Keras' class name: 'LSTM', 'GRU', 'SimpleRNN', 'Bidirectional', 'Dense', 'Dropout',
   * 'Embedding'; the `op` the constructor's messages name.
   */
  readonly className: string;
  /**
   * The prefix of auto-assigned names, Keras' snake case of the class name: 'lstm', 'gru',
   * 'simple_rnn', 'bidirectional', 'dense', 'dropout', 'embedding'.
   */
  readonly namePrefix: string;
  /** The name (set by the user or by the model it is added to). */
  name: string | null;
  /** The `inputShape` option (first layer), or null. */
  readonly inputShape: ShapeSpec | null;
  /** The `batchSize` option (first layer), or null. */
  readonly batchSize: number | null;
  /** The PyTorch module holding the parameters once built (null before, or for layers without parameters). */
  module: Module | null = null;
  /** The input shape the layer was built for (null before the build). */
  builtInputShape: ShapeSpec | null = null;
  /** @internal the model this layer belongs to. */
  owner: object | null = null;

  protected constructor(op: string, options: BaseLayerOptions) {
    this.className = op;
    this.namePrefix = snakeCase(op);
    const name = options.name;
    if (name !== undefined && (typeof name !== 'string' || name === '' || name.includes('.'))) {
      throw new ConfigError(
        `${op}: name must be a non-empty string without '.'; got ${JSON.stringify(name)}`,
      );
    }
    this.name = name ?? null;
    let { inputShape, batchSize } = options;
    const bis = options.batchInputShape;
    if (bis !== undefined) {
      if (inputShape !== undefined || batchSize !== undefined) {
        throw new ConfigError(
          `${op}: batchInputShape replaces inputShape and batchSize; expected only one of them; got batchInputShape and ${inputShape !== undefined ? 'inputShape' : 'batchSize'}`,
        );
      }
      if (!Array.isArray(bis) || bis.length < 2) {
        throw new ConfigError(
          `${op}: batchInputShape must be [batchSize or null, ...inputShape] with at least 2 entries; got ${JSON.stringify(bis)}`,
        );
      }
      inputShape = bis.slice(1);
      batchSize = bis[0] === null ? undefined : (bis[0] as number);
    }
    this.inputShape = inputShape === undefined ? null : checkInputShape(op, inputShape);
    this.batchSize = batchSize === undefined ? null : checkPositiveInt(op, 'batchSize', batchSize);
  }

  /** Whether `build` has run. */
  get built(): boolean {
    return this.builtInputShape !== null;
  }

  /** A label for messages: `LSTM "lstm_1"`. */
  get label(): string {
    return `${this.className}${this.name === null ? '' : ` "${this.name}"`}`;
  }

  /**
   * Creates the parameters for inputs of shape `inputShape` (batch excluded); a second
   * call with an equal shape does nothing, with another shape is a StateError.
   */
  build(inputShape: ShapeSpec): void {
    if (this.builtInputShape !== null) {
      const same =
        this.builtInputShape.length === inputShape.length &&
        this.builtInputShape.every((d, i) => d === inputShape[i]);
      if (!same) {
        throw new StateError(
          `${this.label}.build: the layer is already built for input shape ${formatSpec(this.builtInputShape)}; got ${formatSpec(inputShape)}`,
        );
      }
      return;
    }
    this.checkRank(inputShape.length + 1, inputShape);
    this.module = this.createModule(inputShape);
    this.builtInputShape = Object.freeze([...inputShape]);
  }

  /** The output shape (batch excluded) for an input shape (batch excluded). */
  abstract computeOutputShape(inputShape: ShapeSpec): ShapeSpec;

  /** Runs the layer on a batch; `mask` (N, L) is the incoming mask or null. */
  abstract call(x: Tensor, mask: Tensor | null, ctx: CallContext): LayerOutput;

  /** The JSON configuration (everything the constructor needs). */
  abstract getConfig(): { [key: string]: JsonValue };

  /** Number of trainable scalars (0 before the build), equal to PyTorch's for the same module. */
  countParams(): number {
    if (this.module === null) return 0;
    return this.module.parameters().reduce((s, p) => s + p.numel(), 0);
  }

  /** Resets the states of stateful recurrent layers (a no-op for other layers). */
  resetStates(): void {}

  /**
   * Runs the layer on its own (outside a model), building it on the first call. In
   * training mode (`{ training: true }`) dropout is active. Returns the output, or
   * `[output, ...states]` for recurrent layers with `returnState`.
   *
   * @example dense({ units: 3 }).apply(randn([2, 5, 4])).shape // [2, 5, 3] (per time step)
   */
  apply(x: Tensor, options: { mask?: Tensor | null; training?: boolean } = {}): Tensor | Tensor[] {
    if (!this.built) this.build(this.inferSpec(x));
    this.checkInput(x);
    const r = this.call(x, options.mask ?? null, { training: options.training ?? false });
    return r.states === undefined ? r.output : [r.output, ...r.states];
  }

  /** The ranks (with batch) this layer accepts. */
  protected abstract acceptedRanks(): readonly number[];

  /** Creates the PyTorch module for an input shape (or null for layers without parameters). */
  protected abstract createModule(inputShape: ShapeSpec): Module | null;

  /** The spec inferred from a first batch: the last dim fixed, the others free. */
  inferSpec(x: Tensor): ShapeSpec {
    return x.shape.slice(1).map((d, i, a) => (i === a.length - 1 ? d : null));
  }

  /** Throws a ShapeError naming the layer unless `x` fits the built input shape. */
  checkInput(x: Tensor): void {
    const spec = this.builtInputShape;
    if (spec === null)
      throw new StateError(`${this.label}: the layer is not built; call build(inputShape) or apply(x) first`);
    const got = x.shape.slice(1);
    const ok = got.length === spec.length && spec.every((d, i) => d === null || d === got[i]);
    if (!ok) {
      throw new ShapeError(
        `${this.label}: input shape is incompatible with the layer; expected ${formatSpec(spec)}, got ${formatSpec(got, x.shape[0])}`,
      );
    }
  }

  protected checkRank(rank: number, spec: ShapeSpec): void {
    const ranks = this.acceptedRanks();
    if (!ranks.includes(rank)) {
      throw new ShapeError(
        `${this.label}: expected an input of rank ${ranks.join(' or ')} (batch included); got rank ${rank}, shape ${formatSpec(spec)}`,
      );
    }
  }

  /** `{ name, inputShape, batchSize }` for `getConfig`. */
  protected baseConfig(): { [key: string]: JsonValue } {
    const out: { [key: string]: JsonValue } = {};
    if (this.name !== null) out.name = this.name;
    if (this.inputShape !== null) out.inputShape = [...this.inputShape];
    if (this.batchSize !== null) out.batchSize = this.batchSize;
    return out;
  }
}
