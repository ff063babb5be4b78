#!/usr/bin/env node
// TensorFlow.js (layers API) peer, adapted from ../shared/peers/runners/tfjs_runner.js (same models and calls;
// ESM, bench/workloads.json, non-zero exit when a workload throws).
//   node bench/runners/tfjs.mjs --backend cpu|wasm [--threads N] [--only W1:train,W3] [--no-topup]
//   --seq W2=8,W4=10  run those workloads at a shorter sequence (time extrapolated linearly; GFLOP/s from the real count)
// Prints one JSON line per workload/mode on stdout.
import path from 'node:path';
import { createRequire } from 'node:module';
import * as C from './common.mjs';

const require = createRequire(import.meta.url);

// Silence the "Hi there. Looks like you are running TensorFlow.js in Node.js" banner (goes to stdout).
const origLog = console.log;
console.log = (...a) => process.stderr.write(a.join(' ') + '\n');
const tf = require('@tensorflow/tfjs');
console.log = origLog;

async function setupBackend(name, threads) {
  const info = {};
  if (name === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    const dist =
      path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') +
      path.sep;
    wasm.setWasmPaths(dist);
    if (threads) wasm.setThreadsCount(Number(threads));
    info.wasm_has_simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.wasm_has_multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`backend ${name} failed to initialise`);
  await tf.ready();
  if (name === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    try {
      info.wasm_threads = wasm.getThreadsCount();
    } catch (e) {
      info.wasm_threads = `n/a (${e.message})`;
    }
  }
  return info;
}

const RA = 'sigmoid'; // tfjs default recurrentActivation is hardSigmoid; use sigmoid to match PyTorch/Keras 2.x+
// tfjs' default recurrentInitializer 'orthogonal' runs a QR in JS: ~1.5 min of *setup* for W1 on the cpu backend.
// Initial values do not change the per-step cost, so every LSTM here uses glorotUniform.
const RI = process.env.TFJS_RI || 'glorotUniform';

function ceLoss(yTrue, yPred) {
  return tf.losses.softmaxCrossEntropy(yTrue, yPred);
}

