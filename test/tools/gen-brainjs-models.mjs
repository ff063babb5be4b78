// brain.js 1.6.1 recurrent nets trained by brain.js itself (test/peers), for longshort's
// brain.js import tests. brain.js draws its initial weights from Math.random, so this
// script replaces Math.random with a seeded generator first; each net is trained briefly,
// and its toJSON() goes to test/fixtures/brainjs/<name>.json, a batch of input sequences
// and brain.js's run() outputs on them to <name>.io.json.
//
// Then the other way: files longshort writes (exportModel, format 'brainjs') from the nets
// above (round trips) and from Keras-front models (saved beside as .keras, the source the
// test reloads) go to test/fixtures/brainjs/written/<name>.json; brain.js loads each with
// fromJSON and its run() on a batch of sequences goes to written/<name>.io.json with the
// source's path.
//
// Run: npm run build && node test/tools/gen-brainjs-models.mjs
//      (after npm --prefix test/peers ci --ignore-scripts)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

// --- longshort -> brain.js ---
const ls = await import(join(here, '..', '..', 'dist', 'src', 'index.js'));
const written = join(out, 'written');
mkdirSync(written, { recursive: true });

/** Writes `model` as brain.js JSON, runs brain.js on it, records both with `source`. */
async function check(name, Net, model, source, f) {
  const file = join(written, `${name}.json`);
  await ls.exportModel(model, file, { format: 'brainjs' });
  const net = new Net();
  net.fromJSON(JSON.parse(readFileSync(file, 'utf8')));
  const x = [0.2, 1.3, 2.1].map((p) =>
    Array.from({ length: 9 }, (_, t) =>
      Array.from({ length: f }, (_, j) => 0.5 + 0.45 * Math.cos(0.6 * t + p + 0.8 * j)),
    ),
  );
  const y = x.map((seq) => {
    const r = net.run(f === 1 ? seq.map((v) => v[0]) : seq);
    return typeof r === 'number' ? [r] : Array.from(r);
  });
  writeFileSync(join(written, `${name}.io.json`), JSON.stringify({ source, x, y }));
}

for (const [name, Net, f] of [
  ['lstm_time_step', brain.recurrent.LSTMTimeStep, 2],
  ['gru_time_step', brain.recurrent.GRUTimeStep, 1],
  ['rnn_time_step', brain.recurrent.RNNTimeStep, 3],
]) {
  const model = await ls.importModel(join(out, `${name}.json`), { format: 'brainjs' });
  await check(`${name}_roundtrip`, Net, model, `${name}.json`, f);
}

// the character nets: brain.js's run(text) on longshort's file, the source their import
for (const [name, Net] of [
  ['lstm_chars', brain.recurrent.LSTM],
  ['gru_chars', brain.recurrent.GRU],
  ['rnn_chars', brain.recurrent.RNN],
]) {
  const model = await ls.importModel(join(out, `${name}.json`), { format: 'brainjs' });
  const file = join(written, `${name}_roundtrip.json`);
  await ls.exportModel(model, file, { format: 'brainjs' });
  const net = new Net();
  net.fromJSON(JSON.parse(readFileSync(file, 'utf8')));
  const inputs = ['he', 'hold', 'lo', 'whe', 'the'];
  const y = inputs.map((s) => net.run(s));
  writeFileSync(
    join(written, `${name}_roundtrip.io.json`),
    JSON.stringify({ source: `${name}.json`, inputs, y }),
  );
}

/** A Keras-front model with longshort's seeded initialisation, saved as .keras (the test's source). */
async function keras(name, Net, layers, f) {
  ls.manualSeed(7);
  const model = ls.sequential(layers, { name });
  model.build([null, f]);
  await ls.exportModel(model, join(written, `${name}.keras`));
  await check(name, Net, model, `written/${name}.keras`, f);
}
const { gru, simpleRNN, dense } = ls.layers;
await keras(
  'keras_gru_stacked',
  brain.recurrent.GRUTimeStep,
  [
    gru({ units: 5, resetAfter: false, returnSequences: true }),
    gru({ units: 3, resetAfter: false }),
    dense({ units: 2 }),
  ],
  2,
);
await keras(
  'keras_simple_rnn',
  brain.recurrent.RNNTimeStep,
  [simpleRNN({ units: 4, activation: 'relu' }), dense({ units: 1 })],
  1,
);
console.log(`wrote ${out}`);
