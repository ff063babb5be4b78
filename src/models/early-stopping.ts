/*
 * earlyStopping: stops `fit` when a monitored value stops improving, optionally
 * restoring the best weights (Keras' EarlyStopping).
 */
import { ConfigError } from '../core/errors.js';
import type { Tensor } from '../tensor/index.js';
import { monitored, nonNegative, requireModel, resolveMode } from './callback.js';
import type { Callback, CallbackModel, Logs, MonitorMode } from './callback.js';
import { checkKeys } from './layer.js';

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
