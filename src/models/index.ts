/**
 * The Keras-style front: `sequential([...])` of layers over the PyTorch-exact modules,
 * `compile`, `fit`, `evaluate`, `predict`, `summary`, callbacks, `save` / `loadModel`.
 *
 * @example
 * const model = sequential([lstm({ units: 5, inputShape: [1, 1] }), dense({ units: 1 })]);
 * model.compile({ loss: 'mse', optimizer: 'adam' });
 * await model.fit(x, y, { epochs: 1000, batchSize: 5, verbose: 2 });
 * model.predict(x);
 */
export {
  Layer,
  formatSpec,
  type BaseLayerOptions,
  type CallContext,
  type JsonValue,
  type LayerJson,
  type LayerOutput,
  type ShapeSpec,
} from './layer.js';
export {
  RecurrentLayer,
  lstm,
  gru,
  simpleRNN,
  bidirectional,
  type RecurrentKind,
  type MergeMode,
  type RecurrentLayerOptions,
  type SimpleRNNOptions,
  type BidirectionalOptions,
} from './recurrent-layer.js';
export {
  DenseLayer,
  DropoutLayer,
  EmbeddingLayer,
  dense,
  dropout,
  embedding,
  type Activation,
  type DenseOptions,
  type DropoutLayerOptions,
  type EmbeddingLayerOptions,
} from './core-layers.js';
export {
  resolveLoss,
  type LossName,
  type LossConfig,
  type LossSpec,
  type CanonicalLoss,
  type MetricName,
  type ResolvedLoss,
} from './losses.js';
export {
  KERAS_DEFAULT_LR,
  type OptimizerName,
  type OptimizerConfig,
  type OptimizerSpec,
  type ClipKind,
} from './optimizers.js';
export {
  EarlyStopping,
  ModelCheckpoint,
  ReduceLROnPlateauCallback,
  ProgressBar,
  earlyStopping,
  modelCheckpoint,
  reduceLROnPlateau,
  progressBar,
  type Callback,
  type CallbackModel,
  type Logs,
  type TrainingParams,
  type MonitorMode,
  type EarlyStoppingOptions,
  type ModelCheckpointOptions,
  type ReduceLROnPlateauCallbackOptions,
  type ProgressBarOptions,
} from './callbacks.js';
export {
  SequentialModel,
  sequential,
  MODEL_FILES,
  MODEL_FORMAT,
  type SequentialOptions,
  type CompileOptions,
  type FitOptions,
  type EvaluateOptions,
  type History,
  type SummaryOptions,
  type Data,
} from './sequential-model.js';
export { loadModel, layerFromConfig } from './load-model.js';
export { NonFiniteError, TerminateOnNaN, terminateOnNaN } from './fit-terminate-on-nan.js';
