/*
 * Keras-style training callbacks: the Callback interface, earlyStopping,
 * modelCheckpoint, reduceLROnPlateau and a progress bar.
 */
import { ConfigError, StateError } from '../core/errors.js';
import type { LrHyper, Optimizer } from '../optim/optimizer.js';
import { ReduceLROnPlateau } from '../optim/reduce-lr-on-plateau.js';
import type { Tensor } from '../tensor/index.js';
import { checkKeys } from './layer.js';

/**
 * Numbers logged per batch or epoch: `loss`, metrics, `val_loss`, `val_<metric>`.
 *
 * @example
 * const logger: Callback = { onEpochEnd: (epoch: number, logs: Logs) => console.log(epoch, logs.loss, logs.val_loss) };
 */
export type Logs = Record<string, number>;

/** What a callback sees of the model. */
export interface CallbackModel {
  /** Set to true to stop training after the current epoch. */
  stopTraining: boolean;
  /** The compiled optimizer (null before the first `fit`). */
  readonly optimizer: Optimizer<LrHyper> | null;
  /** Copies of all weights, by state-dict key. */
  getWeights(): Map<string, Tensor>;
  /** Loads weights from `getWeights()`. */
  setWeights(weights: Map<string, Tensor>): void;
  /** Saves the model (see `SequentialModel.save`). */
  save(dir: string): Promise<void>;
}

/** The run's parameters, given to `onTrainBegin`. */
export interface TrainingParams {
  /** The epoch count training stops at (Keras' `epochs`). */
  epochs: number;
  /** The first epoch's index (Keras' `initialEpoch`). */
  initialEpoch: number;
  /** Batches per epoch. */
  steps: number;
  /** Training samples. */
  samples: number;
  verbose: 0 | 1 | 2;
}

/**
 * A training callback, after Keras' `Callback`: every method is optional and may be
 * async (`fit` awaits it). `epoch` is 0-based; `logs` hold `loss`, the metrics and,
 * with validation, `val_loss` and `val_<metric>` (epoch end); `loss` and `size` (batch
 * end, the batch's mean loss and sample count).
 *
 * @example
 * const logger: Callback = { onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) };
 * await model.fit(x, y, { epochs: 5, callbacks: [logger] });
 */
export interface Callback {
  /** Called by `fit` before training with the model. */
  setModel?(model: CallbackModel): void;
  onTrainBegin?(params: TrainingParams): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  /**
   * Called by `fit` after a batch's backward pass and before the optimizer step, with
   * the batch loss and the parameters (their `.grad` set); throwing stops training
   * before the weights change (see `terminateOnNaN`).
   */
  onBatchGradients?(epoch: number, batch: number, loss: number, params: readonly Tensor[]): void;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
}

/** How a monitored value improves. */
export type MonitorMode = 'auto' | 'min' | 'max';

function resolveMode(op: string, mode: MonitorMode | undefined, monitor: string): 'min' | 'max' {
  const m = mode ?? 'auto';
  if (m !== 'auto' && m !== 'min' && m !== 'max')
    throw new ConfigError(`${op}: mode must be 'auto', 'min' or 'max'; got ${String(m)}`);
  if (m !== 'auto') return m;
  return /acc/.test(monitor) ? 'max' : 'min';
}

function nonNegative(op: string, name: string, v: unknown, dflt: number, integer = false): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !(v >= 0) || (integer && !Number.isInteger(v))) {
    throw new ConfigError(
      `${op}: ${name} must be a non-negative ${integer ? 'integer' : 'number'}; got ${String(v)}`,
    );
  }
  return v;
}

function requireModel(op: string, m: CallbackModel | null): CallbackModel {
  if (m === null)
    throw new StateError(`${op}: the callback is not attached to a model; pass it to fit({ callbacks })`);
  return m;
}

function monitored(op: string, logs: Logs, monitor: string): number {
  const v = logs[monitor];
  if (v === undefined) {
    throw new ConfigError(
      `${op}: the monitored value '${monitor}' is not in the logs; available: ${Object.keys(logs).join(', ')} (val_* needs validation data)`,
    );
  }
  return v;
}

