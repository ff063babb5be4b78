// The cell variants the fast kernel sets run themselves (hard-sigmoid gates: Keras 2 /
// TF.js / ONNX alpha 0.2, Keras 3 alpha 1/6), against the float64 reference driver with
// the same variant, forward and backward, for lstm (with and without projection) and
// gru, both directions and shrinking batches; the native set also with every GEMM in
// BLAS (its per-step loop). Non-finite inputs agree with the reference, the op engages
// the fast kernels for these variants and keeps the others on the reference.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gateCount, type CellKind } from '../../src/core/cell-kind.js';
import type { FloatArray } from '../../src/core/dtype.js';
import { float32Inputs } from '../helpers/rnn-inputs.js';
import { setF32GemmBlasMinVolume } from '../../src/kernels/f32-gemm-blas.js';
import { f32RnnSequenceBlasCalls } from '../../src/kernels/f32-rnn-sequence-blas.js';
import { f32RnnSequenceWasmSimdCalls } from '../../src/kernels/f32-rnn-sequence-wasmsimd.js';
import { REF_KERNELS, resolveKernelSet, setKernelSet, type KernelSet } from '../../src/kernels/registry.js';
import {
  rnnSequenceBackwardRef,
  rnnSequenceForwardRef,
  type RnnSequenceInputGrads,
  type RnnSequenceInputs,
} from '../../src/kernels/ref/rnn-sequence-ref.js';
import { defaultRnnVariant, type RnnVariant } from '../../src/kernels/ref/rnn-variant-ref.js';
import { rnnTeam } from '../../src/parallel/index.js';
import { recurrentLayer, Tensor } from '../../src/tensor/index.js';
import { lcg } from '../helpers/random.js';

const hardSigmoid = (alpha: number, beta = 0.5): RnnVariant => ({
  ...defaultRnnVariant(),
  gate: { name: 'hardSigmoid', alpha, beta },
});
const GATES: Array<[string, RnnVariant]> = [
  ['hardSigmoid 0.2', hardSigmoid(0.2)],
  ['hardSigmoid 1/6', hardSigmoid(1 / 6)],
];
/** The reset-before GRU (TF.js' default, ONNX linear_before_reset = 0, Keras reset_after = False). */
const resetBefore = (v: RnnVariant): RnnVariant => ({ ...v, resetAfter: false });
const RESET_BEFORE: Array<[string, RnnVariant]> = [
  ['sigmoid', resetBefore(defaultRnnVariant())],
  ['hardSigmoid 0.2', resetBefore(hardSigmoid(0.2))],
  ['hardSigmoid 1/6', resetBefore(hardSigmoid(1 / 6))],
];

interface Case {
  kind: CellKind;
  proj: number;
  reverse: boolean;
  variant: RnnVariant;
  seed: number;
}

/** float64 inputs (float32-rounded values) and their float32 copy. */
function inputs(c: Case, special = 0): { p64: RnnSequenceInputs; p32: RnnSequenceInputs } {
  const rnd = lcg(c.seed);
  const I = 7;
  const H = 13;
  const Hout = c.proj || H;
  const GH = gateCount(c.kind) * H;
  const bs = Int32Array.from([5, 5, 4, 2]);
  const rows = 16;
  // weights large enough that the hard sigmoid saturates on some units
  const arr = (n: number, scale: number): Float64Array =>
    Float64Array.from(Float32Array.from({ length: n }, () => rnd() * scale));
  const x = arr(rows * I, 1);
  if (special !== 0) {
    x[3] = special;
    x[5 * I + 9] = special;
  }
  const p64: RnnSequenceInputs = {
    kind: c.kind,
    I,
    H,
    Hout,
    batchSizes: bs,
    reverse: c.reverse,
    x,
    h0: arr(5 * Hout, 0.5),
    c0: c.kind === 'lstm' ? arr(5 * H, 0.5) : null,
    wIh: arr(GH * I, 1.5),
    wHh: arr(GH * Hout, 0.8),
    bIh: arr(GH, 0.3),
    bHh: arr(GH, 0.3),
    wHr: c.proj ? arr(c.proj * H, 0.5) : null,
    variant: c.variant,
  };
  return { p64, p32: float32Inputs(p64) };
}

function grads(p: RnnSequenceInputs, f64: boolean): RnnSequenceInputGrads {
  const mk = (n: number): FloatArray => (f64 ? new Float64Array(n) : new Float32Array(n));
  const GH = gateCount(p.kind) * p.H;
  const rows = p.x.length / p.I;
  return {
    dX: mk(rows * p.I),
    dh0: mk(5 * p.Hout),
    dc0: p.kind === 'lstm' ? mk(5 * p.H) : null,
    dWIh: mk(GH * p.I),
    dWHh: mk(GH * p.Hout),
    dBIh: mk(GH),
    dBHh: mk(GH),
    dWHr: p.wHr !== null ? mk(p.Hout * p.H) : null,
  };
}

