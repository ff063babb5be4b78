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
 * written by `model.save(dir)` (so `longshort summary DIR` works on it), `vocab.json`
 * (CharVocab JSON) and `textgen.json` (the batch layout, for `--resume`). `--resume DIR`
 * continues a saved run (weights, Adam state, epoch counter) for `--epochs` more epochs.
 * Sampling is `generateText`, which runs a batch-1 copy of the model.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CharVocab,
  ConfigError,
  FormatError,
  Tensor,
  charRnnBatches,
  generateText,
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
import { duration, trainingProgress } from './textgen-progress.js';

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
  resume?: string;
  maxBatches?: number;
  tiny?: boolean;
  progressSeconds: number;
  /** The options given on the command line (not defaults): `--tiny` and `--resume` decide the rest. */
  explicit?: readonly string[];
}

export interface TextgenSampleOptions {
  length: number;
  temperature: number;
  topK?: number;
  prime?: string;
  seed: number;
}

const VOCAB_FILE = 'vocab.json';
const LAYOUT_FILE = 'textgen.json';
/** What `--tiny` changes when the option is not given (a smoke test; its own output directory). */
const TINY = {
  epochs: 1,
  hidden: 32,
  layers: 1,
  embedding: 16,
  seqLength: 25,
  batchSize: 10,
  maxBatches: 20,
  sample: 50,
  out: 'out/textgen-tiny',
};
/** Fixed by the saved model (or its textgen.json) when resuming. */
const FIXED_ON_RESUME = ['hidden', 'layers', 'embedding', 'seqLength', 'batchSize', 'lr'] as const;
const FLAG: Record<string, string> = {
  hidden: '--hidden',
  layers: '--layers',
  embedding: '--embedding',
  seqLength: '--seq-length',
  batchSize: '--batch-size',
  lr: '--lr',
};

/** Rows of the first `limit` batches, in batch order: x and y int32 (numBatches * batchSize, seqLength). */
function stack(
  data: CharRnnBatches,
  batchSize: number,
  seqLength: number,
  limit = Infinity,
): { x: Tensor; y: Tensor } {
  const nb = Math.min(data.numBatches, limit);
  const n = nb * batchSize;
  const x = new Int32Array(n * seqLength); // (n, seqLength)
  const y = new Int32Array(n * seqLength); // (n, seqLength)
  let k = 0;
  for (const b of data) {
    if (k >= nb) break;
    x.set(b.x.data, k * batchSize * seqLength);
    y.set(b.y.data, k * batchSize * seqLength);
    k++;
  }
  return { x: new Tensor(x, [n, seqLength]), y: new Tensor(y, [n, seqLength]) };
}

/** The model; `batchSize` fixes the stateful batch (the text streams). */
function buildModel(
  V: number,
  o: { embedding: number; hidden: number; layers: number },
  batchSize: number,
): SequentialModel {
  const stackLayers: Layer[] = [
    layers.embedding({ inputDim: V, outputDim: o.embedding, batchSize, inputShape: [null] }),
  ];
  for (let l = 0; l < o.layers; l++)
    stackLayers.push(layers.lstm({ units: o.hidden, returnSequences: true, stateful: true }));
  stackLayers.push(layers.dense({ units: V }));
  return sequential(stackLayers, { name: 'textgen' });
}

function compileModel(model: SequentialModel, lr: number): void {
  model.compile({
    loss: { type: 'sparseCategoricalCrossentropy', fromLogits: true },
    optimizer: { type: 'adam', lr },
  });
}

interface Layout {
  seqLength: number;
  batchSize: number;
  embedding: number;
  hidden: number;
  layers: number;
  lr: number;
}

function readLayout(dir: string): Layout {
  const file = path.join(dir, LAYOUT_FILE);
  if (!existsSync(file))
    throw new ConfigError(
      `--resume ${dir}: no ${LAYOUT_FILE}; expected a directory written by textgen train`,
    );
  const j = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const k of ['seqLength', 'batchSize', 'embedding', 'hidden', 'layers', 'lr']) {
    if (typeof j[k] !== 'number')
      throw new FormatError(`${file}: field "${k}" must be a number; got ${JSON.stringify(j[k])}`);
  }
  return j as unknown as Layout;
}

