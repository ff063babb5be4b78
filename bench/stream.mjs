// W3 "stream" of ../shared/peers/workloads.json through the streaming API:
// LSTM(1 -> 64) + Linear(64, 1) head, batch 1, 1000 single-step calls carrying (h, c),
// x_t = sin(0.05 t). One timed call = one 1000-step stream, the state reset at its start
// (the peers' W3 policy); timing policy of workloads.json (1 warm-up; < 0.5 s: 3 warm-ups,
// then >= 10 reps and >= 2 s). Prints one JSON line per variant on stdout (the runner
// contract of ../shared/peers/README.md), a summary on stderr.
//
// Usage: npm run build && node bench/stream.mjs [--variants fast,tensor,ref] [--steps 1000]
//   fast    Float32Array input written into the kernel, head.forwardInto(y, out): no allocation
//   tensor  (1, 1) Tensor input per step, head.forward(y) (allocates the head's output)
//   ref     like fast with the reference step kernel (setKernelSet('ref'))
import os from 'node:os';
import * as L from '../dist/src/index.js';
import { setKernelSet } from '../dist/src/kernels/registry.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const variants = opt('variants', 'fast,tensor,ref').split(',');
const STEPS = Number(opt('steps', '1000'));
const timing = {
  warmup: 3,
  min_reps: 10,
  min_total_s: 2.0,
  max_reps: 2000,
  slow_call_s: 0.5,
  slow_min_reps: 3,
  slow_max_reps: 10,
};

const now = () => Number(process.hrtime.bigint()) / 1e6;

function measure(fn) {
  const t0 = now();
  fn();
  const t1 = (now() - t0) / 1000;
  const ms = [];
  const cpu = [];
  const one = () => {
    const c = process.cpuUsage();
    const s = now();
    fn();
    const d = now() - s;
    const cu = process.cpuUsage(c);
    cpu.push((cu.user + cu.system) / 1000);
    ms.push(d);
    return d;
  };
  let warm = 1;
  if (t1 < timing.slow_call_s) {
    warm = timing.warmup;
    for (let i = 0; i < warm - 1; i++) fn();
    let total = 0;
    while ((ms.length < timing.min_reps || total < timing.min_total_s * 1000) && ms.length < timing.max_reps)
      total += one();
  } else {
    const reps = Math.max(
      timing.slow_min_reps,
      Math.min(timing.slow_max_reps, Math.ceil(timing.min_total_s / t1)),
    );
    for (let i = 0; i < reps; i++) one();
  }
  const med = (a) => {
    const s = [...a].sort((x, y) => x - y);
    const n = s.length;
    return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  };
  return {
    median_ms: med(ms),
    min_ms: Math.min(...ms),
    cpu_median_ms: med(cpu),
    reps: ms.length,
    warmup: warm,
  };
}

const xs = new Float32Array(STEPS);
for (let t = 0; t < STEPS; t++) xs[t] = Math.sin(0.05 * t);

function run(variant) {
  L.manualSeed(0);
  const lstm = new L.LSTM(1, 64).eval();
  const head = new L.Linear(64, 1).eval();
  const s = lstm.initState({ batch: 1 });
  const out = L.zeros([1, 1]);
  const xb = new Float32Array(1);
  const xts = Array.from(xs, (v) => L.tensor(new Float32Array([v]), { shape: [1, 1] }));
  let lastY = 0;
  let stream;
  if (variant === 'tensor') {
    stream = () => {
      s.reset();
      for (let t = 0; t < STEPS; t++) lastY = head.forward(lstm.step(xts[t], s)).item();
    };
  } else {
    stream = () => {
      s.reset();
      const od = out.data;
      for (let t = 0; t < STEPS; t++) {
        xb[0] = xs[t];
        head.forwardInto(lstm.step(xb, s), out);
        lastY = od[0];
      }
    };
  }
  // the state is really carried: the last output equals the whole-sequence forward's
  stream();
  const whole = L.noGrad(() => {
    const [o] = lstm.forward(L.tensor(xs, { shape: [STEPS, 1, 1] }));
    return head.forward(o.select(0, -1)).item();
  });
  const carryErr = Math.abs(whole - lastY);
  if (!(carryErr < 1e-4))
    throw new Error(`W3 ${variant}: state not carried: last output ${lastY} vs whole-sequence ${whole}`);
  const res = measure(stream);
  return {
    peer: `longshort-stream-${variant}`,
    runtime: `longshort (node ${process.version})`,
    threads: 1,
    workload: 'W3',
    name: 'stream',
    mode: 'stream',
    ...res,
    us_per_step: (res.median_ms * 1000) / STEPS,
    us_per_step_min: (res.min_ms * 1000) / STEPS,
    us_per_step_cpu: (res.cpu_median_ms * 1000) / STEPS,
    implementation: s.implementation,
    carry_check_abs_err: carryErr,
    notes:
      variant === 'tensor'
        ? 'lstm.step((1,1) Tensor, s) + head.forward(y).item()'
        : 'x into a Float32Array(1), lstm.step(x, s) + head.forwardInto(y, out) (no allocation)',
  };
}

console.error(
  `stream bench: node ${process.version}, ${os.cpus()[0]?.model ?? '?'}, load avg ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
for (const v of variants) {
  let prev;
  if (v === 'ref') prev = setKernelSet('ref');
  try {
    const r = run(v);
    console.log(JSON.stringify(r));
    console.error(
      `${v.padEnd(7)} ${r.implementation.padEnd(22)} ${r.us_per_step.toFixed(2)} µs/step median (min ${r.us_per_step_min.toFixed(2)}, cpu ${r.us_per_step_cpu.toFixed(2)}), ${r.reps} reps`,
    );
  } finally {
    if (prev !== undefined) setKernelSet(prev);
  }
}
