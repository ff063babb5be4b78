// exportModel(model, 'net.json', { format: 'brainjs' }) against brain.js 1.6.1: the files in
// test/fixtures/brainjs/written/ were written by longshort and run by brain.js itself
// (test/tools/gen-brainjs-models.mjs); the source model of each must predict what brain.js
// ran, and must still export to the same JSON. Models brain.js cannot express are
// UnsupportedErrors naming the layer; a live check runs brain.js on fresh exports.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { brainjsPeer, brainjsSkip } from '../helpers/brainjs-peer.js';
import { repoRoot } from '../helpers/fixtures.js';
import { runChars } from './brainjs-chars.js';
import { UnsupportedError } from '../../src/core/errors.js';
import { manualSeed } from '../../src/core/rng.js';
import { exportModel, importModel, writeBrainjsModel } from '../../src/interop/index.js';
import {
  bidirectional,
  dense,
  embedding,
  gru,
  lstm,
  sequential,
  simpleRNN,
  type Layer,
  type SequentialModel,
} from '../../src/models/index.js';
import { Tensor } from '../../src/tensor/index.js';

const dir = join(repoRoot, 'test', 'fixtures', 'brainjs');
const written = join(dir, 'written');

type Io = { source: string; x: number[][][]; y: number[][] };
type CharIo = { source: string; inputs: string[]; y: string[] };
type Net = { type: string; options: Record<string, unknown>; hiddenLayers: Record<string, Mat>[] };
type Mat = { rows: number; columns: number; weights: number[] | Record<string, number> };

function close(got: number, want: number, where: string): void {
  assert.ok(Math.abs(got - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${where}: got ${got}, want ${want}`);
}

function batch(x: number[][][]): Tensor {
  return new Tensor(Float32Array.from(x.flat(2)), [x.length, x[0].length, x[0][0].length]);
}

async function exported(model: SequentialModel): Promise<Net> {
  const bytes = await exportModel(model, null, { format: 'brainjs' });
  return JSON.parse(new TextDecoder().decode(bytes)) as Net;
}

const cases = readdirSync(written).filter((f) => f.endsWith('.io.json'));

test('the written/ fixtures are there (a source and brain.js run() per case)', () => {
  assert.ok(cases.length >= 5, `found ${cases.join(', ')}`);
});

for (const file of cases) {
  const name = file.slice(0, -'.io.json'.length);
  const io = JSON.parse(readFileSync(join(written, file), 'utf8')) as Io | CharIo;
  if ('inputs' in io) {
    test(`${name}: brain.js run(text) on longshort's file is the source model's greedy text`, async () => {
      const model = await importModel(join(dir, io.source), { format: 'brainjs' });
      const { indexTable, characters } = (
        JSON.parse(readFileSync(join(dir, io.source), 'utf8')) as {
          options: { dataFormatter: { indexTable: Record<string, number>; characters: string[] } };
        }
      ).options.dataFormatter;
      io.inputs.forEach((text, i) =>
        assert.equal(runChars(model, indexTable, characters, text), io.y[i], text),
      );
      const want = JSON.parse(readFileSync(join(written, `${name}.json`), 'utf8')) as Net;
      assert.deepEqual(await exported(model), want, 'the export is the file brain.js ran');
    });
    continue;
  }
  test(`${name}: brain.js run() on longshort's file equals the source model's predict (batch 3, sequence 9)`, async () => {
    const model = await importModel(join(dir, io.source));
    if (!('predict' in model)) throw new Error('expected a layer model');
    const y = model.predict(batch(io.x));
    assert.deepEqual(y.shape, [io.y.length, io.y[0].length]);
    io.y.flat().forEach((w, i) => close(y.data[i], w, `${name}[${i}]`));
    const want = JSON.parse(readFileSync(join(written, `${name}.json`), 'utf8')) as Net;
    assert.deepEqual(await exported(model), want, 'the export is the file brain.js ran');
  });
}

for (const name of [
  'lstm_time_step',
  'gru_time_step',
  'rnn_time_step',
  'lstm_chars',
  'gru_chars',
  'rnn_chars',
]) {
  test(`${name}: import then export gives brain.js's own JSON back (values and options)`, async () => {
    const original = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Net;
    const back = await exported(await importModel(join(dir, `${name}.json`), { format: 'brainjs' }));
    assert.equal(back.type, original.type);
    assert.deepEqual(back.options, original.options);
    assert.equal(back.hiddenLayers.length, original.hiddenLayers.length);
    original.hiddenLayers.forEach((layer, k) => {
      assert.deepEqual(Object.keys(back.hiddenLayers[k]), Object.keys(layer), `hiddenLayers[${k}] keys`);
      for (const [key, m] of Object.entries(layer)) {
        const got = back.hiddenLayers[k][key];
        assert.equal(got.rows, m.rows, key);
        assert.equal(got.columns, m.columns, key);
        assert.deepEqual(Object.values(got.weights), Object.values(m.weights), `${key} weights`);
      }
    });
  });
}

