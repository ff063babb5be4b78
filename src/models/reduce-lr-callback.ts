/*
 * reduceLROnPlateau (the callback): lowers the optimizer's learning rate when a monitored
 * value stops improving, with Keras' option names over src/optim's ReduceLROnPlateau.
 */
import { StateError } from '../core/errors.js';
import { ReduceLROnPlateau } from '../optim/reduce-lr-on-plateau.js';
import { monitored, nonNegative, requireModel, resolveMode } from './callback.js';
import type { Callback, CallbackModel, Logs, MonitorMode } from './callback.js';
import { checkKeys } from './layer.js';

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
