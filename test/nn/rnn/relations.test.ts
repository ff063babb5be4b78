// The relations the seed notes teach (seeds 001 and 004), parameter names/counts and
// initialisation, state-dict loading, dropout between layers, and truncated BPTT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { assertClose } from '../../helpers/gradcheck.js';
import { repoRoot, toTensor, type FixtureTensor } from '../../helpers/fixtures.js';
import { composedRnn } from '../../helpers/rnn-composed.js';
import { StateError } from '../../../src/core/errors.js';
import { manualSeed } from '../../../src/core/rng.js';
import { GRU, LSTM, LSTMCell, RNN } from '../../../src/nn/index.js';
import {
  add,
  cat,
  mul,
  noGrad,
  randn,
  select,
  slice,
  stack,
  Tensor,
  zeros,
} from '../../../src/tensor/index.js';

const EXACT = { rtol: 0, atol: 0 };

test('seed 001: one direction, output[-1] == h_n[-1] (LSTM, GRU, RNN)', () => {
  manualSeed(1);
  const x = randn([6, 3, 5]);
  const [out, [hN]] = new LSTM(5, 4, { numLayers: 2 }).forward(x);
  assertClose(select(out, 0, -1).data, select(hN, 0, -1).data, { ...EXACT, what: 'LSTM' });
  for (const m of [new GRU(5, 4, { numLayers: 3 }), new RNN(5, 4, { numLayers: 2, nonlinearity: 'relu' })]) {
    const [o, h] = m.forward(x);
    assertClose(select(o, 0, -1).data, select(h, 0, -1).data, { ...EXACT, what: m.constructor.name });
  }
});

test('seed 001: two directions, output[-1, :, :H] == h_n[-2] and output[0, :, H:] == h_n[-1]', () => {
  manualSeed(2);
  const H = 4;
  const x = randn([7, 2, 3]);
  for (const projSize of [0, 2]) {
    const m = new LSTM(3, H, { numLayers: 2, bidirectional: true, projSize });
    const P = projSize || H;
    const [out, [hN, cN]] = m.forward(x);
    assert.deepEqual(out.shape, [7, 2, 2 * P]);
    assert.deepEqual(hN.shape, [4, 2, P]);
    assert.deepEqual(cN.shape, [4, 2, H]);
    assertClose(slice(select(out, 0, -1), 1, 0, P).data, select(hN, 0, -2).data, {
      ...EXACT,
      what: 'forward final',
    });
    assertClose(slice(select(out, 0, 0), 1, P, 2 * P).data, select(hN, 0, -1).data, {
      ...EXACT,
      what: 'reverse final',
    });
  }
  const [o, h] = new GRU(3, H, { bidirectional: true, batchFirst: true }).forward(randn([2, 7, 3]));
  // batchFirst: output is (N, L, 2H); states stay (D*layers, N, H)
  assertClose(slice(select(o, 1, -1), 1, 0, H).data, select(h, 0, -2).data, {
    ...EXACT,
    what: 'GRU forward final',
  });
  assertClose(slice(select(o, 1, 0), 1, H, 2 * H).data, select(h, 0, -1).data, {
    ...EXACT,
    what: 'GRU reverse final',
  });
});

test('seed 004: shape walk of LSTM(100, 20, num_layers=4) and LSTMCell loops', () => {
  manualSeed(4);
  const lstm = new LSTM(100, 20, { numLayers: 4 });
  assert.equal(lstm.toString(), 'LSTM(100, 20, num_layers=4)');
  const x = randn([10, 3, 100]);
  const [out, [h, c]] = lstm.forward(x); // no h0: zeros
  assert.deepEqual(
    [out.shape, h.shape, c.shape],
    [
      [10, 3, 20],
      [4, 3, 20],
      [4, 3, 20],
    ],
  );

  const cell = new LSTMCell(100, 20);
  let hc: [Tensor, Tensor] = [zeros([3, 20]), zeros([3, 20])];
  for (let t = 0; t < 10; t++) hc = cell.forward(select(x, 0, t), hc);
  assert.deepEqual(
    [hc[0].shape, hc[1].shape],
    [
      [3, 20],
      [3, 20],
    ],
  );

  const cell1 = new LSTMCell(100, 30);
  const cell2 = new LSTMCell(30, 20);
  let s1: [Tensor, Tensor] = [zeros([3, 30]), zeros([3, 30])];
  let s2: [Tensor, Tensor] = [zeros([3, 20]), zeros([3, 20])];
  for (let t = 0; t < 10; t++) {
    s1 = cell1.forward(select(x, 0, t), s1);
    s2 = cell2.forward(s1[0], s2);
  }
  assert.deepEqual(
    [s2[0].shape, s2[1].shape],
    [
      [3, 20],
      [3, 20],
    ],
  );
});

