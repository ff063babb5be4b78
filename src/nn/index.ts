/*
 * torch.nn for longshort: the Module base, layers, initialisers and losses.
 * Recurrent layers live in ./rnn and are re-exported below.
 */
export { Module, type StateDict, type LoadStateDictOptions, type LoadStateDictResult } from './module.js';
export { Parameter } from './parameter.js';
export { Linear, type LinearOptions } from './linear.js';
export { Embedding, type EmbeddingOptions, type FromPretrainedOptions } from './embedding.js';
export { Dropout, type DropoutModuleOptions } from './dropout.js';
export { Sequential, type TensorModule } from './sequential.js';
export * as init from './init.js';
export type { InitOptions, KaimingOptions, Nonlinearity, FanMode } from './init.js';
export * from './losses/index.js';

// recurrent layers (src/nn/rnn)
export * from './rnn/index.js';