/** Options of `earlyStopping`. */
export interface EarlyStoppingOptions {
  /** The logged value to watch. Default 'val_loss'. */
  monitor?: string;
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  /** The smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** 'min', 'max' or 'auto' (max for names containing 'acc'). Default 'auto'. */
  mode?: MonitorMode;
  /** When stopping, restore the weights of the best epoch. Default false. */
  restoreBestWeights?: boolean;
}

/**
 * Stops training when a monitored value has not improved for `patience` epochs (Keras'
 * `EarlyStopping`): after each epoch, an improvement (by more than `minDelta`) resets
 * the wait, otherwise the wait grows and training stops once it reaches `patience`.
 * With `restoreBestWeights` the best epoch's weights are put back when it stops.
 * A monitored name missing from the logs is a ConfigError.
 *
 * @example await model.fit(x, y, { epochs: 100, validationSplit: 0.2, callbacks: [earlyStopping({ patience: 3, restoreBestWeights: true })] })
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  readonly restoreBestWeights: boolean;
  /** Best value so far. */
  best = Infinity;
  /** Epoch of the best value (-1 before). */
  bestEpoch = -1;
  /** Epochs since the best. */
  wait = 0;
  /** The epoch training stopped at, or -1. */
  stoppedEpoch = -1;
  private model: CallbackModel | null = null;
  private bestWeights: Map<string, Tensor> | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    const op = 'earlyStopping';
    checkKeys(op, options, ['monitor', 'patience', 'minDelta', 'mode', 'restoreBestWeights']);
    this.monitor = options.monitor ?? 'val_loss';
    if (typeof this.monitor !== 'string')
      throw new ConfigError(`${op}: monitor must be a string; got ${String(this.monitor)}`);
    this.patience = nonNegative(op, 'patience', options.patience, 0, true);
    this.minDelta = nonNegative(op, 'minDelta', Math.abs(options.minDelta ?? 0), 0);
    this.mode = resolveMode(op, options.mode, this.monitor);
    const r = options.restoreBestWeights ?? false;
    if (typeof r !== 'boolean')
      throw new ConfigError(`${op}: restoreBestWeights must be a boolean; got ${String(r)}`);
    this.restoreBestWeights = r;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.bestEpoch = -1;
    this.wait = 0;
    this.stoppedEpoch = -1;
    this.bestWeights = null;
  }

  private improved(v: number): boolean {
    return this.mode === 'min' ? v + this.minDelta < this.best : v - this.minDelta > this.best;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const model = requireModel('earlyStopping', this.model);
    const v = monitored('earlyStopping', logs, this.monitor);
    this.wait += 1;
    if (this.improved(v)) {
      this.best = v;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) this.bestWeights = model.getWeights();
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
      if (this.restoreBestWeights && this.bestWeights !== null) model.setWeights(this.bestWeights);
    }
  }
}

/**
 * Creates an `EarlyStopping` callback.
 * @example earlyStopping({ monitor: 'val_loss', patience: 5, restoreBestWeights: true })
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}

/** Options of `modelCheckpoint`. */
export interface ModelCheckpointOptions {
  /** The logged value to watch (with `saveBestOnly`). Default 'val_loss'. */
  monitor?: string;
  /** Save only when the monitored value improves on the best so far. Default false (every epoch). */
  saveBestOnly?: boolean;
  /** 'min', 'max' or 'auto'. Default 'auto'. */
  mode?: MonitorMode;
}

/**
 * Saves the model with `model.save(dir)` after every epoch, or only when the monitored
 * value improves (`saveBestOnly`), like Keras' `ModelCheckpoint`. `{epoch}` in `dir` is
 * replaced by the 1-based epoch number. Each save is atomic per file (see `save`).
 *
 * @example modelCheckpoint('checkpoints/best', { monitor: 'val_loss', saveBestOnly: true })
 */
export class ModelCheckpoint implements Callback {
  readonly dir: string;
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly mode: 'min' | 'max';
  /** Best monitored value so far. */
  best: number;
  /** Epochs (0-based) at which the model was saved. */
  readonly savedEpochs: number[] = [];
  private model: CallbackModel | null = null;

