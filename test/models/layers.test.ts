import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ConfigError, ShapeError, StateError } from '../../src/core/errors.js';
import { manualSeed } from '../../src/core/rng.js';
import { GRU, Linear, LSTM } from '../../src/nn/index.js';
import { cat, randn, Tensor, tensor } from '../../src/tensor/index.js';
import {
  bidirectional,
  dense,
  dropout,
  embedding,
  gru,
  lstm,
  sequential,
  simpleRNN,
  type MergeMode,
  type RecurrentLayer,
} from '../../src/models/index.js';
import { throwsWith } from '../helpers/assert.js';

const noPrint = (): void => {};

function close(a: Tensor, b: Tensor, tol = 1e-5): void {
  assert.deepEqual(a.shape, b.shape);
  const x = a.toArray();
  const y = b.toArray();
  for (let i = 0; i < x.length; i++)
    assert.ok(Math.abs(x[i] - y[i]) <= tol, `index ${i}: ${x[i]} vs ${y[i]}`);
}

/** PyTorch's parameter count of one recurrent layer and direction. */
function rnnParams(gates: number, input: number, hidden: number): number {
  return gates * (hidden * input + hidden * hidden + 2 * hidden);
}

test('summary of seed 002 model: 80,896 + 132,096 + 1,290 parameters', () => {
  const model = sequential([
    lstm({ units: 128, returnSequences: true, inputShape: [28, 28] }),
    lstm({ units: 128 }),
    dense({ units: 10 }),
  ]);
  const lines: string[] = [];
  const text = model.summary({ print: (l) => lines.push(l) });
  assert.equal(lines.join('\n'), text);
  assert.match(text, /lstm_1 \(LSTM\)\s+\(None, 28, 128\)\s+80,896/);
  assert.match(text, /lstm_2 \(LSTM\)\s+\(None, 128\)\s+132,096/);
  assert.match(text, /dense_1 \(Dense\)\s+\(None, 10\)\s+1,290/);
  assert.match(text, /Total params: 214,282/);
  assert.deepEqual(
    model.layers.map((l) => l.countParams()),
    [rnnParams(4, 28, 128), rnnParams(4, 128, 128), 128 * 10 + 10],
  );
  assert.deepEqual(
    model.layers.map((l) => l.countParams()),
    [80896, 132096, 1290],
  );
  // the keys are PyTorch's, prefixed by the layer names
  assert.deepEqual(Object.keys(model.stateDict()), [
    'lstm_1.weight_ih_l0',
    'lstm_1.weight_hh_l0',
    'lstm_1.bias_ih_l0',
    'lstm_1.bias_hh_l0',
    'lstm_2.weight_ih_l0',
    'lstm_2.weight_hh_l0',
    'lstm_2.bias_ih_l0',
    'lstm_2.bias_hh_l0',
    'dense_1.weight',
    'dense_1.bias',
  ]);
});

test('summary of an embedding + bidirectional GRU model matches PyTorch formulas', () => {
  const model = sequential([
    embedding({ inputDim: 100, outputDim: 16, maskZero: true, inputShape: [null] }),
    bidirectional(gru({ units: 32, returnSequences: true })),
    bidirectional(gru({ units: 8 }), { mergeMode: 'sum' }),
    dropout({ rate: 0.3 }),
    dense({ units: 3, activation: 'softmax' }),
  ]);
  const text = model.summary({ print: noPrint });
  const expected = [100 * 16, 2 * rnnParams(3, 16, 32), 2 * rnnParams(3, 64, 8), 0, 8 * 3 + 3];
  assert.deepEqual(
    model.layers.map((l) => l.countParams()),
    expected,
  );
  // the same counts as the PyTorch modules built directly
  assert.equal(
    new GRU(16, 32, { bidirectional: true }).parameters().reduce((s, p) => s + p.numel(), 0),
    expected[1],
  );
  assert.match(text, /bidirectional_1 \(Bidirectional\)\s+\(None, None, 64\)\s+9,600/);
  assert.match(text, /bidirectional_2 \(Bidirectional\)\s+\(None, 8\)\s+3,552/);
  assert.match(text, /embedding_1 \(Embedding\)\s+\(None, None, 16\)\s+1,600/);
  assert.match(text, new RegExp(`Total params: ${expected.reduce((a, b) => a + b).toLocaleString('en-US')}`));
  assert.ok(Object.keys(model.stateDict()).includes('bidirectional_1.weight_hh_l0_reverse'));
});

