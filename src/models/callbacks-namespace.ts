/**
 * The `callbacks.` namespace of the public API, as `layers.` is for the layers: the
 * Keras-style callback factories and their classes, so that `callbacks.reduceLROnPlateau`
 * (lowers an optimizer's learning rate during `fit`) reads apart from the
 * `ReduceLROnPlateau` scheduler of `torch.optim`.
 *
 * @example
 * import { callbacks } from 'longshort';
 * await model.fit(x, y, { epochs: 50, callbacks: [callbacks.earlyStopping({ patience: 5 })] });
 *
 * @module
 */
export {
  earlyStopping,
  modelCheckpoint,
  reduceLROnPlateau,
  progressBar,
  EarlyStopping,
  ModelCheckpoint,
  ReduceLROnPlateauCallback,
  ProgressBar,
  type EarlyStoppingOptions,
  type ModelCheckpointOptions,
  type ReduceLROnPlateauCallbackOptions,
  type ProgressBarOptions,
  type MonitorMode,
} from './callbacks.js';
