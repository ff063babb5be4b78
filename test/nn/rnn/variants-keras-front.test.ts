// The Keras front's LSTM peepholes, coupled input-forget gate and clip options: they
// reach the nn module, run the same under a general mask (step by step), survive
// getConfig / save / load, and a Keras file export refuses them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { ConfigError, UnsupportedError } from '../../../src/core/errors.js';
import { manualSeed } from '../../../src/core/rng.js';
import { exportKerasModel } from '../../../src/interop/keras/keras-export.js';
import {
  bidirectional,
  embedding,
  gru,
  loadModel,
  lstm,
  sequential,
  simpleRNN,
} from '../../../src/models/index.js';
import type { GRU, LSTM, RNN } from '../../../src/nn/index.js';
import { randn, Tensor } from '../../../src/tensor/index.js';

test('lstm({ peepholes, coupledInputForget, clip }) builds the variant module and gives its results', () => {
  manualSeed(41);
  const l = lstm({
    units: 4,
    peepholes: true,
    coupledInputForget: true,
    clip: 0.7,
    returnSequences: true,
    inputShape: [7, 3],
  });
  const model = sequential([l]);
  const mod = l.module as LSTM;
  assert.deepEqual(mod.cellVariant?.peepholes, true);
  assert.deepEqual(mod.cellVariant?.coupledInputForget, true);
  assert.equal(mod.cellVariant?.clip, 0.7);
  const phKey = Object.keys(model.stateDict()).find((k) => k.endsWith('.weight_ph_l0'));
  assert.deepEqual(model.stateDict()[phKey!].shape, [12]);
  const x = randn([3, 7, 3]).mul(2);
  const [want] = mod.forward(x);
  assert.deepEqual(Array.from(model.predict(x).data), Array.from(want.data));
  const g = gru({ units: 3, clip: 0.5, inputShape: [7, 3] });
  sequential([g]);
  assert.equal((g.module as GRU).cellVariant?.clip, 0.5);
  const s = simpleRNN({ units: 3, clip: 0.5, activation: 'relu', inputShape: [7, 3] });
  sequential([s]);
  assert.equal((s.module as RNN).cellVariant?.clip, 0.5);
  assert.equal((s.module as RNN).nonlinearity, 'relu');
});

test('peepholes under a general mask: the step-by-step path reads weight_ph like the packed one', () => {
  manualSeed(42);
  const tokens = new Tensor(Int32Array.from([3, 0, 2, 4, 1, 2, 3, 4, 2, 0, 0, 1]), [3, 4]); // inner zeros: stepwise
  const right = new Tensor(Int32Array.from([3, 1, 2, 4, 1, 2, 3, 4, 2, 1, 0, 0]), [3, 4]); // right padding: packed
  const peep = lstm({ units: 3, peepholes: true, clip: 1, returnSequences: true });
  const model = sequential([embedding({ inputDim: 5, outputDim: 2, maskZero: true, inputShape: [4] }), peep]);
  const plain = sequential([
    embedding({ inputDim: 5, outputDim: 2, maskZero: true, inputShape: [4] }),
    lstm({ units: 3, clip: 1, returnSequences: true }),
  ]);
  const sd = model.stateDict();
  const srcKeys = Object.keys(sd).filter((k) => !k.endsWith('.weight_ph_l0'));
  const plainKeys = Object.keys(plain.stateDict());
  assert.equal(srcKeys.length, plainKeys.length);
  plain.loadStateDict(Object.fromEntries(plainKeys.map((k, i) => [k, sd[srcKeys[i]]])));
  for (const t of [tokens, right]) {
    const a = model.predict(t);
    const b = plain.predict(t);
    let diff = 0;
    for (let i = 0; i < a.numel(); i++) diff = Math.max(diff, Math.abs(a.data[i] - b.data[i]));
    assert.ok(diff > 1e-4, `the peepholes change the masked output (max difference ${diff})`);
  }
  // zeroing the peepholes gives the plain layer, on both paths
  const w = (peep.module as LSTM).getParameter('weight_ph_l0') as Tensor;
  w.data.fill(0);
  w.storage.version++;
  for (const t of [tokens, right]) {
    const a = model.predict(t);
    const b = plain.predict(t);
    for (let i = 0; i < a.numel(); i++) assert.ok(Math.abs(a.data[i] - b.data[i]) < 1e-6);
  }
});

test('the options round-trip through getConfig and save/load; Keras export refuses them', async () => {
  manualSeed(43);
  const model = sequential([
    bidirectional(
      lstm({ units: 3, peepholes: true, coupledInputForget: true, clip: 2, returnSequences: true }),
      {
        inputShape: [6, 2],
      },
    ),
    gru({ units: 2, clip: 1.5 }),
  ]);
  const cfg = JSON.stringify(model.layerConfigs());
  assert.match(cfg, /"peepholes":true/);
  assert.match(cfg, /"coupledInputForget":true/);
  assert.match(cfg, /"clip":2/);
  const dir = mkdtempSync(join(tmpdir(), 'ls-variants-front-'));
  try {
    await model.save(dir);
    const back = await loadModel(dir);
    const x = randn([3, 6, 2]).mul(2);
    assert.deepEqual(Array.from(back.predict(x).data), Array.from(model.predict(x).data));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(
    () => exportKerasModel(model),
    (e: unknown) => e instanceof UnsupportedError && /peepholes/.test(String(e)),
  );
  const clipped = sequential([simpleRNN({ units: 2, clip: 1, inputShape: [3, 1] })]);
  assert.throws(() => exportKerasModel(clipped), /clip/);
});

test('the options are checked', () => {
  assert.throws(() => gru({ units: 2, peepholes: true }), ConfigError);
  assert.throws(() => simpleRNN({ units: 2, coupledInputForget: true }), ConfigError);
  assert.throws(() => lstm({ units: 2, clip: -1 }), ConfigError);
  assert.throws(() => lstm({ units: 2, peepholes: 'yes' as never }), ConfigError);
});
