/*
 * Trains the character model the playground ships (site/playground/public/models/):
 * tiny Shakespeare (data/tinyshakespeare.txt), Embedding 32 -> LSTM 128 -> Linear, the
 * char-rnn recipe of site/shared/char-model.ts. `npm run site:train-char [-- --steps N]`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { charModelFiles, trainCharModel } from '../shared/char-model.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '1500' },
    out: { type: 'string', default: 'site/playground/public/models' },
  },
});
const steps = Number(values.steps);
const text = readFileSync('data/tinyshakespeare.txt', 'utf8');
const t0 = performance.now();
const { model, loss } = trainCharModel(
  text,
  { embedding: 32, hidden: 128, layers: 1, batchSize: 32, seqLength: 64, steps, lr: 2e-3, seed: 0 },
  (s, l) => {
    if (s % 50 === 0)
      console.log(
        `step ${s}/${steps} loss ${l.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
  },
);
const { meta, weights } = charModelFiles(model, 'tiny Shakespeare (data/tinyshakespeare.txt)', steps, loss);
mkdirSync(values.out, { recursive: true });
writeFileSync(path.join(values.out, 'shakespeare.json'), meta);
writeFileSync(path.join(values.out, 'shakespeare.safetensors'), weights);
console.log(
  `wrote ${values.out}/shakespeare.{json,safetensors}: smoothed loss ${loss.toFixed(3)} after ${steps} steps, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
);
