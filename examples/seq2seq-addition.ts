/*
 * seq2seq-addition: an encoder-decoder LSTM that learns to add, `123+45` -> `168`, for
 * operands of up to 3 digits (the "addition RNN" toy problem of Keras' examples, with a
 * real decoder):
 *
 * - encoder: Embedding(V, E) -> LSTM(E, H) over the question, reversed and padded with
 *   spaces to 7 characters (reversing the input shortens the paths between the digits
 *   that are added, as in Sutskever et al. 2014); its final (h, c) is the whole message;
 * - decoder: the same Embedding -> LSTM(E, H) started from the encoder's (h, c), then
 *   Linear(H, V) on every step. Training uses teacher forcing (the decoder reads `=`
 *   and then the true answer); testing decodes greedily (each step reads the argmax of
 *   the previous one) until the end mark `$`;
 * - the decoder writes the sum least-significant digit first (the order in which carries
 *   travel) and the example reverses it back: the model answers `861$`, we print `168`.
 *
 * Held-out sums: a test set and a validation set of questions (both operands uniform in
 * 0..999) are drawn first and every training question that appears in either is
 * rejected, so both are never seen in training. Training questions draw each operand's
 * digit count uniformly from 1..3 (as Keras' example does), then the operand. Training stops when the validation accuracy reaches --target (default 99%)
 * or after --steps; then the test set's exact-match accuracy is reported.
 *
 * Adam (lr 0.005, halved when the validation accuracy stalls for 2 evaluations), gradient
 * norm clipped to 5.
 *
 *   npm run example:seq2seq-addition -- [--steps 20000] [--hidden 128] [--target 99] [--tiny]
 */
import {
  Adam,
  Embedding,
  Generator,
  LSTM,
  Linear,
  Module,
  ReduceLROnPlateau,
  Tensor,
  clipGradNorm,
  crossEntropy,
  manualSeed,
  noGrad,
} from '../src/index.js';
import { num, optNum, parseCli, seconds, since } from './lib/common.js';

const args = parseCli('seq2seq-addition', 'an encoder-decoder LSTM that learns 3-digit addition', {
  steps: { type: 'string', help: 'most training steps (default 20000; 40 with --tiny)' },
  hidden: { type: 'string', help: 'LSTM hidden size of encoder and decoder (default 128; 16 with --tiny)' },
  embedding: { type: 'string', default: '16', help: 'embedding size' },
  'batch-size': { type: 'string', help: 'questions per step (default 128; 32 with --tiny)' },
  lr: { type: 'string', default: '0.005', help: 'Adam learning rate' },
  digits: { type: 'string', default: '3', help: 'most digits per operand' },
  'test-size': { type: 'string', help: 'held-out test questions (default 2000; 100 with --tiny)' },
  'val-size': {
    type: 'string',
    help: 'held-out validation questions, for stopping (default 1000; 100 with --tiny)',
  },
  'eval-every': { type: 'string', help: 'validate every N steps (default 250; 20 with --tiny)' },
  target: { type: 'string', default: '99', help: 'stop once the validation accuracy (%) reaches this' },
  seed: { type: 'string', default: '0', help: 'seed of the data, the initialisation and the order' },
  tiny: { type: 'boolean', default: false, help: 'smoke-test size: hidden 16, 40 steps, 100 test questions' },
});
const tiny = args.tiny === true;
const maxSteps = optNum(args, 'steps', { integer: true, min: 0 }) ?? (tiny ? 40 : 20000);
const hidden = optNum(args, 'hidden', { integer: true, min: 1 }) ?? (tiny ? 16 : 128);
const embeddingDim = num(args, 'embedding', { integer: true, min: 1 });
const batchSize = optNum(args, 'batch-size', { integer: true, min: 1 }) ?? (tiny ? 32 : 128);
const lr = num(args, 'lr', { min: 0 });
const maxDigits = num(args, 'digits', { integer: true, min: 1 });
const testSize = optNum(args, 'test-size', { integer: true, min: 1 }) ?? (tiny ? 100 : 2000);
const valSize = optNum(args, 'val-size', { integer: true, min: 1 }) ?? (tiny ? 100 : 1000);
const evalEvery = optNum(args, 'eval-every', { integer: true, min: 1 }) ?? (tiny ? 20 : 250);
const target = num(args, 'target', { min: 0 });
const seed = num(args, 'seed', { integer: true });

// --- tokens ---
const CHARS = '0123456789+ =$'; // digits, plus, padding, GO (decoder start), EOS
const PAD = CHARS.indexOf(' ');
const GO = CHARS.indexOf('=');
const EOS = CHARS.indexOf('$');
const V = CHARS.length;
const IN_LEN = 2 * maxDigits + 1; // "999+999"
const OUT_LEN = maxDigits + 2; // "1998" reversed + "$"
const IGNORE = -100; // crossEntropy's ignoreIndex: decoder steps after the end mark