test('seed 001: an LSTMCell loop with the l0 parameters equals a one-layer LSTM', () => {
  manualSeed(5);
  const lstm = new LSTM(4, 3).double();
  const cell = new LSTMCell(4, 3).double();
  const sd = lstm.stateDict();
  cell.loadStateDict({
    weight_ih: sd.weight_ih_l0,
    weight_hh: sd.weight_hh_l0,
    bias_ih: sd.bias_ih_l0,
    bias_hh: sd.bias_hh_l0,
  });
  const x = randn([5, 2, 4], { dtype: 'float64' });
  const h0 = randn([1, 2, 3], { dtype: 'float64' });
  const c0 = randn([1, 2, 3], { dtype: 'float64' });
  const [out, [hN, cN]] = lstm.forward(x, [h0, c0]);
  let s: [Tensor, Tensor] = [select(h0, 0, 0), select(c0, 0, 0)];
  const hs: Tensor[] = [];
  for (let t = 0; t < 5; t++) {
    s = cell.forward(select(x, 0, t), s);
    hs.push(s[0]);
  }
  assertClose(stack(hs, 0).data, out.data, { rtol: 1e-14, atol: 1e-15, what: 'outputs' });
  assertClose(s[0].data, hN.data, { rtol: 1e-14, atol: 1e-15, what: 'h' });
  assertClose(s[1].data, cN.data, { rtol: 1e-14, atol: 1e-15, what: 'c' });
});

test("toString() follows PyTorch's repr", () => {
  const m = new LSTM(3, 4, {
    bias: false,
    batchFirst: true,
    dropout: 0.5,
    numLayers: 2,
    bidirectional: true,
    projSize: 2,
  });
  assert.equal(
    m.toString(),
    'LSTM(3, 4, proj_size=2, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)',
  );
  assert.equal(new LSTMCell(3, 4, { bias: false }).toString(), 'LSTMCell(3, 4, bias=False)');
});

test('parameter counts: LSTM(28, 128) has 80,896, two layers 212,992', () => {
  const count = (m: LSTM): number => m.parameters().reduce((s, p) => s + p.numel(), 0);
  assert.equal(count(new LSTM(28, 128)), 80896);
  assert.equal(count(new LSTM(28, 128, { numLayers: 2 })), 212992);
});

test("parameter names, order and shapes are PyTorch's (named_parameters == _flat_weights_names)", () => {
  const m = new LSTM(3, 5, { numLayers: 2, bidirectional: true, projSize: 2 });
  // from torch 1.13: nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2).named_parameters()
  const expected: Array<[string, number[]]> = [];
  for (const l of [0, 1]) {
    for (const sfx of ['', '_reverse']) {
      expected.push([`weight_ih_l${l}${sfx}`, [20, l === 0 ? 3 : 4]], [`weight_hh_l${l}${sfx}`, [20, 2]]);
      expected.push(
        [`bias_ih_l${l}${sfx}`, [20]],
        [`bias_hh_l${l}${sfx}`, [20]],
        [`weight_hr_l${l}${sfx}`, [2, 5]],
      );
    }
  }
  assert.deepEqual(
    m.namedParameters().map(([n, p]) => [n, p.shape]),
    expected,
  );
  assert.deepEqual(
    m.flatWeightsNames,
    expected.map(([n]) => n),
  );
  assert.deepEqual(new GRU(3, 4, { bias: false }).flatWeightsNames, ['weight_ih_l0', 'weight_hh_l0']);
  const cell = new LSTMCell(3, 4, { bias: false });
  assert.deepEqual(
    cell.namedParameters().map(([n]) => n),
    ['weight_ih', 'weight_hh'],
  );
  assert.equal(cell.bias_ih, null);
  assert.deepEqual(Object.keys(new LSTMCell(3, 4).stateDict()), [
    'weight_ih',
    'weight_hh',
    'bias_ih',
    'bias_hh',
  ]);
});

