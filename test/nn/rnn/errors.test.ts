// Bad input gets PyTorch's conditions as typed errors naming the op, the expected and
// the actual value. Messages checked by fragments.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ConfigError, DTypeError, ShapeError, StateError } from '../../../src/core/errors.js';
import { setWarningHandler } from '../../../src/core/warn.js';
import {
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  RNN,
  RNNCell,
  PackedSequence,
  packPaddedSequence,
  packSequence,
  padPackedSequence,
  padSequence,
} from '../../../src/nn/rnn/index.js';
import { ones, randn, Tensor } from '../../../src/tensor/index.js';
import { throwsWith } from '../../helpers/assert.js';

/** Calls with arguments TypeScript would reject (what a JS caller can do). */
function loose<T>(v: unknown): T {
  return v as T;
}

test('errors: input rank and input.size(-1)', () => {
  const lstm = new LSTM(28, 20, { numLayers: 2 });
  throwsWith(
    () => lstm.forward(randn([5, 3, 27])),
    ShapeError,
    'LSTM:',
    'input.size(-1) must be equal to input_size',
    'expected 28, got 27',
  );
  throwsWith(() => lstm.forward(randn([5, 3, 28, 1])), ShapeError, 'LSTM:', 'expected 2 or 3', 'got 4');
  throwsWith(() => lstm.forward(randn([28])), ShapeError, 'expected 2 or 3', 'got 1');
  throwsWith(() => new GRU(4, 3).forward(randn([2, 5])), ShapeError, 'GRU:', 'expected 4, got 5');
  throwsWith(() => new RNN(4, 3).forward(randn([2, 2, 5])), ShapeError, 'RNN:', 'expected 4, got 5');
  // packed data must be 2-D
  const p = new PackedSequence(randn([3, 2, 28]), [2, 1]);
  throwsWith(
    () => lstm.forward(p),
    ShapeError,
    'packed input data must have 2 dimensions',
    'expected 2, got 3',
  );
  throwsWith(
    () => lstm.forward(randn([5, 3, 28], { dtype: 'float64' })),
    DTypeError,
    'LSTM:',
    'expected float32, got float64',
  );
});

test('errors: state shapes, ranks and dtypes', () => {
  const lstm = new LSTM(28, 20, { numLayers: 2 });
  const x = randn([5, 3, 28]);
  throwsWith(
    () => lstm.forward(x, [randn([2, 3, 21]), randn([2, 3, 20])]),
    ShapeError,
    'LSTM: Expected hidden[0] size (2, 3, 20), got [2, 3, 21]',
  );
  throwsWith(
    () => lstm.forward(x, [randn([2, 3, 20]), randn([2, 3, 21])]),
    ShapeError,
    'Expected hidden[1] size (2, 3, 20), got [2, 3, 21]',
  );
  throwsWith(
    () => lstm.forward(x, [randn([1, 3, 20]), randn([1, 3, 20])]),
    ShapeError,
    'Expected hidden[0] size (2, 3, 20), got [1, 3, 20]',
  );
  throwsWith(
    () => lstm.forward(x, [randn([3, 20]), randn([3, 20])]),
    ShapeError,
    'For batched 3-D input, hx and cx should also be 3-D but got (2-D, 2-D) tensors',
  );
  throwsWith(
    () => lstm.forward(randn([5, 28]), [randn([2, 3, 20]), randn([2, 3, 20])]),
    ShapeError,
    'For unbatched 2-D input, hx and cx should also be 2-D but got (3-D, 3-D) tensors',
  );
  throwsWith(
    () => lstm.forward(randn([5, 28]), [randn([2, 21]), randn([2, 20])]),
    ShapeError,
    'Expected hidden[0] size (2, 20), got [2, 21]',
  );
  throwsWith(
    () => lstm.forward(x, loose([randn([2, 3, 20])])),
    ShapeError,
    'pair [h_0, c_0]',
    'got 1 tensors',
  );
  throwsWith(
    () => lstm.forward(x, [randn([2, 3, 20], { dtype: 'float64' }), randn([2, 3, 20])]),
    DTypeError,
    'hidden[0]',
    'expected float32, got float64',
  );
  // projection: h is projSize wide, c hiddenSize wide
  const proj = new LSTM(4, 6, { projSize: 3 });
  throwsWith(
    () => proj.forward(randn([2, 1, 4]), [randn([1, 1, 6]), randn([1, 1, 6])]),
    ShapeError,
    'Expected hidden[0] size (1, 1, 3), got [1, 1, 6]',
  );
  throwsWith(
    () => proj.forward(randn([2, 1, 4]), [randn([1, 1, 3]), randn([1, 1, 3])]),
    ShapeError,
    'Expected hidden[1] size (1, 1, 6), got [1, 1, 3]',
  );

  const gru = new GRU(28, 20, { numLayers: 2, bidirectional: true });
  throwsWith(
    () => gru.forward(x, randn([4, 3, 21])),
    ShapeError,
    'GRU: Expected hidden size (4, 3, 20), got [4, 3, 21]',
  );
  throwsWith(
    () => gru.forward(x, randn([3, 20])),
    ShapeError,
    'For batched 3-D input, hx should also be 3-D but got 2-D tensor',
  );
  throwsWith(
    () => gru.forward(randn([5, 28]), randn([4, 3, 20])),
    ShapeError,
    'For unbatched 2-D input, hx should also be 2-D but got 3-D tensor',
  );
  // packed: the state's batch is the caller's N
  const packed = packPaddedSequence(randn([5, 3, 28]), [5, 2, 4], { enforceSorted: false });
  throwsWith(
    () => gru.forward(packed, randn([4, 2, 20])),
    ShapeError,
    'Expected hidden size (4, 3, 20), got [4, 2, 20]',
  );
  throwsWith(
    () => gru.forward(packed, randn([4, 20])),
    ShapeError,
    'packed input',
    'should be 3-D',
    'got 2-D',
  );
});

