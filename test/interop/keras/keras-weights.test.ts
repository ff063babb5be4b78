// Keras 3 `.weights.h5` files (model.save_weights / load_weights): weights Keras saved
// (test/tools/gen_keras_models.py, test/fixtures/keras/weights/) load into a model of
// the same architecture and reproduce Keras' prediction; weights written here load back
// here and (when .venv has Keras, see scripts/setup-python.sh) in Keras' load_weights
// with the same prediction; a model of another architecture is refused, unchanged.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { ConfigError, FormatError, UnsupportedError } from '../../../src/core/errors.js';
import { manualSeed } from '../../../src/core/rng.js';
import { readKerasArchive, readKerasH5 } from '../../../src/interop/keras/keras-read.js';
import { loadWeights, saveWeights } from '../../../src/interop/model-io-weights.js';
import {
  bidirectional,
  dense,
  gru,
  lstm,
  sequential,
  simpleRNN,
  type SequentialModel,
} from '../../../src/models/index.js';
import { randn, Tensor } from '../../../src/tensor/index.js';
import { repoRoot, type FixtureTensor } from '../../helpers/fixtures.js';
import { hasKeras, relErr, runKeras } from './keras-check.js';

const dir = join(repoRoot, 'test', 'fixtures', 'keras', 'weights');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort();

interface Fixture {
  x: FixtureTensor & { dtype: string };
  y: FixtureTensor;
}

const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Fixture;

const input = (x: Fixture['x']): Tensor =>
  new Tensor(x.dtype === 'int32' ? Int32Array.from(x.data) : Float32Array.from(x.data), x.shape);

/** The architecture of fixture `name`, with the weights of its .keras (not those of its .weights.h5). */
async function architecture(name: string): Promise<SequentialModel> {
  return readKerasArchive(new Uint8Array(readFileSync(join(dir, `${name}.keras`))), `${name}.keras`);
}

function sameWeights(a: Map<string, Tensor>, b: Map<string, Tensor>): boolean {
  return [...a].every(([k, t]) => {
    const u = b.get(k);
    return u !== undefined && t.data.every((v, i) => v === u.data[i]);
  });
}

test('the .weights.h5 fixtures are there (batch >= 3, sequence >= 7)', () => {
  assert.ok(names.length >= 2, names.join(','));
  for (const n of names) {
    const { x } = fixture(n);
    assert.ok(x.shape[0] >= 3 && x.shape[1] >= 7, `${n}: ${x.shape.join('x')}`);
  }
});

