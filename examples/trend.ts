/*
 * trend: seed 003's Keras program ("使用 keras 做一个简单的趋势预测"), line by line on
 * the Keras-style front: an LSTM(5) + Dense(1) learns seq[t] -> seq[t+1] on
 * 0, 0.2, ..., 1.0 and should then predict 1.2 after 1.0.
 *
 *   npm run example:trend                 # the settings below (reaches 1.2 +- 0.05)
 *   npm run example:trend -- --exact      # the seed's settings verbatim
 *   npm run example:trend -- [--seed 0 --epochs 2000 --lr 0.01] [--tiny]
 *
 * The seed (Python/Keras):
 *   model = Sequential(); model.add(LSTM(5, input_shape=(1, 1))); model.add(Dense(1))
 *   model.compile(loss='mean_squared_error', optimizer='adam')
 *   model.fit(X, y, epochs=1000, batch_size=5, verbose=2)
 *   result = model.predict(T, batch_size=5, verbose=0)   # T = seq[1:] as (5, 1, 1)
 *
 * Deviations, and why: the layers here are initialised like PyTorch (uniform
 * +-1/sqrt(units) for every LSTM and Dense weight and bias), not like Keras
 * (glorot/orthogonal, zero biases, forget bias 1). With the seed's exact settings
 * (Adam lr 0.001 — Keras' default — for 1000 epochs) training stops short: over seeds
 * 0..29 the prediction after 1.0 ranged from 0.89 to 1.20 (seed 0: 0.95). So by default
 * this program (1) raises Adam's learning rate to 0.01 and (2) trains 2000 epochs;
 * with those, all 30 seeds tried (0..29) gave 1.16..1.19, and (3) the seed is fixed
 * (--seed, default 7, a middle one of those: 1.169) so a run is reproducible. The model, data, loss, batch size and
 * everything else are as in the seed. `--exact` runs lr 0.001 and 1000 epochs.
 */
import { layers, manualSeed, sequential, tensor, type Callback, type Logs } from '../src/index.js';
import { num, optNum, parseCli, since } from './lib/common.js';

const args = parseCli(
  'trend',
  "seed 003's Keras trend prediction: LSTM(5) + Dense(1) on 0, 0.2, ..., 1.0 -> 1.2",
  {
    exact: {
      type: 'boolean',
      default: false,
      help: "the seed's settings verbatim: Adam lr 0.001 (Keras' default), 1000 epochs",
    },
    epochs: { type: 'string', help: 'training epochs (default 2000; 1000 with --exact; 50 with --tiny)' },
    lr: { type: 'string', help: 'Adam learning rate (default 0.01; 0.001 with --exact)' },
    seed: { type: 'string', default: '7', help: 'seed of the initialisation and the shuffling' },
    tiny: { type: 'boolean', default: false, help: 'a 50-epoch smoke run (does not reach 1.2)' },
  },
);
const exact = args.exact === true;
const tiny = args.tiny === true;
const epochs = optNum(args, 'epochs', { integer: true, min: 1 }) ?? (tiny ? 50 : exact ? 1000 : 2000);
const lr = optNum(args, 'lr', { min: 0 }) ?? (exact ? 0.001 : 0.01);
const seed = num(args, 'seed', { integer: true, min: 0 });

// prepare sequence
const length = 5;
const seq = Array.from({ length: length + 1 }, (_, i) => i / length);
const X = tensor(seq.slice(0, -1).map((v) => [[v]])); // (5, 1, 1)
const y = tensor(seq.slice(1).map((v) => [v])); // (5, 1)
const T = tensor(seq.slice(1).map((v) => [[v]])); // (5, 1, 1)

/** numpy's way of printing a 1-D float array, e.g. `[0.  0.2 0.4]`. */
const np = (a: number[]): string =>
  `[${a.map((v) => (Number.isInteger(v) ? `${v}.` : String(v)).padEnd(3)).join(' ')}]`;
console.log('X', np(seq.slice(0, -1)));
console.log('y', np(seq.slice(1)));

// define LSTM configuration
const nNeurons = length;
const nBatch = length;
console.log(
  `settings: Adam lr ${lr}, ${epochs} epochs, batch ${nBatch}, seed ${seed}` +
    (exact
      ? " (the seed's exact settings)"
      : tiny
        ? ' (--tiny smoke run)'
        : ' (the seed has lr 0.001 and 1000 epochs; --exact runs those)'),
);
// create LSTM
manualSeed(seed);
const model = sequential([layers.lstm({ units: nNeurons, inputShape: [1, 1] }), layers.dense({ units: 1 })]);
model.compile({ loss: 'mse', optimizer: { type: 'adam', lr } });
model.summary();
// train LSTM: Keras' verbose=2 prints a line per epoch; here one every 100
const t0 = performance.now();
const every = tiny ? 10 : 100;
const logger: Callback = {
  onEpochEnd: (epoch: number, logs: Logs) => {
    if ((epoch + 1) % every === 0 || epoch + 1 === epochs)
      console.log(`Epoch ${epoch + 1}/${epochs} - ${since(t0)} - loss: ${logs.loss.toExponential(4)}`);
  },
};
await model.fit(X, y, { epochs, batchSize: nBatch, verbose: 0, seed, callbacks: [logger] });

// predict
console.log('original data', np(seq));
console.log('predict-1');
const result = model.predict(T, { batchSize: nBatch });
const values = Array.from(result.data, Number);
for (const value of values) console.log(value.toFixed(1));

const next = values[values.length - 1];
const ok = Math.abs(next - 1.2) <= 0.05;
console.log(
  `prediction after 1.0: ${next.toFixed(4)} (target 1.2 +- 0.05: ${ok ? 'reached' : 'missed'}); trained in ${since(t0)}`,
);
if (!ok && !tiny && !exact) {
  console.error('trend: the prediction after 1.0 missed 1.2 +- 0.05');
  process.exitCode = 1;
}
