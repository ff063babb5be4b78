// Central-difference gradient checks (float64, random cotangents) of whole modules
// w.r.t. the input, the initial states and every parameter.
import { test } from 'node:test';

import { gradcheck } from '../../helpers/gradcheck.js';
import { manualSeed } from '../../../src/core/rng.js';
import {
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  RNN,
  RNNCell,
  packPaddedSequence,
  padPackedSequence,
  PackedSequence,
  type RNNBase,
} from '../../../src/nn/rnn/index.js';
import { randn, Tensor } from '../../../src/tensor/index.js';

function leaf(shape: number[]): Tensor {
  const t = randn(shape, { dtype: 'float64' });
  t.requiresGrad = true;
  return t;
}

function checkLayer(m: RNNBase, xShape: number[], stateShapes: number[][], lengths: number[] | null): void {
  m.double();
  const batchFirst = m.batchFirst;
  const x = leaf(xShape);
  const states = stateShapes.map(leaf);
  const params = m.parameters();
  gradcheck(
    (xx, ...rest) => {
      const input =
        lengths === null ? xx : packPaddedSequence(xx, lengths, { batchFirst, enforceSorted: false });
      let out: Tensor | PackedSequence;
      const hs: Tensor[] = [];
      if (m instanceof LSTM) {
        const [o, [h, c]] = m.forward(input, states.length ? [rest[0], rest[1]] : null);
        out = o;
        hs.push(h, c);
      } else {
        const [o, h] = (m as GRU | RNN).forward(input, states.length ? rest[0] : null);
        out = o;
        hs.push(h);
      }
      const padded =
        out instanceof PackedSequence
          ? padPackedSequence(out, { batchFirst, totalLength: xShape[batchFirst ? 1 : 0] })[0]
          : out;
      return [padded, ...hs];
    },
    [x, ...states, ...params],
  );
}

test('gradcheck: LSTM (2 layers, batch_first) w.r.t. input, h0, c0 and all parameters', () => {
  manualSeed(1);
  checkLayer(
    new LSTM(3, 4, { numLayers: 2, batchFirst: true }),
    [2, 3, 3],
    [
      [2, 2, 4],
      [2, 2, 4],
    ],
    null,
  );
});

test('gradcheck: LSTM bidirectional + packed + projection', () => {
  manualSeed(2);
  checkLayer(
    new LSTM(2, 4, { bidirectional: true, projSize: 2, numLayers: 2 }),
    [4, 3, 2],
    [
      [4, 3, 2],
      [4, 3, 4],
    ],
    [2, 4, 1],
  );
});

test('gradcheck: GRU bidirectional packed (batch_first), no states', () => {
  manualSeed(3);
  checkLayer(new GRU(3, 3, { bidirectional: true, batchFirst: true }), [3, 4, 3], [], [4, 1, 3]);
});

test('gradcheck: GRU no bias, 2 layers, with h0', () => {
  manualSeed(4);
  checkLayer(new GRU(2, 3, { numLayers: 2, bias: false }), [3, 2, 2], [[2, 2, 3]], null);
});

test('gradcheck: RNN tanh bidirectional packed, RNN relu unbatched', () => {
  manualSeed(5);
  checkLayer(new RNN(3, 4, { bidirectional: true }), [4, 2, 3], [[2, 2, 4]], [3, 4]);
  checkLayer(new RNN(3, 4, { nonlinearity: 'relu', numLayers: 2 }), [4, 3], [[2, 4]], null);
});

test('gradcheck: LSTM unbatched with projection', () => {
  manualSeed(6);
  checkLayer(
    new LSTM(2, 3, { projSize: 1 }),
    [3, 2],
    [
      [1, 1],
      [1, 3],
    ],
    null,
  );
});

test('gradcheck: cells (batched and unbatched)', () => {
  manualSeed(7);
  const lc = new LSTMCell(3, 4).double();
  gradcheck(
    (x, h, c) => lc.forward(x, [h, c]),
    [leaf([2, 3]), leaf([2, 4]), leaf([2, 4]), ...lc.parameters()],
  );
  const gc = new GRUCell(3, 2).double();
  gradcheck((x, h) => gc.forward(x, h), [leaf([3]), leaf([2]), ...gc.parameters()]);
  const rc = new RNNCell(2, 3, { nonlinearity: 'tanh', bias: false }).double();
  gradcheck((x, h) => rc.forward(x, h), [leaf([2, 2]), leaf([2, 3]), ...rc.parameters()]);
});
