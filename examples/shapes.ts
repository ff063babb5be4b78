/*
 * shapes: the LSTM vs LSTMCell shape walk of the notes (seed 004), and the relations
 * between `output` and `h_n` (seed 001), printed.
 *
 *   npm run example:shapes            (--tiny is accepted and changes nothing: it is fast)
 *
 * PyTorch original (seed 004):
 *   lstm = nn.LSTM(input_size=100, hidden_size=20, num_layers=4)
 *   x = torch.randn(10, 3, 100)
 *   out, (h, c) = lstm(x)            # [10, 3, 20] [4, 3, 20] [4, 3, 20]
 *   cell = nn.LSTMCell(100, 20); for xt in x: h, c = cell(xt, [h, c])      # [3, 20]
 *   cell1 = nn.LSTMCell(100, 30); cell2 = nn.LSTMCell(30, 20); ...          # [3, 20]
 */
import { LSTM, LSTMCell, Tensor, manualSeed, noGrad, randn, zeros } from '../src/index.js';
import { num, parseCli } from './lib/common.js';

const args = parseCli(
  'shapes',
  "seed 004's LSTM / LSTMCell shape walk and seed 001's output-vs-h_n relations",
  {
    seed: { type: 'string', default: '0', help: 'random seed' },
    tiny: {
      type: 'boolean',
      help: 'accepted for symmetry with the other examples (this one is always fast)',
    },
  },
);
manualSeed(num(args, 'seed', { integer: true }));

const fmt = (t: Tensor): string => `[${t.shape.join(', ')}]`;
/** Exact equality of two tensors of the same shape (h_n is a copy of the output step). */
const same = (a: Tensor, b: Tensor): boolean =>
  a.shape.join() === b.shape.join() && a.toArray().every((v, i) => v === b.data[i]);

noGrad(() => {
  console.log('--- nn.LSTM: the whole sequence, all layers (seed 004, In [4]) ---');
  const lstm = new LSTM(100, 20, { numLayers: 4 });
  console.log(lstm.toString());
  const x = randn([10, 3, 100]); // (L=10, N=3, H_in=100)
  console.log('x', fmt(x));
  const [out, [h, c]] = lstm.forward(x); // no state given: zeros
  console.log('out', fmt(out), 'h', fmt(h), 'c', fmt(c), '   # expected [10, 3, 20] [4, 3, 20] [4, 3, 20]');

  console.log('\n--- one layer lstm: nn.LSTMCell, one time step per call (In [5]) ---');
  const cell = new LSTMCell(100, 20);
  let hc: [Tensor, Tensor] = [zeros([3, 20]), zeros([3, 20])];
  for (let t = 0; t < x.shape[0]; t++) hc = cell.forward(x.select(0, t), hc); // xt: (3, 100)
  console.log('h', fmt(hc[0]), 'c', fmt(hc[1]), '   # expected [3, 20] [3, 20]');

  console.log('\n--- two layer lstm: two stacked cells 100 -> 30 -> 20 (In [6]) ---');
  const cell1 = new LSTMCell(100, 30);
  const cell2 = new LSTMCell(30, 20);
  let s1: [Tensor, Tensor] = [zeros([3, 30]), zeros([3, 30])];
  let s2: [Tensor, Tensor] = [zeros([3, 20]), zeros([3, 20])];
  for (let t = 0; t < x.shape[0]; t++) {
    s1 = cell1.forward(x.select(0, t), s1);
    s2 = cell2.forward(s1[0], s2); // the upper cell reads the lower cell's h
  }
  console.log(
    'h1',
    fmt(s1[0]),
    'c1',
    fmt(s1[1]),
    'h2',
    fmt(s2[0]),
    'c2',
    fmt(s2[1]),
    '   # expected h2, c2 [3, 20]',
  );

  console.log('\n--- output vs h_n (seed 001) ---');
  const H = 20;
  const checks: Array<[string, boolean]> = [];
  checks.push(['unidirectional: output[-1] == h_n[-1]', same(out.select(0, -1), h.select(0, -1))]);
  const bi = new LSTM(100, H, { numLayers: 2, bidirectional: true });
  const [bo, [bh, bc]] = bi.forward(x);
  console.log(
    'bidirectional LSTM(100, 20, num_layers=2): output',
    fmt(bo),
    'h_n',
    fmt(bh),
    'c_n',
    fmt(bc),
    '   # [10, 3, 40] [4, 3, 20] [4, 3, 20]',
  );
  checks.push([
    'bidirectional: output[-1, :, :H] == h_n[-2]',
    same(bo.select(0, -1).slice(1, 0, H), bh.select(0, -2)),
  ]);
  checks.push([
    'bidirectional: output[0, :, H:] == h_n[-1]   (the reverse direction ends at t = 0)',
    same(bo.select(0, 0).slice(1, H, 2 * H), bh.select(0, -1)),
  ]);
  const bf = new LSTM(100, H, { numLayers: 2, batchFirst: true });
  const xb = x.transpose(0, 1); // (N=3, L=10, H_in=100)
  const [bfo, [bfh]] = bf.forward(xb);
  console.log(
    'batchFirst LSTM: input',
    fmt(xb),
    'output',
    fmt(bfo),
    'h_n',
    fmt(bfh),
    '   # states are never batch-first',
  );
  checks.push(['batchFirst: output[:, -1] == h_n[-1]', same(bfo.select(1, -1), bfh.select(0, -1))]);
  for (const [what, ok] of checks) console.log(`${what}: ${ok}`);
  const shapesOk =
    fmt(out) === '[10, 3, 20]' &&
    fmt(h) === '[4, 3, 20]' &&
    fmt(c) === '[4, 3, 20]' &&
    fmt(hc[0]) === '[3, 20]' &&
    fmt(s2[0]) === '[3, 20]';
  const allOk = shapesOk && checks.every(([, ok]) => ok);
  console.log(`\nall shapes and relations as in PyTorch: ${allOk}`);
  if (!allOk) process.exitCode = 1;
});
