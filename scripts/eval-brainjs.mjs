// Trains a brain.js LSTMTimeStep and, from its JSON, the imported longshort model on the
// same sequences, and prints the time per training iteration (one pass over the data) of
// each, side by side. brain.js trains sequence by sequence (its train loop: every step
// predicts the next value, one weight update per sequence); longshort fits the imported
// model on the same sequences as (N, L-1, 1) windows -> next value, in one batch per
// iteration (adam). Different update rules on the same data: the figure compared is the
// wall time of one pass, not the loss.
//
// Run: npm run build && npm --prefix test/peers ci --ignore-scripts && npm run eval:brainjs
//      [-- --iterations 20 --hidden 20 --length 16 --sequences 32]
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(args[i + 1]);
};
const iterations = opt('iterations', 20);
const hidden = opt('hidden', 20);
const length = opt('length', 16);
const sequences = opt('sequences', 32);

let brain;
try {
  brain = createRequire(join(root, 'test', 'peers', 'package.json'))('brain.js');
} catch {
  console.error('eval:brainjs: brain.js is not installed; run npm --prefix test/peers ci --ignore-scripts');
  process.exit(1);
}
const { importModel, Tensor, getNumThreads } = await import(join(root, 'dist', 'src', 'index.js'));

const data = Array.from({ length: sequences }, (_, s) =>
  Array.from({ length }, (_, t) => 0.5 + 0.4 * Math.sin(0.4 * t + 0.37 * s)),
);

const net = new brain.recurrent.LSTMTimeStep({ inputSize: 1, hiddenLayers: [hidden], outputSize: 1 });
net.train(data, { iterations: 1, errorThresh: 0 }); // builds the equations
let t0 = performance.now();
const res = net.train(data, { iterations, errorThresh: 0 });
const brainMs = (performance.now() - t0) / iterations;

const model = await importModel({ json: net.toJSON() }, { format: 'brainjs' });
const x = new Tensor(Float32Array.from(data.flatMap((s) => s.slice(0, -1))), [sequences, length - 1, 1]);
const y = new Tensor(Float32Array.from(data.map((s) => s[length - 1])), [sequences, 1]);
model.compile({ loss: 'mse', optimizer: 'adam' });
await model.fit(x, y, { epochs: 1, batchSize: sequences, verbose: 0 }); // warm-up
t0 = performance.now();
const h = await model.fit(x, y, { epochs: iterations, batchSize: sequences, verbose: 0 });
const lsMs = (performance.now() - t0) / iterations;

console.log(
  `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), longshort threads ${getNumThreads()}`,
);
console.log(
  `LSTMTimeStep 1 -> [${hidden}] -> 1, ${sequences} sequences of ${length}, ${iterations} iterations`,
);
console.log(
  `  brain.js 1.6.1   ${brainMs.toFixed(2).padStart(9)} ms / iteration   (error ${res.error.toFixed(5)})`,
);
console.log(
  `  longshort        ${lsMs.toFixed(2).padStart(9)} ms / iteration   (mse ${h.history.loss.at(-1).toExponential(3)})`,
);
console.log(`  ratio brain.js / longshort: ${(brainMs / lsMs).toFixed(2)}`);