test('summary before the build is a StateError that says so; the first call builds', () => {
  const model = sequential([lstm({ units: 4 }), dense({ units: 2 })]);
  throwsWith(() => model.summary({ print: noPrint }), StateError, 'not built', 'inputShape');
  const y = model.forward(randn([3, 5, 6]));
  assert.deepEqual(y.shape, [3, 2]);
  assert.deepEqual(model.inputShape, [null, 6]);
  assert.match(model.summary({ print: noPrint }), /lstm_1 \(LSTM\)\s+\(None, 4\)\s+192/);
  // another sequence length is fine, another feature size is not
  assert.deepEqual(model.forward(randn([2, 9, 6])).shape, [2, 2]);
  throwsWith(() => model.forward(randn([2, 9, 7])), ShapeError, 'lstm_1', '(None, None, 6)', '(2, 9, 7)');
});

test('wrong input shape is a ShapeError naming the layer and both shapes', () => {
  const model = sequential([lstm({ units: 4, inputShape: [10, 3] }), dense({ units: 1 })]);
  throwsWith(
    () => model.predict(randn([2, 10, 4])),
    ShapeError,
    'LSTM "lstm_1"',
    'expected (None, 10, 3)',
    'got (2, 10, 4)',
  );
  throwsWith(() => model.predict(randn([2, 3])), ShapeError, 'lstm_1', '(None, 10, 3)');
});

test('output shapes for every recurrent option combination', () => {
  const N = 2;
  const L = 5;
  const F = 3;
  const H = 4;
  const x = randn([N, L, F]);
  for (const kind of [lstm, gru, simpleRNN]) {
    for (const returnSequences of [false, true]) {
      for (const goBackwards of [false, true]) {
        for (const returnState of [false, true]) {
          const layer = kind({ units: H, returnSequences, goBackwards, returnState, dropout: 0.1 });
          const out = layer.apply(x, { training: true });
          const main = Array.isArray(out) ? out[0] : out;
          assert.deepEqual(main.shape, returnSequences ? [N, L, H] : [N, H]);
          if (returnState) {
            assert.ok(Array.isArray(out));
            assert.equal(out.length, kind === lstm ? 3 : 2);
            for (const s of out.slice(1)) assert.deepEqual(s.shape, [N, H]);
          } else assert.ok(!Array.isArray(out));
        }
      }
      for (const mergeMode of ['concat', 'sum', 'mul', 'ave'] as MergeMode[]) {
        const layer = bidirectional(kind({ units: H, returnSequences, returnState: true }), { mergeMode });
        const out = layer.apply(x) as Tensor[];
        const D = mergeMode === 'concat' ? 2 * H : H;
        assert.deepEqual(out[0].shape, returnSequences ? [N, L, D] : [N, D]);
        assert.equal(out.length, kind === lstm ? 5 : 3);
      }
    }
  }
});

test('lstm layer equals the PyTorch LSTM; goBackwards is Keras-style; bidirectional merges', () => {
  manualSeed(3);
  const x = randn([3, 6, 2]);
  const layer = lstm({ units: 5, returnSequences: true, returnState: true });
  const [seq, h, c] = layer.apply(x) as Tensor[];
  const torch = layer.module as LSTM;
  const [o, [hN, cN]] = torch.forward(x);
  close(seq, o, 0);
  close(h, hN.select(0, 0), 0);
  close(c, cN.select(0, 0), 0);

  // goBackwards: the output is in processing order; the last output is the final state
  const back = lstm({ units: 5, returnSequences: true, goBackwards: true });
  back.build([null, 2]);
  const rev = tensor(Int32Array.from([5, 4, 3, 2, 1, 0]), { dtype: 'int32' });
  const expected = (back.module as LSTM).forward(x.indexSelect(1, rev))[0];
  close(back.apply(x) as Tensor, expected, 0);

  // bidirectional: concat = PyTorch's bidirectional output; ave = mean of the halves
  const bi = bidirectional(lstm({ units: 5, returnSequences: true }), { mergeMode: 'ave' });
  bi.build([null, 2]);
  const full = (bi.module as LSTM).forward(x)[0];
  const ave = full
    .slice(2, 0, 5)
    .add(full.slice(2, 5, 10))
    .div(2);
  close(bi.apply(x) as Tensor, ave, 1e-7);
});

test('dense applies per time step on sequences', () => {
  manualSeed(1);
  const layer = dense({ units: 3, activation: 'tanh' });
  const x = randn([2, 4, 5]);
  const y = layer.apply(x) as Tensor;
  assert.deepEqual(y.shape, [2, 4, 3]);
  const lin = layer.module as Linear;
  for (let t = 0; t < 4; t++) close(y.select(1, t), lin.forward(x.select(1, t)).tanh(), 1e-6);
  const model = sequential([
    lstm({ units: 6, returnSequences: true, inputShape: [4, 5] }),
    dense({ units: 2 }),
  ]);
  assert.deepEqual(model.predict(x).shape, [2, 4, 2]);
  assert.deepEqual(model.outputShapes(), [
    [4, 6],
    [4, 2],
  ]);
});