test('errors: constructor options (projSize, dropout, sizes, nonlinearity, unknown options)', () => {
  throwsWith(
    () => new LSTM(3, 4, { projSize: 4 }),
    ConfigError,
    'LSTM: projSize has to be smaller than hiddenSize',
    'expected projSize < 4, got 4',
  );
  throwsWith(() => new LSTM(3, 4, { projSize: 7 }), ConfigError, 'got 7');
  throwsWith(
    () => new LSTM(3, 4, { projSize: -1 }),
    ConfigError,
    'projSize should be a positive integer or zero',
    'got -1',
  );
  throwsWith(() => new LSTM(3, 4, { projSize: 1.5 }), ConfigError, 'got 1.5');
  throwsWith(
    () => new GRU(3, 4, loose({ projSize: 2 })),
    ConfigError,
    'GRU: projSize argument is only supported for LSTM',
    'got projSize=2',
  );
  throwsWith(
    () => new RNN(3, 4, loose({ projSize: 2 })),
    ConfigError,
    'RNN: projSize argument is only supported for LSTM',
  );
  throwsWith(
    () => new LSTM(3, 4, loose({ numLayer: 2 })),
    ConfigError,
    'LSTM: unknown option "numLayer"',
    'expected one of numLayers',
  );
  throwsWith(
    () => new GRU(3, 4, loose({ nonlinearity: 'relu' })),
    ConfigError,
    'unknown option "nonlinearity"',
  );
  throwsWith(
    () => new LSTMCell(3, 4, loose({ numLayers: 2 })),
    ConfigError,
    'LSTMCell: unknown option "numLayers"',
  );
  for (const d of [-0.1, 1.5, NaN, loose<number>(true), loose<number>('0.5')]) {
    throwsWith(
      () => new LSTM(3, 4, { numLayers: 2, dropout: d }),
      ConfigError,
      'dropout should be a number in range [0, 1]',
      `got ${String(d)}`,
    );
  }
  throwsWith(() => new LSTM(0, 4), ConfigError, 'LSTM: inputSize must be a positive integer; got 0');
  throwsWith(() => new GRU(3, -2), ConfigError, 'GRU: hiddenSize must be a positive integer; got -2');
  throwsWith(() => new RNN(3, 2.5), ConfigError, 'hiddenSize', 'got 2.5');
  throwsWith(
    () => new LSTM(3, 4, { numLayers: 0 }),
    ConfigError,
    'numLayers must be a positive integer; got 0',
  );
  throwsWith(() => new LSTM(3, 4, { numLayers: 1.5 }), ConfigError, 'got 1.5');
  throwsWith(() => new LSTMCell(3, 0), ConfigError, 'LSTMCell: hiddenSize', 'got 0');
  throwsWith(() => new GRUCell(0, 3), ConfigError, 'GRUCell: inputSize', 'got 0');
  throwsWith(
    () => new LSTM(3, 4, loose({ bidirectional: 'yes' })),
    ConfigError,
    'bidirectional must be a boolean',
    'got "yes"',
  );
  throwsWith(
    () => new RNN(3, 4, loose({ nonlinearity: 'sigmoid' })),
    ConfigError,
    "RNN: Unknown nonlinearity 'sigmoid'",
    "expected 'tanh' or 'relu'",
  );
  throwsWith(
    () => new RNNCell(3, 4, loose({ nonlinearity: 'gelu' })),
    ConfigError,
    "RNNCell: Unknown nonlinearity 'gelu'",
  );
});

