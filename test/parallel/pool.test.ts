// The worker pool: results bit-identical for 1, 2 and 3 threads (property over random
// sizes, kernel level and through recurrentLayer), workers really engaged, worker errors
// rethrown on the caller's side with the op's name, and scripts exit with an idle pool.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { gateCount, type CellKind } from '../../src/core/cell-kind.js';
import type { FloatArray } from '../../src/core/dtype.js';
import {
  f32RnnSequenceWasmSimdCalls,
  rnnSequenceBackwardF32,
  rnnSequenceForwardF32,
} from '../../src/kernels/f32-rnn-sequence-wasmsimd.js';
import {
  type RnnSequenceInputGrads,
  type RnnSequenceInputs,
} from '../../src/kernels/ref/rnn-sequence-ref.js';
import { resolveKernelSet, setKernelSet } from '../../src/kernels/registry.js';
import { getNumThreads, poolStats, rnnTeam, setNumThreads } from '../../src/parallel/index.js';
import { failOnWorkerForTest, setParallelThresholds } from '../../src/parallel/pool.js';
import { recurrentLayer, Tensor } from '../../src/tensor/index.js';
import { lcg } from '../helpers/random.js';

interface Spec {
  kind: CellKind;
  proj: number;
  I: number;
  H: number;
  bs: number[];
  reverse: boolean;
  bias: boolean;
  seed: number;
}

function make(s: Spec): RnnSequenceInputs {
  const rnd = lcg(s.seed);
  const a = (n: number): Float32Array => Float32Array.from({ length: n }, rnd);
  const GH = gateCount(s.kind) * s.H;
  const Hout = s.proj || s.H;
  const B = s.bs[0];
  const rows = s.bs.reduce((x, y) => x + y, 0);
  return {
    kind: s.kind,
    I: s.I,
    H: s.H,
    Hout,
    batchSizes: Int32Array.from(s.bs),
    reverse: s.reverse,
    x: a(rows * s.I),
    h0: a(B * Hout),
    c0: s.kind === 'lstm' ? a(B * s.H) : null,
    wIh: a(GH * s.I),
    wHh: a(GH * Hout),
    bIh: s.bias ? a(GH) : null,
    bHh: s.bias ? a(GH) : null,
    wHr: s.proj ? a(s.proj * s.H) : null,
  };
}