  constructor(dir: string, options: ModelCheckpointOptions = {}) {
    const op = 'modelCheckpoint';
    if (typeof dir !== 'string' || dir === '')
      throw new ConfigError(`${op}: dir must be a non-empty path; got ${JSON.stringify(dir)}`);
    checkKeys(op, options, ['monitor', 'saveBestOnly', 'mode']);
    this.dir = dir;
    this.monitor = options.monitor ?? 'val_loss';
    const s = options.saveBestOnly ?? false;
    if (typeof s !== 'boolean')
      throw new ConfigError(`${op}: saveBestOnly must be a boolean; got ${String(s)}`);
    this.saveBestOnly = s;
    this.mode = resolveMode(op, options.mode, this.monitor);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const model = requireModel('modelCheckpoint', this.model);
    if (this.saveBestOnly) {
      const v = monitored('modelCheckpoint', logs, this.monitor);
      const better = this.mode === 'min' ? v < this.best : v > this.best;
      if (!better) return;
      this.best = v;
    }
    // never replace a checkpoint with non-finite weights (training diverged)
    for (const [k, t] of model.getWeights()) {
      if (t.dtype !== 'int32' && !t.data.every(Number.isFinite)) {
        throw new StateError(
          `modelCheckpoint: weights must be finite to be saved; "${k}" holds NaN or Infinity at epoch ${epoch} (the last checkpoint is kept)`,
        );
      }
    }
    await model.save(this.dir.replace(/\{epoch\}/g, String(epoch + 1)));
    this.savedEpochs.push(epoch);
  }
}

/**
 * Creates a `ModelCheckpoint` callback.
 * @example modelCheckpoint('ckpt/epoch-{epoch}')
 */
export function modelCheckpoint(dir: string, options: ModelCheckpointOptions = {}): ModelCheckpoint {
  return new ModelCheckpoint(dir, options);
}

/** Options of `reduceLROnPlateau` (Keras' names). */
export interface ReduceLROnPlateauCallbackOptions {
  /** The logged value to watch. Default 'val_loss'. */
  monitor?: string;
  /** New lr = lr * factor (must be < 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement before the lr is reduced. Default 10. */
  patience?: number;
  /** Lower bound on the lr. Default 0. */
  minLr?: number;
  /** The smallest (absolute) change that counts as an improvement. Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction. Default 0. */
  cooldown?: number;
  /** 'min', 'max' or 'auto'. Default 'auto'. */
  mode?: MonitorMode;
}

/**
 * Reduces the learning rate when a monitored value stops improving (Keras'
 * `ReduceLROnPlateau`), driving src/optim's `ReduceLROnPlateau` with
 * `thresholdMode: 'abs'`, `threshold: minDelta`. Keras reduces after `patience`
 * epochs without improvement, PyTorch after more than `patience`; this callback uses
 * Keras' count (PyTorch patience = max(patience - 1, 0)).
 *
 * @example reduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 2, minLr: 1e-5 })
 */
export class ReduceLROnPlateauCallback implements Callback {
  readonly monitor: string;
  private readonly options: ReduceLROnPlateauCallbackOptions;
  private readonly mode: 'min' | 'max';
  private model: CallbackModel | null = null;
  /** The scheduler (created at the start of training). */
  scheduler: ReduceLROnPlateau | null = null;

  constructor(options: ReduceLROnPlateauCallbackOptions = {}) {
    const op = 'reduceLROnPlateau';
    checkKeys(op, options, ['monitor', 'factor', 'patience', 'minLr', 'minDelta', 'cooldown', 'mode']);
    this.monitor = options.monitor ?? 'val_loss';
    this.mode = resolveMode(op, options.mode, this.monitor);
    nonNegative(op, 'patience', options.patience, 10, true);
    nonNegative(op, 'minLr', options.minLr, 0);
    nonNegative(op, 'minDelta', options.minDelta, 1e-4);
    nonNegative(op, 'cooldown', options.cooldown, 0, true);
    this.options = { ...options };
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    const model = requireModel('reduceLROnPlateau', this.model);
    if (model.optimizer === null)
      throw new StateError('reduceLROnPlateau: the model has no optimizer; compile it first');
    const o = this.options;
    this.scheduler = new ReduceLROnPlateau(model.optimizer, {
      mode: this.mode,
      factor: o.factor ?? 0.1,
      patience: Math.max((o.patience ?? 10) - 1, 0),
      threshold: o.minDelta ?? 1e-4,
      thresholdMode: 'abs',
      cooldown: o.cooldown ?? 0,
      minLr: o.minLr ?? 0,
    });
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    (this.scheduler as ReduceLROnPlateau).step(monitored('reduceLROnPlateau', logs, this.monitor));
  }
}

