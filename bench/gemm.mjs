// GEMM micro-benchmark: GFLOP/s of gemmRef, f32-gemm-4x4-js, f32-gemm-5x8-wasmsimd and the
// relaxed-SIMD build (6x8 f32x4.relaxed_madd) and the native BLAS (cblas_sgemm through
// koffi, 1 BLAS thread, on the JS arrays in place)
// (called through its Gemm wrapper, copies included), plus the wasm kernel alone on
// operands already in wasm memory ("wasm-kernel") to show the copy-in/out cost.
// Single thread. Medians over interleaved repetitions. Never part of `npm test`.
//
// Usage: npm run build && node bench/gemm.mjs [--reps 7] [--only square|rnn] [--no-ref]
import { gemmRef } from '../dist/src/kernels/ref/f-gemm-ref.js';
import { f32Gemm4x4Js } from '../dist/src/kernels/f32-gemm-4x4-js.js';
import {
  f32GemmWasmSimd,
  f32GemmWasmRelaxed,
  f32GemmImplementation,
} from '../dist/src/kernels/f32-gemm-5x8-wasmsimd.js';
import { wasmRelaxedSimdSupported } from '../dist/src/kernels/wasm/relaxed-probe.js';
import { f32GemmModule } from '../dist/src/kernels/wasm/f32-gemm-module.js';
import { nativeBlas } from '../dist/src/kernels/native/blas-loader.js';
import os from 'node:os';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const reps = Number(opt('--reps', '7'));
const only = opt('--only', 'all');
const noRef = args.includes('--no-ref');
/** Skip the slow kernels above this many flops per call (they would take seconds). */
const REF_MAX_FLOP = 2.2e9;
const JS_MAX_FLOP = 7e9;

const shapes = [];
if (only === 'all' || only === 'square') {
  for (const n of [64, 128, 256, 512, 1024])
    shapes.push({ name: `square ${n}`, ta: false, tb: false, M: n, N: n, K: n });
}
if (only === 'all' || only === 'rnn') {
  shapes.push({ name: 'h W^T (step)', ta: false, tb: true, M: 64, N: 2048, K: 512 });
  shapes.push({ name: 'X W^T (input proj)', ta: false, tb: true, M: 6400, N: 2048, K: 256 });
  shapes.push({ name: 'A^T B (dW)', ta: true, tb: false, M: 2048, N: 512, K: 6400 });
}

function rand(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 4294967296 - 0.5;
  }
  return a;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const now = () => Number(process.hrtime.bigint()) / 1e6;
/** Process CPU time (user + system) in ms: less sensitive than wall time to other processes on this shared VM. */
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};

const mod = f32GemmModule();
const blas = nativeBlas();
console.log(
  `node ${process.version}, ${os.cpus()[0]?.model}, 1 thread, wasm kernel: ${f32GemmImplementation()}` +
    (mod ? ` (MR=${mod.MR} NR=${mod.NR} KC=${mod.KC} MC=${mod.MC} NC=${mod.NC})` : '') +
    `, BLAS: ${blas ? `${blas.vendor} ${blas.path}` : 'none'}`,
);
console.log(
  `GFLOP/s from the median CPU time of ${reps} interleaved reps [GFLOP/s from median wall time]; ` +
    'copy ms = wrapper - kernel (CPU medians)\n',
);

