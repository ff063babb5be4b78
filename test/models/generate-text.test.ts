// generateText: a model trained at batch 32 (stateful, fixed batch) generates at batch 1;
// greedy generation with the state carried equals re-running the whole text from zero
// states through the trained model; seeds, topK and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError, StateError } from '../../src/core/errors.js';
import { Generator, manualSeed } from '../../src/core/rng.js';
import { CharVocab } from '../../src/data/char-vocab.js';
import { charRnnBatches } from '../../src/data/char-rnn-batches.js';
import {
  bidirectional,
  dense,
  embedding,
  loadModel,
  lstm,
  gru,
  sequential,
  type SequentialModel,
} from '../../src/models/index.js';
import { drawNext, generateText } from '../../src/models/generate-text.js';
import { Tensor } from '../../src/tensor/index.js';
import { throwsWith } from '../helpers/assert.js';

const TEXT = 'the cat sat on the mat. the dog sat on the log. '.repeat(20);
const vocab = CharVocab.fromText(TEXT);
const B = 32;
const L = 8;

/** Rows of all char-rnn batches of TEXT: x, y int32 (n, L). */
function rows(): { x: Tensor; y: Tensor } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const b of charRnnBatches(vocab.encode(TEXT), { batchSize: B, seqLength: L })) {
    xs.push(...b.x.toArray());
    ys.push(...b.y.toArray());
  }
  const n = xs.length / L;
  return { x: new Tensor(Int32Array.from(xs), [n, L]), y: new Tensor(Int32Array.from(ys), [n, L]) };
}

async function trainedStateful(): Promise<SequentialModel> {
  manualSeed(3);
  const model = sequential([
    embedding({ inputDim: vocab.size, outputDim: 8, batchSize: B, inputShape: [null] }),
    lstm({ units: 16, returnSequences: true, stateful: true }),
    gru({ units: 12, returnSequences: true, stateful: true }),
    dense({ units: vocab.size }),
  ]);
  model.compile({
    loss: { type: 'sparseCategoricalCrossentropy', fromLogits: true },
    optimizer: { type: 'adam', lr: 0.01 },
  });
  const { x, y } = rows();
  await model.fit(x, y, { epochs: 3, batchSize: B, shuffle: false, verbose: 0 });
  return model;
}

/** The greedy continuation computed the slow way: the whole text from zero states, at the model's own batch. */
function greedyByRerun(model: SequentialModel, prime: string, length: number): string {
  let text = prime;
  for (let i = 0; i < length; i++) {
    const ids = vocab.encode(text);
    const x = new Int32Array(B * ids.length);
    for (let r = 0; r < B; r++) x.set(ids, r * ids.length);
    model.resetStates();
    const y = model.predict(new Tensor(x, [B, ids.length]), { batchSize: B }); // (B, T, V)
    const last = y.data.subarray((ids.length - 1) * vocab.size, ids.length * vocab.size);
    let best = 0;
    for (let k = 1; k < last.length; k++) if (last[k] > last[best]) best = k;
    text += vocab.decode([best]);
  }
  model.resetStates();
  return text;
}

test('generateText: a stateful model trained at batch 32 generates at batch 1, equal to re-running the text', async () => {
  const model = await trainedStateful();
  assert.equal(model.fixedBatchSize, B);
  const greedy = generateText(model, vocab, { prime: 'the ', length: 24, temperature: 0 });
  assert.equal(Array.from(greedy).length, 28);
  assert.ok(greedy.startsWith('the '));
  assert.equal(greedy, greedyByRerun(model, 'the ', 24));
  // the trained model still predicts at its own batch, its carried state untouched by sampling
  model.resetStates();
  const before = model.predict(rows().x.slice(0, 0, B), { batchSize: B }).toArray();
  generateText(model, vocab, { prime: 'the', length: 5, seed: 1 });
  model.resetStates();
  assert.deepEqual(model.predict(rows().x.slice(0, 0, B), { batchSize: B }).toArray(), before);
});

