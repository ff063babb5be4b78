// Files longshort writes: they read back here with the same predictions, and (when
// .venv has Keras, see scripts/setup-python.sh) keras.saving.load_model loads them and
// predicts the same.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { hasKeras, relErr, runKeras } from './keras-check.js';
import { manualSeed } from '../../../src/core/rng.js';
import { readKerasArchive, readKerasH5 } from '../../../src/interop/keras/keras-read.js';
import { writeKerasArchive, writeKerasH5 } from '../../../src/interop/keras/keras-write.js';
import {
  bidirectional,
  dense,
  dropout,
  embedding,
  gru,
  lstm,
  sequential,
  simpleRNN,
  type SequentialModel,
} from '../../../src/models/index.js';
import { randint, randn, Tensor } from '../../../src/tensor/index.js';

function models(): Array<[string, SequentialModel, Tensor]> {
  manualSeed(21);
  const out: Array<[string, SequentialModel, Tensor]> = [];
  out.push([
    'stack',
    sequential([
      lstm({
        units: 5,
        returnSequences: true,
        recurrentActivation: { name: 'hardSigmoid', alpha: 1 / 6 },
        inputShape: [7, 4],
      }),
      dropout({ rate: 0.2 }),
      gru({ units: 4, resetAfter: false, returnSequences: true }),
      gru({ units: 3, activation: 'relu' }),
      dense({ units: 2, activation: 'softmax' }),
    ]),
    randn([3, 7, 4]),
  ]);
  out.push([
    'bidir',
    sequential([
      bidirectional(gru({ units: 3, returnSequences: true }), { mergeMode: 'sum', inputShape: [7, 4] }),
      bidirectional(simpleRNN({ units: 3, returnSequences: true, activation: 'relu' }), { mergeMode: 'ave' }),
      bidirectional(lstm({ units: 2, useBias: false }), { mergeMode: 'concat' }),
      dense({ units: 1, useBias: false }),
    ]),
    randn([3, 7, 4]),
  ]);
  out.push([
    'embed',
    sequential([
      embedding({ inputDim: 9, outputDim: 3, maskZero: true, inputShape: [7] }),
      lstm({ units: 4, goBackwards: true, returnSequences: true }),
      dense({ units: 2 }),
    ]),
    randint(1, 9, [3, 7]),
  ]);
  return out;
}

for (const [name, model, x] of models()) {
  const want = model.predict(x);
  for (const ext of ['keras', 'h5'] as const) {
    test(`${name}: written as .${ext}, read back here, predicts the same`, async () => {
      const bytes = ext === 'keras' ? await writeKerasArchive(model) : await writeKerasH5(model);
      const back =
        ext === 'keras'
          ? await readKerasArchive(bytes, `${name}.${ext}`)
          : await readKerasH5(bytes, `${name}.${ext}`);
      const got = back.predict(x);
      for (let i = 0; i < want.numel(); i++)
        assert.ok(Math.abs(got.data[i] - want.data[i]) <= 1e-6 * (1 + Math.abs(want.data[i])), `${i}`);
    });
  }
}

test(
  'files written as .keras and .h5: keras.saving.load_model predicts the same within 1e-5',
  { skip: hasKeras ? false : 'no .venv with Keras (scripts/setup-python.sh)' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ls-keras-'));
    try {
      const jobs: Array<{ file: string; x: string; want: Tensor }> = [];
      for (const [name, model, x] of models()) {
        const want = model.predict(x);
        const xf = join(dir, `${name}.x.json`);
        writeFileSync(
          xf,
          JSON.stringify({ shape: x.shape, data: Array.from(x.data), int: x.dtype === 'int32' }),
        );
        for (const ext of ['keras', 'h5'] as const) {
          const file = join(dir, `${name}.${ext}`);
          writeFileSync(file, ext === 'keras' ? await writeKerasArchive(model) : await writeKerasH5(model));
          jobs.push({ file, x: xf, want });
        }
      }
      // one Python process for all files (importing Keras dominates the time)
      const code = [
        'import json, sys, numpy as np, keras',
        'out = []',
        'for f, xf in zip(sys.argv[1::2], sys.argv[2::2]):',
        '    x = json.load(open(xf))',
        "    a = np.array(x['data'], dtype=np.int32 if x['int'] else np.float32).reshape(x['shape'])",
        '    m = keras.saving.load_model(f)',
        '    out.append(np.asarray(m.predict(a, verbose=0)).ravel().tolist())',
        'print(json.dumps(out))',
      ].join('\n');
      const args = jobs.flatMap((j) => [j.file, j.x]);
      const ys = runKeras(code, args) as number[][];
      jobs.forEach((j, k) => {
        const rel = relErr(ys[k], j.want.data);
        assert.ok(rel < 1e-5, `${j.file}: relative error ${rel}`);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('an unbuilt model cannot be written', async () => {
  await assert.rejects(writeKerasArchive(sequential([lstm({ units: 2 })])), /built/);
});
