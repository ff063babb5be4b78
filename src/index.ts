/**
 * longshort: LSTM, GRU and RNN layers for TypeScript with PyTorch's exact semantics,
 * autograd training, and a Keras-style front.
 *
 * @example
 * import { LSTM, Linear, Adam, crossEntropy, randn, tensor } from 'longshort';
 * const lstm = new LSTM(28, 128, { numLayers: 2, batchFirst: true });
 * const head = new Linear(128, 10);
 * const x = randn([100, 28, 28]);                       // (N, L, H_in)
 * const [out] = lstm.forward(x);                         // (N, L, 128)
 * const logits = head.forward(out.select(1, -1));        // (N, 10)
 *
 * // or Keras-style:
 * import { sequential, layers } from 'longshort';
 * const model = sequential([layers.lstm({ units: 5, inputShape: [1, 1] }), layers.dense({ units: 1 })]);
 * model.compile({ loss: 'mse', optimizer: 'adam' });
 */
// Everything the browser entry has (browser.ts), plus what reads or writes files.
export * from './browser.js';
export * from './io/safetensors.js';
export * from './io/torch-file.js';
export { writeFileAtomic, writeFileAtomicSync } from './io/atomic-write.js';
export * from './data/index.js';
export { loadModel } from './models/index.js';
export { generateText, type GenerateTextOptions, type TextVocab } from './models/generate-text.js';
// interop: other ecosystems' model files in and out (Keras .keras / .h5)
export * from './interop/index.js';
