/**
 * The Keras-style layer factories, exported from the package as the `layers` namespace
 * (the plain names `dropout` and `embedding` are the tensor ops).
 *
 * @example
 * import { sequential, layers } from 'longshort';
 * const model = sequential([
 *   layers.lstm({ units: 128, returnSequences: true, inputShape: [28, 28] }),
 *   layers.lstm({ units: 128 }),
 *   layers.dense({ units: 10 }),
 * ]);
 *
 * @module
 */
export { lstm, gru, simpleRNN, bidirectional } from './recurrent-layer.js';
export { dense, dropout, embedding } from './core-layers.js';
