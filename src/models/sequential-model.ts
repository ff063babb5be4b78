/*
 * The Keras-style Sequential model: layers in order, compile, fit, evaluate, predict,
 * summary and save.
 */
import { ConfigError, ShapeError, StateError, UnsupportedError } from '../core/errors.js';
import { defaultGenerator, Generator } from '../core/rng.js';
import { formatShape } from '../core/shape.js';
import { takeRows } from '../data/take-rows.js';
import { Module } from '../nn/module.js';
import type { LrHyper, Optimizer, OptimizerStateDict } from '../optim/optimizer.js';
import { cat, mul, noGrad, Tensor, tensor, type NestedArray } from '../tensor/index.js';
import { ProgressBar, type Callback, type CallbackModel, type Logs, type TrainingParams } from './callbacks.js';
import { EmbeddingLayer } from './core-layers.js';
import { checkKeys, formatSpec, Layer, type JsonValue, type LayerJson, type ShapeSpec } from './layer.js';
import { lossValues, metricValues, resolveLoss, resolveMetrics, type Logits, type LossSpec, type MetricName, type ResolvedLoss } from './losses.js';
import {
  clipGradients,
  createOptimizer,
  describeOptimizer,
  normalizeOptimizer,
  optimizerConfigJson,
  type NormalizedOptimizerConfig,
  type OptimizerSpec,
} from './optimizers.js';
import type { ModelFile } from './model-files.js';
import { RecurrentLayer } from './recurrent-layer.js';

/**
 * Options of `sequential`.
 *
 * @example
 * const model = sequential([layers.dense({ units: 1, inputShape: [4] })], { name: 'regressor' });
 */
export interface SequentialOptions {
  /** The model's name (shown by `summary`). Default 'sequential'. */
  name?: string;
}

/**
 * Options of `compile`.
 *
 * @example
 * model.compile({ loss: 'mse', optimizer: { type: 'adam', lr: 1e-3, clipnorm: 1 }, metrics: ['mae'] });
 */
export interface CompileOptions {
  /** A loss name or config (see `LossSpec`). Required. */
  loss: LossSpec;
  /**
   * An optimizer name ('adam', 'sgd', 'rmsprop', 'adamw', 'adagrad', with Keras'
   * default learning rates), a config `{ type: 'adam', lr: 0.01 }`, or an Optimizer
   * created over `model.parameters()` (the model must be built). Default 'rmsprop'
   * (Keras' default).
   */
  optimizer?: OptimizerSpec;
  /** Metric names: 'accuracy' (or 'acc'), 'mae', 'mse'. Default none. */
  metrics?: MetricName[];
}

/** Inputs: a tensor, or nested arrays (converted with `tensor`). */
export type Data = Tensor | NestedArray;

/**
 * Options of `fit`.
 *
 * @example
 * await model.fit(x, y, { epochs: 20, batchSize: 32, validationSplit: 0.1, shuffle: true, seed: 0, verbose: 0 });
 */
export interface FitOptions {
  /** The epoch index to stop at (Keras: trains epochs initialEpoch..epochs-1). Default 1. */
  epochs?: number;
  /** Samples per gradient step. Default 32, or the first layer's fixed `batchSize`. */
  batchSize?: number;
  /**
   * Fraction of the samples held out for validation: the LAST fraction, taken before
   * shuffling (Keras semantics: `floor(N * (1 - split))` samples train). Default 0.
   */
  validationSplit?: number;
  /** `[x, y]` to validate on after each epoch (takes precedence over validationSplit). */
  validationData?: [Data, Data];
  /** Shuffle the training samples each epoch. Default true. */
  shuffle?: boolean;
  /**
   * Seed of the shuffle and the dropout masks. With a seed, epoch e's order and masks
   * are drawn from generators seeded with f(seed, e), so a resumed run (`initialEpoch`,
   * after `loadModel`, in any process) repeats an uninterrupted one exactly. Without
   * it, both come from the default generator.
   */
  seed?: number;
  /** Callbacks (see `Callback`). */
  callbacks?: Callback[];
  /** 0 silent, 1 progress bar (plain lines without a TTY), 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  /** The epoch to start at (to resume training). Default 0. */
  initialEpoch?: number;
}

/**
 * Options of `evaluate` and `predict`.
 *
 * @example
 * const y = model.predict(x, { batchSize: 256 });
 * const loss = model.evaluate(x, yTrue, { batchSize: 256 });
 */
export interface EvaluateOptions {
  /** Samples per batch. Default 32, or the first layer's fixed `batchSize`. */
  batchSize?: number;
}

