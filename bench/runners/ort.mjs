#!/usr/bin/env node
// onnxruntime-node peer (with --web: onnxruntime-web on its wasm backend, in Node), inference-only modes (W1 infer, W3 stream) on models exported from PyTorch by
// bench/runners/export_onnx.py into bench/models/ (bench/run.mjs runs it). Adapted from
// ../shared/peers/runners/ort_runner.js (same calls; ESM, non-zero exit when a workload throws).
//   node bench/runners/ort.mjs [--web] [--threads N] [--only W1:infer,W3]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as C from './common.mjs';

const require = createRequire(import.meta.url);
const WEB = process.argv.includes('--web');
const ORT_PKG = WEB ? 'onnxruntime-web' : 'onnxruntime-node';
const ort = require(ORT_PKG);
const pkg = require(`${ORT_PKG}/package.json`);

const MODELS = path.join(C.BENCH, 'models');
/** The model argument of InferenceSession.create: a path (node), the bytes (web). */
const modelArg = (f) => (WEB ? new Uint8Array(fs.readFileSync(f)) : f);
const readF32 = (f) => {
  const b = fs.readFileSync(path.join(MODELS, f));
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

async function main() {
  const args = C.parseArgs(process.argv.slice(2));
  const threads = Number(args.threads || 1);
  const spec = C.loadWorkloads();
  const W = spec.byId;
  const timing = spec.timing;
  const sel = C.makeSelector(args.only);
  const peer = args.peer || (WEB ? `ort-web-wasm-${threads}t` : `ort-node-${threads}t`);
  const base = {
    peer,
    runtime: WEB
      ? `onnxruntime-web ${pkg.version} wasm EP (node ${process.version})`
      : `onnxruntime-node ${pkg.version} CPU EP (node ${process.version})`,
    threads,
  };
  if (WEB) {
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.simd = true;
  }
  const out = (w, mode, res, extra = {}) =>
    C.emit({ ...base, workload: w.id, name: w.name, mode, ...res, ...extra });
  if (!fs.existsSync(path.join(MODELS, 'meta.json')))
    throw new Error('bench/models/ missing: run /usr/bin/python3 bench/runners/export_onnx.py');
  const meta = JSON.parse(fs.readFileSync(path.join(MODELS, 'meta.json'), 'utf8'));
  const sessOpts = WEB
    ? { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }
    : {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      };
  C.log(`[${peer}] ${base.runtime}`);

  for (const [wid, mode] of [
    ['W1', 'train'],
    ['W2', 'train'],
    ['W4', 'fwdbwd'],
    ['W5', 'train'],
  ]) {
    if (sel(wid, mode))
      C.emit({
        ...base,
        workload: wid,
        name: W[wid].name,
        mode,
        skipped: true,
        reason: `inference-only runtime (no training in ${ORT_PKG})`,
      });
  }

  // ------------------------------------------------------------ W1 infer
  let w = W.W1;
  if (sel('W1', 'infer'))
    await C.guard(base, w, 'infer', async () => {
      const s = await ort.InferenceSession.create(modelArg(path.join(MODELS, meta.W1.model)), sessOpts);
      const x = new ort.Tensor('float32', readF32('w1_x.bin'), meta.W1.x_shape);
      const ref = readF32('w1_logits_ref.bin');
      let y = null;
      const infer = async () => {
        const r = await s.run({ x });
        y = r.logits.data;
      };
      const res = await C.measure(infer, timing);
      let maxAbs = 0;
      for (let i = 0; i < ref.length; i++) maxAbs = Math.max(maxAbs, Math.abs(ref[i] - y[i]));
      out(w, 'infer', res, {
        max_abs_diff_vs_torch: maxAbs,
        notes: 'torch.onnx.export (opset ' + meta.opset + ') of nn.LSTM+Linear; session.run awaited',
      });
    });

  // ------------------------------------------------------------ W3 stream
  w = W.W3;
  if (sel('W3', 'stream'))
    await C.guard(base, w, 'stream', async () => {
      const s = await ort.InferenceSession.create(modelArg(path.join(MODELS, meta.W3.model)), sessOpts);
      const H = meta.W3.hidden;
      const xs = readF32('w3_x.bin');
      const ref = readF32('w3_y_ref.bin');
      const ys = new Float32Array(w.steps);
      const zeros = new Float32Array(H);
      const xbuf = new Float32Array(1);
      const xT = new ort.Tensor('float32', xbuf, [1, 1, 1]);
      const stream = async () => {
        let h = new ort.Tensor('float32', zeros, [1, 1, H]);
        let c = new ort.Tensor('float32', zeros, [1, 1, H]);
        for (let t = 0; t < w.steps; t++) {
          xbuf[0] = xs[t];
          const r = await s.run({ x: xT, h, c });
          ys[t] = r.y.data[0];
          h = r.h_out;
          c = r.c_out;
        }
      };
      const res = await C.measure(stream, timing);
      let maxAbs = 0;
      for (let i = 0; i < ref.length; i++) maxAbs = Math.max(maxAbs, Math.abs(ref[i] - ys[i]));
      res.us_per_step = (res.median_ms * 1000) / w.steps;
      res.us_per_step_min = (res.min_ms * 1000) / w.steps;
      out(w, 'stream', res, {
        max_abs_diff_vs_torch: maxAbs,
        notes: 'one awaited session.run per step; (h,c) fed back as output tensors',
      });
    });
}

main().then(
  () => process.exit(C.exitCode()),
  (e) => {
    C.log(e?.stack || String(e));
    process.exit(1);
  },
);
