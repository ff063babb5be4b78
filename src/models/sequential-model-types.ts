/*
 * The option bags and result types of the Sequential model, and the surface of the
 * model that its fit / evaluate / predict / summary / save files work on (so those
 * files need not import the class, and no import cycle forms).
 */
import type { Generator } from '../core/rng.js';
import type { LrHyper, Optimizer } from '../optim/optimizer.js';
import type { NestedArray, Tensor } from '../tensor/index.js';
import type { Callback, CallbackModel } from './callbacks.js';
import type { JsonValue, Layer, LayerJson, ShapeSpec } from './layer.js';
import type { Logits, LossSpec, MetricName, ResolvedLoss } from './losses.js';
import type { NormalizedOptimizerConfig, OptimizerSpec } from './optimizers.js';

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
  /**
   * Stop with a `NonFiniteError` (naming the epoch and batch) as soon as a batch's loss
   * or a gradient is NaN or infinite, before the optimizer step (Keras'
   * `TerminateOnNaN`, on by default here). Pass false to train on regardless.
   */
  terminateOnNaN?: boolean;
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
export interface Compiled {
  loss: ResolvedLoss;
  optimizer: NormalizedOptimizerConfig | Optimizer<LrHyper>;
  metrics: MetricName[];
}

/** One forward pass: the output, its mask and (softmax / sigmoid heads) the logits. */
export interface RunResult {
  output: Tensor;
  mask: Tensor | null;
  logits: Logits | null;
}

/** The parts of `SequentialModel` that fit, evaluate, predict, summary and save use. */
export interface ModelInternals extends CallbackModel {
  readonly name: string;
  readonly layers: readonly Layer[];
  readonly built: boolean;
  readonly inputShape: ShapeSpec | null;
  readonly fixedBatchSize: number | null;
  readonly training: boolean;
  epoch: number;
  build(inputShape: ShapeSpec): void;
  buildFrom(x: Tensor): void;
  run(x: Tensor, training: boolean, generator?: Generator): RunResult;
  requireCompiled(op: string): Compiled;
  requireBuilt(op: string): ShapeSpec;
  ensureOptimizer(): Optimizer<LrHyper>;
  outputShapes(): ShapeSpec[];
  parameters(): Tensor[];
  stateDict(): Record<string, Tensor>;
  compileConfig(): { [k: string]: JsonValue } | null;
  layerConfigs(): LayerJson[];
  train(mode?: boolean): unknown;
  eval(): unknown;
}

/** Whether `o` is an Optimizer instance (rather than a name or config). */
export function isOptimizer(o: unknown): o is Optimizer<LrHyper> {
  return typeof o === 'object' && o !== null && 'paramGroups' in o && Array.isArray(o.paramGroups);
}