interface Question {
  a: number;
  b: number;
}
const key = (q: Question): string => `${q.a}+${q.b}`;

/** An operand: its digit count uniform in 1..maxDigits, then uniform among those numbers. */
function operand(g: Generator): number {
  const d = 1 + g.randint(maxDigits);
  const lo = d === 1 ? 0 : 10 ** (d - 1);
  return lo + g.randint(10 ** d - lo);
}

/**
 * Distinct held-out questions not in `exclude`, both operands uniform in [0, 10^maxDigits):
 * drawn from the 10^(2 maxDigits) possible questions (a million for 3 digits), so holding
 * a few thousand out removes no kind of question from training (drawing them like the
 * training questions would hold out nearly all of the hundred 1-digit + 1-digit sums).
 */
function drawSet(g: Generator, n: number, exclude: Set<string>): Question[] {
  const out: Question[] = [];
  const seen = new Set<string>();
  const range = 10 ** maxDigits;
  while (out.length < n) {
    const q = { a: g.randint(range), b: g.randint(range) };
    const k = key(q);
    if (seen.has(k) || exclude.has(k)) continue;
    seen.add(k);
    out.push(q);
  }
  return out;
}

/** Encoder ids (N, IN_LEN): the question padded with spaces, reversed. */
function encodeQuestions(qs: Question[]): Tensor {
  const ids = new Int32Array(qs.length * IN_LEN); // (N, IN_LEN)
  qs.forEach((q, n) => {
    const s = key(q).padEnd(IN_LEN, ' ');
    for (let t = 0; t < IN_LEN; t++) ids[n * IN_LEN + t] = CHARS.indexOf(s[IN_LEN - 1 - t]);
  });
  return new Tensor(ids, [qs.length, IN_LEN]);
}

/** Decoder input (GO + reversed answer, padded) and target (reversed answer + EOS, then IGNORE), both (N, OUT_LEN). */
function encodeAnswers(qs: Question[]): { input: Tensor; target: Tensor } {
  const input = new Int32Array(qs.length * OUT_LEN).fill(PAD); // (N, OUT_LEN)
  const tgt = new Int32Array(qs.length * OUT_LEN).fill(IGNORE); // (N, OUT_LEN)
  qs.forEach((q, n) => {
    const digits = Array.from(String(q.a + q.b))
      .reverse()
      .map((c) => CHARS.indexOf(c));
    const seq = [...digits, EOS];
    input[n * OUT_LEN] = GO;
    for (let t = 0; t < seq.length; t++) {
      tgt[n * OUT_LEN + t] = seq[t];
      if (t + 1 < OUT_LEN) input[n * OUT_LEN + t + 1] = seq[t];
    }
  });
  return { input: new Tensor(input, [qs.length, OUT_LEN]), target: new Tensor(tgt, [qs.length, OUT_LEN]) };
}

// --- model ---
class Seq2Seq extends Module {
  readonly embed: Embedding;
  readonly encoder: LSTM;
  readonly decoder: LSTM;
  readonly out: Linear;
  constructor() {
    super();
    this.embed = this.registerModule('embed', new Embedding(V, embeddingDim));
    this.encoder = this.registerModule('encoder', new LSTM(embeddingDim, hidden, { batchFirst: true }));
    this.decoder = this.registerModule('decoder', new LSTM(embeddingDim, hidden, { batchFirst: true }));
    this.out = this.registerModule('out', new Linear(hidden, V));
  }
  /** The encoder's final (h, c), each (1, N, H). */
  encode(question: Tensor): [Tensor, Tensor] {
    return this.encoder.forward(this.embed.forward(question))[1];
  }
  /** Teacher-forced decoder logits (N*T, V) for decoder inputs (N, T). */
  decodeForced(state: [Tensor, Tensor], input: Tensor): Tensor {
    const [N, T] = input.shape;
    const [o] = this.decoder.forward(this.embed.forward(input), state); // (N, T, H)
    return this.out.forward(o.reshape([N * T, hidden]));
  }
  /** Greedy decoding: the answers as strings (most significant digit first). */
  answer(question: Tensor): string[] {
    const N = question.shape[0];
    let state = this.encode(question);
    let prev = new Int32Array(N).fill(GO);
    const outs: string[] = new Array<string>(N).fill('');
    const done = new Uint8Array(N);
    for (let t = 0; t < OUT_LEN; t++) {
      const [o, next] = this.decoder.forward(this.embed.forward(new Tensor(prev, [N, 1])), state); // (N, 1, H)
      state = next;
      const pred = this.out.forward(o.reshape([N, hidden])).argmax(1); // (N)
      prev = Int32Array.from(pred.data);
      for (let n = 0; n < N; n++) {
        if (done[n]) continue;
        if (prev[n] === EOS) done[n] = 1;
        else outs[n] += CHARS[prev[n]];
      }
    }
    return outs.map((s) => Array.from(s).reverse().join(''));
  }
}

