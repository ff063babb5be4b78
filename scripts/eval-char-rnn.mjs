// npm run eval:char-rnn [-- --epochs 10 --embedding 0]
//
// char-rnn on tiny Shakespeare with karpathy/char-rnn's defaults (examples/char-rnn.ts):
// validation loss (nats per character; char-rnn's split: the last 5% of the batches, i.e.
// of every stream) after every epoch and the time per epoch. Target: <= 1.43 after 10
// epochs. PyTorch 1.13 with this recipe: 2.157 after epoch 1, 1.545 after 5, 1.421 after
// 10 (test/tools/char_rnn_torch.py, the twin, from the example's initial weights: 2.1346,
// 1.5395, 1.4269; longshort 2.1197, 1.5460, 1.4253). --split tail (the last 5% of the
// text) gives ~1.63 after 10 in both.
import { evalArgs, numbersAfter, runExample, verdict } from './eval-common.mjs';

const opts = evalArgs({ epochs: '10', embedding: '0', seed: '123' });
const torch = { 1: 2.157, 5: 1.545, 10: 1.421 };
const out = await runExample(
  'char-rnn',
  [
    '--epochs',
    opts.epochs,
    '--embedding',
    opts.embedding,
    '--seed',
    opts.seed,
    '--log-every',
    '50',
    '--sample',
    '300',
    '--temperature',
    '0.8',
  ],
  'char-rnn',
);
const lines = [...out.matchAll(/epoch (\d+)\/\d+: validation loss ([0-9.]+) nats\/char, time ([^(]+)/g)];
console.log('\nepoch  validation loss  (PyTorch)  time');
for (const [, e, loss, time] of lines) {
  console.log(
    `${e.padStart(5)}  ${loss.padStart(15)}  ${String(torch[e] ?? '').padStart(9)}  ${time.trim()}`,
  );
}
const last = numbersAfter(out, 'validation loss').at(-1);
console.log(out.match(/time per batch: .*/)?.[0] ?? '');
verdict(
  last <= 1.43,
  `validation loss ${last.toFixed(4)} after ${opts.epochs} epochs (target <= 1.43; PyTorch 1.421)`,
);
