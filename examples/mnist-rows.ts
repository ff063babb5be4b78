/*
 * mnist-rows: classify MNIST digits by reading each image as a sequence of 28 rows of
 * 28 pixels (seed 002): a 2-layer LSTM of 128 over the rows, batchFirst, the last time
 * step into Linear(128, 10), cross entropy, batch 100, Adam lr 0.01, 2 epochs.
 *
 *   npm run example:mnist-rows -- [--epochs 2] [--seed 0] [--rng mt19937] [--hidden 128] [--tiny]
 *                                  [--save-init F.safetensors] [--dump-order F.json] [--dump-losses F.json]
 *
 * Data: the `mnist` npm package (dev dependency), 10,000 digits as 28x28 floats in [0, 1].
 * Split per digit: the first 800 images of each digit train (8,000), the rest test
 * (2,000), so both sets hold every digit. --tiny: 10 + 10 images per digit, hidden 32,
 * one epoch (a smoke test that runs in seconds).
 *
 * PyTorch equivalent of the model:
 *   lstm = nn.LSTM(28, 128, num_layers=2, batch_first=True); fc = nn.Linear(128, 10)
 *   out, _ = lstm(x)            # x: (N, 28, 28) -> out: (N, 28, 128)
 *   logits = fc(out[:, -1, :])  # (N, 10)
 *
 * For comparison with test/tools/mnist_rows_torch.py (the PyTorch twin): --save-init writes
 * the initial state dict (PyTorch keys, F32), --dump-order each epoch's batches of training
 * indices (JSON [epoch][batch][i]), --dump-losses every step's loss (JSON [epoch][step]).
 * --rng mt19937 uses PyTorch's generator instead: `--seed S` then starts from the weights
 * and batch order the twin gets from its own `--seed S` (no files needed).
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  Adam,
  Generator,
  type GeneratorAlgorithm,
  LSTM,
  Linear,
  Module,
  Tensor,
  batches,
  crossEntropy,
  manualSeed,
  noGrad,
  saveSafetensorsSync,
  takeRows,
} from '../src/index.js';
import { choice, num, optNum, parseCli, seconds, since } from './lib/common.js';

const SIDE = 28; // rows per image = time steps; pixels per row = input features

const args = parseCli('mnist-rows', "row-by-row MNIST with a 2-layer LSTM (seed 002's model and settings)", {
  epochs: { type: 'string', help: 'training epochs (default 2; 1 with --tiny)' },
  seed: { type: 'string', default: '0', help: 'seed of the initialisation and the shuffling' },
  rng: {
    type: 'string',
    default: 'xoshiro128**',
    help: "generator algorithm: 'xoshiro128**' or 'mt19937' (PyTorch's: the twin's own init and shuffle for --seed)",
  },
  hidden: { type: 'string', help: 'LSTM hidden size (default 128; 32 with --tiny)' },
  layers: { type: 'string', default: '2', help: 'stacked LSTM layers' },
  lr: { type: 'string', default: '0.01', help: 'Adam learning rate' },
  'batch-size': { type: 'string', help: 'mini-batch size (default 100; 20 with --tiny)' },
  'train-per-digit': {
    type: 'string',
    help: 'training images per digit, the rest test (default 800; 10 with --tiny)',
  },
  'test-per-digit': {
    type: 'string',
    help: 'cap on test images per digit (default: all the rest; 10 with --tiny)',
  },
  'log-every': { type: 'string', help: 'print the running loss every N steps (default 10; 1 with --tiny)' },
  'save-init': { type: 'string', help: 'write the initial weights (safetensors, PyTorch keys) to this file' },
  'dump-order': {
    type: 'string',
    help: "write each epoch's batches of training indices (JSON) to this file",
  },
  'dump-losses': { type: 'string', help: "write every step's training loss (JSON, per epoch) to this file" },
  tiny: {
    type: 'boolean',
    default: false,
    help: 'smoke-test size: 100 train / 100 test digits, hidden 32, 1 epoch',
  },
});
const tiny = args.tiny === true;
const epochs = optNum(args, 'epochs', { integer: true, min: 0 }) ?? (tiny ? 1 : 2);
const seed = num(args, 'seed', { integer: true });
const hidden = optNum(args, 'hidden', { integer: true, min: 1 }) ?? (tiny ? 32 : 128);
const numLayers = num(args, 'layers', { integer: true, min: 1 });
const lr = num(args, 'lr', { min: 0 });
const batchSize = optNum(args, 'batch-size', { integer: true, min: 1 }) ?? (tiny ? 20 : 100);
const trainPerDigit = optNum(args, 'train-per-digit', { integer: true, min: 1 }) ?? (tiny ? 10 : 800);
const testPerDigit = optNum(args, 'test-per-digit', { integer: true, min: 1 }) ?? (tiny ? 10 : Infinity);
const logEvery = optNum(args, 'log-every', { integer: true, min: 1 }) ?? (tiny ? 1 : 10);
const saveInit = typeof args['save-init'] === 'string' ? args['save-init'] : undefined;
const dumpOrder = typeof args['dump-order'] === 'string' ? args['dump-order'] : undefined;
const dumpLosses = typeof args['dump-losses'] === 'string' ? args['dump-losses'] : undefined;

// --- data: the mnist package is CommonJS and ships its digits as JSON ---
interface MnistDigit {
  id: number;
  /** All images of this digit, 784 floats each, concatenated. */
  raw: number[];
  /** Number of images. */
  length: number;
}
let t0 = performance.now();
const require = createRequire(import.meta.url);
const digits = require('mnist') as MnistDigit[];

