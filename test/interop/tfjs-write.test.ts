// Models longshort writes as TF.js layers models: read back here, and (when
// test/peers has @tensorflow/tfjs) loaded by tf.loadLayersModel, which must predict
// what longshort predicts, float32 and quantized.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot } from '../helpers/fixtures.js';
import { UnsupportedError } from '../../src/core/errors.js';
import { manualSeed } from '../../src/core/rng.js';
import { readTfjsModel } from '../../src/interop/tfjs/tfjs-read.js';
import { writeTfjsModel, type WriteTfjsOptions } from '../../src/interop/tfjs/tfjs-write.js';
import {
  bidirectional,
  dense,
  embedding,
  gru,
  lstm,
  sequential,
  simpleRNN,
  type SequentialModel,
} from '../../src/models/index.js';
import { randint, randn, type Tensor } from '../../src/tensor/index.js';

const peers = join(repoRoot, 'test', 'peers', 'package.json');
const hasTf = existsSync(join(repoRoot, 'test', 'peers', 'node_modules', '@tensorflow', 'tfjs'));

interface Tf {
  loadLayersModel(h: unknown): Promise<{ predict(x: unknown): { dataSync(): Float32Array } }>;
  io: { fromMemory(a: unknown): unknown };
  tensor(d: number[], s: number[], dtype?: string): unknown;
}

function models(): Array<[string, SequentialModel, Tensor]> {
  manualSeed(31);
  return [
    [
      'stack',
      sequential([
        lstm({ units: 4, returnSequences: true, recurrentActivation: 'hardSigmoid', inputShape: [7, 3] }),
        gru({ units: 3, resetAfter: false, returnSequences: true }),
        simpleRNN({ units: 2, activation: 'relu' }),
        dense({ units: 2, activation: 'softmax' }),
      ]),
      randn([3, 7, 3]),
    ],
    [
      'bidir',
      sequential([
        embedding({ inputDim: 8, outputDim: 3, inputShape: [7] }),
        bidirectional(lstm({ units: 2, returnSequences: true }), { mergeMode: 'ave' }),
        bidirectional(gru({ units: 2, resetAfter: false })),
        dense({ units: 1 }),
      ]),
      randint(0, 8, [3, 7]),
    ],
  ];
}

const QUANT: Array<WriteTfjsOptions['quantize']> = [undefined, 'float16', 'uint16', 'uint8'];

for (const [name, model, x] of models()) {
  const want = model.predict(x);
  for (const q of QUANT) {
    test(
      `${name} (${q ?? 'float32'}): written as a TF.js model, read back here${q === undefined ? ', predicts the same' : ''}; tfjs predicts what longshort reads`,
      { skip: false },
      async () => {
        const { modelJson, weightData } = writeTfjsModel(model, { quantize: q });
        const back = readTfjsModel(modelJson, weightData, `${name}/model.json`);
        const got = back.predict(x);
        if (q === undefined)
          for (let i = 0; i < want.numel(); i++)
            assert.ok(Math.abs(got.data[i] - want.data[i]) <= 1e-6 * (1 + Math.abs(want.data[i])));
        if (!hasTf) return;
        const require = createRequire(peers);
        const tf = require('@tensorflow/tfjs') as Tf;
        const topo = modelJson.modelTopology;
        const specs = (modelJson.weightsManifest as Array<{ weights: unknown[] }>)[0].weights;
        const buf = weightData.buffer.slice(
          weightData.byteOffset,
          weightData.byteOffset + weightData.byteLength,
        );
        const m = await tf.loadLayersModel(
          tf.io.fromMemory({ modelTopology: topo, weightSpecs: specs, weightData: buf }),
        );
        const xt =
          x.dtype === 'int32'
            ? tf.tensor(Array.from(x.data), [...x.shape], 'int32')
            : tf.tensor(Array.from(x.data), [...x.shape]);
        const y = m.predict(xt).dataSync();
        let num = 0;
        let den = 0;
        for (let i = 0; i < y.length; i++) {
          num = Math.max(num, Math.abs(y[i] - got.data[i]));
          den = Math.max(den, Math.abs(got.data[i]));
        }
        assert.ok(num / den < 1e-5, `relative error ${num / den}`);
      },
    );
  }
}

test('TF.js cannot express a reset-after GRU: UnsupportedError', () => {
  const m = sequential([gru({ units: 2, inputShape: [3, 2] })]);
  assert.throws(
    () => writeTfjsModel(m),
    (e: Error) => e instanceof UnsupportedError && /resetAfter/.test(e.message),
  );
});

test(
  'the live TF.js cross-check ran or says why not',
  {
    skip: hasTf ? false : 'test/peers has no @tensorflow/tfjs (npm --prefix test/peers ci --ignore-scripts)',
  },
  () => {
    assert.ok(hasTf);
  },
);