for (const name of names) {
  test(`${name}: Keras' save_weights file read here predicts what Keras predicted (1e-5 relative)`, async () => {
    const fx = fixture(name);
    const model = await architecture(name);
    const x = input(fx.x);
    // the .keras weights are another set: only the .weights.h5 reproduces the prediction
    assert.ok(relErr(model.predict(x).data, fx.y.data) > 1e-2);
    await loadWeights(model, join(dir, `${name}.weights.h5`));
    assert.ok(relErr(model.predict(x).data, fx.y.data) < 1e-5);
  });

  test(`${name}: weights written by saveWeights load back (bytes, { bytes, name }, path) and predict the same`, async () => {
    const fx = fixture(name);
    const x = input(fx.x);
    const model = await architecture(name);
    await loadWeights(model, {
      bytes: readFileSync(join(dir, `${name}.weights.h5`)),
      name: `${name}.weights.h5`,
    });
    const want = model.predict(x).data;
    const bytes = await saveWeights(model, null);
    assert.ok(bytes instanceof Uint8Array);
    const back = await architecture(name);
    await loadWeights(back, bytes);
    assert.ok(relErr(back.predict(x).data, want) < 1e-6);
    const tmp = mkdtempSync(join(tmpdir(), 'ls-weights-'));
    try {
      const file = join(tmp, 'sub', 'm.weights.h5');
      assert.equal(await saveWeights(model, file), undefined);
      const again = await architecture(name);
      await loadWeights(again, file);
      assert.ok(sameWeights(again.getWeights(), model.getWeights()));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}

/** weights_stack's architecture built here, with the first LSTM's units and the last layers chosen. */
function stackLike(lstmUnits: number, withDense: boolean): SequentialModel {
  manualSeed(3);
  const m = sequential([
    lstm({ units: lstmUnits, returnSequences: true, inputShape: [7, 4] }),
    gru({ units: 4, returnSequences: true }),
    bidirectional(gru({ units: 3, resetAfter: false, returnSequences: true }), { mergeMode: 'concat' }),
    simpleRNN({ units: 3 }),
    ...(withDense ? [dense({ units: 2 })] : []),
  ]);
  return m;
}

test('a model whose layer shapes differ is refused with the layer, the path and both shapes, and keeps its weights', async () => {
  const model = stackLike(6, true);
  const before = model.getWeights();
  await assert.rejects(loadWeights(model, join(dir, 'weights_stack.weights.h5')), (e: unknown) => {
    assert.ok(e instanceof FormatError, String(e));
    assert.match(
      e.message,
      /weights_stack\.weights\.h5: layer '\w+' \(LSTM\): layers\/lstm\/cell\/vars\/0 must have the model's shape; expected \[4, 24\], got \[4, 20\]/,
    );
    return true;
  });
  assert.ok(sameWeights(model.getWeights(), before));
});

test('a file with weights for a layer the model lacks is refused, the model unchanged', async () => {
  const model = stackLike(5, false);
  const before = model.getWeights();
  await assert.rejects(
    loadWeights(model, join(dir, 'weights_stack.weights.h5')),
    /holds weights for a layer 'dense' the model lacks; expected layers lstm, gru, bidirectional, simple_rnn/,
  );
  assert.ok(sameWeights(model.getWeights(), before));
});

test('a .weights.h5 read as a whole model is an UnsupportedError pointing at loadWeights', async () => {
  await assert.rejects(
    readKerasH5(new Uint8Array(readFileSync(join(dir, 'weights_stack.weights.h5'))), 'w.weights.h5'),
    (e: unknown) => e instanceof UnsupportedError && /holds no architecture.*loadWeights/.test(e.message),
  );
});

test('names other than *.weights.h5 and sources that are not bytes are ConfigErrors', async () => {
  const model = await architecture('weights_stack');
  await assert.rejects(loadWeights(model, 'm.h5'), ConfigError);
  await assert.rejects(loadWeights(model, { bytes: new Uint8Array(8), name: 'm.keras' }), ConfigError);
  await assert.rejects(loadWeights(model, 42 as never), ConfigError);
  await assert.rejects(saveWeights(model, 'm.keras'), /expected a name ending \.weights\.h5/);
  await assert.rejects(loadWeights(model, new Uint8Array(16)), /not an HDF5 file/);
});

test(
  'weights written by saveWeights: Keras load_weights into the .keras architecture predicts the same within 1e-5',
  { skip: hasKeras ? false : 'no .venv with Keras (scripts/setup-python.sh)' },
  async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ls-weights-keras-'));
    try {
      const jobs: Array<{ arch: string; weights: string; x: string; want: Float32Array }> = [];
      manualSeed(5);
      for (const name of names) {
        const fx = fixture(name);
        const model = await architecture(name);
        // a third set of weights, neither the .keras's nor the .weights.h5's
        const fresh = new Map<string, Tensor>();
        for (const [k, t] of model.getWeights()) fresh.set(k, randn(t.shape).mul(0.5));
        model.setWeights(fresh);
        const weights = join(tmp, `${name}.weights.h5`);
        await saveWeights(model, weights);
        const x = join(tmp, `${name}.x.json`);
        writeFileSync(x, JSON.stringify(fx.x));
        jobs.push({
          arch: join(dir, `${name}.keras`),
          weights,
          x,
          want: model.predict(input(fx.x)).data as Float32Array,
        });
      }
      const code = [
        'import json, sys, numpy as np, keras',
        'out = []',
        'for a, w, xf in zip(sys.argv[1::3], sys.argv[2::3], sys.argv[3::3]):',
        '    x = json.load(open(xf))',
        "    arr = np.array(x['data'], dtype=x['dtype']).reshape(x['shape'])",
        '    m = keras.saving.load_model(a)',
        '    m.load_weights(w)',
        '    out.append(np.asarray(m.predict(arr, verbose=0)).ravel().tolist())',
        'print(json.dumps(out))',
      ].join('\n');
      const ys = runKeras(
        code,
        jobs.flatMap((j) => [j.arch, j.weights, j.x]),
      ) as number[][];
      jobs.forEach((j, k) =>
        assert.ok(relErr(ys[k], j.want) < 1e-5, `${j.weights}: ${relErr(ys[k], j.want)}`),
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
);
