// Streaming inference (initState / step / reset): step t equals forward's output[t] on
// the whole sequence for every mode and configuration, in float32 and (tightly) float64;
// state semantics, typed errors, parameter updates, no per-step allocation, and a check
// that the wasm SIMD kernel engaged.
import assert from 'node:assert/strict';
import { PerformanceObserver } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import {
  ConfigError,
  DTypeError,
  GRU,
  LSTM,
  Linear,
  RNN,
  SGD,
  ShapeError,
  StateError,
  Tensor,
  UnsupportedError,
  add_,
  manualSeed,
  noGrad,
  randn,
  zeros,
  type FloatDType,
  type RNNBase,
} from '../../../src/index.js';
import { f32RnnStepWasmSimdSteps } from '../../../src/kernels/f32-rnn-step-wasmsimd.js';
import { skipUnlessSimd } from '../../helpers/simd.js';

type Mode = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';

interface Config {
  mode: Mode;
  I: number;
  H: number;
  numLayers?: number;
  projSize?: number;
  bias?: boolean;
  N: number;
}

function make(c: Config): RNNBase {
  const o = { numLayers: c.numLayers ?? 1, bias: c.bias ?? true };
  if (c.mode === 'LSTM') return new LSTM(c.I, c.H, { ...o, projSize: c.projSize ?? 0 });
  if (c.mode === 'GRU') return new GRU(c.I, c.H, o);
  return new RNN(c.I, c.H, { ...o, nonlinearity: c.mode === 'RNN_RELU' ? 'relu' : 'tanh' });
}

/** forward over the whole (L, N, I) sequence: [output (L, N, Hout), h_n, c_n | null] */
function full(m: RNNBase, x: Tensor, h0: Tensor | null, c0: Tensor | null): [Tensor, Tensor, Tensor | null] {
  return noGrad(() => {
    if (m instanceof LSTM) {
      const [o, [h, c]] = m.forward(x, h0 === null ? null : [h0, c0 as Tensor]);
      return [o, h, c];
    }
    const [o, h] = (m as GRU).forward(x, h0);
    return [o, h, null];
  });
}