/**
 * What `fit` returns: per-epoch logs (Keras' History).
 *
 * @example
 * const history = await model.fit(x, y, { epochs: 5, verbose: 0 });
 * history.history.loss; // one number per epoch
 */
export interface History {
  /** `loss`, each metric, and `val_loss` / `val_<metric>` with validation: one value per epoch. */
  history: Record<string, number[]>;
  /** The epoch indices that ran. */
  epoch: number[];
}

/**
 * Options of `summary`.
 *
 * @example
 * const lines: string[] = [];
 * model.summary({ print: (line) => lines.push(line) });
 */
export interface SummaryOptions {
  /** Where each line goes. Default `console.log`; pass `() => {}` to only get the string. */
  print?: (line: string) => void;
}

/** The compiled configuration. */
interface Compiled {
  loss: ResolvedLoss;
  optimizer: NormalizedOptimizerConfig | Optimizer<LrHyper>;
  metrics: MetricName[];
}

interface RunResult {
  output: Tensor;
  mask: Tensor | null;
  logits: Logits | null;
}

const FIT_KEYS = ['epochs', 'batchSize', 'validationSplit', 'validationData', 'shuffle', 'seed', 'callbacks', 'verbose', 'initialEpoch'];

/** The file names `save` writes into its directory. */
export const MODEL_FILES = Object.freeze({
  model: 'model.json',
  weights: 'weights.safetensors',
  optimizerTensors: 'optimizer.safetensors',
  optimizerState: 'optimizer.json',
});

/** The `format` field of `model.json`. */
export const MODEL_FORMAT = 'longshort-sequential';

function isOptimizer(o: unknown): o is Optimizer<LrHyper> {
  return typeof o === 'object' && o !== null && 'paramGroups' in o && Array.isArray((o as { paramGroups: unknown }).paramGroups);
}

function yieldToEventLoop(): Promise<void> {
  const si = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => {
    if (si !== undefined) si(resolve);
    else setTimeout(resolve, 0);
  });
}

function toTensor(x: Data, what: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number' || Array.isArray(x)) return tensor(x);
  throw new ShapeError(`${what} must be a Tensor or nested arrays of numbers; got ${x === null ? 'null' : typeof x}`);
}

/** Mixed into `fit`'s seed for the dropout stream (distinct from the shuffle's). */
const DROPOUT_STREAM = 0x5bd1e995;

