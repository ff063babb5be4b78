#!/usr/bin/env node
// longshort runner: the W1-W5 workloads of bench/workloads.json through the public entry (dist/src/index.js).
//   node bench/runners/longshort.mjs [--threads N] [--only W1:train,W3] [--no-topup] [--seq W2=8,W4=10] [--peer NAME]
//   env BENCH_INJECT_ERROR=W5 makes the selected workloads throw (to test that failures are loud).
// One JSON line per workload/mode on stdout (contract: ../shared/peers/README.md), progress on stderr.
// Exit status 1 if any workload threw (its record carries an "error" field).
import * as C from './common.mjs';
import { L, VERSION, kernelSetName, configureThreads } from './longshort-lib.mjs';

/** Checks that every parameter got a finite gradient (W4 sanity, like torch_runner's grads_ok). */
function gradsFinite(params) {
  for (const p of params) {
    if (!p.grad) return false;
    const d = p.grad.storage.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
  }
  return true;
}

/**
 * W3 streaming through the streaming API: `s = lstm.initState({ batch: 1 })`, then `h = lstm.step(x, s)` per
 * step (x: a Float32Array of N * H_in values, reused; h: (N, H_out), a view into the state, updated in place),
 * `s.reset()` at the start of each rep. The head runs through `head.forwardInto(h, y)` into one (N, 1) tensor when
 * the library has it (its streaming API: no allocation per step), else `head.forward(h)`. Older call shapes are also
 * accepted: step() returning [output, state], [h, c] or { output|h, state }.
 */
function makeStepApiStream(lstm, head, xs) {
  const xbuf = new Float32Array(1); // (N=1, H_in=1)
  const unpack = (r, state) => {
    if (r instanceof L.Tensor) return { out: r, state };
    if (Array.isArray(r) && r.length === 2 && Array.isArray(r[1])) return { out: r[0], state: r[1] };
    if (Array.isArray(r) && r.length === 2 && r[0] instanceof L.Tensor && r[1] instanceof L.Tensor)
      return { out: r[0], state: r };
    if (r && typeof r === 'object' && r.state) return { out: r.output ?? r.h ?? r.state[0], state: r.state };
    throw new Error(
      `W3: unrecognised result of lstm.step(): ${Object.prototype.toString.call(r)}; update makeStepApiStream in bench/runners/longshort.mjs`,
    );
  };
  const s0 = lstm.initState({ batch: 1 });
  const canReset = s0 && typeof s0.reset === 'function';
  const into = typeof head.forwardInto === 'function';
  const y = L.zeros([1, 1]); // (N=1, out=1), written in place by forwardInto
  const headOut = into ? (h) => head.forwardInto(h, y).storage.data[0] : (h) => head.forward(h).item();
  let lastY = 0;
  const stream = () =>
    L.noGrad(() => {
      let state = s0;
      if (canReset) s0.reset();
      else state = lstm.initState({ batch: 1 });
      for (let t = 0; t < xs.length; t++) {
        xbuf[0] = xs[t];
        const r = unpack(lstm.step(xbuf, state), state);
        state = r.state;
        lastY = headOut(r.out);
      }
    });
  return {
    stream,
    lastY: () => lastY,
    api: `lstm.initState({batch: 1})${canReset ? ' + state.reset() per rep' : ' per rep'}; lstm.step(Float32Array x, state) per step; Linear head on h${into ? ' by head.forwardInto(h, y)' : ''}; under noGrad`,
  };
}

function makeForwardStream(lstm, head, xs, H) {
  const xts = Array.from(xs, (v) => L.tensor(new Float32Array([v]), { shape: [1, 1, 1] })); // (N, L=1, H_in) batchFirst
  let lastY = 0;
  const stream = () =>
    L.noGrad(() => {
      let h = L.zeros([1, 1, H]);
      let c = L.zeros([1, 1, H]);
      for (let t = 0; t < xts.length; t++) {
        const [o, [h2, c2]] = lstm.forward(xts[t], [h, c]);
        h = h2.detach();
        c = c2.detach();
        lastY = head.forward(o).item();
      }
    });
  return {
    stream,
    lastY: () => lastY,
    api: 'lstm.forward(x[1,1,1], [h, c]) with seq length 1, state detached and carried, Linear head, under noGrad',
  };
}

