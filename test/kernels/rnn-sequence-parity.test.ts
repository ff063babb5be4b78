// Parity of the fused recurrent layer in WebAssembly SIMD (f32-rnn-sequence-wasmsimd)
// with the reference driver run in float64 on the same (float32-rounded) values, forward
// and backward, over a sweep of modes, biases, projection, direction, equal and shrinking
// batch sizes, and sizes that hit the SIMD remainders (H in 1,3,4,5,8,13 against 4-wide
// vectors and 8-wide panels; I in 1,7,8; B in 1,2,5 against the 5-row tile). Plus: the
// activations' accuracy and saturation, dispatch (float64 -> reference), and a check that
// the SIMD kernel really ran.
import { gateCount, type CellKind } from '../../src/core/cell-kind.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  F32_RNN_SEQUENCE_WASMSIMD_NAME,
  f32RnnSequenceImplementation,
  f32RnnSequenceWasmSimdCalls,
  rnnSequenceBackwardF32,
  rnnSequenceForwardF32,
  setF32RnnSequenceCallLimit,
} from '../../src/kernels/f32-rnn-sequence-wasmsimd.js';
import {
  rnnSequenceBackwardRef,
  rnnSequenceForwardRef,
  type RnnSequenceInputGrads,
  type RnnSequenceInputs,
} from '../../src/kernels/ref/rnn-sequence-ref.js';
import { setF32GemmBlasMinVolume } from '../../src/kernels/f32-gemm-blas.js';
import { resolveKernelSet, type KernelSet } from '../../src/kernels/registry.js';
import { wasmSimdSupported } from '../../src/kernels/wasm/simd-probe.js';
import { skipUnlessSimd } from '../helpers/simd.js';
import type { FloatArray } from '../../src/core/dtype.js';
import { float32Inputs } from '../helpers/rnn-inputs.js';
import { lcg } from '../helpers/random.js';

interface Case {
  kind: CellKind;
  proj: number;
  I: number;
  H: number;
  B: number;
  L: number;
  shrink: boolean;
  reverse: boolean;
  bias: boolean;
  seed: number;
}

function label(c: Case): string {
  return `${c.kind}${c.proj ? `+proj${c.proj}` : ''} I=${c.I} H=${c.H} B=${c.B} L=${c.L}${c.shrink ? ' shrinking' : ''}${c.reverse ? ' reverse' : ''}${c.bias ? '' : ' no-bias'}`;
}

function batchSizes(c: Case): Int32Array {
  const bs = new Int32Array(c.L).fill(c.B);
  // shrinking: the last steps lose entries (non-increasing, >= 1)
  if (c.shrink) for (let t = 0; t < c.L; t++) bs[t] = Math.max(1, c.B - Math.floor((t * c.B) / c.L));
  return bs;
}

/** The case's inputs in float64 (values already rounded to float32) and in float32. */
function inputs(c: Case): { p64: RnnSequenceInputs; p32: RnnSequenceInputs } {
  const rnd = lcg(c.seed);
  const G = gateCount(c.kind);
  const GH = G * c.H;
  const Hout = c.proj || c.H;
  const bs = batchSizes(c);
  const rows = bs.reduce((a, b) => a + b, 0);
  const B = bs[0];
  const arr = (n: number, scale = 1): Float64Array =>
    Float64Array.from(Float32Array.from({ length: n }, () => rnd() * scale));
  const k = 1 / Math.sqrt(c.H);
  const p64: RnnSequenceInputs = {
    kind: c.kind,
    I: c.I,
    H: c.H,
    Hout,
    batchSizes: bs,
    reverse: c.reverse,
    x: arr(rows * c.I),
    h0: arr(B * Hout, 0.5),
    c0: c.kind === 'lstm' ? arr(B * c.H, 0.5) : null,
    wIh: arr(GH * c.I, k * 2),
    wHh: arr(GH * Hout, k * 2),
    bIh: c.bias ? arr(GH, k) : null,
    bHh: c.bias ? arr(GH, k) : null,
    wHr: c.proj ? arr(c.proj * c.H, k * 2) : null,
  };
  return { p64, p32: float32Inputs(p64) };
}

