// The first half of test/tools/gen_onnx_export_cases.py: longshort's recurrent modules and
// Keras-front models with cell variants (peepholes, coupled input-forget gate, clip,
// other activations, the reset-before GRU), exported by longshort's exportOnnx, with
// inputs of batch 3 and sequence 7. Writes, per case, <out>/<name>/model.onnx, case.json
// (how to rebuild the model: class, sizes, options or layer configs, seed) and
// inputs.json (the feeds, float32 values); the Python generator runs them through
// onnxruntime.
//
// Run (after npm run build): node test/tools/export-onnx-variant-cases.mjs <out>
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manualSeed } from '../../dist/src/core/rng.js';
import { exportOnnx } from '../../dist/src/interop/onnx/index.js';
import * as layers from '../../dist/src/models/layers.js';
import { sequential } from '../../dist/src/models/index.js';
import { GRU, LSTM, RNN } from '../../dist/src/nn/index.js';
import { randn } from '../../dist/src/tensor/index.js';

const CLASSES = { LSTM, GRU, RNN };
const [N, L, I, H] = [3, 7, 4, 5];

/** [name, class, options, initial states] */
export const CASES = [
  ['lstm_peepholes_bidirectional_init', 'LSTM', { peepholes: true, bidirectional: true }, true],
  [
    'lstm_peepholes_coupled_clip_2layers',
    'LSTM',
    { peepholes: true, coupledInputForget: true, clip: 0.7, numLayers: 2 },
    false,
  ],
  ['lstm_coupled_batchfirst', 'LSTM', { coupledInputForget: true, batchFirst: true }, false],
  [
    'lstm_activations_peepholes',
    'LSTM',
    {
      peepholes: true,
      gateActivation: { name: 'hardSigmoid', alpha: 0.3, beta: 0.45 },
      cellActivation: 'softsign',
      outActivation: { name: 'elu', alpha: 0.7 },
    },
    false,
  ],
  [
    'lstm_keras3_hardsigmoid_clip',
    'LSTM',
    { gateActivation: { name: 'hardSigmoid', alpha: 1 / 6 }, clip: 1.5 },
    true,
  ],
  ['gru_reset_before_clip_bidirectional', 'GRU', { resetAfter: false, clip: 0.6, bidirectional: true }, true],
  [
    'gru_activations_reset_before',
    'GRU',
    {
      resetAfter: false,
      gateActivation: { name: 'leakyRelu', alpha: 0.2 },
      cellActivation: { name: 'scaledTanh', alpha: 1.3, beta: 0.6 },
    },
    false,
  ],
  ['gru_clip_reset_after', 'GRU', { clip: 0.5 }, false],
  ['rnn_softplus_clip_2layers', 'RNN', { activation: 'softplus', clip: 0.9, numLayers: 2 }, false],
  ['rnn_affine', 'RNN', { activation: { name: 'affine', alpha: 0.5, beta: 0.1 } }, true],
  [
    'rnn_thresholdedrelu_bidirectional',
    'RNN',
    { activation: { name: 'thresholdedRelu', alpha: 0.2 }, bidirectional: true },
    false,
  ],
  ['rnn_relu_clip', 'RNN', { nonlinearity: 'relu', clip: 0.8 }, false],
];

/** [name, Keras-front layers (the first with inputShape [7, I])]: exported like predict, input -> output */
export const SEQUENTIAL_CASES = [
  [
    'sequential_simplernn_softsign_gru_reset_before_lstm_peepholes',
    () => [
      layers.simpleRNN({
        units: 4,
        activation: 'softsign',
        clip: 1,
        returnSequences: true,
        inputShape: [L, I],
      }),
      layers.gru({ units: 4, resetAfter: false, recurrentActivation: 'hardSigmoid', returnSequences: true }),
      layers.lstm({ units: 3, peepholes: true, coupledInputForget: true, clip: 0.8 }),
      layers.dense({ units: 2 }),
    ],
  ],
  [
    'sequential_bidirectional_lstm_keras3_hardsigmoid_peepholes',
    () => [
      layers.bidirectional(
        layers.lstm({
          units: 3,
          peepholes: true,
          recurrentActivation: { name: 'hardSigmoid', alpha: 1 / 6 },
          returnSequences: true,
        }),
        { mergeMode: 'sum', inputShape: [L, I] },
      ),
    ],
  ],
];

const out = process.argv[2];
if (!out) throw new Error('usage: node test/tools/export-onnx-variant-cases.mjs <out>');
for (const [name, cls, options, init] of CASES) {
  const seed = 100 + CASES.findIndex((c) => c[0] === name);
  manualSeed(seed);
  const m = new CLASSES[cls](I, H, options);
  const D = options.bidirectional ? 2 : 1;
  const layers = options.numLayers ?? 1;
  const feeds = { input: randn(options.batchFirst ? [N, L, I] : [L, N, I]).mul(2) };
  if (init) {
    feeds.h0 = randn([layers * D, N, H]);
    if (cls === 'LSTM') feeds.c0 = randn([layers * D, N, H]);
  }
  const bytes = await exportOnnx(m, init ? { initialStates: true } : {});
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), bytes);
  writeFileSync(
    join(dir, 'case.json'),
    JSON.stringify({ class: cls, inputSize: I, hiddenSize: H, options, seed, initialStates: init }, null, 1),
  );
  const inputs = Object.entries(feeds).map(([k, t]) => ({
    name: k,
    shape: t.shape,
    data: Array.from(t.data),
  }));
  writeFileSync(join(dir, 'inputs.json'), JSON.stringify(inputs));
  console.log(name);
}
for (const [name, make] of SEQUENTIAL_CASES) {
  const seed = 200 + SEQUENTIAL_CASES.findIndex((c) => c[0] === name);
  manualSeed(seed);
  const model = sequential(make());
  const x = randn([N, L, I]).mul(2);
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), await exportOnnx(model));
  writeFileSync(
    join(dir, 'case.json'),
    JSON.stringify({ class: 'Sequential', layers: model.layerConfigs(), seed }, null, 1),
  );
  writeFileSync(
    join(dir, 'inputs.json'),
    JSON.stringify([{ name: 'input', shape: x.shape, data: Array.from(x.data) }]),
  );
  console.log(name);
}
