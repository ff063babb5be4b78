/*
 * char-rnn: a character-level LSTM language model on tiny Shakespeare, with
 * karpathy/char-rnn's defaults (seed 000 is MXNet's unrolled version of the same model):
 *
 * - input: one-hot characters (or, with --embedding D, an Embedding(V, D) like seed 000's
 *   `embed_W`), 2 LSTM layers of 128, a Linear(128, V) "softmax" on EVERY time step,
 *   cross entropy averaged over all steps and rows;
 * - sequence 50, batch 50, RMSprop lr 2e-3 alpha 0.95 (eps 1e-8), every gradient element
 *   clamped to [-5, 5] (clipGradValue, char-rnn's `grad_params:clamp(-5, 5)`);
 * - every parameter U(-0.08, 0.08), then the forget-gate slice of `bias_ih_l{k}` set to 1.
 *   char-rnn's LSTM sums two nn.Linear (i2h and h2h), each with its own bias, and its
 *   train.lua fills only the i2h bias's forget block with 1: i2h is our `bias_ih`, h2h our
 *   `bias_hh`, which keeps its U(-0.08, 0.08) value (so the effective forget bias is
 *   1 +- 0.08, exactly as in char-rnn). The forget gate is the 2nd block of 4 in both
 *   (char-rnn orders the gates i, f, o, g; PyTorch i, f, g, o).
 * - the state (h, c) is carried from one batch to the next, detached (truncated BPTT,
 *   MXNet's BlockGrad): `charRnnBatches` lays the text out in `batchSize` streams so row r
 *   of a batch continues row r of the previous one. The state starts at zero each epoch
 *   and for validation.
 * - split (CharSplitLMMinibatchLoader's): the WHOLE text is laid out in `batchSize` streams
 *   and cut into batches; the first floor(95%) of the batches train and the rest validate,
 *   so the validation characters are the last 5% of every stream, spread over the whole
 *   text (not the last 5% of the file: that is `--split tail`, a harder set -- the end
 *   of tiny Shakespeare has plays and speakers the rest lacks: about 1.63 after 10 epochs
 *   against 1.42 here, in PyTorch as in longshort). The validation loss is the mean cross
 *   entropy in nats per character.
 *
 *   npm run example:char-rnn -- [--epochs 10] [--sample 500 --temperature 0.8 --prime "ROMEO:"]
 *                               [--save out/shakespeare] [--load out/shakespeare] [--embedding 64] [--tiny]
 *
 * Saved files: `<prefix>.safetensors` (PyTorch keys, sizes in the metadata) and
 * `<prefix>.vocab.json` (CharVocab JSON). The PyTorch twin of the model, which loads the
 * weights with `model.load_state_dict(safetensors.torch.load_file(...))`:
 *
 *   class CharRNN(nn.Module):
 *       def __init__(self, vocab, hidden=128, layers=2, embedding=0):
 *           super().__init__()
 *           if embedding: self.embed = nn.Embedding(vocab, embedding)   # else one-hot input
 *           self.lstm = nn.LSTM(embedding or vocab, hidden, layers, batch_first=True)
 *           self.decoder = nn.Linear(hidden, vocab)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CharVocab,
  Embedding,
  Generator,
  LSTM,
  Linear,
  Module,
  RMSprop,
  Tensor,
  charRnnBatches,
  clipGradValue,
  crossEntropy,
  init,
  loadSafetensorsSync,
  manualSeed,
  noGrad,
  saveSafetensorsSync,
  type CharRnnBatch,
} from '../src/index.js';
import { num, optNum, parseCli, repoRoot, seconds, since } from './lib/common.js';

const args = parseCli('char-rnn', "character-level LSTM language model with karpathy/char-rnn's defaults", {
  data: { type: 'string', help: 'text file (default data/tinyshakespeare.txt)' },
  epochs: { type: 'string', help: 'training epochs (default 10; 1 with --tiny; 0 with --load)' },
  hidden: { type: 'string', help: 'LSTM hidden size (default 128; 32 with --tiny)' },
  layers: { type: 'string', default: '2', help: 'stacked LSTM layers' },
  embedding: { type: 'string', default: '0', help: 'embedding size; 0 feeds one-hot characters (char-rnn)' },
  'seq-length': { type: 'string', help: 'time steps per batch (default 50; 25 with --tiny)' },
  'batch-size': { type: 'string', help: 'parallel streams per batch (default 50; 10 with --tiny)' },
  lr: { type: 'string', default: '2e-3', help: 'RMSprop learning rate' },
  alpha: { type: 'string', default: '0.95', help: 'RMSprop smoothing constant (char-rnn decay_rate)' },
  'grad-clip': { type: 'string', default: '5', help: 'clamp every gradient element to [-clip, clip]' },
  'init-range': { type: 'string', default: '0.08', help: 'parameters start U(-range, range)' },
  'train-frac': {
    type: 'string',
    default: '0.95',
    help: 'leading fraction of the batches (--split tail: of the characters) used for training',
  },
  split: {
    type: 'string',
    default: 'char-rnn',
    help: "'char-rnn': the last 5% of every stream validates (CharSplitLMMinibatchLoader); 'tail': the last 5% of the text",
  },
  'max-batches': { type: 'string', help: 'stop each epoch after this many batches (timing runs)' },
  'log-every': { type: 'string', help: 'print the running training loss every N batches (default 10)' },
  'tiny-chars': { type: 'string', default: '20000', help: 'characters kept with --tiny' },
  seed: { type: 'string', default: '123', help: 'seed of the initialisation and the sampling' },
  sample: {
    type: 'string',
    help: 'characters to generate at the end (default 500; 100 with --tiny); 0 for none',
  },
  temperature: {
    type: 'string',
    default: '1',
    help: 'sampling temperature (lower is more conservative; 0 = argmax)',
  },
  prime: { type: 'string', default: 'ROMEO:', help: 'text the sample starts from' },
  save: { type: 'string', help: 'write <prefix>.safetensors and <prefix>.vocab.json after training' },
  load: {
    type: 'string',
    help: 'start from <prefix>.safetensors and <prefix>.vocab.json (no training unless --epochs)',
  },
  tiny: {
    type: 'boolean',
    default: false,
    help: 'smoke-test size: a 20 KB slice, 1 epoch, hidden 32, batch 10, sequence 25',
  },
});
const tiny = args.tiny === true;
const loadPrefix = typeof args.load === 'string' ? args.load : undefined;
const savePrefix = typeof args.save === 'string' ? args.save : undefined;
const epochs = optNum(args, 'epochs', { integer: true, min: 0 }) ?? (loadPrefix ? 0 : tiny ? 1 : 10);
const seqLength = optNum(args, 'seq-length', { integer: true, min: 1 }) ?? (tiny ? 25 : 50);
const batchSize = optNum(args, 'batch-size', { integer: true, min: 1 }) ?? (tiny ? 10 : 50);
const lr = num(args, 'lr', { min: 0 });
const alpha = num(args, 'alpha', { min: 0 });
const gradClip = num(args, 'grad-clip', { min: 0 });
const initRange = num(args, 'init-range', { min: 0 });
const trainFrac = num(args, 'train-frac', { min: 0 });
const split = String(args.split);
if (split !== 'char-rnn' && split !== 'tail') {
  console.error(`char-rnn: --split must be 'char-rnn' or 'tail', got ${JSON.stringify(split)}`);
  process.exit(2);
}
const maxBatches = optNum(args, 'max-batches', { integer: true, min: 1 }) ?? Infinity;
const logEvery = optNum(args, 'log-every', { integer: true, min: 1 }) ?? 10;
const seed = num(args, 'seed', { integer: true });
const sampleLength = optNum(args, 'sample', { integer: true, min: 0 }) ?? (tiny ? 100 : 500);
const temperature = num(args, 'temperature', { min: 0 });
const prime = String(args.prime);

/** The model: (one-hot | Embedding) -> LSTM -> Linear on every step. Keys as in the PyTorch twin above. */
class CharRNN extends Module {
  readonly embed: Embedding | null;
  readonly lstm: LSTM;
  readonly decoder: Linear;
  constructor(
    readonly vocabSize: number,
    readonly hiddenSize: number,
    readonly numLayers: number,
    readonly embeddingDim: number,
  ) {
    super();
    this.embed =
      embeddingDim > 0 ? this.registerModule('embed', new Embedding(vocabSize, embeddingDim)) : null;
    const inputSize = embeddingDim > 0 ? embeddingDim : vocabSize;
    this.lstm = this.registerModule('lstm', new LSTM(inputSize, hiddenSize, { numLayers, batchFirst: true }));
    this.decoder = this.registerModule('decoder', new Linear(hiddenSize, vocabSize));
  }

