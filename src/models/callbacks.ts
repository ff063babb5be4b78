/*
 * Keras-style training callbacks, one file each: the Callback contract (callback.ts),
 * earlyStopping, modelCheckpoint, reduceLROnPlateau and a progress bar.
 */
export type { Callback, CallbackModel, Logs, MonitorMode, TrainingParams } from './callback.js';
export { EarlyStopping, earlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { ModelCheckpoint, modelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint.js';
export { ProgressBar, progressBar, type ProgressBarOptions } from './progress-bar.js';
export {
  ReduceLROnPlateauCallback,
  reduceLROnPlateau,
  type ReduceLROnPlateauCallbackOptions,
} from './reduce-lr-callback.js';
