#!/usr/bin/env node
// `npm run bench -- --sweep`: cost of LSTM forward+backward (sum of the output, gradients to all weights) over
// sequence length x batch, to show that it grows linearly (no hidden O(T^2) in the autograd or the kernels).
//   node bench/sweep.mjs [--threads N] [--size 64,128] [--seqs 8,16,32,64] [--batches 4,16,64]
// stdout: one JSON line per grid point and per fit; stderr: a markdown table + least-squares fits.
// Timing per point: the workloads.json timing policy (measure()).
import * as C from './runners/common.mjs';
import { L, VERSION, kernelSetName, configureThreads } from './runners/longshort-lib.mjs';
import os from 'node:os';

const args = C.parseArgs(process.argv.slice(2));
const list = (v, d) => (v && v !== true ? String(v) : d).split(',').map(Number);
const [I, H] = list(args.size, '64,128');
const seqs = list(args.seqs, '8,16,32,64');
const batches = list(args.batches, '4,16,64');
if (![I, H, ...seqs, ...batches].every((n) => Number.isInteger(n) && n > 0)) {
  C.log('sweep: --size, --seqs, --batches take positive integers');
  process.exit(2);
}
const th = configureThreads(args.threads);
const kernels = kernelSetName();
const spec = C.loadWorkloads();
const base = {
  peer: `longshort-${th.threads}t`,
  runtime: `longshort ${VERSION} (node ${process.version})`,
  threads: th.threads,
  kernels,
  sweep: 'lstm-fwdbwd',
  input_size: I,
  hidden: H,
};
const flopsPerStepSample = 3 * 2 * 4 * H * (I + H);

/** Least squares y = a + b x; returns a, b, r2 and the largest |residual| / y. */
function fit(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const b = sxx ? sxy / sxx : NaN;
  const a = my - b * mx;
  let sse = 0;
  let maxRel = 0;
  for (let i = 0; i < n; i++) {
    const r = ys[i] - (a + b * xs[i]);
    sse += r * r;
    maxRel = Math.max(maxRel, Math.abs(r) / ys[i]);
  }
  return { a, b, r2: syy ? 1 - sse / syy : 1, max_rel_residual: maxRel, n };
}

const f = (v, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '—');
C.log(
  `sweep: LSTM(${I}, ${H}) batchFirst, forward + backward of sum(output); longshort ${VERSION}, kernels ${kernels}, threads ${th.threads}, ` +
    `node ${process.version}, ${os.cpus()[0]?.model} x ${os.cpus().length}${th.note ? ` (${th.note})` : ''}. Shared machine: timings are noisy.`,
);
const points = [];
for (const B of batches) {
  for (const T of seqs) {
    L.manualSeed(spec.seed);
    const lstm = new L.LSTM(I, H, { batchFirst: true });
    const x = L.randn([B, T, I]);
    const fb = () => {
      lstm.zeroGrad();
      const [o] = lstm.forward(x);
      const s = o.sum();
      s.backward();
      return s.item();
    };
    const res = await C.measure(fb, spec.timing);
    const p = {
      ...base,
      batch: B,
      seq: T,
      step_samples: B * T,
      ...res,
      ms_per_step_sample: res.median_ms / (B * T),
      gflops: (flopsPerStepSample * B * T) / (res.median_ms / 1000) / 1e9,
    };
    points.push(p);
    process.stdout.write(JSON.stringify(p) + '\n');
    C.log(
      `  batch ${String(B).padStart(4)} seq ${String(T).padStart(4)}: ${f(res.median_ms, 1).padStart(9)} ms  ` +
        `${f(p.ms_per_step_sample * 1000, 1).padStart(8)} µs/step-sample  ${f(p.gflops)} GFLOP/s  (${res.reps} reps)`,
    );
  }
}

const out = [];
out.push(`| batch \\ seq | ${seqs.join(' | ')} |`);
out.push(`|---|${seqs.map(() => '---:').join('|')}|`);
for (const B of batches) {
  out.push(
    `| ${B} | ${seqs
      .map((T) => {
        const p = points.find((q) => q.batch === B && q.seq === T);
        return `${f(p.median_ms, 1)} ms (${f(p.ms_per_step_sample * 1000, 1)} µs/ss)`;
      })
      .join(' | ')} |`,
  );
}
out.push('');
out.push('Least-squares fits (µs/ss = µs per step-sample; linear growth ⇔ R² ≈ 1 and small residuals):');
out.push('');
out.push('| fit | slope | intercept (ms) | R² | max rel. residual |');
out.push('|---|---:|---:|---:|---:|');
const emitFit = (what, x, fr, slopeText) => {
  process.stdout.write(
    JSON.stringify({
      ...base,
      fit: what,
      x,
      intercept_ms: fr.a,
      slope_ms: fr.b,
      r2: fr.r2,
      max_rel_residual: fr.max_rel_residual,
      n: fr.n,
    }) + '\n',
  );
  out.push(
    `| ${what} | ${slopeText} | ${f(fr.a, 1)} | ${f(fr.r2, 4)} | ${f(fr.max_rel_residual * 100, 1)}% |`,
  );
};
for (const B of batches) {
  const ps = points.filter((p) => p.batch === B);
  if (ps.length < 2) continue;
  const fr = fit(
    ps.map((p) => p.seq),
    ps.map((p) => p.median_ms),
  );
  emitFit(`t(seq) at batch ${B}`, 'seq', fr, `${f(fr.b, 3)} ms/step = ${f((fr.b / B) * 1000, 1)} µs/ss`);
}
for (const T of seqs) {
  const ps = points.filter((p) => p.seq === T);
  if (ps.length < 2) continue;
  const fr = fit(
    ps.map((p) => p.batch),
    ps.map((p) => p.median_ms),
  );
  emitFit(`t(batch) at seq ${T}`, 'batch', fr, `${f(fr.b, 3)} ms/sample = ${f((fr.b / T) * 1000, 1)} µs/ss`);
}
const all = fit(
  points.map((p) => p.step_samples),
  points.map((p) => p.median_ms),
);
emitFit('t(seq·batch), all points', 'step_samples', all, `${f(all.b * 1000, 1)} µs/ss`);
C.log('');
C.log(out.join('\n'));