test('errors: dropout > 0 with numLayers 1 warns (and only then)', () => {
  const seen: string[] = [];
  const prev = setWarningHandler((m) => seen.push(m));
  try {
    new LSTM(3, 4, { dropout: 0.5 });
    assert.equal(seen.length, 1);
    assert.ok(seen[0].includes('LSTM: dropout option adds dropout after all but last recurrent layer'));
    assert.ok(seen[0].includes('dropout=0.5 and numLayers=1'));
    new GRU(3, 4, { numLayers: 2, dropout: 0.5 });
    new RNN(3, 4, { dropout: 0 });
    assert.equal(seen.length, 1);
  } finally {
    setWarningHandler(prev);
  }
});

test('errors: cells (rank, input size, batch, hidden size, unbatched state)', () => {
  const c = new LSTMCell(28, 20);
  throwsWith(
    () => c.forward(randn([3, 27])),
    ShapeError,
    'LSTMCell: input has inconsistent input_size',
    'expected 28, got 27',
  );
  throwsWith(
    () => c.forward(randn([3, 28, 1])),
    ShapeError,
    'LSTMCell: Expected input to be 1-D or 2-D',
    'got 3-D',
  );
  throwsWith(
    () => c.forward(randn([3, 28]), [randn([2, 20]), randn([2, 20])]),
    ShapeError,
    "Input batch size 3 doesn't match hx[0] batch size",
    'expected 3, got 2',
  );
  throwsWith(
    () => c.forward(randn([3, 28]), [randn([3, 21]), randn([3, 20])]),
    ShapeError,
    'hx[0] has inconsistent hidden_size',
    'expected 20, got 21',
  );
  throwsWith(
    () => c.forward(randn([3, 28]), [randn([3, 20]), randn([3, 21])]),
    ShapeError,
    'hx[1] has inconsistent hidden_size',
    'expected 20, got 21',
  );
  throwsWith(
    () => c.forward(randn([28]), [randn([3, 20]), randn([3, 20])]),
    ShapeError,
    'Expected hx[0] to be 1-D for unbatched 1-D input',
    'got 2-D',
  );
  throwsWith(
    () => c.forward(randn([3, 28]), [randn([20]), randn([20])]),
    ShapeError,
    'Expected hx[0] to be 2-D for batched 2-D input',
    'got 1-D',
  );
  const g = new GRUCell(28, 20);
  throwsWith(
    () => g.forward(randn([3, 28]), randn([3, 21])),
    ShapeError,
    'GRUCell: hx has inconsistent hidden_size',
    'expected 20, got 21',
  );
  throwsWith(
    () => new RNNCell(4, 2).forward(randn([4]), randn([3])),
    ShapeError,
    'RNNCell: hx has inconsistent hidden_size',
    'expected 2, got 3',
  );
  throwsWith(
    () => g.forward(randn([3, 28], { dtype: 'float64' })),
    DTypeError,
    'GRUCell',
    'expected float32, got float64',
  );
});

