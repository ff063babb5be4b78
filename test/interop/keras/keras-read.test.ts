// Keras 3 models saved by Keras itself (test/tools/gen_keras_models.py) load as a
// SequentialModel and predict what Keras predicted, from .keras and from .h5.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot, type FixtureTensor } from '../../helpers/fixtures.js';
import { FormatError, UnsupportedError } from '../../../src/core/errors.js';
import { readKerasArchive, readKerasH5 } from '../../../src/interop/keras/keras-read.js';
import { planKerasModel } from '../../../src/interop/keras/keras-import.js';
import { Tensor } from '../../../src/tensor/index.js';

const dir = join(repoRoot, 'test', 'fixtures', 'keras', 'models');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort();

function relErr(a: Tensor, b: FixtureTensor): number {
  assert.deepEqual(a.shape, b.shape);
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.data.length; i++) {
    num = Math.max(num, Math.abs(a.data[i] - b.data[i]));
    den = Math.max(den, Math.abs(b.data[i]));
  }
  return num / den;
}

function input(x: FixtureTensor & { dtype: string }): Tensor {
  return new Tensor(x.dtype === 'int32' ? Int32Array.from(x.data) : Float32Array.from(x.data), x.shape);
}

test('the Keras model fixtures are there (batch >= 3, sequence >= 7)', () => {
  assert.ok(names.length >= 6, names.join(','));
});

for (const name of names) {
  const fx = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as {
    x: FixtureTensor & { dtype: string };
    y: FixtureTensor;
  };
  for (const ext of ['keras', 'h5'] as const) {
    test(`${name}.${ext} (saved by Keras 3) predicts Keras' outputs within 1e-5`, async () => {
      const bytes = readFileSync(join(dir, `${name}.${ext}`));
      const model =
        ext === 'keras'
          ? await readKerasArchive(bytes, `${name}.${ext}`)
          : await readKerasH5(bytes, `${name}.${ext}`);
      const y = model.predict(input(fx.x));
      const err = relErr(y, fx.y);
      assert.ok(err < 1e-5, `relative error ${err}`);
    });
  }
}

test('unknown layer classes, branching graphs and bad files are typed errors naming what is wrong', async () => {
  const cfg = (layers: unknown[]): unknown => ({ class_name: 'Sequential', config: { name: 's', layers } });
  assert.throws(
    () =>
      planKerasModel(
        'm.keras',
        cfg([{ class_name: 'Lambda', config: { name: 'l', function: 'os.system' } }]),
        'keras3',
      ),
    (e: Error) => e instanceof UnsupportedError && /Lambda/.test(e.message) && /m\.keras/.test(e.message),
  );
  assert.throws(
    () =>
      planKerasModel(
        'm.keras',
        cfg([{ class_name: 'LSTM', config: { name: 'l', units: 2, recurrent_dropout: 0.5 } }]),
        'keras3',
      ),
    UnsupportedError,
  );
  assert.throws(
    () =>
      planKerasModel(
        'm.keras',
        cfg([{ class_name: 'LSTM', config: { name: 'l', units: 2, activation: 'gelu' } }]),
        'keras3',
      ),
    /gelu/,
  );
  assert.throws(
    () =>
      planKerasModel(
        'm.keras',
        {
          class_name: 'Functional',
          config: {
            name: 'f',
            layers: [
              { class_name: 'InputLayer', config: { name: 'a' }, inbound_nodes: [] },
              { class_name: 'Dense', config: { name: 'd', units: 1 }, inbound_nodes: [[['x', 0, 0, {}]]] },
            ],
          },
        },
        'keras3',
      ),
    /chain-shaped/,
  );
  await assert.rejects(readKerasArchive(new Uint8Array([1, 2, 3]), 'bad.keras'), FormatError);
  await assert.rejects(
    readKerasH5(new Uint8Array(64), 'bad.h5'),
    (e: Error) => e instanceof FormatError && /bad\.h5/.test(e.message),
  );
});
