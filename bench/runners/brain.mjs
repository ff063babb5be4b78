#!/usr/bin/env node
// brain.js 1.6.1 peer (pure JS, CPU), adapted from ../shared/peers/runners/brain_runner.js (same calls; ESM,
// bench/workloads.json, non-zero exit when a workload throws). Only the workloads brain.js can express:
//   W3 stream  : recurrent.LSTMTimeStep(1 -> [64] -> 1), stepping the model's per-time-step equations one call at a time
//   W5 train   : recurrent.LSTMTimeStep(1 -> [32] -> 1), net.train(32 sequences, {iterations: 1})
//   W2 train   : recurrent.LSTM (char model: embedding 65x64, [256,256], softmax over 65+1) - per-sequence updates
// Not expressible: W1 (no last-step-only classification head / softmax-CE for numeric sequences),
//                  W4 (no gradient-only API / sum(output) objective; no batch dimension).
//   node bench/runners/brain.mjs [--only W3,W5] [--no-topup] [--seq W2=8]
import { createRequire } from 'node:module';
import * as C from './common.mjs';

const require = createRequire(import.meta.url);
const brain = require('brain.js');
const pkg = require('brain.js/package.json');

async function main() {
  const args = C.parseArgs(process.argv.slice(2));
  const spec = C.loadWorkloads();
  C.applySeqOverride(spec, args.seq);
  const W = spec.byId;
  const timing = spec.timing;
  const sel = C.makeSelector(args.only);
  const topUp = !args['no-topup'];
  const peer = args.peer || 'brainjs';
  const base = { peer, runtime: `brain.js ${pkg.version} (node ${process.version})`, threads: 1 };
  const out = (w, mode, res, extra = {}) =>
    C.emit({ ...base, workload: w.id, name: w.name, mode, ...res, ...C.seqFields(w, res), ...extra });
  C.log(`[${peer}] ${base.runtime}`);
  const caveat =
    'brain.js 1.6.1 LSTM has no separate cell state (c_{t-1} is replaced by h_{t-1}); per-gate matrices; Float32Array, no batching';

  for (const wid of ['W1', 'W4']) {
    const w = W[wid];
    for (const mode of w.modes) {
      if (!sel(wid, mode)) continue;
      C.emit({
        ...base,
        workload: wid,
        name: w.name,
        mode,
        skipped: true,
        reason:
          wid === 'W1'
            ? 'not expressible: LSTMTimeStep only trains next-step regression (abs-error/MSE-style deltas) on every step; no last-step classification head with softmax cross-entropy, no batch'
            : 'not expressible: no API for forward+backward of an arbitrary objective (sum of outputs) without an optimizer; no batch dimension',
      });
    }
  }

  // ------------------------------------------------------------ W2 (char LSTM)
  let w = W.W2;
  if (sel('W2', 'train'))
    await C.guard(base, w, 'train', async () => {
      const r = C.rng(spec.seed);
      const d = C.dataW2(w, r);
      const seqs = [];
      for (let b = 0; b < w.batch; b++) seqs.push(Array.from(d.xi.subarray(b * w.seq, (b + 1) * w.seq)));
      const net = new brain.recurrent.LSTM({
        inputSize: w.embed,
        inputRange: w.vocab,
        hiddenLayers: Array(w.layers).fill(w.hidden),
        outputSize: w.vocab,
        learningRate: w.optimizer.lr,
      });
      net.initialize();
      const step = () => {
        let s = 0;
        for (const q of seqs) s += net.trainPattern(q, true);
        return s / seqs.length;
      };
      out(w, 'train', await C.measureTrain(step, timing, spec.validation, topUp), {
        notes: `one step = trainPattern over ${w.batch} sequences of ${w.seq} (per-sequence RMSprop update, not one batched Adam step); loss = brain.js perplexity/100; ${caveat}`,
      });
    });

  // ------------------------------------------------------------ W3 (stream)
  w = W.W3;
  if (sel('W3', 'stream'))
    await C.guard(base, w, 'stream', async () => {
      const net = new brain.recurrent.LSTMTimeStep({ inputSize: 1, hiddenLayers: [w.hidden], outputSize: 1 });
      net.initialize();
      const eqs = net.model.equations;
      while (eqs.length < w.steps) net.bindEquation();
      const xs = C.streamInput(w);
      let lastY = 0;
      const inp = new Float32Array(1);
      const stream = () => {
        // equation t reads the hidden state produced by equation t-1, so stepping t = 0..N-1 carries state;
        // restarting at t = 0 resets it (zeros).
        for (let t = 0; t < w.steps; t++) {
          inp[0] = xs[t];
          lastY = eqs[t].runInput(inp).weights[0];
        }
      };
      // cross-check with the public API (runs the whole sequence in one call)
      stream();
      const viaRun = net.run(Array.from(xs));
      const res = await C.measure(stream, timing);
      res.us_per_step = (res.median_ms * 1000) / w.steps;
      res.us_per_step_min = (res.min_ms * 1000) / w.steps;
      out(w, 'stream', res, {
        last_y: lastY,
        public_run_last_y: viaRun,
        notes: `no public stateful single-step API: steps net.model.equations[t].runInput() one call per step (same math as net.run(seq)); ${caveat}`,
      });
    });

  // ------------------------------------------------------------ W5 (sine)
  w = W.W5;
  if (sel('W5', 'train'))
    await C.guard(base, w, 'train', async () => {
      const d = C.dataW5(w);
      const data = [];
      for (let b = 0; b < w.batch; b++) {
        const s = Array.from(d.x.subarray(b * w.seq, (b + 1) * w.seq));
        s.push(d.y[b]);
        data.push(s); // 21 numbers: brain.js learns to predict each next value (loss on all steps)
      }
      const net = new brain.recurrent.LSTMTimeStep({ inputSize: 1, hiddenLayers: [w.hidden], outputSize: 1 });
      const opts = { iterations: 1, errorThresh: 0, learningRate: w.optimizer.lr, log: false };
      const step = () => net.train(data, opts).error;
      out(w, 'train', await C.measureTrain(step, timing, spec.validation, topUp), {
        notes: `net.train(32 sequences of ${w.seq + 1}, {iterations:1}): per-sequence RMSprop updates, next-value loss on every step (not last-step MSE + batched Adam); ${caveat}`,
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