/** Times two training batches on a copy of the model: seconds per batch. */
async function timeBatches(
  model: SequentialModel,
  V: number,
  o: Layout,
  x: Tensor,
  y: Tensor,
): Promise<number> {
  const probe = buildModel(V, o, o.batchSize);
  compileModel(probe, o.lr);
  probe.build([null]);
  probe.setWeights(model.getWeights());
  const n = Math.min(3, x.shape[0] / o.batchSize) * o.batchSize;
  const times: number[] = [];
  let t = performance.now();
  const timer: Callback = {
    onBatchEnd: () => {
      const now = performance.now();
      times.push(now - t);
      t = now;
    },
  };
  await probe.fit(x.slice(0, 0, n), y.slice(0, 0, n), {
    epochs: 1,
    batchSize: o.batchSize,
    shuffle: false,
    verbose: 0,
    callbacks: [timer],
  });
  const warm = times.length > 1 ? times.slice(1) : times; // the first batch warms up
  return warm.reduce((a, b) => a + b, 0) / warm.length / 1000;
}

/** The offset of the first byte that does not belong to a valid UTF-8 sequence, or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n =
      c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    // overlong 3-byte forms, UTF-16 surrogates, overlong or > U+10FFFF 4-byte forms
    if (n === 2 && ((c === 0xe0 && b[i + 1] < 0xa0) || (c === 0xed && b[i + 1] >= 0xa0))) return i;
    if (n === 3 && ((c === 0xf0 && b[i + 1] < 0x90) || (c === 0xf4 && b[i + 1] >= 0x90))) return i;
    i += n + 1;
  }
  return -1;
}

/** A training text: the file must be UTF-8, or training would run on replacement characters. */
function readUtf8(file: string): string {
  const bytes = readFileSync(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = Math.max(0, firstInvalidUtf8(bytes));
    throw new FormatError(
      `textgen train: ${file} must be UTF-8 text; got byte 0x${bytes[at].toString(16).padStart(2, '0')} at offset ${at}, which is not valid UTF-8`,
    );
  }
}

