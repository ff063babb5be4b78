// A class id out of range is reported at its row of the data given to fit, not at its
// place in a shuffled batch, before any training step.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ShapeError } from '../../src/core/errors.js';
import { manualSeed } from '../../src/core/rng.js';
import { dense, embedding, lstm, sequential } from '../../src/models/index.js';
import { randn, Tensor } from '../../src/tensor/index.js';
import { throwsWithAsync } from './reject.js';

test('fit: a label out of range names its row in the data (per-sample and per-step targets)', async () => {
  manualSeed(0);
  const model = sequential([lstm({ units: 4, inputShape: [5, 2] }), dense({ units: 3 })]);
  model.compile({ loss: { type: 'sparseCategoricalCrossentropy', fromLogits: true }, optimizer: 'adam' });
  const labels = Int32Array.from({ length: 40 }, (_, i) => i % 3);
  labels[17] = 3;
  const before = model.getWeights().get('lstm_1.weight_ih_l0')!.toArray();
  await throwsWithAsync(
    () =>
      model.fit(randn([40, 5, 2]), new Tensor(labels, [40]), {
        epochs: 1,
        batchSize: 8,
        shuffle: true,
        seed: 1,
        verbose: 0,
      }),
    ShapeError,
    'class ids must be integers in [0, 2] (the model has 3 outputs); got 3 at y row 17',
  );
  assert.deepEqual(model.getWeights().get('lstm_1.weight_ih_l0')!.toArray(), before, 'no step was taken');

  const seq = sequential([
    embedding({ inputDim: 6, outputDim: 3, inputShape: [4] }),
    lstm({ units: 4, returnSequences: true }),
    dense({ units: 6 }),
  ]);
  seq.compile({ loss: { type: 'sparseCategoricalCrossentropy', fromLogits: true }, optimizer: 'adam' });
  const ids = new Tensor(
    Int32Array.from({ length: 40 }, (_, i) => i % 6),
    [10, 4],
  );
  const ys = Int32Array.from({ length: 40 }, (_, i) => (i + 1) % 6);
  ys[5 * 4 + 2] = -1;
  await throwsWithAsync(
    () => seq.fit(ids, new Tensor(ys, [10, 4]), { epochs: 1, batchSize: 4, verbose: 0 }),
    ShapeError,
    'got -1 at y row 5 (element 2 of the row)',
  );
  const val = new Tensor(
    Int32Array.from({ length: 8 }, () => 9),
    [2, 4],
  );
  await throwsWithAsync(
    () =>
      seq.fit(
        ids,
        new Tensor(
          Int32Array.from({ length: 40 }, () => 1),
          [10, 4],
        ),
        { epochs: 1, verbose: 0, validationData: [ids.slice(0, 0, 2), val] },
      ),
    ShapeError,
    'got 9 at validationData y row 0 (element 0 of the row)',
  );
});