  /** ids int32 (B, T) and the previous state -> logits (B*T, V) and the new state. */
  forward(ids: Tensor, state: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const [B, T] = ids.shape;
    const x = this.embed ? this.embed.forward(ids) : oneHot(ids, this.vocabSize); // (B, T, D or V)
    const [out, next] = this.lstm.forward(x, state); // (B, T, H)
    return [this.decoder.forward(out.reshape([B * T, this.hiddenSize])), next]; // (B*T, V)
  }
}

/** int32 ids (B, T) -> float32 one-hot (B, T, V). */
function oneHot(ids: Tensor, V: number): Tensor {
  const out = new Float32Array(ids.numel() * V); // (B, T, V)
  for (let i = 0; i < ids.numel(); i++) out[i * V + ids.data[i]] = 1;
  return new Tensor(out, [...ids.shape, V]);
}

/** char-rnn's initialisation: all U(-r, r), then the i2h (bias_ih) forget-gate block = 1. */
function charRnnInit(model: CharRNN, range: number): void {
  for (const p of model.parameters()) init.uniform_(p, -range, range);
  const H = model.hiddenSize;
  noGrad(() => {
    for (let k = 0; k < model.numLayers; k++) {
      const b = model.lstm.getParameter(`bias_ih_l${k}`);
      if (!b) throw new Error(`char-rnn: the LSTM has no bias_ih_l${k}`);
      b.data.fill(1, H, 2 * H); // gates i, f, g, o: f is the block [H, 2H)
      b.markModified();
    }
  });
}

