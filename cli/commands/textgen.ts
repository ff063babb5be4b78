/*
 * `longshort textgen train FILE` / `textgen sample MODEL`: a character-level LSTM
 * language model on any text file (seed 000's model) on the Keras-style front:
 *
 *   embedding(V, E) -> lstm(H, returnSequences, stateful) x layers -> dense(V) on every
 *   step (the per-step softmax, as logits: sparse categorical cross entropy fromLogits)
 *
 * Training follows char-rnn's layout (`charRnnBatches`): the text is cut into
 * `batchSize` streams and each batch continues the previous one row by row, so the
 * stateful layers carry (h, c) from batch to batch, detached (truncated BPTT, MXNet's
 * BlockGrad); the states are reset at the start of each epoch and for validation (the
 * last 5% of the text, when it holds one batch).
 *
 * The model directory: `model.json` + `weights.safetensors` (+ optimizer state) as
 * written by `model.save(dir)` (so `longshort summary DIR` works on it) and
 * `vocab.json` (CharVocab JSON). Sampling rebuilds the same layers with a batch of 1
 * and loads the weights.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CharVocab,
  ConfigError,
  Generator,
  Tensor,
  charRnnBatches,
  layers,
  loadModel,
  manualSeed,
  sequential,
  type CharRnnBatches,
  type Callback,
  type Layer,
  type Logs,
  type SequentialModel,
  writeFileAtomicSync,
} from '../../src/index.js';

export interface TextgenTrainOptions {
  epochs: number;
  hidden: number;
  layers: number;
  embedding: number;
  seqLength: number;
  batchSize: number;
  lr: number;
  seed: number;
  out: string;
  sample: number;
  temperature: number;
  prime?: string;
}

export interface TextgenSampleOptions {
  length: number;
  temperature: number;
  prime?: string;
  seed: number;
}

const VOCAB_FILE = 'vocab.json';

/** Rows of all batches, in batch order: x and y int32 (numBatches * batchSize, seqLength). */
function stack(data: CharRnnBatches, batchSize: number, seqLength: number): { x: Tensor; y: Tensor } {
  const n = data.numBatches * batchSize;
  const x = new Int32Array(n * seqLength); // (n, seqLength)
  const y = new Int32Array(n * seqLength); // (n, seqLength)
  let k = 0;
  for (const b of data) {
    x.set(b.x.data as Int32Array, k * batchSize * seqLength);
    y.set(b.y.data as Int32Array, k * batchSize * seqLength);
    k++;
  }
  return { x: new Tensor(x, [n, seqLength]), y: new Tensor(y, [n, seqLength]) };
}

/** The model; `batchSize` fixes the stateful batch (training: the streams; sampling: 1). */
function buildModel(V: number, o: { embedding: number; hidden: number; layers: number }, batchSize: number): SequentialModel {
  const stackLayers: Layer[] = [layers.embedding({ inputDim: V, outputDim: o.embedding, batchSize, inputShape: [null] })];
  for (let l = 0; l < o.layers; l++) stackLayers.push(layers.lstm({ units: o.hidden, returnSequences: true, stateful: true }));
  stackLayers.push(layers.dense({ units: V }));
  return sequential(stackLayers, { name: 'textgen' });
}

