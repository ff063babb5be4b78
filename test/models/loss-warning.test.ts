// A probability loss (fromLogits false) fed logits warns once, naming fromLogits and
// the softmax / sigmoid activation; probabilities and fromLogits: true do not warn.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { manualSeed } from '../../src/core/rng.js';
import { setWarningHandler } from '../../src/core/warn.js';
import { dense, lstm, sequential } from '../../src/models/index.js';
import type { LossSpec } from '../../src/models/losses.js';
import { randn, Tensor } from '../../src/tensor/index.js';

async function warningsOf(
  loss: LossSpec,
  activation: 'linear' | 'softmax' | 'sigmoid',
  units: number,
  y: Tensor,
): Promise<string[]> {
  manualSeed(0);
  const model = sequential([lstm({ units: 4, inputShape: [3, 2] }), dense({ units, activation })]);
  model.compile({ loss, optimizer: 'adam' });
  const seen: string[] = [];
  const prev = setWarningHandler((m) => seen.push(m));
  try {
    await model.fit(randn([16, 3, 2]).mul(5), y, { epochs: 2, batchSize: 4, verbose: 0 });
  } finally {
    setWarningHandler(prev);
  }
  return seen;
}

test('logits meeting a probability loss warn once', async () => {
  const ids = new Tensor(
    Int32Array.from({ length: 16 }, (_, i) => i % 3),
    [16],
  );
  const bin = new Tensor(
    Float32Array.from({ length: 16 }, (_, i) => i % 2),
    [16, 1],
  );
  const sparse = await warningsOf('sparseCategoricalCrossentropy', 'linear', 3, ids);
  assert.equal(sparse.length, 1, sparse.join('\n'));
  assert.match(
    sparse[0],
    /^sparseCategoricalCrossentropy: the predictions must be probabilities in \[0, 1\] with fromLogits false; got -?[\d.e-]+ \(logits\?\)/,
  );
  assert.match(
    sparse[0],
    /fromLogits: true \}, or end the model with dense\(\{ units, activation: 'softmax' \}\)/,
  );
  const binary = await warningsOf('binaryCrossentropy', 'linear', 1, bin);
  assert.equal(binary.length, 1);
  assert.match(binary[0], /activation: 'sigmoid'/);
  assert.deepEqual(await warningsOf('sparseCategoricalCrossentropy', 'softmax', 3, ids), []);
  assert.deepEqual(
    await warningsOf({ type: 'sparseCategoricalCrossentropy', fromLogits: true }, 'linear', 3, ids),
    [],
  );
  assert.deepEqual(await warningsOf('binaryCrossentropy', 'sigmoid', 1, bin), []);
});