/**
 * Creates a `ReduceLROnPlateauCallback`.
 * @example reduceLROnPlateau({ factor: 0.2, patience: 5 })
 */
export function reduceLROnPlateau(options: ReduceLROnPlateauCallbackOptions = {}): ReduceLROnPlateauCallback {
  return new ReduceLROnPlateauCallback(options);
}

/** Options of `progressBar`. */
export interface ProgressBarOptions {
  /**
   * 'bar': a cli-progress bar per epoch on a TTY (plain lines otherwise, like 'epoch');
   * 'epoch': one line per epoch. Default 'bar' (what `verbose: 1` uses; `verbose: 2` uses 'epoch').
   */
  mode?: 'bar' | 'epoch';
  /** Where lines go. Default `console.log`. */
  print?: (line: string) => void;
}

interface BarLike {
  start(total: number, value: number, payload?: object): void;
  update(value: number, payload?: object): void;
  stop(): void;
}

function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .filter(([k]) => k !== 'size')
    .map(([k, v]) => `${k}: ${v.toPrecision(4)}`)
    .join(' - ');
}

/**
 * Progress output, like Keras' `verbose` modes: `Epoch 3/10 - 12ms - loss: 0.1234 -
 * val_loss: 0.2345` per epoch, or a live cli-progress bar on a TTY (cli-progress is
 * loaded on first use, so browsers never load it).
 *
 * @example await model.fit(x, y, { verbose: 0, callbacks: [progressBar({ mode: 'epoch' })] })
 */
export class ProgressBar implements Callback {
  readonly mode: 'bar' | 'epoch';
  private readonly print: (line: string) => void;
  private params: TrainingParams | null = null;
  private bar: BarLike | null = null;
  private started = 0;
  private seen = 0;

  constructor(options: ProgressBarOptions = {}) {
    checkKeys('progressBar', options, ['mode', 'print']);
    const mode = options.mode ?? 'bar';
    if (mode !== 'bar' && mode !== 'epoch')
      throw new ConfigError(`progressBar: mode must be 'bar' or 'epoch'; got ${String(mode)}`);
    this.mode = mode;
    this.print = options.print ?? ((line: string) => console.log(line));
  }

  async onTrainBegin(params: TrainingParams): Promise<void> {
    this.params = params;
    const stdout = (globalThis as { process?: { stdout?: NodeJS.WriteStream } }).process?.stdout;
    if (this.mode === 'bar' && stdout?.isTTY === true) {
      const mod = await import('cli-progress');
      this.bar = new mod.SingleBar(
        {
          format: 'Epoch {epoch} [{bar}] {value}/{total} | {logs}',
          hideCursor: false,
          clearOnComplete: false,
          stream: stdout,
        },
        mod.Presets.shades_classic,
      );
    }
  }

  onEpochBegin(epoch: number): void {
    this.started = Date.now();
    this.seen = 0;
    const p = this.params as TrainingParams;
    this.bar?.start(p.steps, 0, { epoch: `${epoch + 1}/${p.epochs}`, logs: '' });
  }

  onBatchEnd(_batch: number, logs: Logs): void {
    this.seen += 1;
    this.bar?.update(this.seen, { logs: formatLogs({ loss: logs.loss }) });
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const p = this.params as TrainingParams;
    if (this.bar !== null) {
      this.bar.update(this.seen, { logs: formatLogs(logs) });
      this.bar.stop();
      return;
    }
    this.print(`Epoch ${epoch + 1}/${p.epochs} - ${Date.now() - this.started}ms - ${formatLogs(logs)}`);
  }
}

/**
 * Creates a `ProgressBar` callback.
 * @example progressBar({ mode: 'epoch' })
 */
export function progressBar(options: ProgressBarOptions = {}): ProgressBar {
  return new ProgressBar(options);
}