export async function textgenTrain(file: string, opts: TextgenTrainOptions): Promise<void> {
  const explicit = new Set(opts.explicit ?? []);
  const o = { ...opts };
  if (o.tiny === true)
    for (const [k, v] of Object.entries(TINY)) if (!explicit.has(k)) (o as Record<string, unknown>)[k] = v;
  if (o.resume !== undefined) {
    const given = FIXED_ON_RESUME.filter((k) => explicit.has(k));
    if (given.length > 0) {
      throw new ConfigError(
        `--resume continues the saved model and its batch layout; expected no ${given.map((k) => FLAG[k]).join(', ')}, got ${given.map((k) => `${FLAG[k]} ${String(opts[k])}`).join(', ')}`,
      );
    }
    if (!explicit.has('out')) o.out = o.resume;
  }
  if (!existsSync(file)) throw new ConfigError(`no such file: ${file}`);
  const text = readUtf8(file);

  let vocab: CharVocab;
  let model: SequentialModel;
  let layout: Layout;
  if (o.resume !== undefined) {
    const dir = o.resume;
    if (!existsSync(path.join(dir, 'model.json')))
      throw new ConfigError(`--resume ${dir}: not a saved model (no model.json)`);
    if (!existsSync(path.join(dir, VOCAB_FILE)))
      throw new ConfigError(`--resume ${dir}: no ${VOCAB_FILE}; it is not a textgen model`);
    layout = readLayout(dir);
    vocab = CharVocab.fromJSON(JSON.parse(readFileSync(path.join(dir, VOCAB_FILE), 'utf8')));
    const unknown = [...new Set(Array.from(text).filter((ch) => !vocab.has(ch)))];
    if (unknown.length > 0) {
      throw new ConfigError(
        `--resume ${dir}: ${file} has characters outside the saved vocabulary; expected only its ${vocab.size} characters, got ${JSON.stringify(unknown.slice(0, 20).join(''))}`,
      );
    }
    model = await loadModel(dir);
    if (model.fixedBatchSize !== layout.batchSize)
      throw new FormatError(
        `${path.join(dir, LAYOUT_FILE)}: batchSize must match the model's; expected ${String(model.fixedBatchSize)}, got ${layout.batchSize}`,
      );
  } else {
    layout = {
      seqLength: o.seqLength,
      batchSize: o.batchSize,
      embedding: o.embedding,
      hidden: o.hidden,
      layers: o.layers,
      lr: o.lr,
    };
    vocab = CharVocab.fromText(text);
    manualSeed(o.seed);
    model = buildModel(vocab.size, layout, layout.batchSize);
    compileModel(model, layout.lr);
  }
  const { seqLength, batchSize } = layout;
  const ids = vocab.encode(text);
  const perBatch = batchSize * seqLength;
  if (ids.length < perBatch + 1) {
    throw new ConfigError(
      `${file} holds ${ids.length} characters, fewer than one batch needs (batch-size x seq-length + 1 = ${perBatch + 1}); use a smaller --batch-size or --seq-length`,
    );
  }
  // the last 5% validate when that is at least one batch; otherwise train on everything
  let nTrain = Math.floor(ids.length * 0.95);
  if (ids.length - nTrain < perBatch + 1 || nTrain < perBatch + 1) nTrain = ids.length;
  const layoutOpts = { batchSize, seqLength };
  const all = charRnnBatches(ids.subarray(0, nTrain), layoutOpts);
  const train = stack(all, batchSize, seqLength, o.maxBatches);
  const val =
    nTrain < ids.length
      ? stack(charRnnBatches(ids.subarray(nTrain), layoutOpts), batchSize, seqLength)
      : null;
  const nb = train.x.shape[0] / batchSize;
  console.log(
    `data: ${file}, ${ids.length} characters, vocabulary ${vocab.size}; train ${nTrain} (${nb} batches of ${batchSize} x ${seqLength}` +
      `${nb < all.numBatches ? ` of ${all.numBatches}, --max-batches` : ''})` +
      (val
        ? `, validation ${ids.length - nTrain} (${val.x.shape[0] / batchSize} batches)`
        : ', no validation (the text is too short for a 5% split)'),
  );
  if (o.resume === undefined) model.summary();
  const start = model.epoch;
  const end = start + o.epochs;
  console.log(
    (o.resume !== undefined
      ? `resuming ${o.resume} after epoch ${start}: epochs ${start + 1}..${end}`
      : `training: ${o.epochs} epoch(s)`) +
      `, Adam lr ${layout.lr}, state carried across batches (detached), reset each epoch; seed ${o.seed}`,
  );
  const perBatchS = await timeBatches(model, vocab.size, layout, train.x, train.y);
  console.log(
    `estimated time per epoch: ${duration(perBatchS * nb)} (${nb} batches at ${duration(perBatchS)} each, timed on a copy) plus validation`,
  );
  const states: Callback = {
    onEpochBegin: () => model.resetStates(),
    onEpochEnd: (_epoch: number, logs: Logs) => {
      if (val === null) return;
      model.resetStates();
      logs.val_loss = model.evaluate(val.x, val.y, { batchSize }).loss;
    },
  };
  const t0 = performance.now();
  await model.fit(train.x, train.y, {
    epochs: end,
    initialEpoch: start,
    batchSize,
    shuffle: false,
    verbose: 0,
    callbacks: [states, trainingProgress(o.progressSeconds)],
  });
  console.log(`trained in ${duration((performance.now() - t0) / 1000)}`);
  model.resetStates();
  await model.save(o.out);
  writeFileAtomicSync(path.join(o.out, VOCAB_FILE), `${JSON.stringify(vocab.toJSON())}\n`);
  writeFileAtomicSync(path.join(o.out, LAYOUT_FILE), `${JSON.stringify(layout)}\n`);
  console.log(
    `saved ${o.out} (model.json, weights.safetensors, ${VOCAB_FILE}, ${LAYOUT_FILE}); epoch ${model.epoch}`,
  );
  if (o.sample > 0)
    await textgenSample(o.out, {
      length: o.sample,
      temperature: o.temperature,
      seed: o.seed,
      ...(o.prime !== undefined ? { prime: o.prime } : {}),
    });
}

export async function textgenSample(dir: string, o: TextgenSampleOptions): Promise<void> {
  const vocabFile = path.join(dir, VOCAB_FILE);
  if (!existsSync(path.join(dir, 'model.json')))
    throw new ConfigError(
      `${dir} is not a saved model (no model.json); train one with: longshort textgen train FILE --out ${dir}`,
    );
  if (!existsSync(vocabFile)) throw new ConfigError(`${dir} has no ${VOCAB_FILE}; it is not a textgen model`);
  const vocab = CharVocab.fromJSON(JSON.parse(readFileSync(vocabFile, 'utf8')));
  const model = await loadModel(dir);
  const prime = o.prime ?? (vocab.has('\n') ? '\n' : vocab.chars[0]);
  const unknown = [...new Set(Array.from(prime).filter((ch) => !vocab.has(ch)))];
  if (unknown.length > 0)
    throw new ConfigError(
      `--prime has characters outside the model's vocabulary: ${JSON.stringify(unknown.join(''))}`,
    );
  if (prime.length === 0) throw new ConfigError('--prime must not be empty');
  const text = generateText(model, vocab, {
    prime,
    length: o.length,
    temperature: o.temperature,
    seed: o.seed,
    ...(o.topK !== undefined ? { topK: o.topK } : {}),
  });
  console.log(
    `--- sample (${o.length} characters, temperature ${o.temperature}${o.topK !== undefined ? `, top ${o.topK}` : ''}, seed ${o.seed}) ---`,
  );
  console.log(text);
  console.log('--- end of sample ---');
}
