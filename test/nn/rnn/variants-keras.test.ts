// The cell variants (other activations, the reset-before GRU) against Keras 3: the
// fixtures in test/fixtures/keras/cells.json are Keras' own layers with random
// weights (test/tools/gen_keras_cells.py); the Keras weights are mapped to PyTorch's
// layout by the interop code and the nn modules must give Keras' outputs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot, toTensor, type FixtureTensor } from '../../helpers/fixtures.js';
import { kerasActivation } from '../../../src/interop/keras/keras-activations.js';
import { kerasToTorchRecurrent, type KerasCell } from '../../../src/interop/keras/keras-rnn-weights.js';
import { GRU, LSTM, RNN, type ActivationOption, type RNNBase } from '../../../src/nn/rnn/index.js';
import { Tensor } from '../../../src/tensor/index.js';

interface Case {
  name: string;
  class_name: 'LSTM' | 'GRU' | 'SimpleRNN';
  units: number;
  config: { activation: string; recurrent_activation: string; use_bias: boolean; reset_after?: boolean };
  weights: FixtureTensor[];
  x: FixtureTensor;
  sequence: FixtureTensor;
  states: FixtureTensor[];
}

const fx = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'keras', 'cells.json'), 'utf8')) as {
  cases: Case[];
};

function act(name: string): ActivationOption {
  return name === 'hard_sigmoid_keras2'
    ? kerasActivation('hard_sigmoid', 'keras2', 't')
    : kerasActivation(name, 'keras3', 't');
}

function build(c: Case): RNNBase {
  const F = c.x.shape[2];
  const H = c.units;
  const cell: KerasCell = c.class_name === 'LSTM' ? 'lstm' : c.class_name === 'GRU' ? 'gru' : 'rnn';
  const resetAfter = c.config.reset_after ?? true;
  const base = { batchFirst: true, bias: c.config.use_bias };
  let m: RNNBase;
  if (cell === 'lstm')
    m = new LSTM(F, H, {
      ...base,
      gateActivation: act(c.config.recurrent_activation),
      cellActivation: act(c.config.activation),
      outActivation: act(c.config.activation),
    });
  else if (cell === 'gru')
    m = new GRU(F, H, {
      ...base,
      gateActivation: act(c.config.recurrent_activation),
      cellActivation: act(c.config.activation),
      resetAfter,
    });
  else m = new RNN(F, H, { ...base, activation: act(c.config.activation) });
  const f32 = (t: FixtureTensor | undefined): Float32Array | null =>
    t === undefined ? null : Float32Array.from(t.data);
  const w = kerasToTorchRecurrent(
    cell,
    F,
    H,
    {
      kernel: f32(c.weights[0]) as Float32Array,
      recurrentKernel: f32(c.weights[1]) as Float32Array,
      bias: f32(c.weights[2]),
    },
    resetAfter,
    c.name,
  );
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const sd: Record<string, Tensor> = {
    weight_ih_l0: new Tensor(w.weightIh, [G * H, F]),
    weight_hh_l0: new Tensor(w.weightHh, [G * H, H]),
  };
  if (w.biasIh !== null && w.biasHh !== null) {
    sd.bias_ih_l0 = new Tensor(w.biasIh, [G * H]);
    sd.bias_hh_l0 = new Tensor(w.biasHh, [G * H]);
  }
  m.loadStateDict(sd);
  return m;
}

/** max |a - b| / (max |b| over the tensor), the relative error the tolerance bounds. */
function relErr(a: Tensor, b: FixtureTensor): number {
  assert.deepEqual(a.shape, b.shape);
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.data.length; i++) {
    num = Math.max(num, Math.abs(a.data[i] - b.data[i]));
    den = Math.max(den, Math.abs(b.data[i]));
  }
  return num / Math.max(den, 1e-30);
}

function run(m: RNNBase, x: Tensor): Tensor[] {
  if (m instanceof LSTM) {
    const [o, [h, c]] = m.forward(x);
    return [o, h.squeeze(0), c.squeeze(0)];
  }
  const [o, h] = (m as GRU | RNN).forward(x);
  return [o, h.squeeze(0)];
}

test('the fixtures cover every variant the issue names', () => {
  const names = fx.cases.map((c) => c.name);
  for (const want of [
    'gru_before_default',
    'lstm_hard_sigmoid_k3',
    'gru_before_hard_sigmoid_k2',
    'simplernn_relu',
    'lstm_linear_nobias',
  ])
    assert.ok(names.includes(want), want);
  for (const c of fx.cases) {
    assert.ok(c.x.shape[0] >= 3 && c.x.shape[1] >= 7, `${c.name}: batch >= 3 and sequence >= 7`);
  }
});

for (const c of fx.cases) {
  test(`Keras ${c.class_name} ${c.name}: float32 output and final states within 1e-5 of Keras`, () => {
    const m = build(c);
    const outs = run(m, toTensor(c.x, 'float32'));
    const want = [c.sequence, ...c.states];
    // Keras' LSTM states are [h, c]; GRU and SimpleRNN [h]
    outs.forEach((o, k) =>
      assert.ok(relErr(o, want[k]) < 1e-5, `${c.name} output ${k}: relative error ${relErr(o, want[k])}`),
    );
  });
  test(`Keras ${c.class_name} ${c.name}: float64 agrees with Keras' float32 to float32 precision`, () => {
    const m = build(c);
    m.double();
    const outs = run(m, toTensor(c.x, 'float64'));
    assert.ok(relErr(outs[0], c.sequence) < 1e-5);
  });
}

test('a variant that differs changes the output (the options are not ignored)', () => {
  const c = fx.cases.find((k) => k.name === 'gru_before_default') as Case;
  const after = build({
    ...c,
    config: { ...c.config, reset_after: true },
    weights: [
      c.weights[0],
      c.weights[1],
      { shape: [2, 15], data: [...c.weights[2].data, ...new Array<number>(15).fill(0)] },
    ],
  });
  const outs = run(after, toTensor(c.x, 'float32'));
  assert.ok(relErr(outs[0], c.sequence) > 1e-3, 'reset-after must not reproduce the reset-before fixture');
});
