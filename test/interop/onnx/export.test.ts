// exportOnnx: longshort's LSTM/GRU/RNN modules (stacked, bidirectional, batchFirst,
// projSize, initial states) and Keras-front models round-trip through importOnnx, pass
// onnx.checker (full check, .venv) and give longshort's outputs in onnxruntime-node
// (test/peers), on batch 3 x sequence 7 and batch 2 x sequence 9 (dynamic axes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, UnsupportedError } from '../../../src/core/errors.js';
import { manualSeed } from '../../../src/core/rng.js';
import { exportOnnx, importOnnx } from '../../../src/interop/onnx/index.js';
import * as layers from '../../../src/models/layers.js';
import { sequential, type SequentialModel } from '../../../src/models/sequential-model.js';
import { GRU, LSTM, RNN } from '../../../src/nn/index.js';
import type { RNNBase } from '../../../src/nn/rnn/rnn-base.js';
import { randn, Tensor } from '../../../src/tensor/index.js';
import { assertClose, maxRelSeen } from './helpers.js';
import { checkerSkipReason, loadOrt, onnxCheck, type OrtTensor } from './peers.js';

interface Case {
  name: string;
  make: () => RNNBase | SequentialModel;
  initialStates?: boolean;
  /** Feeds and the expected outputs (longshort's) for a batch and sequence length. */
  run: (
    m: RNNBase | SequentialModel,
    n: number,
    l: number,
  ) => { feeds: Record<string, Tensor>; expected: Record<string, Tensor> };
}

function moduleCase(name: string, make: () => RNNBase, initialStates = false): Case {
  return {
    name,
    make,
    initialStates,
    run: (m0, n, l) => {
      const m = m0 as RNNBase;
      const D = m.bidirectional ? 2 : 1;
      const hOut = m.projSize > 0 ? m.projSize : m.hiddenSize;
      const input = randn(m.batchFirst ? [n, l, m.inputSize] : [l, n, m.inputSize]);
      const feeds: Record<string, Tensor> = { input };
      const h0 = randn([m.numLayers * D, n, hOut]);
      const c0 = randn([m.numLayers * D, n, m.hiddenSize]);
      if (initialStates) {
        feeds.h0 = h0;
        if (m instanceof LSTM) feeds.c0 = c0;
      }
      if (m instanceof LSTM) {
        const [output, [hN, cN]] = m.forward(input, initialStates ? [h0, c0] : null);
        const expected: Record<string, Tensor> = { output, h_n: hN, c_n: cN };
        return { feeds, expected };
      }
      const [output, hN] = (m as GRU).forward(input, initialStates ? h0 : null);
      return { feeds, expected: { output, h_n: hN } };
    },
  };
}

function seqCase(name: string, make: () => SequentialModel, tokens?: number): Case {
  return {
    name,
    make,
    run: (m0, n, l) => {
      const m = m0 as SequentialModel;
      const F = m.inputShape![1];
      const input = tokens
        ? new Tensor(
            Int32Array.from({ length: n * l }, (_, i) => (i * 7 + 3) % tokens),
            [n, l],
          )
        : randn([n, l, F as number]);
      return { feeds: { input }, expected: { output: m.predict(input) } };
    },
  };
}

