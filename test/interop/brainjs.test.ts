// brain.js 1.6.1 nets (toJSON() of nets brain.js trained, test/tools/gen-brainjs-models.mjs)
// through importModel: predict reproduces run(), the character nets' greedy decoding
// follows from the logits, fit trains further, bad files are FormatErrors; a live
// cross-check against brain.js itself when test/peers has it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { brainjsPeer, brainjsSkip } from '../helpers/brainjs-peer.js';
import { repoRoot } from '../helpers/fixtures.js';
import { runChars } from './brainjs-chars.js';
import { FormatError } from '../../src/core/errors.js';
import { manualSeed } from '../../src/core/rng.js';
import { formatFromBytes, importModel, isBrainjsJson, isOnnxModel } from '../../src/interop/index.js';
import type { SequentialModel } from '../../src/models/index.js';
import { Tensor } from '../../src/tensor/index.js';

const dir = join(repoRoot, 'test', 'fixtures', 'brainjs');

function close(got: number, want: number, where: string): void {
  assert.ok(Math.abs(got - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${where}: got ${got}, want ${want}`);
}

function batch(x: number[][][]): Tensor {
  return new Tensor(Float32Array.from(x.flat(2)), [x.length, x[0].length, x[0][0].length]);
}

async function load(name: string): Promise<SequentialModel> {
  return importModel(join(dir, `${name}.json`), { format: 'brainjs' });
}

for (const name of ['lstm_time_step', 'gru_time_step', 'rnn_time_step']) {
  test(`${name}: predict reproduces brain.js run() on a batch of 3 sequences of 8`, async () => {
    const io = JSON.parse(readFileSync(join(dir, `${name}.io.json`), 'utf8')) as {
      x: number[][][];
      y: number[][];
    };
    const model = await load(name);
    const y = model.predict(batch(io.x));
    assert.deepEqual(y.shape, [io.y.length, io.y[0].length]);
    io.y.flat().forEach((w, i) => close(y.data[i], w, `${name}[${i}]`));
  });
}

for (const name of ['lstm_chars', 'gru_chars', 'rnn_chars']) {
  test(`${name}: the logits give brain.js run()'s greedy text`, async () => {
    const json = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as {
      options: { dataFormatter: { indexTable: Record<string, number>; characters: string[] } };
    };
    const io = JSON.parse(readFileSync(join(dir, `${name}.io.json`), 'utf8')) as {
      inputs: string[];
      y: string[];
    };
    const model = await load(name);
    const { indexTable, characters } = json.options.dataFormatter;
    io.inputs.forEach((text, i) =>
      assert.equal(runChars(model, indexTable, characters, text), io.y[i], text),
    );
  });
}

test('brain.js JSON is detected from the content, and malformed nets are FormatErrors', async () => {
  const bytes = new Uint8Array(readFileSync(join(dir, 'gru_time_step.json')));
  assert.equal(formatFromBytes(bytes), 'brainjs');
  const json = JSON.parse(new TextDecoder().decode(bytes)) as {
    hiddenLayers: Record<string, { rows: number }>[];
  };
  assert.ok(isBrainjsJson(json));
  const a = await importModel({ bytes, name: 'net.json' });
  assert.ok(!isOnnxModel(a));
  const b = await importModel({ json }, { format: 'brainjs' });
  const x = new Tensor(
    Float32Array.from({ length: 21 }, (_, i) => Math.sin(i)),
    [3, 7, 1],
  );
  assert.deepEqual(Array.from(a.predict(x).data), Array.from(b.predict(x).data));
  const bad = structuredClone(json);
  bad.hiddenLayers[0].updateGateBias.rows = 4;
  await assert.rejects(importModel({ json: bad, name: 'bad.json' }), (e: Error) => {
    assert.ok(e instanceof FormatError);
    assert.match(e.message, /bad\.json: hiddenLayers\[0\]\.updateGateBias must be 5x1/);
    return true;
  });
  await assert.rejects(importModel({ json: { type: 'NeuralNetwork' } }), FormatError);
});

for (const name of ['lstm_time_step', 'gru_time_step']) {
  test(`${name}: fit trains the imported net further (the loss falls)`, async () => {
    manualSeed(5);
    const model = await load(name);
    const f = model.layers[0].builtInputShape?.[1] as number;
    const n = 12;
    const len = 8;
    const x = new Float32Array(n * len * f);
    const y = new Float32Array(n * f);
    for (let s = 0; s < n; s++) {
      for (let t = 0; t <= len; t++)
        for (let j = 0; j < f; j++) {
          const v = 0.5 + 0.4 * Math.sin(0.7 * t + 0.5 * s + j);
          if (t < len) x[(s * len + t) * f + j] = v;
          else y[s * f + j] = v;
        }
    }
    const xs = new Tensor(x, [n, len, f]);
    const ys = new Tensor(y, [n, f]);
    model.compile({ loss: 'mse', optimizer: 'adam' });
    const before = model.evaluate(xs, ys).loss;
    const h = await model.fit(xs, ys, { epochs: 15, batchSize: 4, verbose: 0 });
    const after = model.evaluate(xs, ys).loss;
    assert.equal(h.history.loss.length, 15);
    assert.ok(after < before * 0.9, `loss ${before} -> ${after}`);
  });
}

test(
  'live: brain.js itself agrees with the import on new inputs',
  {
    skip: brainjsSkip,
  },
  async () => {
    const brain = brainjsPeer();
    for (const [name, type, f] of [
      ['lstm_time_step', 'LSTMTimeStep', 2],
      ['gru_time_step', 'GRUTimeStep', 1],
      ['rnn_time_step', 'RNNTimeStep', 3],
    ] as const) {
      const json = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as unknown;
      const net = new brain.recurrent[type]();
      net.fromJSON(json);
      const model = await importModel({ json }, { format: 'brainjs' });
      const x = Array.from({ length: 4 }, (_, s) =>
        Array.from({ length: 9 }, (_, t) =>
          Array.from({ length: f }, (_, j) => Math.cos(1.3 * t + s + 0.2 * j)),
        ),
      );
      const y = model.predict(batch(x));
      x.forEach((seq, s) => {
        const r = net.run(f === 1 ? seq.map((v) => v[0]) : seq);
        const want = typeof r === 'number' ? [r] : Array.from(r as ArrayLike<number>);
        want.forEach((w, j) => close(y.data[s * want.length + j], w, `${name}[${s}, ${j}]`));
      });
    }
  },
);
