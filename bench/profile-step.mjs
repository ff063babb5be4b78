#!/usr/bin/env node
// Where the time of one small training step goes: the W5 step (LSTM -> Linear on the last step, MSE, Adam; sizes
// from workloads.json) timed phase by phase, next to the kernel floor (the active kernel set's recurrent forward and
// backward alone, on the same sizes), for several thread set-ups interleaved step by step in one process.
//   node bench/profile-step.mjs [--steps 600] [--threads 1,2] [--split] [--workload W5]
//   --split   adds a column "2t split": 2 threads with the minimum work per thread dropped to 0, so that the
//             recurrent kernel really runs on both (the default thresholds keep W5 on the caller's thread)
//   --blas    also lists the native BLAS calls of a training step (shape, calls per step, min / median µs)
// Prints a markdown table on stdout (min and median microseconds per phase) and whether every set-up ended with the
// same parameter bytes (they must: results are bit-identical for every thread count). Exit status 1 if not, or if
// the loss did not decrease. Speed is measured here, never asserted.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as C from './runners/common.mjs';
import { DIST, L, kernelSetName } from './runners/longshort-lib.mjs';

const args = C.parseArgs(process.argv.slice(2));
const spec = C.loadWorkloads();
const w = spec.byId[args.workload ?? 'W5'];
if (!w || w.id !== 'W5') C.log(`profile-step: only W5 is profiled; got --workload ${args.workload}`);
if (!w || w.id !== 'W5') process.exit(2);
const steps = Number(args.steps ?? 600);
if (!(Number.isInteger(steps) && steps >= 20)) {
  C.log(`profile-step: --steps must be an integer >= 20; got ${args.steps}`);
  process.exit(2);
}
const threadList = String(args.threads ?? '1,2')
  .split(',')
  .map(Number);
if (!threadList.every((t) => Number.isInteger(t) && t >= 1)) {
  C.log(`profile-step: --threads takes positive integers like 1,2; got ${args.threads}`);
  process.exit(2);
}

// Not part of the API: the kernel set and the thread team, for the floor, and the parallel thresholds (--split).
const internal = async (rel) => {
  const f = path.join(DIST, 'src', ...rel.split('/'));
  return fs.existsSync(f) ? import(pathToFileURL(f).href).catch(() => null) : null;
};
const registry = await internal('kernels/registry.js');
const parallel = await internal('parallel/index.js');
const threadCount = await internal('parallel/thread-count.js');

