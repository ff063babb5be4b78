// LSTM peepholes, the coupled input-forget gate and the cell clip (LSTM, GRU, RNN):
// float64 gradient checks of every option and their combinations, the forward pass
// against a scalar transcription of ONNX's LSTM equations, parameters and state dicts,
// cells and streaming steps against the layer.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkLayer as check } from './layer-gradcheck.js';
import { manualSeed } from '../../../src/core/rng.js';
import { ConfigError } from '../../../src/core/errors.js';
import { GRU, LSTM, LSTMCell, RNN } from '../../../src/nn/rnn/index.js';
import { randn, Tensor } from '../../../src/tensor/index.js';

test('gradcheck: LSTM peepholes (2 layers, bidirectional) w.r.t. input and every parameter, weight_ph included', () => {
  manualSeed(31);
  const m = new LSTM(3, 4, { peepholes: true, numLayers: 2, bidirectional: true });
  assert.ok(m.flatWeightsNames.includes('weight_ph_l1_reverse'));
  check(m, [5, 2, 3]);
});

test('gradcheck: coupled input-forget gate, alone and with peepholes and no bias', () => {
  manualSeed(32);
  check(new LSTM(3, 4, { coupledInputForget: true }), [5, 3, 3]);
  check(new LSTM(2, 3, { coupledInputForget: true, peepholes: true, bias: false }), [4, 2, 2]);
});

test('gradcheck: cell clip on LSTM, GRU (reset after and before) and RNN, with clipped values present', () => {
  manualSeed(33);
  // inputs scaled by 3 so that a good share of the pre-activations exceed the clip
  check(new LSTM(3, 4, { clip: 0.6 }), [5, 2, 3], 3);
  check(new GRU(3, 4, { clip: 0.5 }), [5, 2, 3], 3);
  check(new GRU(3, 4, { clip: 0.5, resetAfter: false }), [5, 2, 3], 3);
  check(new RNN(3, 4, { clip: 0.4, nonlinearity: 'relu' }), [5, 2, 3], 3);
  check(new RNN(3, 4, { clip: 0.4, activation: 'softsign', numLayers: 2 }), [5, 2, 3], 3);
  // ONNX's ThresholdedRelu (x >= alpha ? x : 0), with and without a clip
  check(new RNN(3, 4, { activation: { name: 'thresholdedRelu', alpha: 0.3 } }), [5, 2, 3]);
  check(new RNN(3, 4, { activation: { name: 'thresholdedRelu', alpha: 0.3 }, clip: 1 }), [5, 2, 3], 2);
});

test('gradcheck: every LSTM option together, with projSize and other activations', () => {
  manualSeed(34);
  check(
    new LSTM(3, 5, {
      peepholes: true,
      coupledInputForget: true,
      clip: 0.8,
      projSize: 2,
      gateActivation: { name: 'hardSigmoid', alpha: 0.3, beta: 0.45 },
      cellActivation: 'softsign',
      outActivation: 'elu',
    }),
    [6, 3, 3],
    2,
  );
  check(new LSTM(2, 4, { peepholes: true, clip: 1, numLayers: 2, batchFirst: true }), [3, 5, 2], 2);
});

test('the clip changes the result and stops the gradient of a clipped pre-activation', () => {
  manualSeed(35);
  const a = new LSTM(2, 3, { clip: 0.3 });
  const b = new LSTM(2, 3);
  b.loadStateDict(a.stateDict());
  const x = randn([4, 2, 2]).mul(4);
  const ya = a.forward(x)[0];
  const yb = b.forward(x)[0];
  let diff = 0;
  for (let i = 0; i < ya.numel(); i++) diff = Math.max(diff, Math.abs(ya.data[i] - yb.data[i]));
  assert.ok(diff > 1e-3, `clip must change the output; max difference ${diff}`);
  // one input so large that every pre-activation of step 0 is clipped: no gradient to it
  const big = new Tensor(new Float32Array([1e4, -1e4]), [1, 1, 2]);
  big.requiresGrad = true;
  const w = a.getParameter('weight_ih_l0') as Tensor;
  for (let i = 0; i < w.numel(); i++) w.data[i] = i % 2 === 0 ? 1 : -1;
  a.forward(big)[0].sum().backward();
  assert.deepEqual(Array.from(big.grad!.data), [0, 0]);
});

/** ONNX's LSTM equations, one direction, float64, PyTorch gate order in the weights. */
function onnxLstm(
  x: Float64Array, // (L, N, I)
  L: number,
  N: number,
  I: number,
  H: number,
  w: Record<string, Float64Array>,
  o: { clip?: number; coupled?: boolean; peep?: boolean },
): Float64Array {
  const sig = (v: number): number => 1 / (1 + Math.exp(-v));
  const cl = (v: number): number => (o.clip === undefined ? v : Math.max(-o.clip, Math.min(o.clip, v)));
  const out = new Float64Array(L * N * H); // (L, N, H)
  for (let n = 0; n < N; n++) {
    const h = new Float64Array(H);
    const c = new Float64Array(H);
    for (let t = 0; t < L; t++) {
      const pre = new Float64Array(4 * H);
      for (let r = 0; r < 4 * H; r++) {
        let s = w.bias_ih_l0[r] + w.bias_hh_l0[r];
        for (let k = 0; k < I; k++) s += w.weight_ih_l0[r * I + k] * x[(t * N + n) * I + k];
        for (let k = 0; k < H; k++) s += w.weight_hh_l0[r * H + k] * h[k];
        pre[r] = s;
      }
      const p = o.peep ? w.weight_ph_l0 : new Float64Array(3 * H);
      for (let j = 0; j < H; j++) {
        const i = sig(cl(pre[j] + p[j] * c[j]));
        const f = o.coupled ? 1 - i : sig(cl(pre[H + j] + p[H + j] * c[j]));
        const g = Math.tanh(cl(pre[2 * H + j]));
        c[j] = f * c[j] + i * g;
        const og = sig(cl(pre[3 * H + j] + p[2 * H + j] * c[j]));
        h[j] = og * Math.tanh(c[j]);
        out[(t * N + n) * H + j] = h[j];
      }
    }
  }
  return out;
}