function grads(c: Case, p: RnnSequenceInputs, f64: boolean, mask: number): RnnSequenceInputGrads {
  const mk = (n: number, on: boolean): FloatArray | null =>
    on ? (f64 ? new Float64Array(n) : new Float32Array(n)) : null;
  const G = gateCount(c.kind);
  const rows = p.batchSizes.reduce((a, b) => a + b, 0);
  const B = p.batchSizes[0];
  return {
    dX: mk(rows * c.I, (mask & 1) !== 0),
    dh0: mk(B * p.Hout, (mask & 2) !== 0),
    dc0: mk(B * c.H, c.kind === 'lstm' && (mask & 4) !== 0),
    dWIh: mk(G * c.H * c.I, (mask & 8) !== 0),
    dWHh: mk(G * c.H * p.Hout, (mask & 16) !== 0),
    dBIh: mk(G * c.H, c.bias && (mask & 32) !== 0),
    dBHh: mk(G * c.H, c.bias && (mask & 64) !== 0),
    dWHr: mk(c.proj * c.H, c.proj > 0 && (mask & 128) !== 0),
  };
}

/** |got - want| <= tol * max(1, max |want|) elementwise, with a message naming the worst element. */
function close(got: FloatArray, want: FloatArray, what: string, tol = 1e-4): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let scale = 1;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]);
    if (!(e <= tol * scale))
      assert.fail(`${what}[${i}]: got ${got[i]}, want ${want[i]} (|diff| ${e} > ${tol} * ${scale})`);
  }
}

function runCase(c: Case, mask: number, set: KernelSet | null = null): void {
  const { p64, p32 } = inputs(c);
  const name = label(c);
  const ref = rnnSequenceForwardRef(p64);
  const fast = set === null ? rnnSequenceForwardF32(p32) : set.rnnSequenceForward(p32, { saved: true });
  assert.ok(fast.out.output instanceof Float32Array, `${name}: float32 output`);
  close(fast.out.output, ref.out.output, `${name}: output`);
  close(fast.out.hN, ref.out.hN, `${name}: hN`);
  close(fast.out.cN, ref.out.cN, `${name}: cN`);

  const rnd = lcg(c.seed + 7);
  const rows = p64.batchSizes.reduce((a, b) => a + b, 0);
  const B = p64.batchSizes[0];
  const dOut = mask & 256 ? null : Float64Array.from(Float32Array.from({ length: rows * p64.Hout }, rnd));
  const dhN = mask & 512 ? null : Float64Array.from(Float32Array.from({ length: B * p64.Hout }, rnd));
  const dcN =
    c.kind === 'lstm' && !(mask & 1024)
      ? Float64Array.from(Float32Array.from({ length: B * c.H }, rnd))
      : null;
  const gRef = grads(c, p64, true, mask);
  const gFast = grads(c, p32, false, mask);
  rnnSequenceBackwardRef(p64, ref.saved, { dOutput: dOut, dhN, dcN }, gRef);
  const f32 = (a: Float64Array | null): Float32Array | null => (a === null ? null : Float32Array.from(a));
  const og = { dOutput: f32(dOut), dhN: f32(dhN), dcN: f32(dcN) };
  if (set === null) rnnSequenceBackwardF32(p32, fast.saved, og, gFast);
  else set.rnnSequenceBackward(p32, fast.saved, og, gFast, null);
  for (const key of Object.keys(gRef) as Array<keyof RnnSequenceInputGrads>) {
    const want = gRef[key] ?? null;
    const got = gFast[key];
    if (want === null) {
      assert.equal(got, null, `${name}: ${key} must stay null`);
      continue;
    }
    close(got as FloatArray, want, `${name}: ${key}`);
  }
}

