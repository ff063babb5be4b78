// The Keras front's cell-variant options (activation, recurrentActivation, resetAfter):
// they reach the module, survive getConfig / save / load, and are checked.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { ConfigError } from '../../src/core/errors.js';
import { manualSeed } from '../../src/core/rng.js';
import { GRU, LSTM, RNN } from '../../src/nn/index.js';
import { randn } from '../../src/tensor/index.js';
import { bidirectional, dense, gru, lstm, sequential, simpleRNN, loadModel } from '../../src/models/index.js';

test('gru({ resetAfter: false }) and lstm({ recurrentActivation }) build variant modules that give the nn results', () => {
  manualSeed(3);
  const g = gru({
    units: 4,
    resetAfter: false,
    recurrentActivation: 'hardSigmoid',
    returnSequences: true,
    inputShape: [7, 3],
  });
  const model = sequential([g]);
  const x = randn([3, 7, 3]);
  const y = model.predict(x);
  const mod = g.module as GRU;
  assert.equal(mod.cellVariant?.resetAfter, false);
  assert.equal(mod.cellVariant?.gate.name, 'hardSigmoid');
  const [want] = mod.forward(x);
  assert.deepEqual(Array.from(y.data), Array.from(want.data));
  const l = lstm({
    units: 3,
    activation: 'relu',
    recurrentActivation: { name: 'hardSigmoid', alpha: 1 / 6 },
    inputShape: [5, 2],
  });
  sequential([l]);
  const lm = l.module as LSTM;
  assert.equal(lm.cellVariant?.cell.name, 'relu');
  assert.equal(lm.cellVariant?.out.name, 'relu');
  assert.equal(lm.cellVariant?.gate.alpha, 1 / 6);
  const s = simpleRNN({ units: 3, activation: 'softsign', inputShape: [5, 2] });
  sequential([s]);
  assert.equal((s.module as RNN).cellVariant?.cell.name, 'softsign');
});

test('variant options under a mask run step by step with the variant', () => {
  manualSeed(4);
  const g = gru({ units: 3, resetAfter: false, returnSequences: true, inputShape: [4, 2] });
  const model = sequential([g]);
  const x = randn([2, 4, 2]);
  const noMask = model.predict(x);
  const [want] = (g.module as GRU).forward(x);
  assert.deepEqual(Array.from(noMask.data), Array.from(want.data));
});

test('variant options round-trip through getConfig and save/load', async () => {
  manualSeed(5);
  const model = sequential([
    bidirectional(gru({ units: 3, resetAfter: false, activation: 'relu', returnSequences: true }), {
      inputShape: [6, 2],
    }),
    lstm({ units: 2, recurrentActivation: { name: 'hardSigmoid', alpha: 1 / 6 } }),
    dense({ units: 1 }),
  ]);
  const cfg = JSON.stringify(model.layerConfigs());
  assert.match(cfg, /"resetAfter":false/);
  assert.match(cfg, /hardSigmoid/);
  const dir = mkdtempSync(join(tmpdir(), 'ls-variants-'));
  try {
    await model.save(dir);
    const back = await loadModel(dir);
    const x = randn([3, 6, 2]);
    assert.deepEqual(Array.from(back.predict(x).data), Array.from(model.predict(x).data));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('variant options are checked: unknown names, resetAfter on an LSTM, recurrentActivation on a SimpleRNN', () => {
  assert.throws(() => lstm({ units: 2, activation: 'gelu' as never }), ConfigError);
  assert.throws(() => lstm({ units: 2, resetAfter: false }), ConfigError);
  assert.throws(() => simpleRNN({ units: 2, recurrentActivation: 'sigmoid' }), ConfigError);
  assert.throws(() => gru({ units: 2, resetAfter: 1 as never }), ConfigError);
});