const header = [
  'shape',
  'M',
  'N',
  'K',
  'ref',
  'js-4x4',
  'wasm (wrapper)',
  'wasm-kernel',
  'copy ms',
  'relaxed (wrapper)',
  'blas',
];
const rows = [header];
for (const s of shapes) {
  const { ta, tb, M, N, K } = s;
  const flop = 2 * M * N * K;
  const A = rand(M * K, 1),
    B = rand(K * N, 2),
    C = rand(M * N, 3);
  const lda = ta ? M : K,
    ldb = tb ? K : N,
    ldc = N;
  const kernels = [];
  if (!noRef && flop <= REF_MAX_FLOP)
    kernels.push(['ref', () => gemmRef(ta, tb, M, N, K, 1, A, 0, lda, B, 0, ldb, 0, C, 0, ldc)]);
  if (flop <= JS_MAX_FLOP)
    kernels.push(['js', () => f32Gemm4x4Js(ta, tb, M, N, K, 1, A, 0, lda, B, 0, ldb, 0, C, 0, ldc)]);
  kernels.push(['wasm', () => f32GemmWasmSimd(ta, tb, M, N, K, 1, A, 0, lda, B, 0, ldb, 0, C, 0, ldc)]);
  if (wasmRelaxedSimdSupported())
    kernels.push([
      'relaxed',
      () => f32GemmWasmRelaxed(ta, tb, M, N, K, 1, A, 0, lda, B, 0, ldb, 0, C, 0, ldc),
    ]);
  if (blas)
    kernels.push(['blas', () => blas.sgemm([ta, tb, M, N, K, 1, A, 0, lda, B, 0, ldb, 0, C, 0, ldc])]);
  if (mod) {
    // the same call with operands already in wasm memory (what the wrapper copies in)
    const ar = mod.arena;
    ar.reset();
    const pa = Math.min(mod.MC, Math.ceil(M / mod.MR) * mod.MR) * Math.min(mod.KC, K);
    const pb = Math.min(mod.KC, K) * Math.ceil(Math.min(mod.NC, N) / mod.NR) * mod.NR;
    ar.reserve(4 * (M * K + K * N + M * N + pa + pb + 64) + 1024);
    const aP = ar.alloc(4 * M * K),
      bP = ar.alloc(4 * K * N),
      cP = ar.alloc(4 * M * N);
    const paP = ar.alloc(4 * pa),
      pbP = ar.alloc(4 * pb),
      tP = ar.alloc(4 * 64);
    const mem = ar.f32();
    mem.set(A, aP >>> 2);
    mem.set(B, bP >>> 2);
    kernels.push([
      'kernel',
      () =>
        mod.exports.f32_gemm(ta ? 1 : 0, tb ? 1 : 0, M, N, K, 1, aP, lda, bP, ldb, 0, cP, ldc, paP, pbP, tP),
    ]);
  }
  const times = Object.fromEntries(kernels.map(([n]) => [n, []]));
  const walls = Object.fromEntries(kernels.map(([n]) => [n, []]));
  const slow = (n) => n === 'ref' || n === 'js';
  const inner = {};
  for (const [n, f] of kernels) {
    // warm-up (JIT tiers, memory growth): at least 2 calls and 100 ms; then each rep
    // repeats the call enough times to last >= 5 ms
    const t0 = now();
    let i = 0;
    for (; i < 2 || now() - t0 < 100; i++) f();
    inner[n] = Math.max(1, Math.ceil(5 / ((now() - t0) / i)));
  }
  for (let r = 0; r < reps; r++) {
    for (const [n, f] of kernels) {
      if (slow(n) && r >= Math.max(3, Math.ceil(reps / 2)) && flop > 5e8) continue; // fewer reps of slow ones
      const t0 = now();
      const c0 = cpuNow();
      for (let i = 0; i < inner[n]; i++) f();
      times[n].push((cpuNow() - c0) / inner[n]);
      walls[n].push((now() - t0) / inner[n]);
    }
  }
  const cell = (n) => {
    if (!times[n] || times[n].length === 0) return '-';
    const ms = median(times[n]);
    const wall = median(walls[n]);
    return `${(flop / ms / 1e6).toFixed(1)} [${(flop / wall / 1e6).toFixed(1)}] ${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
  };
  const copy = times.wasm && times.kernel ? (median(times.wasm) - median(times.kernel)).toFixed(2) : '-';
  rows.push(
    [
      s.name,
      M,
      N,
      K,
      cell('ref'),
      cell('js'),
      cell('wasm'),
      cell('kernel'),
      copy,
      cell('relaxed'),
      cell('blas'),
    ].map(String),
  );
  console.error(`done ${s.name}`);
}
const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const [i, r] of rows.entries()) {
  console.log('| ' + r.map((c, j) => c.padEnd(widths[j])).join(' | ') + ' |');
  if (i === 0) console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
}