const MODES: Array<[CellKind, number]> = [
  ['lstm', 0],
  ['lstm', 3],
  ['gru', 0],
  ['rnn_tanh', 0],
  ['rnn_relu', 0],
];
const HS = [1, 3, 4, 5, 8, 13];
const IS = [1, 7, 8];
const BL: Array<[number, number]> = [
  [1, 1],
  [2, 4],
  [5, 4],
  [5, 1],
];

describe(
  'f32-rnn-sequence-wasmsimd against the float64 reference driver',
  { skip: !wasmSimdSupported() && 'no WebAssembly SIMD' },
  () => {
    for (const [kind, proj] of MODES) {
      it(`${kind}${proj ? ' with projection' : ''}: H x I x (B, L) x bias x reverse x equal/shrinking batches`, () => {
        let n = 0;
        let seed = 1;
        for (const H of HS) {
          for (const I of IS) {
            for (const [B, L] of BL) {
              for (const bias of [true, false]) {
                for (const reverse of [false, true]) {
                  for (const shrink of B > 1 && L > 1 ? [false, true] : [false]) {
                    const c: Case = {
                      kind,
                      proj: proj === 0 ? 0 : proj + (H % 3),
                      I,
                      H,
                      B,
                      L,
                      shrink,
                      reverse,
                      bias,
                      seed: seed++,
                    };
                    runCase(c, 0xff);
                    n++;
                  }
                }
              }
            }
          }
        }
        assert.ok(n >= 300, `ran ${n} cases`);
      });
    }

    it('sizes past the cache blocks and panels (K > 256, rows > 190, H not a multiple of 8)', () => {
      const cases: Case[] = [
        {
          kind: 'lstm',
          proj: 0,
          I: 300,
          H: 67,
          B: 7,
          L: 30,
          shrink: true,
          reverse: false,
          bias: true,
          seed: 11,
        },
        {
          kind: 'lstm',
          proj: 261,
          I: 9,
          H: 35,
          B: 3,
          L: 5,
          shrink: false,
          reverse: true,
          bias: true,
          seed: 12,
        },
        { kind: 'gru', proj: 0, I: 5, H: 270, B: 6, L: 3, shrink: true, reverse: true, bias: true, seed: 13 },
        {
          kind: 'rnn_tanh',
          proj: 0,
          I: 260,
          H: 300,
          B: 2,
          L: 4,
          shrink: false,
          reverse: false,
          bias: false,
          seed: 14,
        },
      ];
      for (const c of cases) runCase(c, 0xff);
    });

    it('only the requested gradients are written; absent output gradients count as zero', () => {
      let seed = 100;
      for (const [kind, proj] of MODES) {
        for (const mask of [0, 1, 2 | 4, 8 | 16, 32 | 64 | 128, 0xff | 256, 0xff | 512 | 1024, 0x7ff]) {
          runCase(
            {
              kind,
              proj,
              I: 7,
              H: 5,
              B: 5,
              L: 4,
              shrink: true,
              reverse: mask % 2 === 0,
              bias: true,
              seed: seed++,
            },
            mask,
          );
        }
      }
    });

    it('sigmoid and tanh: relative error below 2e-6, exact saturation, NaN propagates', () => {
      // LSTM, one step, x = 1, h0 = 0, no bias: the saved gates are exactly
      // [sigmoid(a_i), sigmoid(a_f), tanh(a_g), sigmoid(a_o)] of the wIh column a.
      const vals = [
        0,
        -0,
        1e-30,
        -1e-30,
        1e-6,
        -3e-4,
        0.01,
        0.3,
        -0.5,
        0.624,
        0.626,
        -0.7,
        1,
        -2.5,
        5,
        9,
        -12,
        17,
        20,
        -30,
        44,
        60,
        88,
        -88,
        89,
        -100,
        1e4,
        -1e30,
        Infinity,
        -Infinity,
        NaN,
      ];
      const H = vals.length;
      const wIh = new Float32Array(4 * H);
      for (let g = 0; g < 4; g++) wIh.set(vals, g * H);
      const p: RnnSequenceInputs = {
        kind: 'lstm',
        I: 1,
        H,
        Hout: H,
        batchSizes: Int32Array.of(1),
        reverse: false,
        x: Float32Array.of(1),
        h0: new Float32Array(H),
        c0: new Float32Array(H),
        wIh,
        wHh: new Float32Array(4 * H * H),
        bIh: null,
        bHh: null,
        wHr: null,
      };
      const { saved } = rnnSequenceForwardF32(p);
      const sig = (x: number): number => 1 / (1 + Math.exp(-x));
      for (let g = 0; g < 4; g++) {
        for (let j = 0; j < H; j++) {
          const a = Math.fround(vals[j]);
          const got = saved.gates[g * H + j];
          const want = g === 2 ? Math.tanh(a) : sig(a);
          const what = `${g === 2 ? 'tanh' : 'sigmoid'}(${a})`;
          if (Number.isNaN(want)) {
            assert.ok(Number.isNaN(got), `${what}: got ${got}, want NaN`);
          } else if (g === 2 && Math.abs(a) >= 10) {
            assert.equal(got, Math.sign(a), `${what} must saturate to exactly ${Math.sign(a)}`);
          } else if (g !== 2 && a >= 20) {
            assert.equal(got, 1, `${what} must saturate to exactly 1`);
          } else if (g !== 2 && a <= -87) {
            assert.ok(got >= 0 && got < 1e-37, `${what}: got ${got}, want ~0`);
          } else {
            assert.ok(
              Math.abs(got - want) <= 2e-6 * Math.abs(want) + 1e-45,
              `${what}: got ${got}, want ${want} (rel ${Math.abs(got - want) / Math.abs(want)})`,
            );
          }
        }
      }
    });

    it('rnn_relu maps NaN and negative pre-activations to 0, like the reference', () => {
      const vals = [NaN, -1, -0, 0, 2, Infinity, -Infinity];
      const H = vals.length;
      const p: RnnSequenceInputs = {
        kind: 'rnn_relu',
        I: 1,
        H,
        Hout: H,
        batchSizes: Int32Array.of(1),
        reverse: false,
        x: Float32Array.of(1),
        h0: new Float32Array(H),
        c0: null,
        wIh: Float32Array.from(vals),
        wHh: new Float32Array(H * H),
        bIh: null,
        bHh: null,
        wHr: null,
      };
      const got = Array.from(rnnSequenceForwardF32(p).out.output);
      const want = Array.from(rnnSequenceForwardRef(p).out.output);
      assert.deepEqual(
        got.map((v) => (Object.is(v, -0) ? 0 : v)),
        want.map((v) => (Object.is(v, -0) ? 0 : v)),
      );
    });

    it('float64 inputs run the reference driver (bit-identical)', () => {
      const { p64 } = inputs({
        kind: 'gru',
        proj: 0,
        I: 7,
        H: 5,
        B: 5,
        L: 4,
        shrink: true,
        reverse: true,
        bias: true,
        seed: 3,
      });
      const a = rnnSequenceForwardF32(p64);
      const b = rnnSequenceForwardRef(p64);
      assert.ok(a.out.output instanceof Float64Array);
      assert.deepEqual(Array.from(a.out.output), Array.from(b.out.output));
    });

    it('without saved activations (inference) the outputs are the same', () => {
      const { p32 } = inputs({
        kind: 'lstm',
        proj: 4,
        I: 7,
        H: 13,
        B: 5,
        L: 4,
        shrink: true,
        reverse: false,
        bias: true,
        seed: 5,
      });
      const a = rnnSequenceForwardF32(p32);
      const b = rnnSequenceForwardF32(p32, { saved: false });
      assert.deepEqual(Array.from(b.out.output), Array.from(a.out.output));
      assert.deepEqual(Array.from(b.out.cN), Array.from(a.out.cN));
      assert.equal(b.saved.gates.length, 0);
    });

    it('a layer too large for one wasm call runs the reference driver instead (same results)', () => {
      const prev = setF32RnnSequenceCallLimit(1000);
      try {
        const before = f32RnnSequenceWasmSimdCalls();
        runCase(
          {
            kind: 'lstm',
            proj: 3,
            I: 7,
            H: 5,
            B: 5,
            L: 4,
            shrink: true,
            reverse: true,
            bias: true,
            seed: 21,
          },
          0xff,
        );
        assert.equal(f32RnnSequenceWasmSimdCalls(), before);
      } finally {
        setF32RnnSequenceCallLimit(prev);
      }
    });
  },
);