// --- vocabulary and model: fresh, or loaded ---
let vocab: CharVocab;
let model: CharRNN;
let text: string | null = null;
manualSeed(seed);
if (loadPrefix) {
  const t0 = performance.now();
  vocab = CharVocab.fromJSON(JSON.parse(readFileSync(`${loadPrefix}.vocab.json`, 'utf8')));
  const { tensors, metadata } = loadSafetensorsSync(`${loadPrefix}.safetensors`);
  const meta = (key: string): number => {
    const v = Number(metadata[key]);
    if (!Number.isInteger(v) || v < 0)
      throw new Error(`char-rnn: ${loadPrefix}.safetensors lacks a valid "${key}" in its metadata`);
    return v;
  };
  model = new CharRNN(vocab.size, meta('hidden_size'), meta('num_layers'), meta('embedding_dim'));
  model.loadStateDict(tensors);
  console.log(
    `loaded ${loadPrefix}.safetensors (${tensors.size} tensors) and ${loadPrefix}.vocab.json (${vocab.size} characters) in ${since(t0)}`,
  );
} else {
  const hidden = optNum(args, 'hidden', { integer: true, min: 1 }) ?? (tiny ? 32 : 128);
  const layers = num(args, 'layers', { integer: true, min: 1 });
  const embeddingDim = num(args, 'embedding', { integer: true, min: 0 });
  text = readText();
  vocab = CharVocab.fromText(text); // char-rnn: every character of the file, sorted
  model = new CharRNN(vocab.size, hidden, layers, embeddingDim);
  charRnnInit(model, initRange);
}
console.log(
  `model: ${model.embed ? `${model.embed.toString()} -> ` : `one-hot(${vocab.size}) -> `}${model.lstm.toString()} -> ${model.decoder.toString()} on every step; ` +
    `${model.parameters().reduce((s, p) => s + p.numel(), 0)} parameters`,
);

