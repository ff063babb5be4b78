// fit / evaluate / predict take float64 data (what scalers and CSV readers produce):
// it is cast to the model's dtype, and training on it gives the same model as on float32.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed } from '../../src/core/rng.js';
import { layers, sequential } from '../../src/index.js';
import { Tensor } from '../../src/tensor/index.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

function data(ctor: Ctor): [Tensor, Tensor] {
  const x = Array.from({ length: 6 * 4 }, (_, i) => Math.sin(i / 3)); // (6, 4, 1)
  const y = Array.from({ length: 6 * 2 }, (_, i) => Math.cos(i / 5)); // (6, 2)
  return [new Tensor(ctor.from(x), [6, 4, 1]), new Tensor(ctor.from(y), [6, 2])];
}

async function train(ctor: Ctor): Promise<{ loss: number; pred: Tensor; evalLoss: number }> {
  manualSeed(5);
  const m = sequential([layers.lstm({ units: 3, inputShape: [4, 1] }), layers.dense({ units: 2 })]);
  m.compile({ loss: 'mse', optimizer: { type: 'adam', lr: 0.01 } });
  const [x, y] = data(ctor);
  const h = await m.fit(x, y, { epochs: 3, batchSize: 3, seed: 1, verbose: 0, validationData: [x, y] });
  const evalLoss = m.evaluate(x, y).loss;
  return { loss: h.history.loss[2], pred: m.predict(x), evalLoss };
}

test('fit, evaluate and predict cast float64 data to a float32 model', async () => {
  const a = await train(Float32Array);
  const b = await train(Float64Array);
  assert.equal(b.pred.dtype, 'float32');
  assert.equal(b.loss, a.loss);
  assert.equal(b.evalLoss, a.evalLoss);
  assert.deepEqual(Array.from(b.pred.data), Array.from(a.pred.data));
});
