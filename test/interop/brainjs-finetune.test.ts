// A brain.js net imported, trained further here, saved in longshort's format and loaded
// back (loadModel and importModel of the directory) with equal predictions and optimizer
// state; then written back out as brain.js JSON, which brain.js runs to the same outputs
// when test/peers has it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot } from '../helpers/fixtures.js';
import { manualSeed } from '../../src/core/rng.js';
import { BrainjsLSTMLayer, exportModel, importModel } from '../../src/interop/index.js';
import { loadModel, type SequentialModel } from '../../src/models/index.js';
import { Tensor } from '../../src/tensor/index.js';

const dir = join(repoRoot, 'test', 'fixtures', 'brainjs');
const peer = join(repoRoot, 'test', 'peers', 'node_modules', 'brain.js');

/** Windows of a few sine waves: x (N, L, F) -> the next step y (N, F). */
function waves(n: number, len: number, f: number): [Tensor, Tensor] {
  const x = new Float32Array(n * len * f);
  const y = new Float32Array(n * f);
  for (let s = 0; s < n; s++)
    for (let t = 0; t <= len; t++)
      for (let j = 0; j < f; j++) {
        const v = 0.5 + 0.4 * Math.sin(0.6 * t + 0.45 * s + j);
        if (t < len) x[(s * len + t) * f + j] = v;
        else y[s * f + j] = v;
      }
  return [new Tensor(x, [n, len, f]), new Tensor(y, [n, f])];
}

for (const [name, type, f] of [
  ['lstm_time_step', 'LSTMTimeStep', 2],
  ['gru_time_step', 'GRUTimeStep', 1],
  ['rnn_time_step', 'RNNTimeStep', 3],
] as const) {
  test(`${name}: fit a few epochs (loss falls), save, load back with equal predictions, export to brain.js`, async () => {
    manualSeed(9);
    const model = await importModel(join(dir, `${name}.json`), { format: 'brainjs' });
    const [x, y] = waves(9, 7, f);
    model.compile({ loss: 'mse', optimizer: { type: 'adam', lr: 0.01 } });
    const before = model.evaluate(x, y).loss;
    const h = await model.fit(x, y, { epochs: 8, batchSize: 3, verbose: 0 });
    const after = model.evaluate(x, y).loss;
    assert.equal(h.history.loss.length, 8);
    assert.ok(after < before, `loss ${before} -> ${after}`);
    const want = Array.from(model.predict(x).data);

    const tmp = mkdtempSync(join(tmpdir(), 'ls-brainjs-ft-'));
    try {
      await model.save(join(tmp, 'saved'));
      const loaded: SequentialModel[] = [
        await loadModel(join(tmp, 'saved')),
        await importModel(join(tmp, 'saved'), { format: 'longshort' }),
      ];
      for (const m of loaded) {
        assert.equal(m.epoch, 8);
        assert.equal(m.layers[0] instanceof BrainjsLSTMLayer, type === 'LSTMTimeStep');
        assert.deepEqual(Array.from(m.predict(x).data), want);
      }
      // training goes on from the saved optimizer state exactly as it would have in memory
      await model.fit(x, y, { epochs: 1, batchSize: 9, verbose: 0, shuffle: false });
      await loaded[0].fit(x, y, { epochs: 1, batchSize: 9, verbose: 0, shuffle: false });
      assert.deepEqual(Array.from(loaded[0].predict(x).data), Array.from(model.predict(x).data));

      // and back out to brain.js
      const json = JSON.parse(
        new TextDecoder().decode(await exportModel(loaded[0], null, { format: 'brainjs' })),
      ) as { type: string };
      assert.equal(json.type, type);
      const again = await importModel({ json }, { format: 'brainjs' });
      const y2 = Array.from(again.predict(x).data);
      const y1 = Array.from(loaded[0].predict(x).data);
      y2.forEach((v, i) => assert.ok(Math.abs(v - y1[i]) <= 1e-6 * Math.max(1, Math.abs(y1[i])), `${i}`));
      if (existsSync(peer)) {
        const require = createRequire(join(repoRoot, 'test', 'peers', 'package.json'));
        const brain = require('brain.js') as {
          recurrent: Record<string, new () => { fromJSON(j: unknown): void; run(x: unknown): unknown }>;
        };
        const net = new brain.recurrent[type]();
        net.fromJSON(json);
        for (let s = 0; s < x.shape[0]; s++) {
          const seq = Array.from({ length: 7 }, (_, t) =>
            Array.from(x.data.subarray((s * 7 + t) * f, (s * 7 + t + 1) * f)),
          );
          const r = net.run(f === 1 ? seq.map((v) => v[0]) : seq);
          const got = typeof r === 'number' ? [r] : Array.from(r as ArrayLike<number>);
          got.forEach((v, j) => {
            const w = y1[s * f + j];
            assert.ok(
              Math.abs(v - w) <= 1e-5 * Math.max(1, Math.abs(w)),
              `brain.js [${s}, ${j}]: ${v} vs ${w}`,
            );
          });
        }
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}
