// importModel / exportModel: the format from the option, the extension or the bytes;
// paths, bytes and { bytes, name }; longshort's saved directories; typed errors.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot } from '../helpers/fixtures.js';
import { ConfigError, FormatError, UnsupportedError } from '../../src/core/errors.js';
import { manualSeed } from '../../src/core/rng.js';
import {
  exportModel,
  formatFromBytes,
  importModel,
  isOnnxModel,
  type ImportedModel,
} from '../../src/interop/index.js';
import { dense, gru, sequential, type SequentialModel } from '../../src/models/index.js';
import { parseOnnxTensor } from '../../src/interop/onnx/model.js';
import { randn, Tensor } from '../../src/tensor/index.js';

/** The imported model as a SequentialModel (a failed assertion for an OnnxModel). */
function layered(m: ImportedModel): SequentialModel {
  assert.ok(!isOnnxModel(m), 'expected a SequentialModel, got an OnnxModel');
  return m;
}

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
    const m = layered(await importModel(src));
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
      const back = layered(await importModel(path));
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
  await assert.rejects(importModel(new Uint8Array(4), { format: 'onyx' as never }), ConfigError);
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
    const back = layered(await importModel(path));
    assert.deepEqual(
      Array.from(back.predict(x).data).map((v) => v.toFixed(5)),
      want.map((v) => v.toFixed(5)),
    );
    const modelJson = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    const again = layered(
      await importModel({
        modelJson,
        weightData: new Uint8Array(readFileSync(join(dir, 'weights.bin'))),
      }),
    );
    assert.deepEqual(Array.from(again.predict(x).data), Array.from(back.predict(x).data));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('importModel reads .onnx files as an OnnxModel, by extension, by content and by format', async () => {
  const file = join(repoRoot, 'test', 'fixtures', 'onnx', 'torch-2.13', 'rnn_relu', 'model.onnx');
  const bytes = new Uint8Array(readFileSync(file));
  assert.equal(formatFromBytes(bytes), 'onnx');
  const byPath = await importModel(file);
  assert.ok(isOnnxModel(byPath));
  // PyTorch's inputs and outputs, recorded beside the model
  const data = join(file, '..', 'test_data_set_0');
  const feeds: Record<string, Tensor> = {};
  for (const [i, name] of byPath.inputNames.entries()) {
    const v = await parseOnnxTensor(new Uint8Array(readFileSync(join(data, `input_${i}.pb`))));
    feeds[name] = new Tensor(Float32Array.from(v.data as ArrayLike<number>), v.shape);
  }
  const want = await parseOnnxTensor(new Uint8Array(readFileSync(join(data, 'output_0.pb'))));
  for (const src of [file, bytes, { bytes, name: 'm.onnx' }, { bytes, name: 'weights.bin' }]) {
    const m = await importModel(
      src,
      src instanceof Uint8Array || typeof src === 'string' ? {} : { format: 'onnx' },
    );
    assert.ok(isOnnxModel(m));
    assert.deepEqual(m.inputNames, byPath.inputNames);
    const y = m.run(feeds)[m.outputNames[0]];
    assert.deepEqual(y.shape, want.shape);
    for (let i = 0; i < y.numel(); i++) {
      const w = Number(want.data[i]);
      assert.ok(Math.abs(y.data[i] - w) <= 1e-5 * Math.max(1, Math.abs(w)), `at ${i}`);
    }
  }
  // a Keras file read as ONNX is the ONNX parser's FormatError, not a wrong model
  await assert.rejects(importModel(`${fixture}.keras`, { format: 'onnx' }), FormatError);
});

test('exportModel writes ONNX by extension and by format; importModel runs it as predict computes', async () => {
  manualSeed(4);
  const model = sequential([
    gru({ units: 3, returnSequences: true, inputShape: [null, 2] }),
    dense({ units: 2 }),
  ]);
  const x = randn([3, 7, 2]);
  const want = Array.from(model.predict(x).data);
  const dir = mkdtempSync(join(tmpdir(), 'ls-io-onnx-'));
  try {
    const path = join(dir, 'm.onnx');
    assert.equal(await exportModel(model, path), undefined);
    const bytes = await exportModel(model, null, { format: 'onnx' });
    assert.ok(bytes instanceof Uint8Array && formatFromBytes(bytes) === 'onnx');
    assert.deepEqual(Array.from(bytes), Array.from(readFileSync(path)));
    const back = await importModel(path);
    assert.ok(isOnnxModel(back));
    const y = back.run({ input: x }).output;
    assert.deepEqual(y.shape, [3, 7, 2]);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(y.data[i] - want[i]) < 1e-5, `at ${i}`);
    // brain.js is read only
    await assert.rejects(exportModel(model, null, { format: 'brainjs' }), UnsupportedError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('importModel reads TF.js as { modelJson, weights } and a Map of file name -> bytes; a one-file Map by content', async () => {
  const tf = join(repoRoot, 'test', 'fixtures', 'tfjs', 'lstm_gru');
  const jsonBytes = new Uint8Array(readFileSync(join(tf, 'model.json')));
  const modelJson = JSON.parse(new TextDecoder().decode(jsonBytes)) as {
    weightsManifest: { paths: string[] }[];
  };
  const shards = modelJson.weightsManifest.flatMap((g) => g.paths);
  const weight = new Uint8Array(readFileSync(join(tf, 'weights.bin')));
  assert.deepEqual(shards, ['weights.bin']);
  const io = JSON.parse(readFileSync(join(tf, 'io.json'), 'utf8')) as {
    x: { shape: number[]; data: number[] };
  };
  const x = new Tensor(Float32Array.from(io.x.data), io.x.shape);
  const want = Array.from(layered(await importModel(join(tf, 'model.json'))).predict(x).data);
  const sources = [
    { modelJson, weights: new Map([['weights.bin', weight]]) },
    { modelJson, weights: { 'weights.bin': weight.slice().buffer } },
    new Map<string, Uint8Array>([
      ['web/model.json', jsonBytes],
      ['web/weights.bin', weight],
    ]),
  ];
  for (const src of sources)
    assert.deepEqual(Array.from(layered(await importModel(src)).predict(x).data), want);
  await assert.rejects(importModel({ modelJson, weights: new Map() }), (e: Error) => {
    assert.ok(e instanceof FormatError);
    assert.match(e.message, /names the shard 'weights\.bin'; expected it among the files given, got none/);
    return true;
  });
  // one file of another format, by its content
  const keras = new Uint8Array(readFileSync(`${fixture}.keras`));
  const fx = JSON.parse(readFileSync(`${fixture}.json`, 'utf8')) as {
    x: { shape: number[]; data: number[] };
  };
  const kx = new Tensor(Float32Array.from(fx.x.data), fx.x.shape);
  assert.deepEqual(
    Array.from(layered(await importModel(new Map([['upload', keras]]))).predict(kx).data),
    Array.from(layered(await importModel(keras)).predict(kx).data),
  );
  await assert.rejects(
    importModel(
      new Map([
        ['a.keras', keras],
        ['b.keras', keras],
      ]),
    ),
    (e: Error) =>
      e instanceof ConfigError &&
      /expected a model\.json or one entry, got a\.keras, b\.keras/.test(e.message),
  );
});