export async function textgenTrain(file: string, o: TextgenTrainOptions): Promise<void> {
  if (!existsSync(file)) throw new ConfigError(`no such file: ${file}`);
  const text = readFileSync(file, 'utf8');
  const vocab = CharVocab.fromText(text);
  const ids = vocab.encode(text);
  const perBatch = o.batchSize * o.seqLength;
  if (ids.length < perBatch + 1) {
    throw new ConfigError(
      `textgen train: ${file} holds ${ids.length} characters, fewer than one batch needs (batch-size x seq-length + 1 = ${perBatch + 1}); use a smaller --batch-size or --seq-length`,
    );
  }
  // the last 5% validate when that is at least one batch; otherwise train on everything
  let nTrain = Math.floor(ids.length * 0.95);
  if (ids.length - nTrain < perBatch + 1 || nTrain < perBatch + 1) nTrain = ids.length;
  const shape = { batchSize: o.batchSize, seqLength: o.seqLength };
  const train = stack(charRnnBatches(ids.subarray(0, nTrain), shape), o.batchSize, o.seqLength);
  const val = nTrain < ids.length ? stack(charRnnBatches(ids.subarray(nTrain), shape), o.batchSize, o.seqLength) : null;
  console.log(
    `data: ${file}, ${ids.length} characters, vocabulary ${vocab.size}; train ${nTrain} (${train.x.shape[0] / o.batchSize} batches of ${o.batchSize} x ${o.seqLength})` +
      (val ? `, validation ${ids.length - nTrain} (${val.x.shape[0] / o.batchSize} batches)` : ', no validation (the text is too short for a 5% split)'),
  );
  manualSeed(o.seed);
  const model = buildModel(vocab.size, o, o.batchSize);
  model.compile({ loss: { type: 'sparseCategoricalCrossentropy', fromLogits: true }, optimizer: { type: 'adam', lr: o.lr } });
  model.summary();
  console.log(`training: ${o.epochs} epoch(s), Adam lr ${o.lr}, state carried across batches (detached), reset each epoch; seed ${o.seed}`);
  const states: Callback = {
    onEpochBegin: () => model.resetStates(),
    onEpochEnd: (_epoch: number, logs: Logs) => {
      if (val === null) return;
      model.resetStates();
      logs.val_loss = model.evaluate(val.x, val.y, { batchSize: o.batchSize }).loss;
    },
  };
  const t0 = performance.now();
  await model.fit(train.x, train.y, { epochs: o.epochs, batchSize: o.batchSize, shuffle: false, verbose: 1, callbacks: [states] });
  console.log(`trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  model.resetStates();
  await model.save(o.out);
  writeFileAtomicSync(path.join(o.out, VOCAB_FILE), `${JSON.stringify(vocab.toJSON())}\n`);
  console.log(`saved ${o.out} (model.json, weights.safetensors, ${VOCAB_FILE})`);
  if (o.sample > 0) await textgenSample(o.out, { length: o.sample, temperature: o.temperature, seed: o.seed, ...(o.prime !== undefined ? { prime: o.prime } : {}) });
}

/** Draws an id from softmax(logits / temperature); argmax when temperature is 0. */
function pick(logits: ArrayLike<number>, temp: number, g: Generator): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (temp === 0) return best;
  const p = new Float64Array(logits.length);
  let z = 0;
  for (let i = 0; i < logits.length; i++) z += p[i] = Math.exp((logits[i] - logits[best]) / temp);
  let u = g.uniform() * z;
  for (let i = 0; i < p.length; i++) {
    u -= p[i];
    if (u < 0) return i;
  }
  return p.length - 1;
}

export async function textgenSample(dir: string, o: TextgenSampleOptions): Promise<void> {
  const vocabFile = path.join(dir, VOCAB_FILE);
  if (!existsSync(path.join(dir, 'model.json'))) throw new ConfigError(`${dir} is not a saved model (no model.json); train one with: longshort textgen train FILE --out ${dir}`);
  if (!existsSync(vocabFile)) throw new ConfigError(`${dir} has no ${VOCAB_FILE}; it is not a textgen model`);
  const vocab = CharVocab.fromJSON(JSON.parse(readFileSync(vocabFile, 'utf8')));
  const trained = await loadModel(dir);
  const cfg = trained.layerConfigs();
  const emb = cfg[0];
  const recurrent = cfg.slice(1, -1);
  const head = cfg[cfg.length - 1];
  if (emb?.className !== 'Embedding' || head?.className !== 'Dense' || recurrent.length === 0 || !recurrent.every((c) => c.className === 'LSTM')) {
    throw new ConfigError(`${dir} is not a textgen model (expected Embedding, LSTM..., Dense; got ${cfg.map((c) => c.className).join(', ')})`);
  }
  const num = (v: unknown): number => Number(v);
  const sampler = buildModel(vocab.size, { embedding: num(emb.config.outputDim), hidden: num(recurrent[0].config.units), layers: recurrent.length }, 1);
  sampler.setWeights(trained.getWeights());
  const prime = o.prime ?? (vocab.has('\n') ? '\n' : vocab.chars[0]);
  const unknown = [...new Set(Array.from(prime).filter((ch) => !vocab.has(ch)))];
  if (unknown.length > 0) throw new ConfigError(`--prime has characters outside the model's vocabulary: ${JSON.stringify(unknown.join(''))}`);
  if (prime.length === 0) throw new ConfigError('--prime must not be empty');
  const g = new Generator(o.seed);
  const primeIds = vocab.encode(prime);
  let logits = sampler.predict(new Tensor(Int32Array.from(primeIds), [1, primeIds.length])); // (1, P, V)
  let last = logits.data.subarray((primeIds.length - 1) * vocab.size, primeIds.length * vocab.size);
  const out: number[] = [];
  for (let i = 0; i < o.length; i++) {
    const id = pick(last, o.temperature, g);
    out.push(id);
    logits = sampler.predict(new Tensor(Int32Array.of(id), [1, 1])); // (1, 1, V)
    last = logits.data;
  }
  console.log(`--- sample (${o.length} characters, temperature ${o.temperature}, seed ${o.seed}) ---`);
  console.log(prime + vocab.decode(out));
  console.log('--- end of sample ---');
}
