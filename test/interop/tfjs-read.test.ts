// TF.js layers models saved by @tensorflow/tfjs 4.22 (test/tools/gen-tfjs-models.mjs)
// predict what tfjs predicted; quantized manifests decode; bad sizes are FormatErrors.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot, type FixtureTensor } from '../helpers/fixtures.js';
import { FormatError } from '../../src/core/errors.js';
import { decodeTfjsWeights, readTfjsModel } from '../../src/interop/tfjs/tfjs-read.js';
import { Tensor } from '../../src/tensor/index.js';

const dir = join(repoRoot, 'test', 'fixtures', 'tfjs');

for (const name of readdirSync(dir).sort()) {
  test(`TF.js ${name}: predicts what TensorFlow.js predicted within 1e-5`, () => {
    const mj = JSON.parse(readFileSync(join(dir, name, 'model.json'), 'utf8')) as unknown;
    const io = JSON.parse(readFileSync(join(dir, name, 'io.json'), 'utf8')) as {
      x: FixtureTensor & { dtype: string };
      y: FixtureTensor;
    };
    const model = readTfjsModel(
      mj,
      new Uint8Array(readFileSync(join(dir, name, 'weights.bin'))),
      `${name}/model.json`,
    );
    const x = new Tensor(
      io.x.dtype === 'int32' ? Int32Array.from(io.x.data) : Float32Array.from(io.x.data),
      io.x.shape,
    );
    const y = model.predict(x);
    assert.deepEqual(y.shape, io.y.shape);
    let num = 0;
    let den = 0;
    for (let i = 0; i < y.numel(); i++) {
      num = Math.max(num, Math.abs(y.data[i] - io.y.data[i]));
      den = Math.max(den, Math.abs(io.y.data[i]));
    }
    assert.ok(num / den < 1e-5, `relative error ${num / den}`);
  });
}

test('quantized weights: uint8 / uint16 with scale and min, and float16', () => {
  const u8 = new Uint8Array([0, 1, 255]);
  const [a] = decodeTfjsWeights(
    [{ name: 'w', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } }],
    u8,
    'm',
  );
  assert.deepEqual(Array.from(a.data), [-1, -0.5, 126.5]);
  const u16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3555]).buffer); // 1, -2, ~0.333
  const [h] = decodeTfjsWeights(
    [{ name: 'w', shape: [3], dtype: 'float32', quantization: { dtype: 'float16' } }],
    u16,
    'm',
  );
  assert.deepEqual(
    Array.from(h.data).map((v) => v.toFixed(4)),
    ['1.0000', '-2.0000', '0.3333'],
  );
  assert.throws(
    () => decodeTfjsWeights([{ name: 'w', shape: [4], dtype: 'float32' }], new Uint8Array(12), 'm.json'),
    (e: Error) => e instanceof FormatError && /m\.json/.test(e.message) && /16/.test(e.message),
  );
});