test('errors: packing and padding', () => {
  const x = randn([4, 3, 2]);
  throwsWith(
    () => packPaddedSequence(x, [3, 4, 2]),
    ConfigError,
    'packPaddedSequence: lengths array must be sorted in decreasing order',
    'expected lengths[1] <= 3, got 4',
    'enforceSorted: false',
  );
  throwsWith(
    () => packPaddedSequence(x, [4, 3, 0]),
    ShapeError,
    'Length of all samples has to be greater than 0',
    'got 0 at position 2',
  );
  throwsWith(
    () => packPaddedSequence(x, [4, -1, 3], { enforceSorted: false }),
    ShapeError,
    'got -1 at position 1',
  );
  throwsWith(() => packPaddedSequence(x, [4, 3]), ShapeError, 'equal to batch_size', 'expected 3, got 2');
  throwsWith(
    () => packPaddedSequence(x, [5, 3, 2]),
    ShapeError,
    'must not exceed the padded sequence length',
    'expected at most 4, got 5',
  );
  throwsWith(
    () => packPaddedSequence(x, [2, 3, 4, 1], { batchFirst: true, enforceSorted: false }),
    ShapeError,
    'expected at most 3, got 4',
  );
  throwsWith(() => packPaddedSequence(randn([4]), [4]), ShapeError, 'at least 2 dimensions', 'got 1-D');
  throwsWith(() => packPaddedSequence(x, [2.5, 2, 1]), ShapeError, 'got 2.5');
  const p = packPaddedSequence(x, [4, 3, 2]);
  throwsWith(
    () => padPackedSequence(p, { totalLength: 3 }),
    ShapeError,
    'totalLength',
    'expected at least 4, got 3',
  );
  throwsWith(() => padSequence([]), ShapeError, 'padSequence: received an empty list of sequences', 'got 0');
  throwsWith(
    () => padSequence([randn([2, 3]), randn([3, 4])]),
    ShapeError,
    'expected [L, 3], got [3, 4] at position 1',
  );
  throwsWith(() => packSequence([randn([2, 3]), randn([3, 3])]), ConfigError, 'sorted in decreasing order');
  throwsWith(
    () => packSequence([randn([0, 3]), randn([3, 3])], { enforceSorted: false }),
    ShapeError,
    'greater than 0',
  );
  throwsWith(() => new PackedSequence(randn([4, 2]), [1, 3]), ConfigError, 'non-increasing', 'got [1, 3]');
  throwsWith(
    () => new PackedSequence(randn([5, 2]), [3, 1]),
    ShapeError,
    'sum(batchSizes)',
    'expected 4, got 5',
  );
});

test('errors: a failed loadStateDict leaves the module unchanged', () => {
  const m = new LSTM(3, 4, { numLayers: 2 });
  const before = m.namedParameters().map(([n, p]) => [n, Array.from(p.data)] as const);
  const good = (): Record<string, Tensor> => {
    const d: Record<string, Tensor> = {};
    for (const [n, p] of m.namedParameters()) d[n] = ones(p.shape);
    return d;
  };
  const wrongShape = good();
  wrongShape.weight_hh_l1 = ones([16, 5]);
  throwsWith(() => m.loadStateDict(wrongShape), ShapeError, 'weight_hh_l1', 'expected [16, 4], got [16, 5]');
  const missing = good();
  delete missing.bias_hh_l1;
  throwsWith(() => m.loadStateDict(missing), StateError, 'missing keys', 'bias_hh_l1');
  const extra = good();
  extra.weight_hr_l0 = ones([2, 4]);
  throwsWith(() => m.loadStateDict(extra), StateError, 'unexpected keys', 'weight_hr_l0');
  for (const [n, data] of before)
    assert.deepEqual(Array.from(m.getParameter(n)!.data), data, `${n} unchanged`);
  // and a good one does load
  m.loadStateDict(good());
  for (const p of m.parameters()) assert.ok(p.data.every((v) => v === 1));
});
