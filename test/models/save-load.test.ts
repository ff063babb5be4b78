import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { FormatError } from '../../src/core/errors.js';
import { manualSeed } from '../../src/core/rng.js';
import { loadSafetensorsSync } from '../../src/io/safetensors.js';
import { randn, tensor, type Tensor } from '../../src/tensor/index.js';
import {
  bidirectional,
  dense,
  dropout,
  embedding,
  gru,
  loadModel,
  lstm,
  sequential,
  type SequentialModel,
} from '../../src/models/index.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'longshort-models-'));
}

function data(): [Tensor, Tensor] {
  manualSeed(123);
  const x = randn([24, 5, 3]);
  const y = x.sum(1).narrow(1, 0, 2).tanh(); // (24, 2)
  return [x, y];
}

function build(): SequentialModel {
  return sequential([
    lstm({ units: 6, returnSequences: true, inputShape: [5, 3] }),
    gru({ units: 4 }),
    dense({ units: 2 }),
  ]);
}

test('save/load round trip: identical predictions, PyTorch keys, compile config', async () => {
  const dir = tmp();
  try {
    const [x, y] = data();
    manualSeed(0);
    const model = build();
    model.compile({ loss: 'mse', optimizer: { type: 'adam', lr: 0.01 }, metrics: ['mae'] });
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, seed: 5 });
    await model.save(dir);
    const st = loadSafetensorsSync(join(dir, 'weights.safetensors'));
    assert.deepEqual([...st.tensors.keys()].sort(), Object.keys(model.stateDict()).sort());
    assert.ok(
      st.tensors.has('lstm_1.weight_ih_l0') &&
        st.tensors.has('gru_1.bias_hh_l0') &&
        st.tensors.has('dense_1.weight'),
    );
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
      epoch: number;
      compile: unknown;
    };
    assert.equal(json.epoch, 2);
    assert.deepEqual(json.compile, { loss: 'mse', optimizer: { type: 'adam', lr: 0.01 }, metrics: ['mae'] });

    const loaded = await loadModel(dir);
    assert.deepEqual(loaded.predict(x).toArray(), model.predict(x).toArray());
    assert.equal(loaded.epoch, 2);
    assert.equal(loaded.summary({ print: () => {} }), model.summary({ print: () => {} }));
    assert.deepEqual(loaded.evaluate(x, y), model.evaluate(x, y));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a model saved mid-training and reloaded continues with bit-identical losses', async () => {
  const dir = tmp();
  try {
    const [x, y] = data();
    const fitOptions = { batchSize: 8, verbose: 0 as const, seed: 9, validationSplit: 0.25 };
    manualSeed(0);
    const whole = build();
    whole.compile({ loss: 'mse', optimizer: 'adam', metrics: ['mae'] });
    const full = await whole.fit(x, y, { ...fitOptions, epochs: 6 });

    manualSeed(0);
    const first = build();
    first.compile({ loss: 'mse', optimizer: 'adam', metrics: ['mae'] });
    const part1 = await first.fit(x, y, { ...fitOptions, epochs: 3 });
    await first.save(dir);
    manualSeed(999); // a fresh process would have another generator state
    const resumed = await loadModel(dir);
    const part2 = await resumed.fit(x, y, { ...fitOptions, epochs: 6, initialEpoch: resumed.epoch });
    assert.deepEqual(part2.epoch, [3, 4, 5]);
    for (const key of ['loss', 'mae', 'val_loss', 'val_mae']) {
      assert.deepEqual([...part1.history[key], ...part2.history[key]], full.history[key], key);
    }
    assert.deepEqual(resumed.predict(x).toArray(), whole.predict(x).toArray());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('architectures with embedding, masks, bidirectional and dropout round-trip', async () => {
  const dir = tmp();
  try {
    manualSeed(1);
    const model = sequential([
      embedding({ inputDim: 12, outputDim: 4, maskZero: true, inputShape: [null] }),
      bidirectional(lstm({ units: 3, returnSequences: true, dropout: 0.1 }), { mergeMode: 'mul' }),
      dropout({ rate: 0.2 }),
      gru({ units: 2, goBackwards: true }),
      dense({ units: 3, activation: 'softmax' }),
    ]);
    await model.save(dir); // not compiled: no optimizer files
    const loaded = await loadModel(dir);
    const ids = tensor(
      [
        [1, 5, 7, 0],
        [3, 2, 0, 0],
      ],
      { dtype: 'int32' },
    );
    assert.deepEqual(loaded.predict(ids).toArray(), model.predict(ids).toArray());
    assert.deepEqual(loaded.layerConfigs(), model.layerConfigs());
    assert.equal(loaded.isCompiled, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadModel rejects bad files with a FormatError naming the file and field', async () => {
  const dir = tmp();
  try {
    manualSeed(0);
    const model = build();
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    await model.fit(...data(), { epochs: 1, verbose: 0 });
    await model.save(dir);
    const path = join(dir, 'model.json');
    const good = readFileSync(path, 'utf8');
    const expectFormat = async (text: string, ...fragments: string[]): Promise<void> => {
      writeFileSync(path, text);
      await assert.rejects(loadModel(dir), (e: unknown) => {
        assert.ok(e instanceof FormatError, String(e));
        for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" lacks "${f}"`);
        return true;
      });
    };
    const edit = (f: (j: Record<string, unknown>) => void): string => {
      const j = JSON.parse(good) as Record<string, unknown>;
      f(j);
      return JSON.stringify(j);
    };
    await expectFormat('{ not json', 'model.json', 'invalid JSON');
    await expectFormat(
      edit((j) => (j.epoch = -1)),
      'model.json',
      '"epoch"',
    );
    await expectFormat(
      edit((j) => (j.layers = [{ className: 'Conv2D', config: {} }])),
      'model.json',
      'layers[0]',
      'Conv2D',
    );
    await expectFormat(
      edit((j) => ((j.layers as Array<{ config: { units: number } }>)[1].config.units = 5)),
      'weights.safetensors',
      'gru_1.weight_ih_l0',
    );
    await expectFormat(
      edit((j) => (j.checkpointId = 'other')),
      'weights.safetensors',
      'checkpointId',
    );
    await expectFormat(
      edit((j) => ((j.compile as { loss: string }).loss = 'nope')),
      'model.json',
      'compile',
      'unknown loss',
    );
    writeFileSync(path, good);
    writeFileSync(join(dir, 'optimizer.json'), '{}');
    await assert.rejects(
      loadModel(dir),
      (e: unknown) => e instanceof FormatError && e.message.includes('optimizer.json'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('saved mid-training and loaded in a new process, a model with dropout continues with the losses of an uninterrupted run', () => {
  const dir = tmp();
  try {
    const child = fileURLToPath(new URL('./resume-child.js', import.meta.url));
    const run = (
      ...args: string[]
    ): { epoch: number[]; history: Record<string, number[]>; prediction: number[] } => {
      const out = execFileSync(process.execPath, [child, ...args], { encoding: 'utf8' });
      return JSON.parse(out.trim().split('\n').at(-1) ?? '') as {
        epoch: number[];
        history: Record<string, number[]>;
        prediction: number[];
      };
    };
    const whole = run('whole', '6');
    const part1 = run('first', '3', dir);
    const part2 = run('resume', '6', dir);
    assert.deepEqual(part1.epoch, [0, 1, 2]);
    assert.deepEqual(part2.epoch, [3, 4, 5]);
    for (const key of ['loss', 'mae', 'val_loss', 'val_mae']) {
      assert.deepEqual([...part1.history[key], ...part2.history[key]], whole.history[key], key);
    }
    assert.deepEqual(part2.prediction, whole.prediction);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