function readText(): string {
  const file =
    typeof args.data === 'string' ? args.data : path.join(repoRoot(), 'data', 'tinyshakespeare.txt');
  if (!existsSync(file)) {
    console.error(`char-rnn: ${file} not found (pass --data <file>)`);
    process.exit(2);
  }
  let s = readFileSync(file, 'utf8');
  if (tiny)
    s = Array.from(s)
      .slice(0, num(args, 'tiny-chars', { integer: true, min: 100 }))
      .join('');
  return s;
}

// --- training ---
if (epochs > 0) {
  text ??= readText();
  const ids = vocab.encode(text);
  let train: CharRnnBatch[];
  let val: CharRnnBatch[];
  let valBatch = batchSize;
  if (split === 'char-rnn') {
    // char-rnn: one layout of the whole text; the last batches (columns of the streams) validate
    const all = [...charRnnBatches(ids, { batchSize, seqLength })];
    const nTrain = Math.floor(all.length * trainFrac);
    if (nTrain < 1 || nTrain >= all.length)
      throw new Error(
        `char-rnn: ${all.length} batches leave no train or no validation batch at --train-frac ${trainFrac}`,
      );
    train = all.slice(0, nTrain);
    val = all.slice(nTrain);
  } else {
    const nTrain = Math.floor(ids.length * trainFrac);
    const valIds = ids.subarray(nTrain);
    train = [...charRnnBatches(ids.subarray(0, nTrain), { batchSize, seqLength })];
    // the validation streams: the same layout, fewer rows if the slice is small
    valBatch = Math.min(batchSize, Math.floor((valIds.length - 1) / seqLength));
    if (valBatch < 1)
      throw new Error(
        `char-rnn: the validation split (${valIds.length} characters) is shorter than one sequence`,
      );
    val = [...charRnnBatches(valIds, { batchSize: valBatch, seqLength })];
  }
  const perEpoch = Math.min(train.length, maxBatches);
  console.log(
    `data: ${ids.length} characters, vocabulary ${vocab.size}; split ${split}: train ${train.length} batches of ${batchSize} x ${seqLength}, ` +
      `validation ${val.length} batches of ${valBatch} x ${seqLength}`,
  );
  console.log(
    `training: ${epochs} epoch(s)${perEpoch < train.length ? ` of ${perEpoch} batches (--max-batches)` : ''}, RMSprop lr ${lr} alpha ${alpha}, ` +
      `grad clamp ${gradClip}, init U(+-${initRange}), forget bias_ih 1, seed ${seed}`,
  );
  const opt = new RMSprop(model.parameters(), { lr, alpha, eps: 1e-8 });
  const batchTimes: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    const t0 = performance.now();
    let state: [Tensor, Tensor] | null = null; // zeros at the start of each epoch
    let k = 0;
    let window = 0;
    let windowN = 0;
    for (const { x, y } of train) {
      if (k >= perEpoch) break;
      const tb = performance.now();
      const [logits, next] = model.forward(x, state); // (B*T, V)
      const loss = crossEntropy(logits, y.reshape([batchSize * seqLength]));
      opt.zeroGrad();
      loss.backward();
      clipGradValue(model.parameters(), gradClip);
      opt.step();
      state = [next[0].detach(), next[1].detach()]; // carry the state on, but no gradient through it (BlockGrad)
      const v = loss.item();
      if (!Number.isFinite(v))
        throw new Error(`char-rnn: the training loss is ${v} at epoch ${epoch} batch ${k + 1}`);
      batchTimes.push((performance.now() - tb) / 1000);
      k++;
      window += v;
      windowN++;
      if (k % logEvery === 0 || k === perEpoch) {
        const el = (performance.now() - t0) / 1000;
        console.log(
          `${(epoch - 1) * perEpoch + k}/${epochs * perEpoch} (epoch ${(epoch - 1 + k / perEpoch).toFixed(3)}), train_loss = ${(window / windowN).toFixed(4)}, ` +
            `time/batch = ${seconds(el / k)}, epoch ETA ${seconds((el / k) * (perEpoch - k))}`,
        );
        window = 0;
        windowN = 0;
      }
    }
    const secs = (performance.now() - t0) / 1000;
    const tv = performance.now();
    const valLoss = evaluate(val);
    console.log(
      `epoch ${epoch}/${epochs}: validation loss ${valLoss.toFixed(4)} nats/char, time ${seconds(secs)} (validation ${since(tv)})`,
    );
  }
  if (batchTimes.length > 1) {
    const rest = batchTimes.slice(1); // the first batch warms up
    console.log(
      `time per batch: ${seconds(rest.reduce((a, b) => a + b, 0) / rest.length)} (mean of ${rest.length}, first batch ${seconds(batchTimes[0])})`,
    );
  }
}