async function main() {
  const args = C.parseArgs(process.argv.slice(2));
  const spec = C.loadWorkloads();
  C.applySeqOverride(spec, args.seq);
  const W = spec.byId;
  const timing = spec.timing;
  const sel = C.makeSelector(args.only);
  const topUp = !args['no-topup'];
  const th = configureThreads(args.threads);
  const kernels = kernelSetName();
  const base = {
    peer: args.peer || `longshort-${th.threads}t`,
    runtime: `longshort ${VERSION} (node ${process.version})`,
    threads: th.threads,
    kernels,
  };
  if (th.note) C.log(`[${base.peer}] WARNING: ${th.note}`);
  C.log(`[${base.peer}] ${base.runtime} kernels=${kernels} threads=${th.threads}`);
  const out = (w, mode, res, extra = {}) =>
    C.emit({
      ...base,
      workload: w.id,
      name: w.name,
      mode,
      ...res,
      ...C.seqFields(w, res),
      ...extra,
      ...(th.note ? { threads_note: th.note } : {}),
    });
  // BENCH_INJECT_ERROR=W5 (or W1:train,...) makes those workloads throw: checks that the harness fails loudly
  const inject = C.makeSelector(process.env.BENCH_INJECT_ERROR || 'NONE');
  const g = (w, mode, fn) =>
    C.guard(base, w, mode, async () => {
      if (process.env.BENCH_INJECT_ERROR && inject(w.id, mode))
        throw new Error(`injected failure (BENCH_INJECT_ERROR=${process.env.BENCH_INJECT_ERROR})`);
      await fn();
    });

  // ------------------------------------------------------------ W1: LSTM(28,128,2 layers,batchFirst), last step -> Linear(128,10), CE, Adam
  let w = W.W1;
  if (sel('W1', 'train') || sel('W1', 'infer')) {
    L.manualSeed(spec.seed);
    const d = C.dataW1(w, C.rng(spec.seed));
    const x = L.tensor(d.x, { shape: [w.batch, w.seq, w.input_size] });
    const y = L.tensor(d.y, { shape: [w.batch], dtype: 'int32' });
    const lstm = new L.LSTM(w.input_size, w.hidden, { numLayers: w.layers, batchFirst: w.batch_first });
    const head = new L.Linear(w.hidden, w.head.out);
    const logitsOf = () => head.forward(lstm.forward(x)[0].select(1, -1));
    if (sel('W1', 'train'))
      await g(w, 'train', async () => {
        const opt = new L.Adam([...lstm.parameters(), ...head.parameters()], { lr: w.optimizer.lr });
        const step = () => {
          opt.zeroGrad();
          const loss = L.crossEntropy(logitsOf(), y);
          loss.backward();
          opt.step();
          return loss.item();
        };
        out(w, 'train', await C.measureTrain(step, timing, spec.validation, topUp), {
          notes:
            'zeroGrad; LSTM.forward; Linear on output.select(1,-1); crossEntropy; backward; Adam.step; loss.item()',
        });
      });
    if (sel('W1', 'infer'))
      await g(w, 'infer', async () => {
        lstm.eval();
        head.eval();
        let s = 0;
        const infer = () => {
          const p = L.noGrad(logitsOf);
          s = p.storage.data[0];
        };
        out(w, 'infer', await C.measure(infer, timing), {
          notes: 'noGrad(LSTM.forward + Linear on the last step), batch of 100',
          check: s,
        });
      });
  }

  // ------------------------------------------------------------ W2: Embedding(65,64) -> LSTM(64,256,2 layers) -> Linear(256,65) every step, CE mean, Adam
  w = W.W2;
  if (sel('W2', 'train'))
    await g(w, 'train', async () => {
      L.manualSeed(spec.seed);
      const d = C.dataW2(w, C.rng(spec.seed));
      const xi = L.tensor(d.xi, { shape: [w.batch, w.seq], dtype: 'int32' });
      const yi = L.tensor(d.yi, { shape: [w.batch * w.seq], dtype: 'int32' });
      const emb = new L.Embedding(w.vocab, w.embed);
      const lstm = new L.LSTM(w.embed, w.hidden, { numLayers: w.layers, batchFirst: w.batch_first });
      const head = new L.Linear(w.hidden, w.head.out);
      const opt = new L.Adam([...emb.parameters(), ...lstm.parameters(), ...head.parameters()], {
        lr: w.optimizer.lr,
      });
      const step = () => {
        opt.zeroGrad();
        const [o] = lstm.forward(emb.forward(xi)); // (B, T, H)
        const logits = head.forward(o); // (B, T, V)
        const loss = L.crossEntropy(logits.reshape([w.batch * w.seq, w.vocab]), yi);
        loss.backward();
        opt.step();
        return loss.item();
      };
      out(w, 'train', await C.measureTrain(step, timing, spec.validation, topUp), {
        notes:
          'Embedding -> LSTM -> Linear on every step; crossEntropy mean over B*T; Adam.step; loss.item()',
      });
    });

  // ------------------------------------------------------------ W3: LSTM(1,64) + Linear(64,1), batch 1, 1000 single-step calls carrying (h,c)
  w = W.W3;
  if (sel('W3', 'stream'))
    await g(w, 'stream', async () => {
      L.manualSeed(spec.seed);
      const lstm = new L.LSTM(w.input_size, w.hidden, { batchFirst: true }).eval();
      const head = new L.Linear(w.hidden, w.head.out).eval();
      const xs = C.streamInput(w);
      const useStep = typeof lstm.step === 'function' && typeof lstm.initState === 'function';
      const s = useStep ? makeStepApiStream(lstm, head, xs) : makeForwardStream(lstm, head, xs, w.hidden);
      // the state must really be carried: compare the last output with one forward over the whole sequence
      s.stream();
      const whole = L.noGrad(() => {
        const [o] = lstm.forward(L.tensor(xs, { shape: [1, w.steps, 1] }));
        return head.forward(o.select(1, -1)).item();
      });
      const carryErr = Math.abs(whole - s.lastY());
      if (!(carryErr < 1e-4))
        throw new Error(
          `W3: state not carried across calls: last output ${s.lastY()} vs whole-sequence ${whole}`,
        );
      const res = await C.measure(s.stream, timing);
      res.us_per_step = (res.median_ms * 1000) / w.steps;
      res.us_per_step_min = (res.min_ms * 1000) / w.steps;
      out(w, 'stream', res, {
        api: useStep ? 'step' : 'forward-seq1',
        last_y: s.lastY(),
        carry_check_abs_err: carryErr,
        notes: s.api,
      });
    });

  // ------------------------------------------------------------ W4: LSTM(256,512) batch 64 seq 100, fwd+bwd of sum(output), no optimizer
  w = W.W4;
  if (sel('W4', 'fwdbwd'))
    await g(w, 'fwdbwd', async () => {
      L.manualSeed(spec.seed);
      const x = L.tensor(C.dataW4(w, C.rng(spec.seed)), { shape: [w.batch, w.seq, w.input_size] });
      const lstm = new L.LSTM(w.input_size, w.hidden, { batchFirst: w.batch_first });
      const params = lstm.parameters();
      const fb = () => {
        lstm.zeroGrad();
        const [o] = lstm.forward(x);
        const s = o.sum();
        s.backward();
        return s.item();
      };
      fb();
      const gradsOk = gradsFinite(params);
      if (!gradsOk) throw new Error('W4: some LSTM parameter got no gradient or a non-finite one');
      const res = await C.measure(fb, timing);
      const fl = w.flops.total;
      res.gflops = fl / (res.median_ms / 1000) / 1e9;
      res.gflops_best = fl / (res.min_ms / 1000) / 1e9;
      out(w, 'fwdbwd', res, {
        grads_ok: gradsOk,
        notes: 'zeroGrad; LSTM.forward; output.sum().backward() to all weights; sum.item()',
      });
    });

  // ------------------------------------------------------------ W5: LSTM(1,32) -> Linear(32,1) last step, batch 32, seq 20, MSE, Adam
  w = W.W5;
  if (sel('W5', 'train'))
    await g(w, 'train', async () => {
      L.manualSeed(spec.seed);
      const d = C.dataW5(w);
      const x = L.tensor(d.x, { shape: [w.batch, w.seq, w.input_size] });
      const y = L.tensor(d.y, { shape: [w.batch, 1] });
      const lstm = new L.LSTM(w.input_size, w.hidden, { numLayers: w.layers, batchFirst: w.batch_first });
      const head = new L.Linear(w.hidden, w.head.out);
      const opt = new L.Adam([...lstm.parameters(), ...head.parameters()], { lr: w.optimizer.lr });
      const step = () => {
        opt.zeroGrad();
        const [o] = lstm.forward(x);
        const loss = L.mseLoss(head.forward(o.select(1, -1)), y);
        loss.backward();
        opt.step();
        return loss.item();
      };
      out(w, 'train', await C.measureTrain(step, timing, spec.validation, topUp), {
        notes: 'LSTM -> Linear on the last step; mseLoss; Adam.step; loss.item()',
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