async function main() {
  const args = C.parseArgs(process.argv.slice(2));
  const backend = args.backend || 'cpu';
  const spec = C.loadWorkloads();
  C.applySeqOverride(spec, args.seq);
  const W = spec.byId;
  const timing = spec.timing;
  const sel = C.makeSelector(args.only);
  const topUp = !args['no-topup'];
  const binfo = await setupBackend(backend, args.threads);
  const peer = args.peer || `tfjs-${backend}`;
  const base = {
    peer,
    runtime: `@tensorflow/tfjs ${tf.version.tfjs} backend=${tf.getBackend()} (node ${process.version})`,
    threads: backend === 'wasm' ? binfo.wasm_threads : 1,
    ...(backend === 'wasm' ? { backend_info: binfo } : {}),
  };
  C.log(`[${peer}] ${base.runtime} ${JSON.stringify(binfo)}`);
  const out = (w, mode, res, extra = {}) =>
    C.emit({
      ...base,
      workload: w.id,
      name: w.name,
      mode,
      ...res,
      ...C.seqFields(w, res),
      ...extra,
      tf_tensors_live: tf.memory().numTensors,
    });
  // run one workload; on failure emit an error record, continue with the next one, exit non-zero at the end
  const guard = (w, mode, fn) => C.guard(base, w, mode, fn);

  // ------------------------------------------------------------ W1
  let w = W.W1;
  if (sel('W1', 'train') || sel('W1', 'infer'))
    await guard(w, sel('W1', 'train') ? 'train' : 'infer', async () => {
      const r = C.rng(spec.seed);
      const d = C.dataW1(w, r);
      const x = tf.tensor3d(d.x, [w.batch, w.seq, w.input_size]);
      const y = tf.oneHot(tf.tensor1d(d.y, 'int32'), w.head.out).toFloat();
      const model = tf.sequential();
      model.add(
        tf.layers.lstm({
          units: w.hidden,
          returnSequences: true,
          recurrentActivation: RA,
          recurrentInitializer: RI,
          inputShape: [w.seq, w.input_size],
        }),
      );
      for (let l = 1; l < w.layers - 1; l++)
        model.add(
          tf.layers.lstm({
            units: w.hidden,
            returnSequences: true,
            recurrentActivation: RA,
            recurrentInitializer: RI,
          }),
        );
      model.add(tf.layers.lstm({ units: w.hidden, recurrentActivation: RA, recurrentInitializer: RI }));
      model.add(tf.layers.dense({ units: w.head.out }));
      model.compile({ optimizer: tf.train.adam(w.optimizer.lr), loss: ceLoss });
      const step = async () => model.trainOnBatch(x, y);
      if (sel('W1', 'train')) {
        out(w, 'train', await C.measureTrain(step, timing, spec.validation, topUp), {
          notes: 'model.trainOnBatch (awaits loss value)',
        });
      }
      if (sel('W1', 'infer')) {
        const infer = async () => {
          const p = model.predictOnBatch(x);
          await p.data();
          p.dispose();
        };
        out(w, 'infer', await C.measure(infer, timing), {
          notes:
            'model.predictOnBatch (whole batch of 100; predict() would split into batches of 32) + await data()',
        });
      }
    });

  // ------------------------------------------------------------ W2
  w = W.W2;
  if (sel('W2', 'train'))
    await guard(w, 'train', async () => {
      const r = C.rng(spec.seed);
      const d = C.dataW2(w, r);
      const yi = tf.oneHot(tf.tensor1d(d.yi, 'int32'), w.vocab).toFloat().reshape([w.batch, w.seq, w.vocab]);
      // The wasm backend has no UnsortedSegmentSum kernel (gradient of gather = embedding backward), so there the
      // embedding is expressed as one-hot(tokens) . E  (a bias-free dense 65->64 layer): same math, same parameters.
      const oneHotEmb = backend === 'wasm' || args['onehot-embedding'];
      const xi = oneHotEmb
        ? tf.oneHot(tf.tensor1d(d.xi, 'int32'), w.vocab).toFloat().reshape([w.batch, w.seq, w.vocab])
        : tf.tensor2d(d.xi, [w.batch, w.seq], 'int32');
      const model = tf.sequential();
      if (oneHotEmb)
        model.add(tf.layers.dense({ units: w.embed, useBias: false, inputShape: [w.seq, w.vocab] }));
      else model.add(tf.layers.embedding({ inputDim: w.vocab, outputDim: w.embed, inputLength: w.seq }));
      for (let l = 0; l < w.layers; l++)
        model.add(
          tf.layers.lstm({
            units: w.hidden,
            returnSequences: true,
            recurrentActivation: RA,
            recurrentInitializer: RI,
          }),
        );
      model.add(tf.layers.dense({ units: w.vocab }));
      model.compile({ optimizer: tf.train.adam(w.optimizer.lr), loss: ceLoss });
      const step = async () => model.trainOnBatch(xi, yi);
      out(w, 'train', await C.measureTrain(step, timing, spec.validation, topUp), {
        notes:
          (oneHotEmb ? 'embedding as one-hot.dense (wasm lacks UnsortedSegmentSum)' : 'tf.layers.embedding') +
          ' + 2x lstm(returnSequences) + dense on 3D; trainOnBatch',
      });
    });

  // ------------------------------------------------------------ W3
  w = W.W3;
  if (sel('W3', 'stream'))
    await guard(w, 'stream', async () => {
      const model = tf.sequential();
      model.add(
        tf.layers.lstm({
          units: w.hidden,
          stateful: true,
          recurrentActivation: RA,
          recurrentInitializer: RI,
          batchInputShape: [1, 1, w.input_size],
        }),
      );
      model.add(tf.layers.dense({ units: 1 }));
      const xs = C.streamInput(w);
      const xts = Array.from(xs, (v) => tf.tensor3d([v], [1, 1, 1]));
      let lastY = 0;
      const stream = async () => {
        model.resetStates();
        for (let t = 0; t < w.steps; t++) {
          const p = model.predictOnBatch(xts[t]);
          lastY = p.dataSync()[0];
          p.dispose();
        }
      };
      const res = await C.measure(stream, timing);
      res.us_per_step = (res.median_ms * 1000) / w.steps;
      res.us_per_step_min = (res.min_ms * 1000) / w.steps;
      out(w, 'stream', res, {
        notes: 'stateful tf.layers.lstm (batchInputShape [1,1,1]); model.predictOnBatch + dataSync per step',
        last_y: lastY,
      });
    });

  // ------------------------------------------------------------ W4
  w = W.W4;
  if (sel('W4', 'fwdbwd'))
    await guard(w, 'fwdbwd', async () => {
      const xd = C.dataW4(w, C.rng(spec.seed));
      const x = tf.tensor3d(xd, [w.batch, w.seq, w.input_size]);
      const lstm = tf.layers.lstm({
        units: w.hidden,
        returnSequences: true,
        recurrentActivation: RA,
        recurrentInitializer: RI,
      });
      tf.tidy(() => lstm.apply(x)); // build
      const vars = lstm.trainableWeights.map((lw) => lw.read());
      let gradsOk = false;
      const fb = async () => {
        const { value, grads } = tf.variableGrads(() => tf.sum(lstm.apply(x)), vars);
        await value.data();
        gradsOk = Object.keys(grads).length === vars.length;
        value.dispose();
        tf.dispose(grads);
      };
      const res = await C.measure(fb, timing);
      const fl = w.flops.total;
      res.gflops = fl / (res.median_ms / 1000) / 1e9;
      res.gflops_best = fl / (res.min_ms / 1000) / 1e9;
      out(w, 'fwdbwd', res, {
        grads_ok: gradsOk,
        notes: 'tf.variableGrads(sum(lstm.apply(x))) over the layer weights',
      });
    });

  // ------------------------------------------------------------ W5
  w = W.W5;
  if (sel('W5', 'train'))
    await guard(w, 'train', async () => {
      const d = C.dataW5(w);
      const x = tf.tensor3d(d.x, [w.batch, w.seq, 1]);
      const y = tf.tensor2d(d.y, [w.batch, 1]);
      const model = tf.sequential();
      model.add(
        tf.layers.lstm({
          units: w.hidden,
          recurrentActivation: RA,
          recurrentInitializer: RI,
          inputShape: [w.seq, 1],
        }),
      );
      model.add(tf.layers.dense({ units: 1 }));
      model.compile({ optimizer: tf.train.adam(w.optimizer.lr), loss: 'meanSquaredError' });
      const step = async () => model.trainOnBatch(x, y);
      out(w, 'train', await C.measureTrain(step, timing, spec.validation, topUp), {
        notes: 'model.trainOnBatch',
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