test('masks: a padded sequence gives the unpadded result; padding leaves the final state alone', () => {
  manualSeed(7);
  const lengths = [5, 2, 4];
  const L = 5;
  const emb = embedding({ inputDim: 10, outputDim: 3, maskZero: true });
  const ids = tensor(
    [
      [1, 2, 3, 4, 5],
      [6, 7, 0, 0, 0],
      [8, 9, 1, 2, 0],
    ],
    { dtype: 'int32' },
  );
  emb.build([null]);
  const { output: e, mask } = emb.call(ids, null, { training: false });
  assert.deepEqual(mask?.toNested(), [
    [1, 1, 1, 1, 1],
    [1, 1, 0, 0, 0],
    [1, 1, 1, 1, 0],
  ]);
  for (const kind of [lstm, gru, simpleRNN]) {
    // last output = final state of the unpadded sequence
    const last = kind({ units: 4, returnState: true });
    last.build([null, 3]);
    const [out, ...states] = last.apply(e, { mask }) as Tensor[];
    const single = (n: number): Tensor[] =>
      last.apply(e.narrow(0, n, 1).narrow(1, 0, lengths[n])) as Tensor[];
    for (let n = 0; n < 3; n++) {
      const [o1, ...s1] = single(n);
      close(out.narrow(0, n, 1), o1, 1e-6);
      states.forEach((s, k) => close(s.narrow(0, n, 1), s1[k], 1e-6));
    }
    // returnSequences: valid steps equal the unpadded run; masked steps repeat the last output
    const seqLayer = kind({ units: 4, returnSequences: true });
    seqLayer.build([null, 3]);
    const seq = seqLayer.apply(e, { mask }) as Tensor;
    for (let n = 0; n < 3; n++) {
      const alone = seqLayer.apply(e.narrow(0, n, 1).narrow(1, 0, lengths[n])) as Tensor;
      close(seq.narrow(0, n, 1).narrow(1, 0, lengths[n]), alone, 1e-6);
      for (let t = lengths[n]; t < L; t++)
        close(seq.narrow(0, n, 1).select(1, t), alone.select(1, lengths[n] - 1), 1e-6);
    }
  }
});

test('masks: the packed path (right padding) and the step-wise path agree; bidirectional zeroes masked outputs', () => {
  manualSeed(11);
  const x = randn([3, 5, 2]);
  const right = tensor([
    [1, 1, 1, 1, 1],
    [1, 1, 0, 0, 0],
    [1, 1, 1, 0, 0],
  ]);
  // the same mask with an extra masked step at the start is not right-padded -> step-wise
  const x2 = cat([randn([3, 1, 2]), x], 1);
  const left = cat([tensor([[0], [0], [0]]), right], 1);
  for (const kind of [lstm, gru]) {
    const layer = bidirectional(kind({ units: 3, returnSequences: true, returnState: true }));
    layer.build([null, 2]);
    const [a, ...sa] = layer.apply(x, { mask: right }) as Tensor[];
    const [b, ...sb] = layer.apply(x2, { mask: left }) as Tensor[];
    close(a, b.narrow(1, 1, 5), 1e-6);
    sa.forEach((s, i) => close(s, sb[i], 1e-6));
    // masked steps output zeros in both directions
    for (const v of b.select(1, 0).toArray()) assert.equal(v, 0);
    for (const v of a.narrow(0, 1, 1).narrow(1, 2, 3).toArray()) assert.equal(v, 0);
    // unidirectional: repeat semantics on both paths
    const uni = kind({ units: 3, returnSequences: true });
    uni.build([null, 2]);
    close(
      uni.apply(x, { mask: right }) as Tensor,
      (uni.apply(x2, { mask: left }) as Tensor).narrow(1, 1, 5),
      1e-6,
    );
  }
});

test('masks through a model: embedding + lstm ignores padding', () => {
  manualSeed(5);
  const model = sequential([
    embedding({ inputDim: 20, outputDim: 4, maskZero: true, inputShape: [null] }),
    lstm({ units: 3 }),
    dense({ units: 1 }),
  ]);
  const padded = model.predict(tensor([[3, 4, 5, 0, 0]], { dtype: 'int32' }));
  const unpadded = model.predict(tensor([[3, 4, 5]], { dtype: 'int32' }));
  close(padded, unpadded, 1e-6);
});

