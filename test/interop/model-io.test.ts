// importModel / exportModel: the format from the option, the extension or the bytes;
// paths, bytes and { bytes, name }; longshort's saved directories; typed errors.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot } from '../helpers/fixtures.js';
import { ConfigError, FormatError } from '../../src/core/errors.js';
import { manualSeed } from '../../src/core/rng.js';
import { exportModel, formatFromBytes, importModel } from '../../src/interop/index.js';
import { dense, gru, sequential } from '../../src/models/index.js';
import { randn, Tensor } from '../../src/tensor/index.js';

const fixture = join(repoRoot, 'test', 'fixtures', 'keras', 'models', 'seq_lstm_gru');

test('importModel reads a path, bytes and { bytes, name }, detecting the format', async () => {
  const fx = JSON.parse(readFileSync(`${fixture}.json`, 'utf8')) as {
    x: { shape: number[]; data: number[] };
    y: { data: number[] };
  };
  const x = new Tensor(Float32Array.from(fx.x.data), fx.x.shape);
  const bytes = new Uint8Array(readFileSync(`${fixture}.keras`));
  assert.equal(formatFromBytes(bytes), 'keras');
  assert.equal(formatFromBytes(new Uint8Array(readFileSync(`${fixture}.h5`))), 'h5');
  for (const src of [
    `${fixture}.keras`,
    `${fixture}.h5`,
    bytes,
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    { bytes, name: 'm.keras' },
  ]) {
    const m = await importModel(src);
    const y = m.predict(x);
    for (let i = 0; i < y.numel(); i++) assert.ok(Math.abs(y.data[i] - fx.y.data[i]) < 1e-5);
  }
});

test('exportModel writes by extension or format, returns bytes for a null dest, and longshort dirs round-trip', async () => {
  manualSeed(2);
  const model = sequential([gru({ units: 3, resetAfter: false, inputShape: [7, 2] }), dense({ units: 1 })]);
  const x = randn([3, 7, 2]);
  const want = Array.from(model.predict(x).data);
  const dir = mkdtempSync(join(tmpdir(), 'ls-io-'));
  try {
    for (const dest of ['m.keras', 'm.h5', 'saved']) {
      const path = join(dir, dest);
      assert.equal(
        await exportModel(model, path, dest === 'saved' ? { format: 'longshort' } : {}),
        undefined,
      );
      const back = await importModel(path);
      assert.deepEqual(
        Array.from(back.predict(x).data).map((v) => v.toFixed(5)),
        want.map((v) => v.toFixed(5)),
      );
    }
    const bytes = await exportModel(model, null, { format: 'h5' });
    assert.ok(bytes instanceof Uint8Array && formatFromBytes(bytes) === 'h5');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('importModel / exportModel: unknown formats, options and bytes are typed errors', async () => {
  await assert.rejects(importModel(new Uint8Array([1, 2, 3, 4])), FormatError);
  await assert.rejects(importModel(new Uint8Array(4), { format: 'onnx' as never }), ConfigError);
  await assert.rejects(importModel(new Uint8Array(4), { fmt: 'h5' } as never), ConfigError);
  const model = sequential([dense({ units: 1, inputShape: [2] })]);
  await assert.rejects(exportModel(model, 'm.xyz'), ConfigError);
});

test('importModel / exportModel: TF.js model.json with its weights.bin, by path and by objects', async () => {
  manualSeed(3);
  const model = sequential([gru({ units: 3, resetAfter: false, inputShape: [7, 2] }), dense({ units: 1 })]);
  const x = randn([3, 7, 2]);
  const want = Array.from(model.predict(x).data);
  const dir = mkdtempSync(join(tmpdir(), 'ls-io-tfjs-'));
  try {
    const path = join(dir, 'model.json');
    await exportModel(model, path);
    const back = await importModel(path);
    assert.deepEqual(
      Array.from(back.predict(x).data).map((v) => v.toFixed(5)),
      want.map((v) => v.toFixed(5)),
    );
    const modelJson = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    const again = await importModel({
      modelJson,
      weightData: new Uint8Array(readFileSync(join(dir, 'weights.bin'))),
    });
    assert.deepEqual(Array.from(again.predict(x).data), Array.from(back.predict(x).data));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