test('biases: PyTorch-style bias_ih + bias_hh are summed into brain.js bias', () => {
  manualSeed(3);
  const model = sequential([simpleRNN({ units: 3, activation: 'relu' }), dense({ units: 1 })]);
  model.build([null, 2]);
  const json = writeBrainjsModel(model) as unknown as Net;
  const w = model.getWeights();
  const rnn = model.layers[0].name;
  const [bi, bh] = [w.get(`${rnn}.bias_ih_l0`)!.data, w.get(`${rnn}.bias_hh_l0`)!.data];
  const sum = Array.from(bi, (v, i) => v + bh[i]);
  assert.deepEqual(json.hiddenLayers[0].bias.weights, Array.from(Float32Array.from(sum)));
  assert.ok(sum.some((v) => v !== 0));
});

test('what brain.js cannot express is an UnsupportedError naming the layer and what brain.js lacks', async () => {
  const cases: Array<[Layer[], number[], RegExp]> = [
    [
      [lstm({ units: 3 }), dense({ units: 1 })],
      [5, 2],
      /'\w+' \(LSTM\): brain\.js's LSTM carries no cell state/,
    ],
    [[gru({ units: 3 }), dense({ units: 1 })], [5, 2], /'\w+' \(GRU\).*expected resetAfter false, got true/],
    [[simpleRNN({ units: 3 }), dense({ units: 1 })], [5, 2], /expected activation 'relu', got "tanh"/],
    [
      [gru({ units: 3, resetAfter: false, recurrentActivation: 'hardSigmoid' }), dense({ units: 1 })],
      [5, 2],
      /expected recurrentActivation 'sigmoid' and activation 'tanh', got "hardSigmoid"/,
    ],
    [
      [bidirectional(simpleRNN({ units: 3, activation: 'relu' })), dense({ units: 1 })],
      [5, 2],
      /no bidirectional layers/,
    ],
    [
      [simpleRNN({ units: 3, activation: 'relu', goBackwards: true }), dense({ units: 1 })],
      [5, 2],
      /expected goBackwards false/,
    ],
    [
      [simpleRNN({ units: 3, activation: 'relu' }), dense({ units: 1, activation: 'sigmoid' })],
      [5, 2],
      /output layer is linear; expected activation 'linear', got 'sigmoid'/,
    ],
    [
      [simpleRNN({ units: 3, activation: 'relu', returnSequences: true }), dense({ units: 1 })],
      [5, 2],
      /expected returnSequences false on the last recurrent layer/,
    ],
    [
      [
        gru({ units: 3, resetAfter: false, returnSequences: true }),
        simpleRNN({ units: 3, activation: 'relu' }),
        dense({ units: 1 }),
      ],
      [5, 2],
      /one kind of hidden layer; expected gru like the first, got rnn/,
    ],
    [
      [
        embedding({ inputDim: 5, outputDim: 3 }),
        simpleRNN({ units: 3, activation: 'relu' }),
        dense({ units: 1 }),
      ],
      [5],
      /'\w+' \(Embedding\).*got Embedding/,
    ],
    [[dense({ units: 1 })], [5, 2], /at least one recurrent layer/],
  ];
  for (const [layers, shape, re] of cases) {
    const model = sequential(layers);
    model.build(shape);
    await assert.rejects(exportModel(model, null, { format: 'brainjs' }), (e: Error) => {
      assert.ok(e instanceof UnsupportedError, `${e.name}: ${e.message}`);
      assert.match(e.message, re);
      return true;
    });
  }
});

test(
  'live: brain.js itself reads fresh exports and runs what longshort predicts on new inputs',
  {
    skip: brainjsSkip,
  },
  async () => {
    const brain = brainjsPeer();
    manualSeed(11);
    const models: Array<[SequentialModel, number]> = [
      [sequential([gru({ units: 4, resetAfter: false }), dense({ units: 3 })]), 3],
      [
        sequential([
          simpleRNN({ units: 5, activation: 'relu', returnSequences: true }),
          simpleRNN({ units: 4, activation: 'relu' }),
          dense({ units: 1 }),
        ]),
        1,
      ],
      [await importModel(join(dir, 'lstm_time_step.json'), { format: 'brainjs' }), 2],
    ];
    for (const [model, f] of models) {
      if (!model.built) model.build([null, f]);
      const json = await exported(model);
      const net = new brain.recurrent[json.type]();
      net.fromJSON(json);
      const x = Array.from({ length: 3 }, (_, s) =>
        Array.from({ length: 7 }, (_, t) => Array.from({ length: f }, (_, j) => Math.sin(0.9 * t + s - j))),
      );
      const y = model.predict(batch(x));
      const o = y.shape[1];
      x.forEach((seq, s) => {
        const r = net.run(f === 1 ? seq.map((v) => v[0]) : seq);
        const want = typeof r === 'number' ? [r] : Array.from(r as ArrayLike<number>);
        assert.equal(want.length, o);
        want.forEach((w, j) => close(y.data[s * o + j], w, `${json.type}[${s}, ${j}]`));
      });
    }
  },
);