/** Mean cross entropy (nats per character) over `data`, the state carried across batches. */
function evaluate(data: Iterable<CharRnnBatch>): number {
  model.eval();
  let sum = 0;
  let count = 0;
  noGrad(() => {
    let state: [Tensor, Tensor] | null = null;
    for (const { x, y } of data) {
      const [logits, next] = model.forward(x, state);
      sum += crossEntropy(logits, y.reshape([y.numel()]), { reduction: 'sum' }).item();
      count += y.numel();
      state = next;
    }
  });
  model.train();
  return sum / count;
}

// --- save ---
if (savePrefix) {
  const dir = path.dirname(savePrefix);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  saveSafetensorsSync(`${savePrefix}.safetensors`, model.stateDict(), {
    metadata: {
      format: 'pt',
      model: 'char-rnn',
      vocab_size: String(vocab.size),
      hidden_size: String(model.hiddenSize),
      num_layers: String(model.numLayers),
      embedding_dim: String(model.embeddingDim),
    },
  });
  writeFileSync(`${savePrefix}.vocab.json`, `${JSON.stringify(vocab.toJSON())}\n`);
  console.log(
    `saved ${savePrefix}.safetensors (keys ${Object.keys(model.stateDict()).join(', ')}) and ${savePrefix}.vocab.json`,
  );
}

// --- sample ---
if (sampleLength > 0) {
  const unknown = Array.from(prime).filter((ch) => !vocab.has(ch));
  if (unknown.length > 0) {
    console.error(
      `char-rnn: --prime contains characters outside the vocabulary: ${JSON.stringify(unknown.join(''))}`,
    );
    process.exit(2);
  }
  const g = new Generator(seed);
  const t0 = performance.now();
  const out = noGrad(() => {
    model.eval();
    const primeIds = vocab.encode(prime.length > 0 ? prime : '\n');
    let [logits, state] = model.forward(new Tensor(Int32Array.from(primeIds), [1, primeIds.length]), null);
    let last = logits.select(0, primeIds.length - 1); // (V): the prediction after the prime
    const generated: number[] = [];
    for (let i = 0; i < sampleLength; i++) {
      const id = pick(last.data, temperature, g);
      generated.push(id);
      [logits, state] = model.forward(new Tensor(Int32Array.of(id), [1, 1]), state);
      last = logits.select(0, 0);
    }
    return vocab.decode(generated);
  });
  console.log(
    `--- sample (${sampleLength} characters, temperature ${temperature}, prime ${JSON.stringify(prime)}, ${since(t0)}) ---`,
  );
  console.log(prime + out);
  console.log('--- end of sample ---');
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
