// TensorFlow.js layers models saved by TensorFlow.js itself (@tensorflow/tfjs 4.22 in
// test/peers), for longshort's model.json import tests: each model gets random
// weights, is saved as <name>/model.json + <name>/weights.bin, and its input and
// tfjs's prediction go to <name>/io.json, in test/fixtures/tfjs/.
//
// Run: node test/tools/gen-tfjs-models.mjs  (after npm --prefix test/peers ci --ignore-scripts)
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'peers', 'package.json'));
const tf = require('@tensorflow/tfjs');
const out = join(here, '..', 'fixtures', 'tfjs');
const N = 3,
  L = 7,
  F = 4;

let seed = 7;
function rand() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648 - 0.5;
}

const MODELS = {
  lstm_gru: () =>
    tf.sequential({
      layers: [
        tf.layers.lstm({ units: 5, returnSequences: true, inputShape: [L, F] }),
        tf.layers.dropout({ rate: 0.2 }),
        tf.layers.gru({ units: 4, returnSequences: true }),
        tf.layers.simpleRNN({ units: 3, activation: 'relu' }),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    }),
  bidir_embed: () =>
    tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 10, outputDim: 3, inputLength: L }),
        tf.layers.bidirectional({
          layer: tf.layers.lstm({ units: 3, returnSequences: true, recurrentActivation: 'sigmoid' }),
          mergeMode: 'concat',
        }),
        tf.layers.bidirectional({ layer: tf.layers.gru({ units: 2 }), mergeMode: 'sum' }),
        tf.layers.dense({ units: 1 }),
      ],
    }),
  hard_sigmoid_default: () =>
    tf.sequential({
      layers: [
        tf.layers.lstm({ units: 4, inputShape: [L, F], goBackwards: true, returnSequences: true }),
        tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: 'tanh' }) }),
      ],
    }),
};

for (const [name, make] of Object.entries(MODELS)) {
  const model = make();
  model.setWeights(
    model.getWeights().map((w) =>
      tf.tensor(
        Array.from({ length: w.size }, () => rand()),
        w.shape,
      ),
    ),
  );
  const ids = name === 'bidir_embed';
  const xs = Array.from({ length: ids ? N * L : N * L * F }, () =>
    ids ? Math.floor((rand() + 0.5) * 9.99) : rand() * 2,
  );
  const x = ids ? tf.tensor(xs, [N, L], 'int32') : tf.tensor(xs, [N, L, F]);
  const y = model.predict(x);
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler((a) => {
      const json = {
        modelTopology: a.modelTopology,
        format: a.format,
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      writeFileSync(join(dir, 'weights.bin'), Buffer.from(a.weightData));
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
    }),
  );
  writeFileSync(
    join(dir, 'io.json'),
    JSON.stringify({
      x: { shape: x.shape, dtype: x.dtype, data: xs },
      y: { shape: y.shape, data: Array.from(y.dataSync()) },
    }),
  );
  console.log('wrote', name);
}