test('generateText: the same seed gives the same text, topK 1 is greedy, and a saved model loads and generates', async () => {
  const model = await trainedStateful();
  const a = generateText(model, vocab, { prime: 'the', length: 40, temperature: 1, seed: 5 });
  assert.equal(generateText(model, vocab, { prime: 'the', length: 40, temperature: 1, seed: 5 }), a);
  assert.notEqual(generateText(model, vocab, { prime: 'the', length: 40, temperature: 1.5, seed: 6 }), a);
  assert.equal(
    generateText(model, vocab, { prime: 'the', length: 20, topK: 1, seed: 9 }),
    generateText(model, vocab, { prime: 'the', length: 20, temperature: 0 }),
  );
  for (const ch of a) assert.ok(vocab.has(ch));
  const dir = mkdtempSync(join(tmpdir(), 'longshort-gen-'));
  try {
    await model.save(dir);
    const loaded = await loadModel(dir);
    assert.equal(generateText(loaded, vocab, { prime: 'the', length: 40, temperature: 1, seed: 5 }), a);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('generateText: a one-hot model (no embedding) with a softmax head', async () => {
  manualSeed(1);
  const V = vocab.size;
  const model = sequential([
    lstm({ units: 10, returnSequences: true, inputShape: [null, V] }),
    dense({ units: V, activation: 'softmax' }),
  ]);
  model.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'adam' });
  const { x, y } = rows();
  const oh = new Float32Array(x.numel() * V);
  for (let i = 0; i < x.numel(); i++) oh[i * V + x.data[i]] = 1;
  await model.fit(new Tensor(oh, [x.shape[0], L, V]), y, { epochs: 1, batchSize: B, verbose: 0 });
  const s = generateText(model, vocab, { prime: 'dog', length: 15, seed: 2 });
  assert.equal(Array.from(s).length, 18);
});

test('drawNext: topK keeps only the k largest scores; temperature 0 is argmax', () => {
  const scores = [0.1, 3, -1, 2.9, 2.8, 0];
  const g = new Generator(0);
  const seen = new Set<number>();
  for (let i = 0; i < 400; i++) seen.add(drawNext(scores, 5, 3, g));
  assert.deepEqual([...seen].sort(), [1, 3, 4]);
  assert.equal(drawNext(scores, 0, null, g), 1);
  const all = new Set<number>();
  for (let i = 0; i < 2000; i++) all.add(drawNext(scores, 50, null, g));
  assert.equal(all.size, 6);
});

test('generateText: bad input is a typed error before any work', async () => {
  const model = await trainedStateful();
  throwsWith(
    () => generateText(model, vocab, { prime: 'xyz!' }),
    ConfigError,
    'outside the vocabulary',
    '"xyz!"',
  );
  throwsWith(() => generateText(model, vocab, { prime: '' }), ConfigError, 'prime must not be empty');
  throwsWith(() => generateText(model, vocab, { length: -1 }), ConfigError, 'length');
  throwsWith(
    () => generateText(model, vocab, { temperature: -0.5 }),
    ConfigError,
    'temperature must be >= 0',
  );
  throwsWith(() => generateText(model, vocab, { topK: 0 }), ConfigError, 'topK');
  throwsWith(() => generateText(model, vocab, { temprature: 1 } as never), ConfigError, 'temprature');
  throwsWith(() => generateText(model, CharVocab.fromText('abc'), {}), ConfigError, 'V = 3');
  const unbuilt = sequential([
    embedding({ inputDim: vocab.size, outputDim: 4 }),
    lstm({ units: 4, returnSequences: true }),
    dense({ units: vocab.size }),
  ]);
  throwsWith(() => generateText(unbuilt, vocab), StateError, 'must be built');
  const bi = sequential([
    embedding({ inputDim: vocab.size, outputDim: 4, inputShape: [null] }),
    bidirectional(lstm({ units: 4, returnSequences: true })),
    dense({ units: vocab.size }),
  ]);
  bi.build([null]);
  throwsWith(() => generateText(bi, vocab), ConfigError, 'left to right', 'Bidirectional');
});