test('initialisation: every parameter U(-1/sqrt(H), 1/sqrt(H)) from the seeded default generator', () => {
  manualSeed(123);
  const a = new LSTM(8, 16, { numLayers: 2, bidirectional: true, projSize: 4 });
  manualSeed(123);
  const b = new LSTM(8, 16, { numLayers: 2, bidirectional: true, projSize: 4 });
  const k = 1 / Math.sqrt(16);
  const all: number[] = [];
  for (const [n, p] of a.namedParameters()) {
    assert.deepEqual(Array.from(p.data), Array.from(b.getParameter(n)!.data), `${n} reproducible`);
    for (const v of p.data) {
      assert.ok(v >= -k && v < k, `${n}: ${v} outside [-${k}, ${k})`);
      all.push(v);
    }
  }
  assert.ok(Math.min(...all) < -0.95 * k && Math.max(...all) > 0.95 * k, 'covers the range');
  const mean = all.reduce((s, v) => s + v, 0) / all.length;
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  const cellK = 1 / Math.sqrt(7);
  for (const p of new LSTMCell(3, 7).parameters()) for (const v of p.data) assert.ok(Math.abs(v) <= cellK);
});

test("a PyTorch state dict (a fixture's params) loads unchanged and round-trips", () => {
  const fx = JSON.parse(
    readFileSync(join(repoRoot, 'test', 'fixtures', 'torch', 'lstm_proj_bi_two_layers.json'), 'utf8'),
  ) as {
    config: { input_size: number; hidden_size: number; proj_size: number; num_layers: number };
    params: Record<string, FixtureTensor>;
  };
  const m = new LSTM(fx.config.input_size, fx.config.hidden_size, {
    numLayers: fx.config.num_layers,
    bidirectional: true,
    projSize: fx.config.proj_size,
  }).double();
  const dict: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(fx.params)) dict[k] = toTensor(v);
  const res = m.loadStateDict(dict);
  assert.deepEqual(res, { missingKeys: [], unexpectedKeys: [] });
  const sd = m.stateDict();
  assert.deepEqual(Object.keys(sd), Object.keys(fx.params)); // same keys, same order
  for (const [k, v] of Object.entries(fx.params)) {
    assert.deepEqual(sd[k].shape, v.shape);
    assert.deepEqual(Array.from(sd[k].data), v.data);
  }
});

test('dropout acts between layers, only in training mode', () => {
  manualSeed(9);
  const m = new LSTM(3, 4, { numLayers: 2, dropout: 0.5 }).double();
  const plain = new LSTM(3, 4, { numLayers: 2 }).double();
  plain.loadStateDict(m.stateDict());
  const x = randn([5, 2, 3], { dtype: 'float64' });
  const [ref, [refH]] = plain.forward(x);
  m.eval();
  const [ev, [evH]] = m.forward(x);
  assertClose(ev.data, ref.data, { ...EXACT, what: 'eval output' });
  assertClose(evH.data, refH.data, { ...EXACT, what: 'eval h_n' });
  m.train();
  const [tr, [trH]] = m.forward(x);
  assert.ok(
    tr.data.some((v, i) => v !== ref.data[i]),
    'training output differs',
  );
  // the first layer's final state is before any dropout
  assertClose(select(trH, 0, 0).data, select(refH, 0, 0).data, { ...EXACT, what: 'layer 0 h_n' });
  // p = 1 in training: layer 1 sees zeros
  const m1 = new LSTM(3, 4, { numLayers: 2, dropout: 1 }).double();
  const zeroIn = new LSTM(3, 4).double();
  const sd1 = m1.stateDict();
  zeroIn.loadStateDict({
    weight_ih_l0: sd1.weight_ih_l1.slice(1, 0, 3),
    weight_hh_l0: sd1.weight_hh_l1,
    bias_ih_l0: sd1.bias_ih_l1,
    bias_hh_l0: sd1.bias_hh_l1,
  });
  const [o1] = m1.forward(x);
  const [oz] = zeroIn.forward(zeros([5, 2, 3], { dtype: 'float64' }));
  assertClose(o1.data, oz.data, { rtol: 1e-15, atol: 0, what: 'dropout=1' });
});

