/*
 * The contract of a Keras-style training callback (what `fit` calls and what a callback
 * sees of the model and the run), and the checks the built-in callbacks share: the
 * monitor mode, non-negative options, the attached model, the monitored log value.
 */
import { showValue } from '../core/check.js';
import { ConfigError, StateError } from '../core/errors.js';
import type { LrHyper, Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/index.js';

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

/** 'min' or 'max' for a monitor: as given, or by the name under 'auto' (`acc` in it: max). */
export function resolveMode(op: string, mode: MonitorMode | undefined, monitor: string): 'min' | 'max' {
  const m = mode ?? 'auto';
  if (m !== 'auto' && m !== 'min' && m !== 'max')
    throw new ConfigError(`${op}: mode must be 'auto', 'min' or 'max'; got ${String(m)}`);
  if (m !== 'auto') return m;
  return /acc/.test(monitor) ? 'max' : 'min';
}

/** An optional non-negative number (an integer with `integer`), else `dflt`; a ConfigError otherwise. */
export function nonNegative(op: string, name: string, v: unknown, dflt: number, integer = false): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !(v >= 0) || (integer && !Number.isInteger(v))) {
    throw new ConfigError(
      `${op}: ${name} must be a non-negative ${integer ? 'integer' : 'number'}; got ${showValue(v)}`,
    );
  }
  return v;
}

/** The model the callback is attached to; a StateError before `fit` attached one. */
export function requireModel(op: string, m: CallbackModel | null): CallbackModel {
  if (m === null)
    throw new StateError(`${op}: the callback is not attached to a model; pass it to fit({ callbacks })`);
  return m;
}

/** The monitored value from the logs; a ConfigError naming the names that are there. */
export function monitored(op: string, logs: Logs, monitor: string): number {
  const v = logs[monitor];
  if (v === undefined) {
    throw new ConfigError(
      `${op}: the monitored value '${monitor}' is not in the logs; available: ${Object.keys(logs).join(', ')} (val_* needs validation data)`,
    );
  }
  return v;
}