const CASES: Case[] = [
  moduleCase('LSTM', () => new LSTM(4, 5)),
  moduleCase(
    'LSTM 2 layers, bidirectional, batchFirst, initial states',
    () => new LSTM(4, 6, { numLayers: 2, bidirectional: true, batchFirst: true }),
    true,
  ),
  moduleCase('LSTM projSize', () => new LSTM(4, 6, { projSize: 3 })),
  moduleCase(
    'LSTM projSize, 2 layers, bidirectional, batchFirst, initial states',
    () => new LSTM(4, 6, { projSize: 3, numLayers: 2, bidirectional: true, batchFirst: true }),
    true,
  ),
  moduleCase('GRU 2 layers, bidirectional', () => new GRU(4, 5, { numLayers: 2, bidirectional: true })),
  moduleCase(
    'GRU batchFirst, initial states, no bias',
    () => new GRU(4, 5, { batchFirst: true, bias: false }),
    true,
  ),
  moduleCase(
    'RNN relu, 2 layers, bidirectional',
    () => new RNN(4, 5, { numLayers: 2, bidirectional: true, nonlinearity: 'relu' }),
  ),
  moduleCase('RNN tanh, batchFirst, initial states', () => new RNN(4, 5, { batchFirst: true }), true),
  moduleCase(
    'LSTM peepholes, coupled input-forget, clip, bidirectional, initial states',
    () => new LSTM(4, 5, { peepholes: true, coupledInputForget: true, clip: 0.8, bidirectional: true }),
    true,
  ),
  moduleCase(
    'LSTM peepholes, hard sigmoid / softsign / elu, 2 layers',
    () =>
      new LSTM(4, 5, {
        peepholes: true,
        numLayers: 2,
        gateActivation: { name: 'hardSigmoid', alpha: 0.3, beta: 0.45 },
        cellActivation: 'softsign',
        outActivation: { name: 'elu', alpha: 0.7 },
      }),
  ),
  moduleCase(
    'GRU reset-before, clip, bidirectional',
    () => new GRU(4, 5, { resetAfter: false, clip: 0.6, bidirectional: true }),
  ),
  moduleCase(
    'GRU scaledTanh / leakyRelu, batchFirst',
    () =>
      new GRU(4, 5, {
        batchFirst: true,
        gateActivation: { name: 'leakyRelu', alpha: 0.2 },
        cellActivation: { name: 'scaledTanh', alpha: 1.3, beta: 0.6 },
      }),
  ),
  moduleCase('RNN softplus, clip', () => new RNN(4, 5, { activation: 'softplus', clip: 0.9 })),
  moduleCase('RNN linear (Affine), 2 layers', () => new RNN(4, 5, { activation: 'linear', numLayers: 2 })),
  seqCase(
    'embedding + lstm + dense softmax',
    () =>
      sequential([
        layers.embedding({ inputDim: 11, outputDim: 6, inputShape: [null] }),
        layers.lstm({ units: 8, returnSequences: true }),
        layers.dense({ units: 11, activation: 'softmax' }),
      ]),
    11,
  ),
  seqCase('gru + dense relu', () =>
    sequential([
      layers.gru({ units: 6, inputShape: [null, 4] }),
      layers.dense({ units: 3, activation: 'relu' }),
    ]),
  ),
  seqCase('simpleRNN goBackwards relu, dropout, dense tanh', () =>
    sequential([
      layers.simpleRNN({
        units: 5,
        activation: 'relu',
        goBackwards: true,
        returnSequences: true,
        inputShape: [null, 4],
      }),
      layers.dropout({ rate: 0.3 }),
      layers.dense({ units: 2, activation: 'tanh' }),
    ]),
  ),
  seqCase('simpleRNN softsign, gru reset-before hard sigmoid, lstm peepholes clip', () =>
    sequential([
      layers.simpleRNN({ units: 4, activation: 'softsign', returnSequences: true, inputShape: [null, 4] }),
      layers.gru({ units: 4, resetAfter: false, recurrentActivation: 'hardSigmoid', returnSequences: true }),
      layers.lstm({ units: 3, peepholes: true, clip: 0.8, activation: 'relu' }),
    ]),
  ),
  seqCase('bidirectional lstm coupled input-forget, goBackwards gru clip', () =>
    sequential([
      layers.bidirectional(layers.lstm({ units: 3, coupledInputForget: true, returnSequences: true }), {
        inputShape: [null, 4],
      }),
      layers.gru({ units: 2, clip: 0.5, goBackwards: true }),
    ]),
  ),
  seqCase('simpleRNN goBackwards (last state)', () =>
    sequential([layers.simpleRNN({ units: 5, goBackwards: true, inputShape: [null, 4] })]),
  ),
  ...(['concat', 'sum', 'mul', 'ave'] as const).flatMap((mergeMode) => [
    seqCase(`bidirectional lstm ${mergeMode}, sequences`, () =>
      sequential([
        layers.bidirectional(layers.lstm({ units: 5, returnSequences: true }), {
          mergeMode,
          inputShape: [null, 4],
        }),
        layers.dense({ units: 2, activation: 'sigmoid' }),
      ]),
    ),
    seqCase(`bidirectional gru ${mergeMode}, last`, () =>
      sequential([
        layers.bidirectional(layers.gru({ units: 5 }), { mergeMode, inputShape: [null, 4] }),
        layers.dense({ units: 2 }),
      ]),
    ),
  ]),
];