test('truncated BPTT: state carried with detach() gives gradients through the last chunk only', () => {
  manualSeed(11);
  const m = new LSTM(2, 3).double();
  const x = randn([8, 2, 2], { dtype: 'float64' });
  const chunk1 = slice(x, 0, 0, 4);
  const chunk2 = new Tensor(slice(x, 0, 4, 8).data.slice(), [4, 2, 2], { requiresGrad: true });
  const x1 = new Tensor(chunk1.data.slice(), chunk1.shape, { requiresGrad: true });
  const [, [h1, c1]] = m.forward(x1);
  const [out2] = m.forward(chunk2, [h1.detach(), c1.detach()]);
  const w = randn(out2.shape, { dtype: 'float64' });
  mul(out2, w).sum().backward();
  assert.equal(x1.grad, null, 'no gradient reaches the first chunk');

  // explicit: the composed oracle from the (constant) state values after chunk 1
  const params: Record<string, Tensor> = {};
  for (const [k, p] of m.namedParameters())
    params[k] = new Tensor(p.data.slice(), p.shape, { requiresGrad: true });
  const hConst = noGrad(() => new Tensor(h1.data.slice(), h1.shape));
  const cConst = noGrad(() => new Tensor(c1.data.slice(), c1.shape));
  const x2 = new Tensor(chunk2.data.slice(), chunk2.shape, { requiresGrad: true });
  const ref = composedRnn(
    { mode: 'LSTM', hiddenSize: 3, numLayers: 1, bias: true, bidirectional: false, projSize: 0 },
    params,
    x2,
    null,
    hConst,
    cConst,
  );
  mul(ref.output, w).sum().backward();
  const tol = { rtol: 1e-10, atol: 1e-12 };
  assertClose(chunk2.grad!.data, x2.grad!.data, { ...tol, what: 'grad chunk2' });
  for (const [k, p] of m.namedParameters())
    assertClose(p.grad!.data, params[k].grad!.data, { ...tol, what: `grad ${k}` });

  // and the full (untruncated) gradient is different: the truncation did something
  m.zeroGrad();
  const [outFull] = m.forward(cat([chunk1, slice(x, 0, 4, 8)], 0));
  mul(slice(outFull, 0, 4, 8), w)
    .sum()
    .backward();
  const whh = m.getParameter('weight_hh_l0')!;
  assert.ok(
    whh.grad!.data.some((v, i) => Math.abs(v - params.weight_hh_l0.grad!.data[i]) > 1e-8),
    'full BPTT differs',
  );
});

test('without detach(), a second backward through the released first-chunk graph raises a StateError', () => {
  manualSeed(12);
  const m = new GRU(2, 3).double();
  const x1 = randn([4, 2, 2], { dtype: 'float64' });
  const x2 = randn([4, 2, 2], { dtype: 'float64' });
  const [o1, h1] = m.forward(x1);
  o1.sum().backward();
  const [o2] = m.forward(x2, h1); // h1 still attached to chunk 1's (released) graph
  assert.throws(
    () => add(o2.sum(), 0).backward(),
    (e: unknown) => e instanceof StateError && /second time/.test(e.message),
  );
  // with detach() the same thing works
  m.zeroGrad();
  const [p1, g1] = m.forward(x1);
  p1.sum().backward();
  const [p2] = m.forward(x2, g1.detach());
  p2.sum().backward();
  assert.ok(m.getParameter('weight_hh_l0')!.grad !== null);
});

test("flattenParameters() (PyTorch's cuDNN hint) is there for ported code and changes nothing", () => {
  manualSeed(4);
  const lstm = new LSTM(3, 4, { numLayers: 2 });
  const x = randn([5, 2, 3]);
  const before = lstm.forward(x)[0].toArray();
  const params = lstm.parameters();
  lstm.flattenParameters();
  assert.deepEqual(lstm.parameters(), params);
  assert.deepEqual(lstm.forward(x)[0].toArray(), before);
});
