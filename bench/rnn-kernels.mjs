// Micro-benchmark of the fused recurrent op (recurrentLayer) at the shapes of the peer
// workloads, without the model around it (no head, no loss, no optimizer):
//
//   W1f  LSTM(28->128, 2 layers), batch 100, seq 28: forward of both layers
//   W1fb the same, forward + backward (cotangent of ones on the last layer's output)
//   W2fb LSTM(64->256, 2 layers), batch 32, seq 64: forward + backward (W2's recurrent part)
//   W4fb LSTM(256->512), batch 64, seq 100: forward + backward, reported in GFLOP/s
//        (60.4 GFLOP = 3 x 2*4H*(I+H)*batch*seq, the peers' count)
//
// Prints the median wall time and the median process CPU time per call (CPU time is
// less sensitive to other processes on this shared 2-core VM; with 2 threads it counts
// both). Needs `npm run build` first.
//
// Usage: node bench/rnn-kernels.mjs [--only W1f,W1fb,W2fb,W4fb] [--reps N] [--threads N]
//          [--kernels fast|ref] [--json]
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const T = await import(pathToFileURL(path.join(root, 'dist/src/tensor/index.js')).href);
const K = await import(pathToFileURL(path.join(root, 'dist/src/kernels/registry.js')).href);
let P = null;
try {
  P = await import(pathToFileURL(path.join(root, 'dist/src/parallel/index.js')).href);
} catch {
  P = null;
}

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const only = opt('only', 'W1f,W1fb,W4fb').split(',');
const repsArg = opt('reps', null);
const threads = opt('threads', null);
const kernels = opt('kernels', null);
const asJson = args.includes('--json');
if (kernels !== null) K.setKernelSet(kernels);
if (threads !== null) {
  if (P === null) console.error('rnn-kernels: no src/parallel build; --threads ignored');
  else P.setNumThreads(Number(threads));
}

/** Deterministic uniform numbers in [-a, a). */
function filled(n, a, seed) {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * a;
  }
  return out;
}

function layerWeights(I, H, grad, seed) {
  const k = 1 / Math.sqrt(H);
  const t = (n, shape, sd) => new T.Tensor(filled(n, k, sd), shape, { requiresGrad: grad });
  return {
    wIh: t(4 * H * I, [4 * H, I], seed + 1),
    wHh: t(4 * H * H, [4 * H, H], seed + 2),
    bIh: t(4 * H, [4 * H], seed + 3),
    bHh: t(4 * H, [4 * H], seed + 4),
    wHr: null,
  };
}

/** One LSTM stack over a padded time-major (L, N, I) input given as (L*N, I). */
function makeCase(I, H, layers, N, L, grad) {
  const x = new T.Tensor(filled(L * N * I, 1, 7), [L * N, I], { requiresGrad: grad });
  const ws = [];
  for (let l = 0; l < layers; l++) ws.push(layerWeights(l === 0 ? I : H, H, grad, 100 * l));
  const bs = new Int32Array(L).fill(N);
  const h0 = new T.Tensor(new Float32Array(N * H), [N, H]);
  const c0 = new T.Tensor(new Float32Array(N * H), [N, H]);
  const ones = new T.Tensor(new Float32Array(L * N * H).fill(1), [L * N, H]);
  return () => {
    let inp = x;
    for (const w of ws) inp = T.recurrentLayer('lstm', inp, bs, h0, c0, w, false).output;
    if (grad) {
      T.backward(inp, ones);
      // drop accumulated grads so every rep does the same work
      for (const w of ws) for (const p of [w.wIh, w.wHh, w.bIh, w.bHh]) p.grad = null;
      x.grad = null;
    }
  };
}

const cases = {
  W1f: { make: () => makeCase(28, 128, 2, 100, 28, false), reps: 30, flops: 0 },
  W1fb: { make: () => makeCase(28, 128, 2, 100, 28, true), reps: 20, flops: 0 },
  W2fb: { make: () => makeCase(64, 256, 2, 32, 64, true), reps: 10, flops: 0 },
  W4fb: { make: () => makeCase(256, 512, 1, 64, 100, true), reps: 5, flops: 60397977600 },
};

function median(a) {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const info = {
  node: process.version,
  kernels: K.kernelSetName(),
  threads: P === null ? 1 : P.getNumThreads(),
};
if (!asJson) console.log(`node ${info.node}, kernels ${info.kernels}, threads ${info.threads}`);
const results = [];
for (const id of only) {
  const c = cases[id];
  if (c === undefined) throw new Error(`unknown case ${id}`);
  const run = c.make();
  const reps = repsArg === null ? c.reps : Number(repsArg);
  run(); // warm-up (compiles, grows wasm memory, starts workers)
  run();
  const wall = [];
  const cpu = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    const t1 = performance.now();
    const dc = process.cpuUsage(c0);
    wall.push(t1 - t0);
    cpu.push((dc.user + dc.system) / 1000);
  }
  const res = { id, reps, wallMs: median(wall), minMs: Math.min(...wall), cpuMs: median(cpu) };
  if (c.flops) res.gflops = c.flops / (res.wallMs * 1e6);
  results.push(res);
  if (!asJson) {
    const g = res.gflops
      ? `  ${res.gflops.toFixed(1)} GFLOP/s (min-time ${(c.flops / (res.minMs * 1e6)).toFixed(1)})`
      : '';
    console.log(
      `${id.padEnd(5)} median ${res.wallMs.toFixed(1)} ms  min ${res.minMs.toFixed(1)} ms  cpu ${res.cpuMs.toFixed(1)} ms  (${reps} reps)${g}`,
    );
  }
}
if (asJson) console.log(JSON.stringify({ ...info, results }));