test('stateful layers carry (detached) states across batches until resetStates', () => {
  manualSeed(2);
  throwsWith(
    () => sequential([lstm({ units: 3, stateful: true, inputShape: [4, 2] })]),
    ConfigError,
    'batchSize',
  );
  const model = sequential([
    lstm({ units: 3, stateful: true, batchSize: 2, inputShape: [4, 2] }),
    dense({ units: 1 }),
  ]);
  const x = randn([2, 4, 2]);
  const first = model.predict(x);
  const second = model.predict(x);
  assert.notDeepEqual(first.toArray(), second.toArray());
  model.resetStates();
  close(model.predict(x), first, 0);
  // two halves with carried state = the whole sequence
  model.resetStates();
  const layer = model.layers[0] as RecurrentLayer;
  const torch = layer.module as LSTM;
  const [, [hWhole]] = torch.forward(cat([x, x], 1));
  model.predict(x);
  model.predict(x);
  close(layer.getStates()![0], hWhole, 1e-6);
  throwsWith(() => model.predict(randn([3, 4, 2])), ShapeError, 'fixed batch size');
});

test('sequential rejects returnState layers, duplicate names and misplaced options', () => {
  throwsWith(
    () => sequential([lstm({ units: 3, returnState: true, inputShape: [2, 2] })]),
    ConfigError,
    'returnState',
    'single-output',
  );
  throwsWith(
    () => sequential([dense({ units: 2, name: 'a' }), dense({ units: 2, name: 'a' })]),
    ConfigError,
    'unique',
  );
  throwsWith(
    () => sequential([dense({ units: 2 }), dense({ units: 2, inputShape: [3] })]),
    ConfigError,
    'only the first layer',
  );
  throwsWith(
    () => lstm({ units: 3, unknown: 1 } as unknown as { units: number }),
    ConfigError,
    'unknown option "unknown"',
  );
  throwsWith(() => lstm({ units: 0 }), ConfigError, 'units', 'positive integer');
  throwsWith(() => bidirectional(lstm({ units: 3, goBackwards: true })), ConfigError, 'goBackwards');
  throwsWith(() => bidirectional(lstm({ units: 3, name: 'x' })), ConfigError, 'name');
  // names: per kind, from 1; user names are kept
  const m = sequential([
    lstm({ units: 2, returnSequences: true, inputShape: [3, 1] }),
    lstm({ units: 2, returnSequences: true, name: 'lstm_1x' }),
    lstm({ units: 2 }),
    dense({ units: 1 }),
  ]);
  assert.deepEqual(
    m.layers.map((l) => l.name),
    ['lstm_1', 'lstm_1x', 'lstm_2', 'dense_1'],
  );
  const used = lstm({ units: 2 });
  sequential([used]);
  throwsWith(() => sequential([used]), ConfigError, 'already belongs');
});

test("Keras' batchInputShape and Embedding's inputLength set the input shape and batch size", () => {
  const a = lstm({ units: 3, stateful: true, batchInputShape: [2, 4, 1] });
  assert.deepEqual([a.inputShape, a.batchSize], [[4, 1], 2]);
  assert.deepEqual(a.getConfig().inputShape, [4, 1]);
  assert.equal(a.getConfig().batchSize, 2);
  const free = dense({ units: 1, batchInputShape: [null, 5] });
  assert.deepEqual([free.inputShape, free.batchSize], [[5], null]);
  const m = sequential([embedding({ inputDim: 9, outputDim: 4, inputLength: 6 }), gru({ units: 2 })]);
  assert.deepEqual(m.predict(tensor([[1, 2, 3, 4, 5, 6]])).shape, [1, 2]);
  throwsWith(() => m.predict(tensor([[1, 2, 3]])), ShapeError, 'expected (None, 6)');
  const bi = bidirectional(lstm({ units: 2 }), { batchInputShape: [3, 5, 4] });
  assert.deepEqual([bi.inputShape, bi.batchSize], [[5, 4], 3]);
  assert.deepEqual(embedding({ inputDim: 9, outputDim: 4, inputLength: null }).inputShape, [null]);
  throwsWith(
    () => lstm({ units: 3, batchInputShape: [2, 4, 1], inputShape: [4, 1] }),
    ConfigError,
    'batchInputShape',
    'inputShape',
  );
  throwsWith(
    () => lstm({ units: 3, batchInputShape: [2, 4, 1], batchSize: 2 }),
    ConfigError,
    'batchInputShape',
    'batchSize',
  );
  throwsWith(() => lstm({ units: 3, batchInputShape: [2] }), ConfigError, 'at least 2 entries', '[2]');
  throwsWith(
    () => lstm({ units: 3, batchInputShape: [0, 4, 1] }),
    ConfigError,
    'batchSize',
    'positive integer',
    'got 0',
  );
  throwsWith(
    () => embedding({ inputDim: 9, outputDim: 4, inputLength: 6, inputShape: [6] }),
    ConfigError,
    'inputLength',
    'inputShape',
  );
});