/** Exact-match accuracy (%) of greedy answers on `qs`, and a few examples. */
function accuracy(model: Seq2Seq, qs: Question[]): { pct: number; correct: number; examples: string[] } {
  model.eval();
  const answers = noGrad(() => model.answer(encodeQuestions(qs)));
  model.train();
  let correct = 0;
  const examples: string[] = [];
  qs.forEach((q, i) => {
    const ok = answers[i] === String(q.a + q.b);
    if (ok) correct++;
    if (examples.length < 4) examples.push(`${key(q)}=${answers[i]} ${ok ? 'ok' : `(want ${q.a + q.b})`}`);
  });
  return { pct: (100 * correct) / qs.length, correct, examples };
}

// --- data and training ---
const g = new Generator(seed);
const test = drawSet(g, testSize, new Set());
const held = new Set(test.map(key));
const val = drawSet(g, valSize, held);
for (const q of val) held.add(key(q));
manualSeed(seed);
const model = new Seq2Seq();
const opt = new Adam(model.parameters(), { lr });
// halve the lr when the validation accuracy has not improved for 2 evaluations (the last few % need it)
const plateau = new ReduceLROnPlateau(opt, { mode: 'max', factor: 0.5, patience: 2, minLr: lr / 64 });
const nParams = model.parameters().reduce((s, p) => s + p.numel(), 0);
console.log(
  `model: ${model.embed.toString()}, encoder ${model.encoder.toString()}, decoder ${model.decoder.toString()}, ${model.out.toString()}; ${nParams} parameters`,
);
console.log(
  `data: training questions a+b with 1..${maxDigits}-digit operands; ${test.length} test and ${val.length} validation questions ` +
    `(operands uniform in 0..${10 ** maxDigits - 1}) held out, never trained on; batch ${batchSize}, Adam lr ${lr}, at most ${maxSteps} steps, stop at ${target}% validation accuracy`,
);

const t0 = performance.now();
let window = 0;
let windowN = 0;
let step = 0;
let rejected = 0;
let reached = false;
while (step < maxSteps && !reached) {
  const batch: Question[] = [];
  while (batch.length < batchSize) {
    const q = { a: operand(g), b: operand(g) };
    if (held.has(key(q))) {
      rejected++;
      continue;
    }
    batch.push(q);
  }
  const { input, target: tgt } = encodeAnswers(batch);
  const logits = model.decodeForced(model.encode(encodeQuestions(batch)), input); // (B*OUT_LEN, V)
  const loss = crossEntropy(logits, tgt.reshape([batchSize * OUT_LEN]), { ignoreIndex: IGNORE });
  opt.zeroGrad();
  loss.backward();
  clipGradNorm(model.parameters(), 5);
  opt.step();
  step++;
  const v = loss.item();
  if (!Number.isFinite(v)) throw new Error(`seq2seq-addition: the loss is ${v} at step ${step}`);
  window += v;
  windowN++;
  if (step % evalEvery === 0 || step === maxSteps) {
    const acc = accuracy(model, val);
    const el = (performance.now() - t0) / 1000;
    console.log(
      `step ${step}: loss ${(window / windowN).toFixed(4)}, validation accuracy ${acc.pct.toFixed(2)}%, lr ${opt.paramGroups[0].lr.toPrecision(3)}, ${seconds(el / step)}/step, ` +
        `elapsed ${seconds(el)}   e.g. ${acc.examples.slice(0, 2).join(', ')}`,
    );
    window = 0;
    windowN = 0;
    reached = acc.pct >= target;
    plateau.step(acc.pct);
  }
}
const trainTime = (performance.now() - t0) / 1000;
console.log(
  `${reached ? `reached ${target}% validation accuracy` : `stopped after ${maxSteps} steps`} at step ${step} ` +
    `(${step * batchSize} training questions drawn, ${rejected} held-out ones rejected) in ${seconds(trainTime)}`,
);
const tt = performance.now();
const acc = accuracy(model, test);
console.log(`examples: ${acc.examples.join(', ')}`);
console.log(
  `test accuracy: ${acc.pct.toFixed(2)}% exact match (${acc.correct}/${test.length} held-out sums), evaluated in ${since(tt)}`,
);
console.log(`training time: ${seconds(trainTime)}`);
