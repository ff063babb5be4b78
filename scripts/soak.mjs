// Memory soak: 100k streaming steps (an LSTM fed one time step at a time, its state
// carried), 10k predicts, and 50 fit / save / load cycles, with RSS and heap measured
// (after a GC) at the start, middle and end of each phase. Fails when memory grows:
// the heap by more than --max-heap-mb or RSS by more than --max-rss-mb from a phase's
// middle to its end (the start includes warm-up: JIT code, caches, the wasm arena).
//
//   npm run soak -- [--steps 100000] [--predicts 10000] [--cycles 50] [--max-heap-mb 8] [--max-rss-mb 40]
// Needs `npm run build` first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return Number(i >= 0 ? args[i + 1] : dflt);
};
const steps = opt('steps', 100000);
const predicts = opt('predicts', 10000);
const cycles = opt('cycles', 50);
const maxHeap = opt('max-heap-mb', 8);
const maxRss = opt('max-rss-mb', 40);
setFlagsFromString('--expose-gc');
const gc = globalThis.gc ?? runInNewContext('gc');

const lib = await import(join(root, 'dist', 'src', 'index.js'));
const { LSTM, noGrad, randn, zeros, sequential, loadModel, manualSeed } = lib;
const { lstm, dense } = lib.layers;

function sample() {
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss / 1e6, heap: m.heapUsed / 1e6 };
}

const rows = [];
let failed = false;
async function phase(name, n, body) {
  const at = [];
  const t0 = Date.now();
  at.push(sample());
  const mid = Math.floor(n / 2);
  for (let i = 0; i < n; i++) {
    await body(i);
    if (i === mid) at.push(sample());
  }
  at.push(sample());
  const heapGrowth = at[2].heap - at[1].heap;
  const rssGrowth = at[2].rss - at[1].rss;
  const ok = heapGrowth <= maxHeap && rssGrowth <= maxRss;
  if (!ok) failed = true;
  rows.push({ name, n, at, heapGrowth, rssGrowth, ok, s: (Date.now() - t0) / 1000 });
}

manualSeed(1);
// 1. streaming: one step at a time, the state carried, no graph
const cell = new LSTM(8, 32);
let state = [zeros([1, 1, 32]), zeros([1, 1, 32])];
const step = randn([1, 1, 8]);
await phase('streaming steps', steps, () => {
  noGrad(() => {
    const [, s] = cell.forward(step, state);
    state = s;
  });
});

// 2. predicts
const model = sequential([lstm({ units: 16, inputShape: [10, 3] }), dense({ units: 1 })]);
model.compile({ loss: 'mse', optimizer: 'adam' });
const x = randn([8, 10, 3]);
const y = randn([8, 1]);
await phase('predicts', predicts, () => {
  model.predict(x);
});

// 3. fit / save / load
const work = mkdtempSync(join(tmpdir(), 'ls-soak-'));
let current = model;
try {
  await phase('fit/save/load cycles', cycles, async () => {
    await current.fit(x, y, { epochs: current.epoch + 1, initialEpoch: current.epoch, verbose: 0, seed: 1 });
    await current.save(join(work, 'ckpt'));
    current = await loadModel(join(work, 'ckpt'));
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}

const f = (v) => v.toFixed(1).padStart(7);
console.log(
  `soak: node ${process.version}; MB after GC at start / middle / end of each phase; growth = end - middle (limits: heap ${maxHeap} MB, RSS ${maxRss} MB)`,
);
console.log(
  `${'phase'.padEnd(22)} ${'count'.padStart(7)}   ${'RSS start'.padStart(9)} ${'mid'.padStart(7)} ${'end'.padStart(7)}   ${'heap start'.padStart(10)} ${'mid'.padStart(7)} ${'end'.padStart(7)}   growth heap / RSS   seconds`,
);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(22)} ${String(r.n).padStart(7)}   ${f(r.at[0].rss).padStart(9)} ${f(r.at[1].rss)} ${f(r.at[2].rss)}   ${f(r.at[0].heap).padStart(10)} ${f(r.at[1].heap)} ${f(r.at[2].heap)}   ${f(r.heapGrowth)} / ${f(r.rssGrowth)}   ${r.s.toFixed(1).padStart(6)} ${r.ok ? 'flat' : 'GROWS'}`,
  );
}
console.log(failed ? 'soak: memory grows' : 'soak: flat');
process.exit(failed ? 1 : 0);
