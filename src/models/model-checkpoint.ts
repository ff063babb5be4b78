/*
 * modelCheckpoint: saves the model after every epoch or when a monitored value improves
 * (Keras' ModelCheckpoint).
 */
import { ConfigError, StateError } from '../core/errors.js';
import { monitored, requireModel, resolveMode } from './callback.js';
import type { Callback, CallbackModel, Logs, MonitorMode } from './callback.js';
import { checkKeys } from './layer.js';

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