// --blas: count and time the native BLAS GEMMs made during the timed training steps (not the floor's)
const blasCalls = new Map();
let blasOn = false;
if (args.blas) {
  const blas = (await internal('kernels/native/blas-loader.js'))?.nativeBlas?.() ?? null;
  if (blas === null) C.log('profile-step: --blas: no native BLAS in this build or on this machine');
  else {
    const sgemm = blas.sgemm;
    blas.sgemm = (transA, transB, M, N, K, ...rest) => {
      const t0 = C.now();
      const r = sgemm(transA, transB, M, N, K, ...rest);
      if (blasOn) {
        const key = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} M=${M} N=${N} K=${K}`;
        const list = blasCalls.get(key) ?? [];
        list.push((C.now() - t0) * 1000);
        blasCalls.set(key, list);
      }
      return r;
    };
  }
}

const setups = threadList.map((t) => ({ label: `${t}t`, threads: t, split: false }));
if (args.split) {
  if (threadCount?.setParallelThresholds) setups.push({ label: '2t split', threads: 2, split: true });
  else
    C.log('profile-step: --split needs dist/src/parallel/thread-count.js (setParallelThresholds); skipped');
}

const PHASES = ['zeroGrad', 'lstm.forward', 'head + loss', 'backward', 'opt.step', 'loss.item', 'step'];
const d = C.dataW5(w);
const B = w.batch;
const T = w.seq;
const H = w.hidden;
const I = w.input_size;
const GH = 4 * H;

function makeSetup(s) {
  L.manualSeed(spec.seed);
  const x = L.tensor(d.x, { shape: [B, T, I] });
  const y = L.tensor(d.y, { shape: [B, 1] });
  const lstm = new L.LSTM(I, H, { numLayers: w.layers, batchFirst: w.batch_first });
  const head = new L.Linear(H, w.head.out);
  const params = [...lstm.parameters(), ...head.parameters()];
  const opt = new L.Adam(params, { lr: w.optimizer.lr });
  const times = Object.fromEntries(PHASES.map((p) => [p, []]));
  const floor = { forward: [], backward: [] };
  const losses = [];
  const t = new Float64Array(PHASES.length);
  const step = (record) => {
    const t0 = C.now();
    opt.zeroGrad();
    const t1 = C.now();
    const [o] = lstm.forward(x);
    const t2 = C.now();
    const loss = L.mseLoss(head.forward(o.select(1, -1)), y);
    const t3 = C.now();
    loss.backward();
    const t4 = C.now();
    opt.step();
    const t5 = C.now();
    losses.push(loss.item());
    const t6 = C.now();
    if (!record) return;
    t.set([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5, t6 - t0]);
    PHASES.forEach((p, i) => times[p].push(t[i] * 1000));
  };
  // the kernel floor: the recurrent layer's forward and backward through the active kernel set, nothing else
  let kernel = null;
  if (registry?.kernelsFor && parallel?.rnnTeam) {
    const set = registry.kernelsFor('float32');
    const rnd = (n, k) => Float32Array.from({ length: n }, (_, i) => Math.sin(0.37 * i + k) * 0.3);
    const p = {
      kind: 'lstm',
      I,
      H,
      Hout: H,
      batchSizes: new Int32Array(T).fill(B),
      reverse: false,
      x: rnd(T * B * I, 1), // (T*B, I) time-major rows
      h0: new Float32Array(B * H), // (B, H)
      c0: new Float32Array(B * H), // (B, H)
      wIh: rnd(GH * I, 2), // (4H, I)
      wHh: rnd(GH * H, 3), // (4H, H)
      bIh: rnd(GH, 4), // (4H)
      bHh: rnd(GH, 5), // (4H)
      wHr: null,
    };
    const dOutput = new Float32Array(T * B * H).fill(0.01, (T - 1) * B * H); // (T*B, H): the last step only
    kernel = (record) => {
      const team = set.threaded ? parallel.rnnTeam(set.teamFlavor) : null;
      const a = C.now();
      const { saved } = set.rnnSequenceForward(p, { saved: true, team });
      const b = C.now();
      const grads = {
        dX: null,
        dh0: null,
        dc0: null,
        dWIh: new Float32Array(GH * I),
        dWHh: new Float32Array(GH * H),
        dBIh: new Float32Array(GH),
        dBHh: new Float32Array(GH),
        dWHr: null,
        dWPh: null,
      };
      const c = C.now();
      set.rnnSequenceBackward(p, saved, { dOutput, dhN: null, dcN: null }, grads, team);
      const e = C.now();
      set.recycleSaved(saved);
      if (record) {
        floor.forward.push((b - a) * 1000);
        floor.backward.push((e - c) * 1000);
      }
    };
  }
  return { ...s, params, step, kernel, times, floor, losses };
}

const runs = setups.map(makeSetup);
const enter = (s) => {
  L.setNumThreads(s.threads);
  if (threadCount?.setParallelThresholds)
    threadCount.setParallelThresholds(s.split ? 0 : 4e6, s.split ? 0 : 1e6);
};
const warm = Math.min(50, Math.floor(steps / 5));
for (let i = 0; i < steps; i++) {
  for (const s of runs) {
    enter(s);
    blasOn = i >= warm;
    s.step(i >= warm);
    blasOn = false;
    s.kernel?.(i >= warm);
  }
}
if (threadCount?.setParallelThresholds) threadCount.setParallelThresholds(4e6, 1e6);

const us = (a) => (a.length ? `${Math.min(...a).toFixed(0)} / ${C.median(a).toFixed(0)}` : '-');
const lines = [];
lines.push(
  `W5 step, ${steps - warm} timed steps per set-up (after ${warm}), interleaved; kernels \`${kernelSetName()}\`; node ${process.version}; cells: min / median µs`,
  '',
  `| phase | ${runs.map((s) => s.label).join(' | ')} |`,
  `|---|${runs.map(() => '---:').join('|')}|`,
);
for (const p of PHASES) lines.push(`| ${p} | ${runs.map((s) => us(s.times[p])).join(' | ')} |`);
if (runs[0].kernel) {
  lines.push(`| kernel floor: recurrent forward | ${runs.map((s) => us(s.floor.forward)).join(' | ')} |`);
  lines.push(`| kernel floor: recurrent backward | ${runs.map((s) => us(s.floor.backward)).join(' | ')} |`);
  const share = (s) => {
    const f = Math.min(...s.floor.forward) + Math.min(...s.floor.backward);
    return `${((100 * f) / Math.min(...s.times.step)).toFixed(0)}%`;
  };
  lines.push(`| floor ÷ step (mins) | ${runs.map(share).join(' | ')} |`);
}
if (blasCalls.size > 0) {
  const timed = (steps - warm) * runs.length;
  lines.push('', '| native BLAS call (sgemm) | calls per step | min / median µs |', '|---|---:|---:|');
  for (const [key, list] of blasCalls)
    lines.push(`| ${key} | ${(list.length / timed).toFixed(2)} | ${us(list)} |`);
}
const hash = (s) => {
  const h = createHash('sha256');
  for (const p of s.params) h.update(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
  return h.digest('hex').slice(0, 16);
};
const hashes = runs.map(hash);
const same = hashes.every((h) => h === hashes[0]);
const trains = runs.every(
  (s) => Math.min(...s.losses.slice(1)) < s.losses[0] * (1 - spec.validation.min_rel_decrease),
);
lines.push(
  '',
  `parameter bytes after ${steps} steps: ${runs.map((s, i) => `${s.label} ${hashes[i]}`).join(', ')} -> ${same ? 'identical' : 'DIFFERENT'}`,
  `loss: ${runs.map((s) => `${s.label} ${s.losses[0].toFixed(4)} -> ${s.losses.at(-1).toExponential(2)}`).join(', ')} -> ${trains ? 'decreases' : 'DOES NOT DECREASE'}`,
);
process.stdout.write(lines.join('\n') + '\n');
process.exit(same && trains ? 0 : 1);
