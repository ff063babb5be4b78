// Cell variants: gradient checks of the variant kernels (float64, central differences),
// streaming steps against forward(), option checks, and that the default spelling
// of PyTorch's equations stays on the fast kernels.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkLayer as check } from './layer-gradcheck.js';
import { manualSeed } from '../../../src/core/rng.js';
import { ConfigError } from '../../../src/core/errors.js';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell, type RNNBase } from '../../../src/nn/rnn/index.js';
import { randn, Tensor } from '../../../src/tensor/index.js';

test('gradcheck: reset-before GRU (2 layers, bidirectional) w.r.t. input and every parameter', () => {
  manualSeed(11);
  check(new GRU(3, 4, { resetAfter: false, numLayers: 2, bidirectional: true }), [5, 2, 3]);
});

test('gradcheck: reset-before GRU with hard sigmoid gates and relu, no bias', () => {
  manualSeed(12);
  check(
    new GRU(2, 3, {
      resetAfter: false,
      bias: false,
      gateActivation: { name: 'hardSigmoid', alpha: 1 / 6 },
      cellActivation: 'softsign',
    }),
    [4, 3, 2],
  );
});

test('gradcheck: reset-after GRU and LSTM with other activations', () => {
  manualSeed(13);
  check(new GRU(3, 3, { gateActivation: 'hardSigmoid', cellActivation: 'elu' }), [4, 2, 3]);
  check(
    new LSTM(3, 3, { gateActivation: 'hardSigmoid', cellActivation: 'softsign', outActivation: 'selu' }),
    [4, 2, 3],
  );
  check(new LSTM(2, 4, { cellActivation: 'linear', projSize: 2 }), [3, 2, 2]);
});

test('gradcheck: RNN with softplus / linear activation', () => {
  manualSeed(14);
  check(new RNN(3, 4, { activation: 'softplus' }), [4, 2, 3]);
  check(
    new RNN(3, 4, { activation: { name: 'scaledTanh', alpha: 1.5, beta: 0.7 }, numLayers: 2 }),
    [4, 2, 3],
  );
});

test('cells: one step equals the layer on a one-step sequence, with the same variant', () => {
  manualSeed(15);
  const x = randn([3, 4]);
  const cases: Array<[LSTMCell | GRUCell | RNNCell, RNNBase]> = [
    [
      new LSTMCell(4, 5, { gateActivation: 'hardSigmoid' }),
      new LSTM(4, 5, { gateActivation: 'hardSigmoid' }),
    ],
    [
      new GRUCell(4, 5, { resetAfter: false, cellActivation: 'relu' }),
      new GRU(4, 5, { resetAfter: false, cellActivation: 'relu' }),
    ],
    [new RNNCell(4, 5, { activation: 'linear' }), new RNN(4, 5, { activation: 'linear' })],
  ];
  for (const [cell, layer] of cases) {
    const sd = cell.stateDict();
    const renamed: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(sd)) renamed[`${k}_l0`] = v;
    layer.loadStateDict(renamed);
    const hCell = cell instanceof LSTMCell ? cell.forward(x)[0] : cell.forward(x);
    const out =
      layer instanceof LSTM
        ? layer.forward(x.unsqueeze(0))[0]
        : (layer as GRU | RNN).forward(x.unsqueeze(0))[0];
    assert.deepEqual(Array.from(hCell.data), Array.from(out.squeeze(0).data));
  }
});

test('streaming step() runs the variant and matches forward()', () => {
  manualSeed(16);
  const layers: RNNBase[] = [
    new GRU(3, 4, { resetAfter: false, numLayers: 2 }),
    new LSTM(3, 4, { gateActivation: 'hardSigmoid', outActivation: 'relu' }),
    new RNN(3, 4, { activation: 'softsign' }),
  ];
  for (const m of layers) {
    const x = randn([6, 2, 3]);
    const full = m instanceof LSTM ? m.forward(x)[0] : (m as GRU | RNN).forward(x)[0];
    const s = m.initState({ batch: 2 });
    for (let t = 0; t < 6; t++) {
      const y = m.step(x.select(0, t), s);
      const want = full.select(0, t);
      for (let i = 0; i < y.numel(); i++)
        assert.ok(Math.abs(y.data[i] - want.data[i]) < 1e-5, `${m.constructor.name} t=${t}`);
    }
  }
});

test('options: unknown activations and bad fields are ConfigErrors; defaults mean no variant', () => {
  assert.throws(() => new LSTM(2, 3, { gateActivation: 'swish' as never }), ConfigError);
  assert.throws(
    () => new GRU(2, 3, { cellActivation: { name: 'hardSigmoid', gamma: 1 } as never }),
    ConfigError,
  );
  assert.throws(() => new GRU(2, 3, { resetAfter: 'no' as never }), ConfigError);
  assert.throws(() => new RNN(2, 3, { nonlinearity: 'relu', activation: 'linear' }), ConfigError);
  assert.throws(() => new LSTM(2, 3, { resetAfter: false } as never), ConfigError);
  assert.equal(new LSTM(2, 3, { gateActivation: 'sigmoid', cellActivation: 'tanh' }).cellVariant, undefined);
  assert.equal(new GRU(2, 3, { resetAfter: true }).cellVariant, undefined);
  assert.equal(new RNN(2, 3, { activation: 'relu' }).nonlinearity, 'relu');
  assert.match(new GRU(2, 3, { resetAfter: false }).toString(), /reset_after=False/);
});
