// npm run eval:seq2seq [-- --steps 20000 --hidden 128]
//
// The encoder-decoder addition model (examples/seq2seq-addition.ts) trained until the
// validation accuracy reaches 99% (or --steps), then its exact-match accuracy on 2000
// held-out sums and the time it took. Target: >= 99%.
import { evalArgs, numbersAfter, runExample, verdict } from './eval-common.mjs';

const opts = evalArgs({ steps: '20000', hidden: '128', seed: '0' });
const out = await runExample(
  'seq2seq-addition',
  ['--steps', opts.steps, '--hidden', opts.hidden, '--seed', opts.seed],
  'seq2seq',
);
const acc = numbersAfter(out, 'test accuracy:').at(-1);
console.log(`\n${out.match(/(reached|stopped) .*/)?.[0] ?? ''}`);
console.log(
  `test accuracy ${acc.toFixed(2)}% on held-out sums; ${out.match(/training time: .*/)?.[0] ?? ''}`,
);
verdict(acc >= 99, `held-out exact-match accuracy ${acc.toFixed(2)}% (target >= 99%)`);