/** Close where the reference is finite (relative to the largest value), NaN and infinities alike. */
function agree(got: FloatArray, want: FloatArray, what: string, tol = 1e-4): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let scale = 1;
  for (const w of want) if (Number.isFinite(w)) scale = Math.max(scale, Math.abs(w));
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    const g = got[i];
    if (Number.isNaN(w)) assert.ok(Number.isNaN(g), `${what}[${i}]: reference NaN, got ${g}`);
    else if (!Number.isFinite(w)) assert.equal(g, w, `${what}[${i}]`);
    else if (!(Math.abs(g - w) <= tol * scale)) assert.fail(`${what}[${i}]: got ${g}, want ${w}`);
  }
}

function runCase(set: KernelSet, c: Case, special = 0): void {
  const { p64, p32 } = inputs(c, special);
  const name = `${c.kind}${c.proj ? '+proj' : ''}${c.reverse ? ' reverse' : ''}`;
  const ref = rnnSequenceForwardRef(p64);
  // on the set's team of threads where it has one (scripts/test-threads.mjs: 2 threads, every call split)
  const team = set.threaded ? rnnTeam(set.teamFlavor) : null;
  const fast = set.rnnSequenceForward(p32, { saved: true, team });
  agree(fast.out.output, ref.out.output, `${name}: output`);
  agree(fast.out.hN, ref.out.hN, `${name}: hN`);
  agree(fast.out.cN, ref.out.cN, `${name}: cN`);
  const rnd = lcg(c.seed + 1);
  const og64 = {
    dOutput: Float64Array.from(Float32Array.from({ length: ref.out.output.length }, rnd)),
    dhN: Float64Array.from(Float32Array.from({ length: ref.out.hN.length }, rnd)),
    dcN: c.kind === 'lstm' ? Float64Array.from(Float32Array.from({ length: ref.out.cN.length }, rnd)) : null,
  };
  const og32 = {
    dOutput: Float32Array.from(og64.dOutput),
    dhN: Float32Array.from(og64.dhN),
    dcN: og64.dcN === null ? null : Float32Array.from(og64.dcN),
  };
  const gRef = grads(p64, true);
  const gFast = grads(p32, false);
  rnnSequenceBackwardRef(p64, ref.saved, og64, gRef);
  set.rnnSequenceBackward(p32, fast.saved, og32, gFast, team);
  for (const key of Object.keys(gRef) as Array<keyof RnnSequenceInputGrads>) {
    const want = gRef[key] ?? null;
    if (want !== null) agree(gFast[key] as FloatArray, want, `${name}: ${key}`);
  }
}

const fastSets: Array<{ label: string; set: KernelSet; allBlas: boolean }> = [];
for (const n of ['wasm-simd', 'wasm-relaxed', 'native-blas'] as const) {
  let set: KernelSet;
  try {
    set = resolveKernelSet(n);
  } catch {
    continue; // not on this engine
  }
  fastSets.push({ label: n, set, allBlas: false });
  if (n === 'native-blas') fastSets.push({ label: `${n} (per-step BLAS)`, set, allBlas: true });
}

/**
 * Runs `fn` and checks which driver ran it (twice: forward and backward): the per-step
 * BLAS loop with `allBlas`, else the wasm kernel; `inModule`: the wasm kernel's loop
 * anyway (the reset-before GRU, which the per-step BLAS loop leaves to it).
 */
function engaged(allBlas: boolean, calls: number, fn: () => void, inModule = false): void {
  const prev = setF32GemmBlasMinVolume(allBlas ? 1 : 64 * 64 * 64);
  const wasm = f32RnnSequenceWasmSimdCalls();
  const blas = f32RnnSequenceBlasCalls();
  try {
    fn();
  } finally {
    setF32GemmBlasMinVolume(prev);
  }
  if (allBlas && !inModule)
    assert.equal(f32RnnSequenceBlasCalls(), blas + 2 * calls, 'the per-step BLAS loop ran');
  else assert.equal(f32RnnSequenceWasmSimdCalls(), wasm + 2 * calls, 'the wasm kernel ran');
}