/** Images `(n, 28, 28)` float32 and labels `(n)` int32 for the picked images of every digit. */
function build(pick: (d: MnistDigit) => [number, number]): { x: Tensor; y: Tensor } {
  const ranges = digits.map(pick);
  const n = ranges.reduce((s, [a, b]) => s + (b - a), 0);
  const x = new Float32Array(n * SIDE * SIDE); // (n, 28, 28)
  const y = new Int32Array(n); // (n)
  let k = 0;
  for (let d = 0; d < 10; d++) {
    const [from, to] = ranges[d];
    for (let i = from; i < to; i++, k++) {
      x.set(digits[d].raw.slice(i * SIDE * SIDE, (i + 1) * SIDE * SIDE), k * SIDE * SIDE);
      y[k] = digits[d].id;
    }
  }
  return { x: new Tensor(x, [n, SIDE, SIDE]), y: new Tensor(y, [n]) };
}
for (const d of digits) {
  if (d.length <= trainPerDigit) {
    console.error(`mnist-rows: digit ${d.id} has only ${d.length} images; --train-per-digit must be smaller`);
    process.exit(2);
  }
}
const train = build(() => [0, trainPerDigit]);
const test = build((d) => [trainPerDigit, Math.min(d.length, trainPerDigit + testPerDigit)]);
console.log(
  `data: mnist package, ${train.y.shape[0]} training images (first ${trainPerDigit} of each digit), ` +
    `${test.y.shape[0]} test images (the rest); loaded in ${since(t0)}`,
);

// --- model ---
class RowLSTM extends Module {
  readonly lstm: LSTM;
  readonly fc: Linear;
  constructor(hiddenSize: number, layers: number) {
    super();
    this.lstm = this.registerModule(
      'lstm',
      new LSTM(SIDE, hiddenSize, { numLayers: layers, batchFirst: true }),
    );
    this.fc = this.registerModule('fc', new Linear(hiddenSize, 10));
  }
  /** (N, 28, 28) images -> (N, 10) logits, from the last row's h of the top layer. */
  forward(x: Tensor): Tensor {
    const [out] = this.lstm.forward(x); // (N, 28, H)
    return this.fc.forward(out.select(1, -1)); // (N, H) -> (N, 10)
  }
}

const algorithm = choice<GeneratorAlgorithm>(args, 'rng', ['xoshiro128**', 'mt19937']);
manualSeed(seed, { algorithm });
const model = new RowLSTM(hidden, numLayers);
const shuffle = new Generator(seed, { algorithm });
const opt = new Adam(model.parameters(), { lr });
if (saveInit) {
  saveSafetensorsSync(saveInit, model.stateDict());
  console.log(`saved the initial weights to ${saveInit}`);
}
const order: number[][][] = []; // [epoch][batch][i], for --dump-order
const losses: number[][] = []; // [epoch][step], for --dump-losses