// Outside the suite above: where SIMD is required (Node) a failed probe fails here.
describe('f32-rnn-sequence-wasmsimd engaged', { skip: skipUnlessSimd() }, () => {
  it('the probe, the module and the call counter all say the SIMD kernel ran', () => {
    assert.equal(wasmSimdSupported(), true, 'WebAssembly SIMD probe failed on this engine');
    assert.equal(f32RnnSequenceImplementation(), F32_RNN_SEQUENCE_WASMSIMD_NAME);
    const before = f32RnnSequenceWasmSimdCalls();
    const { p32 } = inputs({
      kind: 'lstm',
      proj: 0,
      I: 3,
      H: 4,
      B: 2,
      L: 2,
      shrink: false,
      reverse: false,
      bias: true,
      seed: 9,
    });
    const { saved } = rnnSequenceForwardF32(p32);
    rnnSequenceBackwardF32(
      p32,
      saved,
      { dOutput: null, dhN: new Float32Array(8).fill(1), dcN: null },
      grads(
        { kind: 'lstm', proj: 0, I: 3, H: 4, B: 2, L: 2, shrink: false, reverse: false, bias: true, seed: 9 },
        p32,
        false,
        0xff,
      ),
    );
    assert.equal(f32RnnSequenceWasmSimdCalls(), before + 2);
  });
});