describe(
  'cell variants on the fast kernel sets',
  { skip: fastSets.length === 0 && 'no fast set here' },
  () => {
    for (const { label, set, allBlas } of fastSets) {
      for (const [gateName, variant] of GATES) {
        it(`${label}, ${gateName}: lstm, lstm+proj, gru, both directions, shrinking batches`, () => {
          let seed = 40;
          const cases: Case[] = [];
          for (const [kind, proj] of [
            ['lstm', 0],
            ['lstm', 4],
            ['gru', 0],
          ] as const)
            for (const reverse of [false, true]) cases.push({ kind, proj, reverse, variant, seed: seed++ });
          engaged(allBlas, cases.length, () => {
            for (const c of cases) runCase(set, c);
          });
        });
      }
      for (const [gateName, variant] of RESET_BEFORE) {
        it(`${label}, reset-before gru, ${gateName}: both directions, shrinking batches`, () => {
          const cases: Case[] = [];
          for (const reverse of [false, true])
            for (const seed of [60, 61]) cases.push({ kind: 'gru', proj: 0, reverse, variant, seed });
          engaged(
            allBlas,
            cases.length,
            () => {
              for (const c of cases) runCase(set, c);
            },
            true,
          );
        });
      }
      it(`${label}: the reset-before gru with NaN and +-Infinity agrees with the reference`, () => {
        const cases: Array<[Case, number]> = [];
        for (const [, variant] of RESET_BEFORE.slice(0, 2))
          for (const special of [NaN, Infinity, -Infinity])
            cases.push([{ kind: 'gru', proj: 0, reverse: false, variant, seed: 9 }, special]);
        engaged(
          allBlas,
          cases.length,
          () => {
            for (const [c, special] of cases) runCase(set, c, special);
          },
          true,
        );
      });
      it(`${label}: hard-sigmoid gates with NaN and +-Infinity agree with the reference`, () => {
        const cases: Array<[Case, number]> = [];
        for (const kind of ['lstm', 'gru'] as const)
          for (const special of [NaN, Infinity, -Infinity])
            cases.push([{ kind, proj: 0, reverse: false, variant: hardSigmoid(0.2), seed: 7 }, special]);
        engaged(allBlas, cases.length, () => {
          for (const [c, special] of cases) runCase(set, c, special);
        });
      });
    }

    it('the op runs supported variants on the active fast set and the others on the reference', () => {
      const fast = fastSets[0].set;
      assert.equal(fast.supportsVariant('lstm', hardSigmoid(0.2)), true);
      assert.equal(fast.supportsVariant('gru', hardSigmoid(1 / 6)), true);
      assert.equal(fast.supportsVariant('gru', { ...hardSigmoid(0.2), resetAfter: false }), true);
      assert.equal(fast.supportsVariant('gru', resetBefore(defaultRnnVariant())), true);
      const reluCell: RnnVariant = {
        ...resetBefore(defaultRnnVariant()),
        cell: { name: 'relu', alpha: 0, beta: 0 },
      };
      assert.equal(
        fast.supportsVariant('gru', reluCell),
        false,
        'a reset-before gru with a relu cell runs on the reference',
      );
      const softsign: RnnVariant = { ...defaultRnnVariant(), gate: { name: 'softsign', alpha: 0, beta: 0 } };
      assert.equal(fast.supportsVariant('lstm', softsign), false);
      const extra = { ...hardSigmoid(0.2), somethingNew: 1 } as unknown as RnnVariant;
      assert.equal(
        fast.supportsVariant('lstm', extra),
        false,
        'an unknown variant field runs on the reference',
      );
      for (const more of [{ peepholes: true }, { coupledInputForget: true }, { clip: 3 }])
        assert.equal(
          fast.supportsVariant('lstm', { ...hardSigmoid(0.2), ...more }),
          false,
          `hard sigmoid with ${Object.keys(more)[0]} runs on the reference`,
        );
      assert.equal(REF_KERNELS.supportsVariant('gru', softsign), true);

      const prev = setKernelSet(fast.name);
      try {
        const { p32 } = inputs({ kind: 'lstm', proj: 0, reverse: false, variant: hardSigmoid(0.2), seed: 3 });
        const run = (v: RnnVariant): Float32Array => {
          const t = (a: FloatArray, shape: number[]): Tensor => new Tensor(Float32Array.from(a), shape);
          const r = recurrentLayer(
            'lstm',
            t(p32.x, [16, 7]),
            p32.batchSizes,
            t(p32.h0, [5, 13]),
            t(p32.c0 as FloatArray, [5, 13]),
            {
              wIh: t(p32.wIh, [52, 7]),
              wHh: t(p32.wHh, [52, 13]),
              bIh: t(p32.bIh as FloatArray, [52]),
              bHh: t(p32.bHh as FloatArray, [52]),
              wHr: null,
            },
            false,
            v,
          );
          return r.output.data as Float32Array;
        };
        const before = f32RnnSequenceWasmSimdCalls() + f32RnnSequenceBlasCalls();
        const hard = run(hardSigmoid(0.2));
        assert.equal(
          f32RnnSequenceWasmSimdCalls() + f32RnnSequenceBlasCalls(),
          before + 1,
          'hard sigmoid: fast',
        );
        run(softsign);
        assert.equal(
          f32RnnSequenceWasmSimdCalls() + f32RnnSequenceBlasCalls(),
          before + 1,
          'softsign: reference',
        );
        setKernelSet('ref');
        agree(hard, run(hardSigmoid(0.2)), 'fast vs reference set');
      } finally {
        setKernelSet(prev);
      }
    });
  },
);