function epochSeed(seed: number, epoch: number): number {
  return ((Math.floor(seed) >>> 0) ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0;
}

/** `bytes` random bytes as hex (Web Crypto: Node 20+ and browsers). */
function randomHex(bytes: number): string {
  const b = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('');
}

/**
 * A linear stack of Keras-style layers, and a `Module` whose children are the layers'
 * PyTorch modules under the layer names: `stateDict()` keys are
 * `<layer name>.<PyTorch key>` (`lstm_1.weight_ih_l0`, `dense_1.bias`), so the
 * weights load into a PyTorch model with the same structure.
 *
 * Naming: a layer without a `name` is called `<kind>_<k>`, k counting that kind from
 * 1 within this model (`lstm_1`, `lstm_2`, `dense_1`, `simple_rnn_1`,
 * `bidirectional_1`, `embedding_1`, `dropout_1`), so the same architecture always has
 * the same keys.
 *
 * Building: with `inputShape` on the first layer the model is built at once; else at
 * its first call, from the data (the last input dim fixed, the others free).
 * `summary()` before the build is a StateError.
 *
 * Layers with `returnState` are rejected (ConfigError): like Keras' Sequential, every
 * layer must have one output. Stateful layers need `batchSize` on the first layer.
 *
 * @example
 * const model = sequential([
 *   lstm({ units: 128, returnSequences: true, inputShape: [28, 28] }),
 *   lstm({ units: 128 }),
 *   dense({ units: 10 }),
 * ]);
 * model.summary(); // 80,896 + 132,096 + 1,290 parameters
 * model.compile({ loss: { type: 'sparseCategoricalCrossentropy', fromLogits: true }, optimizer: { type: 'adam', lr: 0.01 }, metrics: ['accuracy'] });
 * const history = await model.fit(x, y, { epochs: 2, batchSize: 100 });
 */
export class SequentialModel extends Module implements CallbackModel {
  /** The model's name. */
  readonly name: string;
  /** The layers, in order. */
  readonly layers: readonly Layer[];
  /** Set by a callback to stop `fit` after the current epoch. */
  stopTraining = false;
  /** Epochs completed by `fit` (saved by `save`; pass it as `initialEpoch` to resume). */
  epoch = 0;
  private compiled: Compiled | null = null;
  private opt: Optimizer<LrHyper> | null = null;
  private inputSpec: ShapeSpec | null = null;

  constructor(layers: readonly Layer[], options: SequentialOptions = {}) {
    super();
    checkKeys('sequential', options, ['name']);
    const name = options.name ?? 'sequential';
    if (typeof name !== 'string' || name === '') throw new ConfigError(`sequential: name must be a non-empty string; got ${JSON.stringify(name)}`);
    this.name = name;
    if (!Array.isArray(layers) || layers.length === 0) {
      throw new ConfigError(`sequential: expected a non-empty array of layers; got ${Array.isArray(layers) ? 'an empty array' : String(layers)}`);
    }
    layers.forEach((l, i) => {
      if (!(l instanceof Layer)) throw new ConfigError(`sequential: layers[${i}] is not a layer; got ${String(l)}`);
      if (l.owner !== null) throw new ConfigError(`sequential: layers[${i}] (${l.label}) already belongs to a model; create a new layer`);
      if (l instanceof RecurrentLayer && l.returnState) {
        throw new ConfigError(
          `sequential: layers[${i}] (${l.label}) has returnState: true; expected single-output layers (a Sequential model cannot pass [output, h, c] on); use the layer on its own with apply()`,
        );
      }
      if (i > 0 && (l.inputShape !== null || l.batchSize !== null)) {
        throw new ConfigError(`sequential: only the first layer may set inputShape or batchSize; layers[${i}] (${l.label}) sets ${l.inputShape !== null ? 'inputShape' : 'batchSize'}`);
      }
      if (i > 0 && l instanceof EmbeddingLayer) throw new ConfigError(`sequential: an embedding layer must come first; got it at layers[${i}]`);
    });
    const stateful = layers.some((l) => l instanceof RecurrentLayer && l.stateful);
    if (stateful && layers[0].batchSize === null) {
      throw new ConfigError('sequential: stateful layers need a fixed batch size; pass batchSize to the first layer (e.g. lstm({ ..., stateful: true, batchSize: 8, inputShape: [10, 3] }))');
    }
    // names
    const taken = new Set<string>();
    for (const l of layers) {
      if (l.name === null) continue;
      if (taken.has(l.name)) throw new ConfigError(`sequential: layer names must be unique; "${l.name}" appears twice`);
      taken.add(l.name);
    }
    const counts = new Map<string, number>();
    for (const l of layers) {
      if (l.name !== null) continue;
      let k = counts.get(l.namePrefix) ?? 0;
      let candidate: string;
      do {
        k += 1;
        candidate = `${l.namePrefix}_${k}`;
      } while (taken.has(candidate));
      counts.set(l.namePrefix, k);
      taken.add(candidate);
      l.name = candidate;
    }
    for (const l of layers) l.owner = this;
    this.layers = Object.freeze([...layers]);
    if (layers[0].inputShape !== null) this.build(layers[0].inputShape);
  }

  /** Whether the layers are built (their parameters exist). */
  get built(): boolean {
    return this.inputSpec !== null;
  }

  /** The input shape the model was built for (batch excluded), or null. */
  get inputShape(): ShapeSpec | null {
    return this.inputSpec;
  }

  /** The fixed batch size (first layer's `batchSize`), or null. */
  get fixedBatchSize(): number | null {
    return this.layers[0].batchSize;
  }

  /** The optimizer (created by `compile` or at the first `fit`), or null. */
  get optimizer(): Optimizer<LrHyper> | null {
    return this.opt;
  }

  /** Whether `compile` has been called. */
  get isCompiled(): boolean {
    return this.compiled !== null;
  }

  /**
   * Builds every layer for inputs of shape `inputShape` (batch excluded; null for a
   * free size). A built model accepts only a compatible shape (StateError otherwise).
   * @example model.build([null, 28])
   */
  build(inputShape: ShapeSpec): void {
    if (this.inputSpec !== null) {
      const same = this.inputSpec.length === inputShape.length && this.inputSpec.every((d, i) => d === inputShape[i]);
      if (!same) throw new StateError(`${this.name}.build: already built for input shape ${formatSpec(this.inputSpec)}; got ${formatSpec(inputShape)}`);
      return;
    }
    let spec: ShapeSpec = [...inputShape];
    for (const l of this.layers) {
      l.build(spec);
      if (l.module !== null) this.registerModule(l.name as string, l.module);
      spec = l.computeOutputShape(spec);
    }
    this.inputSpec = Object.freeze([...inputShape]);
    if (this.compiled !== null && this.opt === null && !isOptimizer(this.compiled.optimizer)) {
      this.opt = createOptimizer(this.compiled.optimizer, this.parameters());
    }
  }

  /** The output shape (batch excluded) of each layer; the model must be built. */
  outputShapes(): ShapeSpec[] {
    const spec0 = this.requireBuilt('outputShapes');
    const out: ShapeSpec[] = [];
    let spec = spec0;
    for (const l of this.layers) {
      spec = l.computeOutputShape(spec);
      out.push(spec);
    }
    return out;
  }

  private requireBuilt(op: string): ShapeSpec {
    if (this.inputSpec === null) {
      throw new StateError(
        `${this.name}.${op}: the model is not built yet; expected inputShape on the first layer or a first call (fit, predict, build(inputShape)), got neither`,
      );
    }
    return this.inputSpec;
  }

  /** Number of trainable scalars (PyTorch's count for the same modules). */
  countParams(): number {
    return this.layers.reduce((s, l) => s + l.countParams(), 0);
  }

  /**
   * Prints (and returns) a table of the layers, their output shapes (batch as None)
   * and parameter counts, with the totals, like Keras' `model.summary()`.
   * @example const text = model.summary({ print: () => {} });
   */
  summary(options: SummaryOptions = {}): string {
    checkKeys('summary', options, ['print']);
    const shapes = this.outputShapes();
    const fmt = (n: number): string => n.toLocaleString('en-US');
    const rows = this.layers.map((l, i) => [`${l.name} (${l.className})`, formatSpec(shapes[i], this.fixedBatchSize), fmt(l.countParams())]);
    const w = [Math.max(28, ...rows.map((r) => r[0].length + 2)), Math.max(26, ...rows.map((r) => r[1].length + 2)), 12];
    const total = w[0] + w[1] + w[2];
    const line = (c: string[]): string => c[0].padEnd(w[0]) + c[1].padEnd(w[1]) + c[2];
    const params = this.parameters();
    const trainable = params.filter((p) => p.requiresGrad).reduce((s, p) => s + p.numel(), 0);
    const all = params.reduce((s, p) => s + p.numel(), 0);
    const lines = [
      `Model: "${this.name}"`,
      '_'.repeat(total),
      line(['Layer (type)', 'Output Shape', 'Param #']),
      '='.repeat(total),
      ...rows.map(line),
      '='.repeat(total),
      `Total params: ${fmt(all)}`,
      `Trainable params: ${fmt(trainable)}`,
      `Non-trainable params: ${fmt(all - trainable)}`,
      '_'.repeat(total),
    ];
    const text = lines.join('\n');
    const print = options.print ?? ((s: string) => console.log(s));
    for (const l of lines) print(l);
    return text;
  }

  /**
   * Sets the loss, optimizer and metrics for `fit` / `evaluate`. Names are checked
   * here (ConfigError listing the valid ones). An Optimizer instance must be over
   * this model's parameters.
   * @example model.compile({ loss: 'mse', optimizer: 'adam' })
   */
  compile(options: CompileOptions): void {
    if (options === null || typeof options !== 'object') throw new ConfigError(`compile: expected { loss, optimizer, metrics }; got ${String(options)}`);
    checkKeys('compile', options, ['loss', 'optimizer', 'metrics']);
    if (options.loss === undefined) throw new ConfigError('compile: loss is required; expected a loss name or config, got undefined');
    const loss = resolveLoss(options.loss);
    const metrics = resolveMetrics(options.metrics);
    const spec = options.optimizer ?? 'rmsprop';
    let optimizer: Compiled['optimizer'];
    let instance: Optimizer<LrHyper> | null = null;
    if (isOptimizer(spec)) {
      instance = spec;
      this.requireBuilt('compile (with an Optimizer instance)');
      const own = new Set(this.parameters());
      const theirs = instance.paramGroups.flatMap((g) => g.params);
      if (theirs.length !== own.size || !theirs.every((p) => own.has(p))) {
        throw new ConfigError(`compile: the optimizer must hold exactly this model's parameters; expected ${own.size} parameters, got ${theirs.length} (some not the model's)`);
      }
      optimizer = instance;
    } else {
      optimizer = normalizeOptimizer(spec);
    }
    this.compiled = { loss, optimizer, metrics };
    this.opt = instance ?? (this.built ? createOptimizer(optimizer as NormalizedOptimizerConfig, this.parameters()) : null);
  }

  /** The compile configuration as JSON (for `model.json`); null before `compile`. */
  compileConfig(): { [k: string]: JsonValue } | null {
    const c = this.compiled;
    if (c === null) return null;
    const opt = isOptimizer(c.optimizer) ? describeOptimizer(c.optimizer) : c.optimizer;
    return {
      loss: c.loss.spec as JsonValue,
      optimizer: optimizerConfigJson(opt),
      metrics: [...c.metrics],
    };
  }

  /** Runs the layers; builds on the first call. */
  private run(xIn: Tensor, training: boolean, generator?: Generator): RunResult {
    let x = xIn;
    if (!this.built) {
      const first = this.layers[0];
      if (x.ndim < 2) throw new ShapeError(`${first.label}: expected a batch with at least 2 dims (N, ...); got ${formatShape(x.shape)}`);
      this.build(first.inputShape ?? first.inferSpec(x));
    }
    const first = this.layers[0];
    first.checkInput(x);
    const fixed = this.fixedBatchSize;
    if (fixed !== null && x.shape[0] !== fixed) {
      throw new ShapeError(`${first.label}: the model has a fixed batch size; expected batches of ${fixed}, got ${x.shape[0]}`);
    }
    if (x.dtype === 'int32' && !(first instanceof EmbeddingLayer)) x = x.to('float32');
    let mask: Tensor | null = null;
    let logits: Logits | null = null;
    const last = this.layers.length - 1;
    this.layers.forEach((l, i) => {
      const r = l.call(x, mask, { training, generator });
      x = r.output;
      mask = r.mask;
      if (i === last && r.logits !== undefined) logits = { kind: (l as unknown as { activation: 'softmax' | 'sigmoid' }).activation, logits: r.logits };
    });
    return { output: x, mask, logits };
  }

  /**
   * The model's output for a batch (training mode follows `train()` / `eval()`),
   * building the model on its first call.
   * @example model.eval().forward(x)
   */
  forward(x: Tensor): Tensor {
    return this.run(x, this.training).output;
  }

  /** Resets the carried states of every stateful layer. */
  resetStates(): void {
    for (const l of this.layers) l.resetStates();
  }

  /** Copies of all weights by state-dict key. */
  getWeights(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [k, t] of Object.entries(this.stateDict())) out.set(k, t.clone());
    return out;
  }

  /** Loads weights (e.g. from `getWeights()`); keys and shapes are checked first. */
  setWeights(weights: Map<string, Tensor>): void {
    this.loadStateDict(weights);
  }

  private requireCompiled(op: string): Compiled {
    if (this.compiled === null) {
      throw new StateError(`${this.name}.${op}: the model must be compiled first; call model.compile({ loss, optimizer }) before ${op}`);
    }
    return this.compiled;
  }

  private ensureOptimizer(): Optimizer<LrHyper> {
    const c = this.requireCompiled('fit');
    if (this.opt === null) {
      if (isOptimizer(c.optimizer)) throw new StateError(`${this.name}.fit: the compiled optimizer is not attached; compile again`);
      this.opt = createOptimizer(c.optimizer, this.parameters());
    }
    return this.opt;
  }

  /** The mean loss of a batch result (masked mean over steps when the output carries a mask). */
  private batchLoss(c: Compiled, r: RunResult, y: Tensor): Tensor {
    const v = lossValues(c.loss, r.output, y, r.logits);
    const m = this.maskFor(r, v);
    if (m === null) return v.mean();
    return mul(v, m).sum().div(Math.max(m.sum().item(), 1e-7));
  }

  private maskFor(r: RunResult, v: Tensor): Tensor | null {
    const m = r.mask;
    if (m === null || m.shape.join() !== v.shape.join()) return null;
    return m.dtype === v.dtype ? m : m.to(v.dtype);
  }

  /** Accumulates [sum, count] of each metric for a batch. */
  private accumulateMetrics(c: Compiled, r: RunResult, y: Tensor, acc: Map<string, [number, number]>): void {
    noGrad(() => {
      for (const name of c.metrics) {
        const v = metricValues(name, c.loss, r.output.detach(), y);
        const m = this.maskFor(r, v);
        const s = m === null ? v.sum().item() : mul(v, m).sum().item();
        const n = m === null ? v.numel() : m.sum().item();
        const cur = acc.get(name) ?? [0, 0];
        acc.set(name, [cur[0] + s, cur[1] + n]);
      }
    });
  }

  private batchSizeOf(op: string, requested: number | undefined): number {
    const fixed = this.fixedBatchSize;
    if (requested === undefined) return fixed ?? 32;
    if (typeof requested !== 'number' || !Number.isInteger(requested) || requested <= 0) {
      throw new ConfigError(`${op}: batchSize must be a positive integer; got ${String(requested)}`);
    }
    if (fixed !== null && requested !== fixed) {
      throw new ConfigError(`${op}: the model has a fixed batch size (first layer's batchSize); expected ${fixed}, got ${requested}`);
    }
    return requested;
  }

  private checkPair(op: string, x: Tensor, y: Tensor): void {
    if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
      throw new ShapeError(`${op}: x and y must hold the same number of samples (dim 0); got x ${formatShape(x.shape)} and y ${formatShape(y.shape)}`);
    }
    const fixed = this.fixedBatchSize;
    if (fixed !== null && x.shape[0] % fixed !== 0) {
      throw new ShapeError(`${op}: with a fixed batch size of ${fixed} the sample count must be a multiple of it; got ${x.shape[0]} samples`);
    }
  }

  /**
   * Trains the model (Keras' `fit`): for each epoch, shuffles (seeded), runs
   * mini-batches (forward, loss, backward, optimizer step), then validates and calls
   * the callbacks. Yields to the event loop after every batch. Returns the History.
   *
   * @throws StateError before `compile`; ShapeError for inputs that do not fit the
   *   first layer (naming it and both shapes) or x/y sample counts that differ.
   * @example
   * model.compile({ loss: 'mse', optimizer: 'adam' });
   * const h = await model.fit(x, y, { epochs: 100, batchSize: 5, verbose: 0 });
   * h.history.loss.at(-1);
   */
  async fit(xData: Data, yData: Data, options: FitOptions = {}): Promise<History> {
    const c = this.requireCompiled('fit');
    checkKeys('fit', options, FIT_KEYS);
    const x = toTensor(xData, 'fit: x');
    const y = toTensor(yData, 'fit: y');
    this.checkPair('fit', x, y);
    const epochs = options.epochs ?? 1;
    const initialEpoch = options.initialEpoch ?? 0;
    if (!Number.isInteger(epochs) || epochs < 0) throw new ConfigError(`fit: epochs must be a non-negative integer; got ${String(epochs)}`);
    if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new ConfigError(`fit: initialEpoch must be a non-negative integer; got ${String(initialEpoch)}`);
    const batchSize = this.batchSizeOf('fit', options.batchSize);
    const shuffle = options.shuffle ?? true;
    if (typeof shuffle !== 'boolean') throw new ConfigError(`fit: shuffle must be a boolean; got ${String(shuffle)}`);
    const seed = options.seed;
    if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) throw new ConfigError(`fit: seed must be a finite number; got ${String(seed)}`);
    const verbose = options.verbose ?? 1;
    if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new ConfigError(`fit: verbose must be 0, 1 or 2; got ${String(verbose)}`);
    const split = options.validationSplit ?? 0;
    if (typeof split !== 'number' || !(split >= 0 && split < 1)) throw new ConfigError(`fit: validationSplit must be in [0, 1); got ${String(split)}`);

    let xTrain = x;
    let yTrain = y;
    let val: [Tensor, Tensor] | null = null;
    if (options.validationData !== undefined) {
      const vd = options.validationData;
      if (!Array.isArray(vd) || vd.length !== 2) throw new ConfigError('fit: validationData must be [x, y]');
      val = [toTensor(vd[0], 'fit: validationData x'), toTensor(vd[1], 'fit: validationData y')];
      this.checkPair('fit (validationData)', val[0], val[1]);
    } else if (split > 0) {
      const n = x.shape[0];
      const at = Math.floor(n * (1 - split));
      if (at === 0 || at === n) {
        throw new ConfigError(`fit: validationSplit ${split} of ${n} samples leaves ${at === 0 ? 'no training' : 'no validation'} samples; use a larger dataset or another split`);
      }
      const idx = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
      xTrain = takeRows(x, idx(0, at));
      yTrain = takeRows(y, idx(0, at));
      val = [takeRows(x, idx(at, n)), takeRows(y, idx(at, n))];
    }
    if (!this.built) {
      if (xTrain.ndim < 2) throw new ShapeError(`${this.layers[0].label}: expected a batch with at least 2 dims (N, ...); got ${formatShape(xTrain.shape)}`);
      this.build(this.layers[0].inputShape ?? this.layers[0].inferSpec(xTrain));
    }
    const opt = this.ensureOptimizer();
    const clip = isOptimizer(c.optimizer) ? null : c.optimizer.clip;
    const n = xTrain.shape[0];
    const steps = Math.ceil(n / batchSize);
    const callbacks: Callback[] = [...(options.callbacks ?? [])];
    if (verbose === 1) callbacks.push(new ProgressBar({ mode: 'bar' }));
    if (verbose === 2) callbacks.push(new ProgressBar({ mode: 'epoch' }));
    for (const cb of callbacks) cb.setModel?.(this);
    const params: TrainingParams = { epochs, initialEpoch, steps, samples: n, verbose };
    const history: History = { history: {}, epoch: [] };
    this.stopTraining = false;
    for (const cb of callbacks) await cb.onTrainBegin?.(params);
    let lastLogs: Logs = {};
    for (let epoch = initialEpoch; epoch < epochs; epoch++) {
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch);
      let order: number[];
      if (!shuffle) order = Array.from({ length: n }, (_, i) => i);
      else order = seed !== undefined ? new Generator(epochSeed(seed, epoch)).permutation(n) : defaultGenerator.permutation(n);
      // with a seed, the epoch's dropout masks come from their own stream too
      const masks = seed !== undefined ? new Generator(epochSeed(seed ^ DROPOUT_STREAM, epoch)) : undefined;
      let lossSum = 0;
      const acc = new Map<string, [number, number]>();
      this.train();
      for (let b = 0; b < steps; b++) {
        const idx = order.slice(b * batchSize, Math.min((b + 1) * batchSize, n));
        const xb = takeRows(xTrain, idx);
        const yb = takeRows(yTrain, idx);
        const r = this.run(xb, true, masks);
        const loss = this.batchLoss(c, r, yb);
        opt.zeroGrad();
        loss.backward();
        if (clip !== null) clipGradients(clip, this.parameters());
        opt.step();
        const lv = loss.item();
        lossSum += lv * idx.length;
        this.accumulateMetrics(c, r, yb, acc);
        for (const cb of callbacks) await cb.onBatchEnd?.(b, { loss: lv, size: idx.length });
        await yieldToEventLoop();
      }
      const logs: Logs = { loss: lossSum / n };
      for (const [k, [s, cnt]] of acc) logs[k] = s / Math.max(cnt, 1e-7);
      if (val !== null) {
        const vl = this.evaluateTensors(c, val[0], val[1], this.batchSizeOf('fit', options.batchSize));
        for (const [k, v] of Object.entries(vl)) logs[`val_${k}`] = v;
      }
      this.epoch = epoch + 1;
      history.epoch.push(epoch);
      for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
      for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
      lastLogs = logs;
      if (this.stopTraining) break;
    }
    for (const cb of callbacks) await cb.onTrainEnd?.(lastLogs);
    this.eval();
    return history;
  }

  private evaluateTensors(c: Compiled, x: Tensor, y: Tensor, batchSize: number): Logs {
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(() => {
        const n = x.shape[0];
        let lossSum = 0;
        const acc = new Map<string, [number, number]>();
        for (let s = 0; s < n; s += batchSize) {
          const idx = Array.from({ length: Math.min(batchSize, n - s) }, (_, i) => s + i);
          const yb = takeRows(y, idx);
          const r = this.run(takeRows(x, idx), false);
          lossSum += this.batchLoss(c, r, yb).item() * idx.length;
          this.accumulateMetrics(c, r, yb, acc);
        }
        const logs: Logs = { loss: lossSum / n };
        for (const [k, [s, cnt]] of acc) logs[k] = s / Math.max(cnt, 1e-7);
        return logs;
      });
    } finally {
      this.train(wasTraining);
    }
  }

  /**
   * The loss and metrics on (x, y) in evaluation mode, as `{ loss, <metric>... }`
   * (sample-weighted means over batches).
   * @example model.evaluate(xTest, yTest).accuracy
   */
  evaluate(xData: Data, yData: Data, options: EvaluateOptions = {}): Logs {
    const c = this.requireCompiled('evaluate');
    checkKeys('evaluate', options, ['batchSize']);
    const x = toTensor(xData, 'evaluate: x');
    const y = toTensor(yData, 'evaluate: y');
    this.checkPair('evaluate', x, y);
    return this.evaluateTensors(c, x, y, this.batchSizeOf('evaluate', options.batchSize));
  }

  /**
   * The model's outputs for x in evaluation mode (no dropout, no graph), batch by
   * batch, concatenated: `(N, ...)`.
   * @example model.predict(tensor([[[1.0]]])).item()
   */
  predict(xData: Data, options: EvaluateOptions = {}): Tensor {
    checkKeys('predict', options, ['batchSize']);
    const x = toTensor(xData, 'predict: x');
    if (x.ndim === 0) throw new ShapeError(`predict: x must have a batch dim; got a 0-d tensor`);
    const batchSize = this.batchSizeOf('predict', options.batchSize);
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(() => {
        const outs: Tensor[] = [];
        const n = x.shape[0];
        for (let s = 0; s < n; s += batchSize) {
          const idx = Array.from({ length: Math.min(batchSize, n - s) }, (_, i) => s + i);
          outs.push(this.run(takeRows(x, idx), false).output);
        }
        return outs.length === 1 ? outs[0] : cat(outs, 0);
      });
    } finally {
      this.train(wasTraining);
    }
  }

  /** The architecture as JSON layer configs (with the assigned names). */
  layerConfigs(): LayerJson[] {
    return this.layers.map((l) => ({ className: l.className, config: l.getConfig() }));
  }

  /**
   * Saves the model into `dir` (created if needed): `model.json` (architecture,
   * compile config, epoch counter), `weights.safetensors` (PyTorch keys, e.g.
   * `lstm_1.weight_ih_l0`), and with an optimizer `optimizer.safetensors` (its
   * buffers) + `optimizer.json` (groups and scalar state, PyTorch's state-dict layout).
   * Every file is written to a temporary name and renamed; `model.json` goes last and
   * names a random checkpoint id the other files carry, so `loadModel` detects a set
   * torn by a crash. Stateful layers' carried states are not saved.
   *
   * @throws StateError before the build; UnsupportedError for an optimizer instance
   *   that cannot be described (custom class, several groups, other parameter order).
   * @example await model.save('checkpoints/run1')
   */
  async save(dir: string): Promise<void> {
    this.requireBuilt('save');
    if (typeof dir !== 'string' || dir === '') throw new ConfigError(`save: dir must be a non-empty path; got ${JSON.stringify(dir)}`);
    // imported on use: the module writes files with node:fs (a browser bundle maps it to a stub)
    const { writeModelFiles } = await import('./model-files.js');
    const id = randomHex(8);
    const compile = this.compileConfig();
    let optTensors: Record<string, Tensor> | null = null;
    let optJson: { [k: string]: JsonValue } | null = null;
    if (this.opt !== null) {
      const own = this.parameters();
      const groups = this.opt.paramGroups;
      if (groups.length !== 1 || groups[0].params.length !== own.length || !groups[0].params.every((p, i) => p === own[i])) {
        throw new UnsupportedError('save: the optimizer must have one parameter group over model.parameters() in order; got another layout');
      }
      [optTensors, optJson] = packOptimizerState(this.opt.stateDict(), id);
    }
    const weights: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(this.stateDict())) weights[k] = t;
    const modelJson: { [k: string]: JsonValue } = {
      format: MODEL_FORMAT,
      version: 1,
      checkpointId: id,
      name: this.name,
      layers: this.layerConfigs() as unknown as JsonValue,
      inputShape: [...(this.inputSpec as ShapeSpec)],
      compile,
      epoch: this.epoch,
      optimizerState: optJson !== null,
    };
    const files: ModelFile[] = [{ name: MODEL_FILES.weights, tensors: weights, metadata: { format: 'pt', checkpointId: id } }];
    if (optTensors !== null && optJson !== null) {
      files.push({ name: MODEL_FILES.optimizerTensors, tensors: optTensors, metadata: { checkpointId: id } });
      files.push({ name: MODEL_FILES.optimizerState, text: `${JSON.stringify(optJson, null, 2)}\n` });
    }
    // model.json last: it names the checkpoint id the other files carry
    files.push({ name: MODEL_FILES.model, text: `${JSON.stringify(modelJson, null, 2)}\n` });
    await writeModelFiles(dir, files);
  }
}

/** Splits an optimizer state dict into tensors (`state.<i>.<key>`) and JSON. */
function packOptimizerState(sd: OptimizerStateDict, id: string): [Record<string, Tensor>, { [k: string]: JsonValue }] {
  const tensors: Record<string, Tensor> = {};
  const state: { [k: string]: JsonValue } = {};
  for (const [i, entry] of Object.entries(sd.state)) {
    const out: { [k: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(entry)) {
      if (v instanceof Tensor) {
        const key = `state.${i}.${k}`;
        tensors[key] = v;
        out[k] = { tensor: key };
      } else out[k] = v;
    }
    state[i] = out;
  }
  return [tensors, { checkpointId: id, param_groups: sd.param_groups as unknown as JsonValue, state }];
}

/**
 * Creates a Sequential model from layers (see `SequentialModel`).
 * @example const model = sequential([lstm({ units: 5, inputShape: [1, 1] }), dense({ units: 1 })]);
 */
export function sequential(layers: readonly Layer[], options: SequentialOptions = {}): SequentialModel {
  return new SequentialModel(layers, options);
}
