/*
 * The Keras-style Sequential model: layers in order, build, compile and the forward
 * pass. fit (fit.ts), evaluate / predict (evaluate-predict.ts), summary (summary.ts)
 * and the saved format (model-format.ts) work on it through `ModelInternals`.
 */
import { ConfigError, ShapeError, StateError } from '../core/errors.js';
import type { Generator } from '../core/rng.js';
import { formatShape } from '../core/shape.js';
import { Module } from '../nn/module.js';
import type { LrHyper, Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/index.js';
import type { Logs } from './callbacks.js';
import { EmbeddingLayer } from './core-layers.js';
import { evaluateModel, predictModel } from './evaluate-predict.js';
import { fitModel } from './fit.js';
import { checkKeys, formatSpec, Layer, type JsonValue, type LayerJson, type ShapeSpec } from './layer.js';
import { compileConfigJson, resolveCompile } from './compile-model.js';
import type { Logits } from './losses.js';
import { checkpointFiles } from './model-format.js';
import { createOptimizer, type NormalizedOptimizerConfig } from './optimizers.js';
import {
  isOptimizer,
  type Compiled,
  type CompileOptions,
  type Data,
  type EvaluateOptions,
  type FitOptions,
  type History,
  type ModelInternals,
  type RunResult,
  type SequentialOptions,
  type SummaryOptions,
} from './sequential-model-types.js';
import { assignLayerNames, checkSequentialLayers } from './sequential-layers.js';
import { summaryText } from './summary.js';

export type {
  CompileOptions,
  Data,
  EvaluateOptions,
  FitOptions,
  History,
  SequentialOptions,
  SummaryOptions,
} from './sequential-model-types.js';
export { MODEL_FILES, MODEL_FORMAT } from './model-format.js';

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
export class SequentialModel extends Module implements ModelInternals {
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
    if (typeof name !== 'string' || name === '')
      throw new ConfigError(`sequential: name must be a non-empty string; got ${JSON.stringify(name)}`);
    this.name = name;
    const list = checkSequentialLayers(layers);
    assignLayerNames(list);
    for (const l of list) l.owner = this;
    this.layers = Object.freeze([...list]);
    if (list[0].inputShape !== null) this.build(list[0].inputShape);
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
      const same =
        this.inputSpec.length === inputShape.length && this.inputSpec.every((d, i) => d === inputShape[i]);
      if (!same)
        throw new StateError(
          `${this.name}.build: already built for input shape ${formatSpec(this.inputSpec)}; got ${formatSpec(inputShape)}`,
        );
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

  /** @internal The input shape; StateError before the build. */
  requireBuilt(op: string): ShapeSpec {
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
    return summaryText(this, options);
  }

  /**
   * Sets the loss, optimizer and metrics for `fit` / `evaluate`. Names are checked
   * here (ConfigError listing the valid ones). An Optimizer instance must be over
   * this model's parameters.
   * @example model.compile({ loss: 'mse', optimizer: 'adam' })
   */
  compile(options: CompileOptions): void {
    const { compiled, instance } = resolveCompile(this, options);
    this.compiled = compiled;
    this.opt =
      instance ??
      (this.built
        ? createOptimizer(compiled.optimizer as NormalizedOptimizerConfig, this.parameters())
        : null);
  }

  /** The compile configuration as JSON (for `model.json`); null before `compile`. */
  compileConfig(): { [k: string]: JsonValue } | null {
    return this.compiled === null ? null : compileConfigJson(this.compiled);
  }

  /** @internal Builds from a first batch `x` (N, ...) unless built already. */
  buildFrom(x: Tensor): void {
    if (this.built) return;
    const first = this.layers[0];
    if (x.ndim < 2)
      throw new ShapeError(
        `${first.label}: expected a batch with at least 2 dims (N, ...); got ${formatShape(x.shape)}`,
      );
    this.build(first.inputShape ?? first.inferSpec(x));
  }

  /** @internal Runs the layers; builds on the first call. */
  run(xIn: Tensor, training: boolean, generator?: Generator): RunResult {
    let x = xIn;
    this.buildFrom(x);
    const first = this.layers[0];
    first.checkInput(x);
    const fixed = this.fixedBatchSize;
    if (fixed !== null && x.shape[0] !== fixed) {
      throw new ShapeError(
        `${first.label}: the model has a fixed batch size; expected batches of ${fixed}, got ${x.shape[0]}`,
      );
    }
    if (x.dtype === 'int32' && !(first instanceof EmbeddingLayer)) x = x.to('float32');
    let mask: Tensor | null = null;
    let logits: Logits | null = null;
    const last = this.layers.length - 1;
    this.layers.forEach((l, i) => {
      const r = l.call(x, mask, { training, generator });
      x = r.output;
      mask = r.mask;
      if (i === last && r.logits !== undefined)
        logits = {
          kind: (l as unknown as { activation: 'softmax' | 'sigmoid' }).activation,
          logits: r.logits,
        };
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

  /** @internal The compiled configuration; StateError before `compile`. */
  requireCompiled(op: string): Compiled {
    if (this.compiled === null) {
      throw new StateError(
        `${this.name}.${op}: the model must be compiled first; call model.compile({ loss, optimizer }) before ${op}`,
      );
    }
    return this.compiled;
  }

  /** @internal The optimizer, created from the compiled config on first use. */
  ensureOptimizer(): Optimizer<LrHyper> {
    const c = this.requireCompiled('fit');
    if (this.opt === null) {
      if (isOptimizer(c.optimizer))
        throw new StateError(`${this.name}.fit: the compiled optimizer is not attached; compile again`);
      this.opt = createOptimizer(c.optimizer, this.parameters());
    }
    return this.opt;
  }

  /**
   * Trains the model (Keras' `fit`): for each epoch, shuffles (seeded), runs
   * mini-batches (forward, loss, backward, optimizer step), then validates and calls
   * the callbacks. Yields to the event loop after every batch. Returns the History.
   * A NaN or infinite loss or gradient stops training before the optimizer step with a
   * `NonFiniteError` naming the epoch and batch (unless `terminateOnNaN: false`).
   *
   * @throws StateError before `compile`; ShapeError for inputs that do not fit the
   *   first layer (naming it and both shapes), x/y sample counts that differ, or no
   *   samples; ConfigError for non-finite inputs or bad options.
   * @example
   * model.compile({ loss: 'mse', optimizer: 'adam' });
   * const h = await model.fit(x, y, { epochs: 100, batchSize: 5, verbose: 0 });
   * h.history.loss.at(-1);
   */
  fit(x: Data, y: Data, options: FitOptions = {}): Promise<History> {
    return fitModel(this, x, y, options);
  }

  /**
   * The loss and metrics on (x, y) in evaluation mode, as `{ loss, <metric>... }`
   * (sample-weighted means over batches).
   * @example model.evaluate(xTest, yTest).accuracy
   */
  evaluate(x: Data, y: Data, options: EvaluateOptions = {}): Logs {
    return evaluateModel(this, x, y, options);
  }

  /**
   * The model's outputs for x in evaluation mode (no dropout, no graph), batch by
   * batch, concatenated: `(N, ...)`.
   * @example model.predict(tensor([[[1.0]]])).item()
   */
  predict(x: Data, options: EvaluateOptions = {}): Tensor {
    return predictModel(this, x, options);
  }

  /** The architecture as JSON layer configs (with the assigned names). */
  layerConfigs(): LayerJson[] {
    return this.layers.map((l) => ({ className: l.className, config: l.getConfig() }));
  }

  /**
   * Saves the model into `dir`: `model.json` (architecture, compile config, epoch
   * counter), `weights.safetensors` (PyTorch keys, e.g. `lstm_1.weight_ih_l0`), and
   * with an optimizer `optimizer.safetensors` (its buffers) + `optimizer.json` (groups
   * and scalar state, PyTorch's state-dict layout). The files are written into a new
   * directory beside `dir`, which then replaces `dir` by renames, so `dir` always holds
   * a complete checkpoint (old or new) even when the process dies mid-save; leftovers
   * of an interrupted save are cleaned up by the next save or load. All files carry one
   * random checkpoint id. Stateful layers' carried states are not saved.
   *
   * @throws StateError before the build; ConfigError when `dir` is a file;
   *   UnsupportedError for an optimizer instance that cannot be described (custom class,
   *   several groups, other parameter order).
   * @example await model.save('checkpoints/run1')
   */
  async save(dir: string): Promise<void> {
    this.requireBuilt('save');
    if (typeof dir !== 'string' || dir === '')
      throw new ConfigError(`save: dir must be a non-empty path; got ${JSON.stringify(dir)}`);
    const files = checkpointFiles(this);
    // imported on use: the module writes files with node:fs (a browser bundle maps it to a stub)
    const { writeModelFiles } = await import('./model-files.js');
    await writeModelFiles(dir, files);
  }
}

/**
 * Creates a Sequential model from layers (see `SequentialModel`).
 * @example const model = sequential([lstm({ units: 5, inputShape: [1, 1] }), dense({ units: 1 })]);
 */
export function sequential(layers: readonly Layer[], options: SequentialOptions = {}): SequentialModel {
  return new SequentialModel(layers, options);
}