function close(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  atol: number,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= atol + rtol * Math.abs(expected[i]))) {
      assert.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (|diff| ${d})`);
    }
  }
}

const CONFIGS: Config[] = [
  { mode: 'LSTM', I: 1, H: 64, N: 1 },
  { mode: 'LSTM', I: 3, H: 13, numLayers: 2, N: 3 },
  { mode: 'LSTM', I: 3, H: 13, numLayers: 2, projSize: 5, N: 2 },
  { mode: 'LSTM', I: 8, H: 5, projSize: 3, bias: false, N: 1 },
  { mode: 'GRU', I: 3, H: 13, numLayers: 2, N: 3 },
  { mode: 'GRU', I: 1, H: 64, N: 1 },
  { mode: 'GRU', I: 8, H: 4, bias: false, N: 2 },
  { mode: 'RNN_TANH', I: 3, H: 37, numLayers: 3, N: 2 },
  { mode: 'RNN_RELU', I: 3, H: 37, numLayers: 2, N: 3 },
  { mode: 'RNN_RELU', I: 1, H: 8, bias: false, N: 1 },
];

function label(c: Config): string {
  return `${c.mode} I=${c.I} H=${c.H} layers=${c.numLayers ?? 1}${c.projSize ? ` proj=${c.projSize}` : ''}${c.bias === false ? ' nobias' : ''} N=${c.N}`;
}

describe('streaming step matches forward step for step', () => {
  for (const dtype of ['float64', 'float32'] as FloatDType[]) {
    const [rtol, atol] = dtype === 'float64' ? [1e-12, 1e-13] : [1e-4, 1e-5];
    for (const c of CONFIGS) {
      for (const withState of [false, true]) {
        it(`${label(c)} ${dtype}${withState ? ' from given states' : ''}`, () => {
          manualSeed(11);
          const m = make(c).to(dtype);
          const L = 12;
          const Hout = c.mode === 'LSTM' && c.projSize ? c.projSize : c.H;
          const nl = c.numLayers ?? 1;
          const x = randn([L, c.N, c.I], { dtype });
          const h0 = withState ? randn([nl, c.N, Hout], { dtype }) : null;
          const c0 = withState && c.mode === 'LSTM' ? randn([nl, c.N, c.H], { dtype }) : null;
          const [out, hN, cN] = full(m, x, h0, c0);
          const s = withState ? m.initState({ h0, c0 }) : m.initState({ batch: c.N });
          assert.equal(s.batch, c.N);
          let first: Tensor | null = null;
          for (let t = 0; t < L; t++) {
            const xt = new Tensor(
              (x.data as Float64Array | Float32Array).slice(t * c.N * c.I, (t + 1) * c.N * c.I),
              [c.N, c.I],
            );
            const y = m.step(xt, s);
            if (first === null) first = y;
            assert.equal(y, first, 'step returns the same tensor object every call');
            assert.deepEqual(y.shape, [c.N, Hout]);
            close(
              y.data,
              (out.data as Float64Array).subarray(t * c.N * Hout, (t + 1) * c.N * Hout),
              rtol,
              atol,
              `output[${t}]`,
            );
          }
          assert.deepEqual(s.h.shape, [nl, c.N, Hout]);
          close(s.h.data, hN.data, rtol, atol, 'h_n');
          if (c.mode === 'LSTM') {
            assert.deepEqual((s.c as Tensor).shape, [nl, c.N, c.H]);
            close((s.c as Tensor).data, (cN as Tensor).data, rtol, atol, 'c_n');
          } else {
            assert.equal(s.c, null);
          }
          if (dtype === 'float32' && skipUnlessSimd() === false)
            assert.equal(s.implementation, 'f32-rnn-step-wasmsimd');
          if (dtype === 'float64') assert.equal(s.implementation, 'rnn-step-ref');
        });
      }
    }
  }

  it('accepts a typed array and an unbatched (H_in) tensor for N = 1', () => {
    manualSeed(3);
    const m = new LSTM(2, 6);
    const a = m.initState();
    const b = m.initState();
    const x = new Float32Array([0.25, -0.5]);
    for (let t = 0; t < 3; t++) {
      const ya = m.step(x, a);
      const yb = m.step(new Tensor(x.slice(), [2]), b);
      assert.deepEqual(Array.from(ya.data), Array.from(yb.data));
    }
  });
});

describe('streaming state', () => {
  it('reset() returns to zeros, or to the given initial state (copied at initState)', () => {
    manualSeed(5);
    const m = new LSTM(2, 7, { numLayers: 2 });
    const xs = Array.from({ length: 6 }, () => randn([1, 2]));
    const run = (s: ReturnType<LSTM['initState']>): number[][] =>
      xs.map((x) => Array.from(m.step(x, s).data));
    const s = m.initState();
    const first = run(s);
    s.reset();
    assert.deepEqual(Array.from(s.h.data), new Array(2 * 7).fill(0));
    assert.deepEqual(run(s), first);

    const h0 = randn([2, 1, 7]);
    const c0 = randn([2, 1, 7]);
    const g = m.initState({ h0, c0 });
    const h0copy = Array.from(h0.data);
    assert.deepEqual(Array.from(g.h.data), h0copy);
    const withState = run(g);
    h0.data.fill(9); // the state kept a copy
    g.reset();
    assert.deepEqual(Array.from(g.h.data), h0copy);
    assert.deepEqual(Array.from((g.c as Tensor).data), Array.from(c0.data));
    assert.deepEqual(run(g), withState);
    assert.notDeepEqual(withState, first);
  });

  it('states are independent of each other', () => {
    manualSeed(6);
    const m = new GRU(1, 5);
    const a = m.initState();
    const b = m.initState();
    m.step(new Float32Array([1]), a);
    assert.deepEqual(Array.from(b.h.data), [0, 0, 0, 0, 0]);
    assert.notDeepEqual(Array.from(a.h.data), [0, 0, 0, 0, 0]);
  });

  it('reflects parameter updates: optimizer steps, in-place edits and loadStateDict', () => {
    for (const dtype of ['float32', 'float64'] as FloatDType[]) {
      manualSeed(7);
      const m = new LSTM(2, 6, { projSize: 3 }).to(dtype);
      const xs = Array.from({ length: 8 }, () => randn([1, 2], { dtype }));
      const s = m.initState();
      const check = (from: number, to: number): void => {
        // a fresh state started from s's current values must agree with s: s re-read the weights
        const ref = m.initState({ h0: s.h.clone(), c0: (s.c as Tensor).clone() });
        for (let t = from; t < to; t++) {
          const y = Array.from(m.step(xs[t], s).data);
          const r = Array.from(m.step(xs[t], ref).data);
          assert.deepEqual(y, r, `${dtype} step ${t}`);
        }
      };
      check(0, 2);
      // optimizer step
      const opt = new SGD(m.parameters(), { lr: 0.5 });
      for (const p of m.parameters()) p.grad = randn(p.shape, { dtype });
      const before = Array.from(
        m.step(xs[2], m.initState({ h0: s.h.clone(), c0: (s.c as Tensor).clone() })).data,
      );
      opt.step();
      const after = Array.from(
        m.step(xs[2], m.initState({ h0: s.h.clone(), c0: (s.c as Tensor).clone() })).data,
      );
      assert.notDeepEqual(before, after);
      check(2, 4);
      // in-place edit of one weight
      noGrad(() => add_(m.getParameter('weight_hr_l0') as Tensor, 0.25));
      check(4, 6);
      // loadStateDict (new storage)
      const sd = new Map<string, Tensor>();
      for (const [k, v] of m.namedParameters()) sd.set(k, randn(v.shape, { dtype }));
      m.loadStateDict(sd);
      check(6, 8);
    }
  });

  it('a state made for float32 refuses weights converted to float64', () => {
    const m = new RNN(1, 3);
    const s = m.initState();
    m.step(new Float32Array([1]), s);
    m.to('float64');
    assert.throws(() => m.step(new Float32Array([1]), s), StateError);
  });
});

describe('streaming errors', () => {
  it('rejects bidirectional layers with an UnsupportedError naming the reason', () => {
    for (const m of [
      new LSTM(2, 3, { bidirectional: true }),
      new GRU(2, 3, { bidirectional: true }),
      new RNN(2, 3, { bidirectional: true }),
    ]) {
      assert.throws(
        () => m.initState(),
        (e: unknown) =>
          e instanceof UnsupportedError && /bidirectional/.test(e.message) && /future/.test(e.message),
      );
    }
  });

  it('checks initState options with typed errors (expected / got)', () => {
    const m = new LSTM(2, 4, { numLayers: 2, projSize: 3 });
    assert.throws(
      () => m.initState({ h0: zeros([2, 1, 4]), c0: zeros([2, 1, 4]) }),
      (e: unknown) => e instanceof ShapeError && /expected \[2, 1, 3\], got \[2, 1, 4\]/.test(e.message),
    );
    assert.throws(
      () => m.initState({ h0: zeros([2, 1, 3]), c0: zeros([1, 1, 4]) }),
      (e: unknown) =>
        e instanceof ShapeError &&
        /c0/.test(e.message) &&
        /expected \[2, 1, 4\], got \[1, 1, 4\]/.test(e.message),
    );
    assert.throws(() => m.initState({ batch: 2, h0: zeros([2, 1, 3]), c0: zeros([2, 1, 4]) }), ShapeError);
    assert.throws(() => m.initState({ h0: zeros([2, 1, 3]) }), ConfigError);
    assert.throws(
      () =>
        m.initState({
          h0: zeros([2, 1, 3], { dtype: 'float64' }),
          c0: zeros([2, 1, 4], { dtype: 'float64' }),
        }),
      DTypeError,
    );
    assert.throws(() => m.initState({ batch: 0 }), ConfigError);
    assert.throws(() => m.initState({ bacth: 2 } as never), ConfigError);
    assert.throws(() => new GRU(2, 4).initState({ h0: zeros([1, 1, 4]), c0: zeros([1, 1, 4]) }), ConfigError);
    // batch taken from h0
    assert.equal(new GRU(2, 4).initState({ h0: zeros([1, 3, 4]) }).batch, 3);
  });

  it('checks step inputs and the state owner', () => {
    const m = new LSTM(2, 4);
    const s = m.initState({ batch: 2 });
    assert.throws(
      () => m.step(zeros([1, 2]), s),
      (e: unknown) => e instanceof ShapeError && /expected \[2, 2\], got \[1, 2\]/.test(e.message),
    );
    assert.throws(() => m.step(new Float32Array(3), s), ShapeError);
    assert.throws(() => m.step(new Float64Array(4), s), DTypeError);
    assert.throws(() => m.step(zeros([2, 2], { dtype: 'float64' }), s), DTypeError);
    assert.throws(() => new LSTM(2, 4).step(zeros([2, 2]), s), StateError);
    assert.throws(() => m.step(zeros([2, 2]), {} as never), StateError);
  });
});

describe('streaming speed properties', () => {
  it('engages the wasm SIMD kernel for float32', { skip: skipUnlessSimd() }, () => {
    const m = new LSTM(1, 64);
    const s = m.initState();
    assert.equal(s.implementation, 'f32-rnn-step-wasmsimd');
    const before = f32RnnStepWasmSimdSteps();
    m.step(new Float32Array([0.5]), s);
    assert.equal(f32RnnStepWasmSimdSteps(), before + 1);
  });

  it('allocates nothing per step: a million steps keep the heap flat and trigger no GC', async () => {
    manualSeed(9);
    const m = new LSTM(1, 8);
    const head = new Linear(8, 1);
    const s = m.initState();
    const x = new Float32Array(1);
    const out = zeros([1, 1]);
    const loop = (n: number): number => {
      let acc = 0;
      for (let i = 0; i < n; i++) {
        x[0] = Math.sin(i * 0.01);
        acc += head.forwardInto(m.step(x, s), out).data[0];
      }
      return acc;
    };
    loop(200_000); // warm up: tier-up and on-stack replacement allocate code and feedback once
    loop(200_000);
    // GC entries reach the observer asynchronously: wait for them after each phase
    const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 100));
    let gcs = 0;
    const obs = new PerformanceObserver((list) => {
      gcs += list.getEntries().length;
    });
    obs.observe({ entryTypes: ['gc'] });
    try {
      await settle();
      gcs = 0;
      const heap0 = process.memoryUsage().heapUsed;
      const acc = loop(1_000_000);
      const heap1 = process.memoryUsage().heapUsed;
      await settle();
      assert.ok(Number.isFinite(acc));
      // The smallest heap object is 12-16 bytes, so one allocation per step grows the heap by
      // 12 MB or more over 1e6 steps (and triggers scavenges). What stays below 4 MiB is
      // one-time code and feedback (a late recompilation can add about 0.6 MB).
      assert.ok(heap1 - heap0 < 4 * 1024 * 1024, `heap grew by ${heap1 - heap0} bytes over 1e6 steps`);
      assert.ok(gcs <= 1, `${gcs} garbage collections during 1e6 steps`);
      // control: the detector sees a loop that allocates one small tensor per step
      gcs = 0;
      const kept: Tensor[] = [];
      noGrad(() => {
        for (let i = 0; i < 50_000; i++) kept[i & 1] = head.forward(m.step(x, s));
      });
      await settle();
      assert.ok(gcs > 1, `the GC detector saw only ${gcs} collections for an allocating loop`);
    } finally {
      obs.disconnect();
    }
  });
});

describe('Linear.forwardInto', () => {
  it('equals forward and writes into out', () => {
    manualSeed(4);
    for (const dtype of ['float32', 'float64'] as FloatDType[]) {
      for (const bias of [true, false]) {
        const fc = new Linear(5, 3, { bias, dtype });
        const x = randn([2, 4, 5], { dtype });
        const out = zeros([2, 4, 3], { dtype });
        assert.equal(fc.forwardInto(x, out), out);
        close(
          out.data,
          noGrad(() => fc.forward(x)).data,
          dtype === 'float64' ? 1e-14 : 1e-6,
          1e-7,
          'forwardInto',
        );
      }
    }
    const fc = new Linear(5, 3);
    assert.throws(() => fc.forwardInto(zeros([2, 5]), zeros([2, 4])), ShapeError);
    assert.throws(() => fc.forwardInto(zeros([2, 4]), zeros([2, 3])), ShapeError);
    assert.throws(() => fc.forwardInto(zeros([2, 5]), zeros([2, 3], { dtype: 'float64' })), DTypeError);
  });
});