function sameBits(a: FloatArray, b: FloatArray, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.fail(`${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

/** Forward + backward on `threads` threads (1: no team). */
function runWith(p: RnnSequenceInputs, threads: number, seed: number): Record<string, FloatArray> {
  setNumThreads(threads);
  const team = threads > 1 ? rnnTeam() : null;
  if (threads > 1) assert.ok(team !== null, 'a team of threads');
  const { out, saved } = rnnSequenceForwardF32(p, { team });
  const rnd = lcg(seed, 0.5);
  const rows = p.batchSizes.reduce((x, y) => x + y, 0);
  const B = p.batchSizes[0];
  const a = (n: number): Float32Array => Float32Array.from({ length: n }, rnd);
  const G = gateCount(p.kind);
  const g: RnnSequenceInputGrads = {
    dX: new Float32Array(rows * p.I),
    dh0: new Float32Array(B * p.Hout),
    dc0: p.kind === 'lstm' ? new Float32Array(B * p.H) : null,
    dWIh: new Float32Array(G * p.H * p.I),
    dWHh: new Float32Array(G * p.H * p.Hout),
    dBIh: p.bIh ? new Float32Array(G * p.H) : null,
    dBHh: p.bHh ? new Float32Array(G * p.H) : null,
    dWHr: p.wHr ? new Float32Array(p.Hout * p.H) : null,
  };
  rnnSequenceBackwardF32(
    p,
    saved,
    { dOutput: a(rows * p.Hout), dhN: a(B * p.Hout), dcN: p.kind === 'lstm' ? a(B * p.H) : null },
    g,
    team,
  );
  const res: Record<string, FloatArray> = {
    output: out.output,
    hN: out.hN,
    cN: out.cN,
    gates: saved.gates,
    hPrev: saved.hPrev,
  };
  for (const [k, v] of Object.entries(g)) if (v !== null) res[k] = v as FloatArray;
  return res;
}

const specArb = fc
  .record({
    kind: fc.constantFrom<CellKind>('lstm', 'gru', 'rnn_tanh', 'rnn_relu'),
    withProj: fc.boolean(),
    proj: fc.integer({ min: 1, max: 20 }),
    I: fc.integer({ min: 1, max: 20 }),
    H: fc.integer({ min: 1, max: 40 }),
    B: fc.integer({ min: 1, max: 9 }),
    L: fc.integer({ min: 1, max: 6 }),
    shrink: fc.boolean(),
    reverse: fc.boolean(),
    bias: fc.boolean(),
    seed: fc.integer({ min: 1, max: 1 << 30 }),
    threads: fc.constantFrom(2, 3),
  })
  .map((r) => {
    const bs: number[] = [];
    for (let t = 0; t < r.L; t++) bs.push(r.shrink ? Math.max(1, r.B - t) : r.B);
    const spec: Spec = {
      kind: r.kind,
      proj: r.kind === 'lstm' && r.withProj ? r.proj : 0,
      I: r.I,
      H: r.H,
      bs,
      reverse: r.reverse,
      bias: r.bias,
      seed: r.seed,
    };
    return { spec, threads: r.threads };
  });

describe(
  'worker pool',
  {
    skip:
      getNumThreads() === 1 && process.env.LONGSHORT_NUM_THREADS !== '1' && 'no threads in this environment',
  },
  () => {
    const prevThreads = getNumThreads();
    after(() => setNumThreads(prevThreads));
    // the layer tests run the in-module loop of the 128-bit set on the workers that
    // poolStats() counts (the native set's BLAS loop runs on the caller's thread alone,
    // and the relaxed set has a pool of its own)
    const poolSet = 'wasm-simd';

    it('results are bit-identical for 1, 2 and 3 threads (random sizes, every mode, forward and backward)', () => {
      const prev = setParallelThresholds(0, 0); // split even the smallest problems
      try {
        fc.assert(
          fc.property(specArb, ({ spec, threads }) => {
            const p = make(spec);
            const one = runWith(p, 1, spec.seed + 1);
            const many = runWith(p, threads, spec.seed + 1);
            for (const k of Object.keys(one))
              sameBits(many[k], one[k], `${JSON.stringify(spec)} ${threads} threads: ${k}`);
          }),
          { numRuns: 60, seed: 20261122 },
        );
      } finally {
        setParallelThresholds(...prev);
      }
    });

    it('a large recurrentLayer call runs on the workers and the wasm kernel, bit-identical to 1 thread', () => {
      const run = (threads: number): FloatArray[] => {
        setNumThreads(threads);
        const I = 64,
          H = 128,
          B = 32,
          L = 20;
        const rnd = lcg(42, 0.5);
        const t = (shape: number[], grad: boolean): Tensor =>
          new Tensor(Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, rnd), shape, {
            requiresGrad: grad,
          });
        const x = t([L * B, I], true);
        const w = {
          wIh: t([4 * H, I], true),
          wHh: t([4 * H, H], true),
          bIh: t([4 * H], true),
          bHh: t([4 * H], true),
          wHr: null,
        };
        const mode: CellKind = 'lstm';
        const { output, hN } = recurrentLayer(
          mode,
          x,
          new Int32Array(L).fill(B),
          t([B, H], false),
          t([B, H], false),
          w,
          false,
        );
        output.sum().add(hN.sum()).backward();
        return [
          output.data as FloatArray,
          x.grad!.data as FloatArray,
          w.wIh.grad!.data as FloatArray,
          w.wHh.grad!.data as FloatArray,
          w.bHh.grad!.data as FloatArray,
        ];
      };
      const calls0 = f32RnnSequenceWasmSimdCalls();
      const prevSet = setKernelSet(poolSet);
      let one: FloatArray[], two: FloatArray[], stats0, stats1;
      try {
        one = run(1);
        stats0 = poolStats();
        two = run(2);
        stats1 = poolStats();
      } finally {
        setKernelSet(prevSet);
      }
      assert.ok(
        f32RnnSequenceWasmSimdCalls() >= calls0 + 4,
        'the wasm recurrent kernel ran forward and backward',
      );
      assert.ok(
        stats1.tasksOnWorkers >= stats0.tasksOnWorkers + 2,
        `workers ran the forward and the backward (${JSON.stringify(stats1)})`,
      );
      assert.ok(stats1.ready >= 1);
      one.forEach((a, i) => sameBits(two[i], a, `tensor ${i}`));
    });

    it('the relaxed-SIMD set gives the same bytes for 1 and 2 threads (its workers run its build)', () => {
      let available = true;
      try {
        resolveKernelSet('wasm-relaxed');
      } catch {
        available = false;
      }
      if (!available) return;
      const prevSet = setKernelSet('wasm-relaxed');
      const prevThr = setParallelThresholds(0, 0);
      try {
        const run = (threads: number): FloatArray[] => {
          setNumThreads(threads);
          const rnd = lcg(5, 0.5);
          const t = (shape: number[], grad: boolean): Tensor =>
            new Tensor(Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, rnd), shape, {
              requiresGrad: grad,
            });
          const [I, H, B, L] = [24, 40, 9, 6];
          const x = t([L * B, I], true);
          const w = { wIh: t([4 * H, I], true), wHh: t([4 * H, H], true), bIh: null, bHh: null, wHr: null };
          const r = recurrentLayer(
            'lstm',
            x,
            new Int32Array(L).fill(B),
            t([B, H], false),
            t([B, H], false),
            w,
            false,
          );
          r.output.sum().backward();
          return [r.output.data as FloatArray, x.grad!.data as FloatArray, w.wHh.grad!.data as FloatArray];
        };
        const one = run(1);
        const two = run(2);
        one.forEach((a, i) => sameBits(two[i], a, `tensor ${i}`));
      } finally {
        setParallelThresholds(...prevThr);
        setKernelSet(prevSet);
      }
    });

    it("a worker's error is rethrown on the caller's thread with the op's name, and the pool keeps working", () => {
      setNumThreads(2);
      assert.throws(
        () => failOnWorkerForTest('recurrentLayer'),
        /^StateError: recurrentLayer: worker thread 1 failed: Error: test failure requested on worker 1$/m,
      );
      const p = make({
        kind: 'gru',
        proj: 0,
        I: 5,
        H: 9,
        bs: [3, 3, 2],
        reverse: false,
        bias: true,
        seed: 7,
      });
      const prev = setParallelThresholds(0, 0);
      try {
        const one = runWith(p, 1, 3);
        const two = runWith(p, 2, 3);
        for (const k of Object.keys(one)) sameBits(two[k], one[k], k);
      } finally {
        setParallelThresholds(...prev);
      }
    });

    it('a script that used the pool exits on its own (idle workers are unref()ed)', () => {
      const tensor = new URL('../../src/tensor/index.js', import.meta.url).href;
      const pool = new URL('../../src/parallel/index.js', import.meta.url).href;
      const script = `
      const T = await import(${JSON.stringify(tensor)});
      const P = await import(${JSON.stringify(pool)});
      T.setNumThreads(2);
      const n = 64 * 40, H = 96, I = 32;
      const f = (k) => new T.Tensor(new Float32Array(k).fill(0.01), [k]);
      const x = new T.Tensor(new Float32Array(n * I).fill(0.1), [n, I]);
      const w = { wIh: f(4 * H * I).reshape([4 * H, I]), wHh: f(4 * H * H).reshape([4 * H, H]), bIh: null, bHh: null, wHr: null };
      const h0 = new T.Tensor(new Float32Array(64 * H), [64, H]);
      T.recurrentLayer('lstm', x, new Int32Array(40).fill(64), h0, h0, w, false);
      console.log(JSON.stringify(P.poolStats()));
    `;
      const t0 = Date.now();
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 30000,
        env: { ...process.env, LONGSHORT_NUM_THREADS: '2', LONGSHORT_KERNELS: poolSet },
      });
      assert.equal(r.error, undefined, `the child did not exit within 30 s: ${String(r.error)}`);
      assert.equal(r.status, 0, r.stderr);
      const stats = JSON.parse(r.stdout.trim()) as { tasksOnWorkers: number };
      assert.ok(stats.tasksOnWorkers >= 1, `the child used a worker: ${r.stdout}`);
      assert.ok(Date.now() - t0 < 30000);
    });
  },
);