test("forward equals ONNX's LSTM equations for peepholes, input_forget and clip (float64)", () => {
  manualSeed(36);
  const [L, N, I, H] = [7, 3, 4, 5];
  const cases = [{ peep: true }, { coupled: true }, { clip: 0.5 }, { peep: true, coupled: true, clip: 0.7 }];
  for (const o of cases) {
    const m = new LSTM(I, H, {
      peepholes: o.peep === true,
      coupledInputForget: o.coupled === true,
      ...(o.clip === undefined ? {} : { clip: o.clip }),
    }).double();
    const x = randn([L, N, I], { dtype: 'float64' }).mul(2);
    const sd = m.stateDict();
    const w: Record<string, Float64Array> = {};
    for (const [k, v] of Object.entries(sd)) w[k] = v.data as Float64Array;
    const want = onnxLstm(x.data as Float64Array, L, N, I, H, w, o);
    const got = m.forward(x)[0].data;
    for (let i = 0; i < want.length; i++)
      assert.ok(Math.abs(got[i] - want[i]) < 1e-12, `${JSON.stringify(o)} [${i}]: ${got[i]} vs ${want[i]}`);
  }
});

test('peephole parameters: names, shapes, init range, state dict round trip, repr', () => {
  manualSeed(37);
  const m = new LSTM(3, 4, { peepholes: true, bidirectional: true, coupledInputForget: true, clip: 2 });
  const sd = m.stateDict();
  assert.deepEqual(sd.weight_ph_l0.shape, [12]);
  assert.deepEqual(sd.weight_ph_l0_reverse.shape, [12]);
  for (const v of sd.weight_ph_l0.data) assert.ok(Math.abs(v) <= 0.5 && v !== 0);
  const m2 = new LSTM(3, 4, { peepholes: true, bidirectional: true, coupledInputForget: true, clip: 2 });
  m2.loadStateDict(sd);
  assert.deepEqual(
    Array.from(m2.stateDict().weight_ph_l0_reverse.data),
    Array.from(sd.weight_ph_l0_reverse.data),
  );
  assert.match(m.toString(), /peepholes=True, coupled_input_forget=True, clip=2/);
  assert.throws(() => new LSTM(3, 4).loadStateDict(sd), /weight_ph/);
  const cell = new LSTMCell(3, 4, { peepholes: true });
  assert.deepEqual(cell.weight_ph?.shape, [12]);
  assert.ok('weight_ph' in cell.stateDict());
});

test('LSTMCell with peepholes and clip equals the layer on a one-step sequence; step() equals forward()', () => {
  manualSeed(38);
  const opts = { peepholes: true, coupledInputForget: true, clip: 0.9 };
  const cell = new LSTMCell(4, 5, opts);
  const layer = new LSTM(4, 5, opts);
  const renamed: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(cell.stateDict())) renamed[`${k}_l0`] = v;
  layer.loadStateDict(renamed);
  const x = randn([3, 4]).mul(2);
  const [hCell] = cell.forward(x);
  const out = layer.forward(x.unsqueeze(0))[0];
  assert.deepEqual(Array.from(hCell.data), Array.from(out.squeeze(0).data));

  const m = new LSTM(3, 4, { peepholes: true, clip: 0.5, numLayers: 2 });
  const xs = randn([6, 2, 3]).mul(2);
  const full = m.forward(xs)[0];
  const s = m.initState({ batch: 2 });
  for (let t = 0; t < 6; t++) {
    const y = m.step(xs.select(0, t), s);
    const want = full.select(0, t);
    for (let i = 0; i < y.numel(); i++) assert.ok(Math.abs(y.data[i] - want.data[i]) < 1e-5, `t=${t}`);
  }
});

test('options: bad peepholes / coupledInputForget / clip values are ConfigErrors', () => {
  assert.throws(() => new LSTM(2, 3, { peepholes: 1 as never }), ConfigError);
  assert.throws(() => new LSTM(2, 3, { coupledInputForget: 'yes' as never }), ConfigError);
  for (const clip of [0, -1, Infinity, NaN, '2']) {
    assert.throws(() => new LSTM(2, 3, { clip: clip as never }), ConfigError);
    assert.throws(() => new GRU(2, 3, { clip: clip as never }), ConfigError);
    assert.throws(() => new RNN(2, 3, { clip: clip as never }), ConfigError);
  }
  assert.throws(() => new GRU(2, 3, { peepholes: true } as never), ConfigError);
  assert.equal(new LSTM(2, 3, { peepholes: false, coupledInputForget: false }).cellVariant, undefined);
  assert.equal(new RNN(2, 3, { clip: 1, nonlinearity: 'relu' }).nonlinearity, 'relu');
});