const SIZES: [number, number][] = [
  [3, 7],
  [2, 9],
];

async function exported(c: Case): Promise<{ model: RNNBase | SequentialModel; bytes: Uint8Array }> {
  manualSeed(7);
  const model = c.make();
  const bytes = await exportOnnx(model, c.initialStates ? { initialStates: true } : {});
  return { model, bytes };
}

test('exportOnnx round-trips through importOnnx', async (t) => {
  for (const c of CASES) {
    await t.test(c.name, async () => {
      const { model, bytes } = await exported(c);
      const back = await importOnnx(bytes);
      for (const [n, l] of SIZES) {
        const { feeds, expected } = c.run(model, n, l);
        assert.deepEqual([...back.inputNames].sort(), Object.keys(feeds).sort());
        const got = back.run(feeds);
        assert.deepEqual([...back.outputNames].sort(), Object.keys(expected).sort());
        for (const k of Object.keys(expected)) assertClose(got[k], expected[k], `${c.name} ${n}x${l} ${k}`);
      }
    });
  }
});

test(
  'exportOnnx output passes onnx.checker (full_check)',
  { skip: checkerSkipReason() ?? false },
  async (t) => {
    for (const c of CASES) {
      await t.test(c.name, async () => {
        const { bytes } = await exported(c);
        assert.equal(onnxCheck(bytes), '');
      });
    }
  },
);

const ort = loadOrt();
test(
  'onnxruntime-node gives longshort outputs on exported models',
  { skip: ort ? false : 'test/peers/node_modules/onnxruntime-node not installed' },
  async (t) => {
    for (const c of CASES) {
      await t.test(c.name, async () => {
        const { model, bytes } = await exported(c);
        const session = await ort!.InferenceSession.create(bytes);
        for (const [n, l] of SIZES) {
          const { feeds, expected } = c.run(model, n, l);
          const ortFeeds: Record<string, OrtTensor> = {};
          for (const [k, v] of Object.entries(feeds)) {
            ortFeeds[k] =
              v.dtype === 'int32'
                ? new ort!.Tensor('int64', BigInt64Array.from(Array.from(v.data, (x) => BigInt(x))), v.shape)
                : new ort!.Tensor('float32', Float32Array.from(v.data), v.shape);
          }
          const out = await session.run(ortFeeds);
          for (const k of Object.keys(expected)) {
            const o = out[k];
            assertClose(
              new Tensor(o.data as Float32Array, [...o.dims]),
              expected[k],
              `${c.name} ${n}x${l} ${k} (onnxruntime)`,
            );
          }
        }
      });
    }
  },
);

test('exportOnnx rejects what it cannot write', async () => {
  await assert.rejects(exportOnnx(new LSTM(2, 3), { opset: 13 } as never), ConfigError);
  await assert.rejects(exportOnnx({} as never), UnsupportedError);
  const masked = sequential([
    layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true, inputShape: [null] }),
    layers.lstm({ units: 2 }),
  ]);
  await assert.rejects(exportOnnx(masked), /maskZero/);
  const stateful = sequential([layers.lstm({ units: 2, stateful: true, batchSize: 2, inputShape: [3, 1] })]);
  await assert.rejects(exportOnnx(stateful), /stateful/);
  await assert.rejects(exportOnnx(sequential([layers.lstm({ units: 2 })])), /built/);
  await assert.rejects(exportOnnx(new LSTM(2, 3, { projSize: 1, peepholes: true })), UnsupportedError);
  await assert.rejects(exportOnnx(new RNN(2, 3, { activation: 'selu' })), /selu.*no ONNX equivalent/);
});

test.after(() => console.log(`exportOnnx cases: max relative error ${maxRelSeen.toExponential(2)}`));
