// Shared helpers for the bench runners: workload loading, the timing policy, JSON-line output, synthetic data.
// Ported from ../shared/peers/runners/common.js (same policy and data rules; ESM here).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = path.resolve(BENCH, '..');

/** bench/workloads.json (a copy of ../shared/peers/workloads.json; the definitions live in the repo). */
export function loadWorkloads(file = path.join(BENCH, 'workloads.json')) {
  const spec = JSON.parse(fs.readFileSync(file, 'utf8'));
  spec.byId = {};
  for (const w of spec.workloads) spec.byId[w.id] = w;
  return spec;
}

/** argv helper: --key value / --flag */
export function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const k = a.slice(2);
    if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[k] = argv[++i];
    else out[k] = true;
  }
  return out;
}

/** 'W1:train,W3' -> predicate(id, mode) */
export function makeSelector(only) {
  if (!only || only === true) return () => true;
  const set = new Set(
    String(only)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  return (id, mode) => set.has(`${id}:${mode}`) || set.has(id);
}

export const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

export function median(a) {
  const s = [...a].sort((x, y) => x - y);
  const n = s.length;
  return n % 2 ? s[(n - 1) >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function summarize(ms, warm, cpu) {
  return {
    median_ms: median(ms),
    min_ms: Math.min(...ms),
    mean_ms: ms.reduce((a, b) => a + b, 0) / ms.length,
    reps: ms.length,
    warmup: warm,
    cpu_median_ms: median(cpu),
  };
}

/**
 * Timing policy of workloads.json `timing` (identical to runners/common.js measure()): 1 warm-up call (t1);
 * if t1 < slow_call_s: 3 warm-ups in all, then timed reps until >= min_reps and >= min_total_s (<= max_reps);
 * otherwise reps = clamp(ceil(min_total_s / t1), slow_min_reps, slow_max_reps). fn may be sync or async.
 */
export async function measure(fn, timing) {
  const t0 = now();
  await fn();
  const t1 = (now() - t0) / 1000;
  const ms = [];
  const cpu = [];
  const one = async () => {
    const c = process.cpuUsage();
    const s = now();
    await fn();
    const d = now() - s;
    const cu = process.cpuUsage(c);
    cpu.push((cu.user + cu.system) / 1000);
    ms.push(d);
    return d;
  };
  let warm;
  if (t1 < timing.slow_call_s) {
    warm = timing.warmup;
    for (let i = 0; i < warm - 1; i++) await fn();
    let total = 0;
    while (
      (ms.length < timing.min_reps || total < timing.min_total_s * 1000) &&
      ms.length < timing.max_reps
    ) {
      total += await one();
    }
  } else {
    warm = 1;
    const reps = Math.max(
      timing.slow_min_reps,
      Math.min(timing.slow_max_reps, Math.ceil(timing.min_total_s / t1)),
    );
    for (let i = 0; i < reps; i++) await one();
  }
  return summarize(ms, warm, cpu);
}

/**
 * Timing + loss check for train modes (identical to runners/common.js measureTrain()): `step` returns the loss.
 * Every call made by measure() is a real training step; afterwards the count is topped up to val.steps
 * (bounded by val.max_s). trains_ok = loss_min (calls 2..n) < loss_first * (1 - min_rel_decrease).
 */
export async function measureTrain(step, timing, val, topUp = true) {
  let n = 0;
  let first = NaN;
  let last = NaN;
  let min = Infinity;
  const wrapped = async () => {
    const l = Number(await step());
    n++;
    if (n === 1) first = l;
    else min = Math.min(min, l);
    last = l;
  };
  const res = await measure(wrapped, timing);
  const t0 = now();
  while (topUp && n < val.steps && (now() - t0) / 1000 < val.max_s) await wrapped();
  const ok = Number.isFinite(last) && min < first * (1 - (val.min_rel_decrease || 0));
  return { ...res, loss_first: first, loss_last: last, loss_min: min, val_steps: n, trains_ok: ok };
}

/**
 * --seq W2=8,W4=10 : run these workloads with a shorter sequence (slow implementations, to fit the time budget).
 * LSTM cost is linear in seq, so records get *_extrapolated fields scaled by seq_full/seq (marked † in tables).
 */
export function applySeqOverride(spec, arg) {
  if (!arg || arg === true) return;
  for (const part of String(arg).split(',')) {
    if (!part.trim()) continue;
    const [id, v] = part.split('=');
    const w = spec.byId[id.trim()];
    if (!w || !(Number(v) > 0) || w.seq === undefined) throw new Error(`bad --seq entry ${part}`);
    if (Number(v) >= w.seq) continue; // not shorter: run at full length
    w.seq_full = w.seq;
    w.seq = Number(v);
    if (w.flops) {
      const f = 2 * 4 * w.hidden * (w.input_size + w.hidden) * w.batch * w.seq;
      w.flops = { ...w.flops, forward: f, total: 3 * f };
    }
  }
}

export function seqFields(w, res) {
  if (!w.seq_full || res.median_ms === undefined) return {};
  const k = w.seq_full / w.seq;
  return {
    seq_used: w.seq,
    seq_full: w.seq_full,
    median_ms_extrapolated: res.median_ms * k,
    min_ms_extrapolated: res.min_ms * k,
    extrapolation: `linear in seq: measured at seq ${w.seq}, scaled x${k}`,
  };
}

export function emit(rec) {
  rec.peak_rss_mb_so_far = Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
  process.stdout.write(JSON.stringify(rec) + '\n');
}

export function log(...a) {
  process.stderr.write(a.join(' ') + '\n');
}

/**
 * Runs one workload/mode; on failure emits a record with an `error` field and remembers the failure, so the
 * runner can finish the other workloads and still exit non-zero (see exitCode()).
 */
let failures = 0;
export async function guard(base, w, mode, fn) {
  try {
    await fn();
  } catch (e) {
    failures++;
    log(e?.stack || String(e));
    emit({ ...base, workload: w.id, name: w.name, mode, error: String(e?.message || e).slice(0, 500) });
  }
}
export const exitCode = () => (failures ? 1 : 0);

// Deterministic PRNG (mulberry32) + helpers (same as runners/common.js)
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.normal = () => {
    const u = Math.max(next(), 1e-12);
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  next.int = (n) => Math.floor(next() * n);
  return next;
}

// Synthetic data, same rules as workloads.json / torch_runner.py (values differ: different PRNG).
export function dataW1(w, r) {
  const { batch: B, seq: T, input_size: I } = w;
  const x = new Float32Array(B * T * I);
  for (let i = 0; i < x.length; i++) x[i] = r();
  const y = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    let best = -1;
    let bi = 0;
    for (let k = 0; k < 10; k++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += x[(b * T + t) * I + k];
      if (s > best) {
        best = s;
        bi = k;
      }
    }
    y[b] = bi;
  }
  return { x, y };
}

export function dataW2(w, r) {
  const { batch: B, seq: T, vocab: V } = w;
  const xi = new Int32Array(B * T);
  const yi = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    let tok = r.int(V);
    for (let t = 0; t < T; t++) {
      const nxt = (7 * tok + 3 + r.int(2)) % V;
      xi[b * T + t] = tok;
      yi[b * T + t] = nxt;
      tok = nxt;
    }
  }
  return { xi, yi };
}

export function dataW4(w, r) {
  const x = new Float32Array(w.batch * w.seq * w.input_size);
  for (let i = 0; i < x.length; i++) x[i] = r.normal();
  return x;
}

export function dataW5(w) {
  const { batch: B, seq: T } = w;
  const x = new Float32Array(B * T);
  const y = new Float32Array(B);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) x[b * T + t] = Math.sin(0.1 * (7 * b + t));
    y[b] = Math.sin(0.1 * (7 * b + T));
  }
  return { x, y };
}

export function streamInput(w) {
  const xs = new Float32Array(w.steps);
  for (let t = 0; t < w.steps; t++) xs[t] = Math.sin(0.05 * t);
  return xs;
}