// The other fast sets over a smaller sweep (the native one with every GEMM sent to BLAS).
for (const name of ['wasm-relaxed', 'native-blas'] as const) {
  let set: KernelSet | null = null;
  try {
    set = resolveKernelSet(name);
  } catch {
    set = null;
  }
  describe(
    `the '${name}' kernel set against the float64 reference driver`,
    { skip: set === null && `'${name}' cannot run here` },
    () => {
      it('every mode, sizes with remainders, bias, reverse, shrinking batches, large shapes', () => {
        const prev = setF32GemmBlasMinVolume(name === 'native-blas' ? 1 : 64 * 64 * 64);
        try {
          let seed = 500;
          for (const [kind, proj] of MODES) {
            for (const H of [1, 5, 13]) {
              for (const I of [1, 8]) {
                for (const [B, L] of BL) {
                  for (const reverse of [false, true]) {
                    const c: Case = {
                      kind,
                      proj: proj === 0 ? 0 : proj + (H % 3),
                      I,
                      H,
                      B,
                      L,
                      shrink: B > 1 && L > 1,
                      reverse,
                      bias: H !== 5,
                      seed: seed++,
                    };
                    runCase(c, 0xff, set);
                  }
                }
              }
            }
          }
          runCase(
            {
              kind: 'lstm',
              proj: 0,
              I: 300,
              H: 67,
              B: 7,
              L: 30,
              shrink: true,
              reverse: false,
              bias: true,
              seed: 11,
            },
            0xff,
            set,
          );
          runCase(
            {
              kind: 'gru',
              proj: 0,
              I: 5,
              H: 270,
              B: 6,
              L: 3,
              shrink: true,
              reverse: true,
              bias: true,
              seed: 13,
            },
            0xff,
            set,
          );
        } finally {
          setF32GemmBlasMinVolume(prev);
        }
      });
    },
  );
}
