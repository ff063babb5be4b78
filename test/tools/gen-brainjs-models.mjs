// brain.js 1.6.1 recurrent nets trained by brain.js itself (test/peers), for longshort's
// brain.js import tests. brain.js draws its initial weights from Math.random, so this
// script replaces Math.random with a seeded generator first; each net is trained briefly,
// and its toJSON() goes to test/fixtures/brainjs/<name>.json, a batch of input sequences
// and brain.js's run() outputs on them to <name>.io.json.
//
// Run: node test/tools/gen-brainjs-models.mjs  (after npm --prefix test/peers ci --ignore-scripts)
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'peers', 'package.json'));
let seed = 12345;
Math.random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const brain = require('brain.js');
const out = join(here, '..', 'fixtures', 'brainjs');
mkdirSync(out, { recursive: true });

const L = 8;
function write(name, net, io) {
  writeFileSync(join(out, `${name}.json`), JSON.stringify(net.toJSON()));
  writeFileSync(join(out, `${name}.io.json`), JSON.stringify(io));
}
function wave(phase, f) {
  return Array.from({ length: L }, (_, t) =>
    Array.from({ length: f }, (_, j) => 0.5 + 0.4 * Math.sin(0.7 * t + phase + j)),
  );
}

function timeStep(name, Net, inputSize, hiddenLayers, iterations) {
  const net = new Net({ inputSize, hiddenLayers, outputSize: inputSize });
  const seqs = [0, 0.9, 1.7, 2.3].map((p) => wave(p, inputSize));
  const data = inputSize === 1 ? seqs.map((s) => s.map((v) => v[0])) : seqs;
  net.train(data, { iterations, errorThresh: 0, log: false });
  const x = [0.3, 1.1, 2.9].map((p) => wave(p, inputSize));
  const y = x.map((s) => {
    const r = inputSize === 1 ? net.run(s.map((v) => v[0])) : net.run(s);
    return inputSize === 1 ? [r] : Array.from(r);
  });
  write(name, net, { x, y });
}

function chars(name, Net, hiddenLayers, iterations) {
  const net = new Net({ hiddenLayers });
  const data = ['hello world', 'hold the line', 'lower the bow', 'wheel of doll'];
  net.train(data, { iterations, errorThresh: 0, log: false });
  const inputs = ['hel', 'ho', 'lowe', 'wh'];
  const y = inputs.map((s) => net.run(s));
  write(name, net, { inputs, y });
}

timeStep('lstm_time_step', brain.recurrent.LSTMTimeStep, 2, [4, 3], 40);
timeStep('gru_time_step', brain.recurrent.GRUTimeStep, 1, [5], 40);
timeStep('rnn_time_step', brain.recurrent.RNNTimeStep, 3, [4], 40);
chars('lstm_chars', brain.recurrent.LSTM, [6], 30);
chars('gru_chars', brain.recurrent.GRU, [6], 30);
chars('rnn_chars', brain.recurrent.RNN, [6], 30);
console.log(`wrote ${out}`);