// Parameter counting (seed 002): per LSTM layer, 4 gates x (H x (input + H) weights + 2H biases).
console.log(`model: ${model.lstm.toString()} -> last step -> ${model.fc.toString()}`);
for (const [name, p] of model.namedParameters()) console.log(`  ${name.padEnd(22)} [${p.shape.join(', ')}]`);
const perLayer = (inp: number): number => 4 * (hidden * (inp + hidden) + 2 * hidden);
let lstmParams = perLayer(SIDE);
for (let l = 1; l < numLayers; l++) lstmParams += perLayer(hidden);
const total = model.parameters().reduce((s, p) => s + p.numel(), 0);
console.log(
  `parameters: ${total} = LSTM ${lstmParams} (per layer 4 x (${hidden} x (input + ${hidden}) + 2 x ${hidden})) + Linear ${hidden * 10 + 10}`,
);
console.log(`training: ${epochs} epoch(s), batch ${batchSize}, Adam lr ${lr}, seed ${seed}`);

/** Accuracy on `set` in evaluation mode, without recording gradients. */
function accuracy(set: { x: Tensor; y: Tensor }): { correct: number; total: number } {
  model.eval();
  let correct = 0;
  noGrad(() => {
    for (const idx of batches(set.y.shape[0], { batchSize: 500 })) {
      const pred = model.forward(takeRows(set.x, idx)).argmax(1); // (n)
      const y = takeRows(set.y, idx);
      for (let i = 0; i < idx.length; i++) if (pred.data[i] === y.data[i]) correct++;
    }
  });
  model.train();
  return { correct, total: set.y.shape[0] };
}

const stepsPerEpoch = Math.ceil(train.y.shape[0] / batchSize);
const epochSeconds: number[] = [];
for (let epoch = 1; epoch <= epochs; epoch++) {
  t0 = performance.now();
  let sum = 0;
  let seen = 0;
  let windowSum = 0;
  let windowN = 0;
  let step = 0;
  order.push([]);
  losses.push([]);
  for (const idx of batches(train.y.shape[0], { batchSize, shuffle: true, generator: shuffle })) {
    step++;
    order[epoch - 1].push(Array.from(idx));
    const logits = model.forward(takeRows(train.x, idx)); // (B, 10)
    const loss = crossEntropy(logits, takeRows(train.y, idx));
    opt.zeroGrad();
    loss.backward();
    opt.step();
    const v = loss.item();
    losses[epoch - 1].push(v);
    if (!Number.isFinite(v)) throw new Error(`mnist-rows: the loss is ${v} at epoch ${epoch} step ${step}`);
    sum += v * idx.length;
    seen += idx.length;
    windowSum += v;
    windowN++;
    if (step % logEvery === 0 || step === stepsPerEpoch) {
      const perStep = (performance.now() - t0) / 1000 / step;
      console.log(
        `epoch ${epoch}/${epochs} step ${String(step).padStart(3)}/${stepsPerEpoch}  loss ${(windowSum / windowN).toFixed(4)}  ` +
          `(${seconds(perStep)}/step, epoch ETA ${seconds(perStep * (stepsPerEpoch - step))})`,
      );
      windowSum = 0;
      windowN = 0;
    }
  }
  const secs = (performance.now() - t0) / 1000;
  epochSeconds.push(secs);
  console.log(
    `epoch ${epoch}/${epochs}: train loss ${(sum / seen).toFixed(4)} (mean over the epoch), time ${seconds(secs)}`,
  );
}

if (dumpOrder) writeFileSync(dumpOrder, `${JSON.stringify(order)}\n`);
if (dumpLosses) writeFileSync(dumpLosses, `${JSON.stringify(losses)}\n`);

t0 = performance.now();
const { correct, total: n } = accuracy(test);
console.log(
  `test accuracy: ${((100 * correct) / n).toFixed(2)}% (${correct}/${n}), evaluated in ${since(t0)}`,
);
if (epochSeconds.length > 0) {
  const mean = epochSeconds.reduce((a, b) => a + b, 0) / epochSeconds.length;
  console.log(`time per epoch: ${seconds(mean)} (mean of ${epochSeconds.length})`);
}
