// Parity of the WebAssembly SIMD one-step kernel with the reference one over sizes that
// hit every remainder of its 4-lane groups and blocks (H in {1,3,4,5,8,13,64}, I in
// {1,3,8}, batch 1..3), every cell kind, projection, no bias, two layers, given
// states and re-packed weights; plus the reference kernel against the full-sequence one.
import { gateCount, type CellKind } from '../../src/core/cell-kind.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createF32RnnStepWasmSimd,
  F32_RNN_STEP_WASMSIMD_NAME,
} from '../../src/kernels/f32-rnn-step-wasmsimd.js';
import { rnnSequenceForwardRef } from '../../src/kernels/ref/rnn-sequence-ref.js';
import {
  createRnnStepRef,
  linearRowsRef,
  type RnnStepConfig,
  type RnnStepKernel,
  type RnnStepLayerWeights,
} from '../../src/kernels/ref/rnn-step-ref.js';
import { wasmSimdSupported } from '../../src/kernels/wasm/simd-probe.js';
import { lcg } from '../helpers/random.js';

function fill(n: number, rnd: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rnd();
  return a;
}

function weights(
  kind: CellKind,
  I: number,
  H: number,
  Hout: number,
  bias: boolean,
  rnd: () => number,
): RnnStepLayerWeights {
  const GH = gateCount(kind) * H;
  return {
    wIh: fill(GH * I, rnd),
    wHh: fill(GH * Hout, rnd),
    bIh: bias ? fill(GH, rnd) : null,
    bHh: bias ? fill(GH, rnd) : null,
    wHr: Hout !== H ? fill(Hout * H, rnd) : null,
  };
}

function close(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  rtol = 1e-4,
  atol = 5e-6,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= atol + rtol * Math.abs(expected[i])))
      assert.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (|diff| ${d})`);
  }
}

interface Case {
  kind: CellKind;
  I: number;
  H: number;
  Hout: number;
  N: number;
  layers: number;
  bias: boolean;
}

function cases(): Case[] {
  const out: Case[] = [];
  const kinds: CellKind[] = ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'];
  for (const kind of kinds) {
    for (const H of [1, 3, 4, 5, 8, 13, 64]) {
      for (const I of [1, 3, 8]) {
        const N = 1 + ((H + I) % 3);
        out.push({ kind, I, H, Hout: H, N, layers: 1, bias: true });
      }
    }
    // two layers, no bias, batch sweep
    for (const N of [1, 2, 3]) out.push({ kind, I: 3, H: 13, Hout: 13, N, layers: 2, bias: N !== 2 });
  }
  // LSTM projection: Hout remainders (and the 4-group blocks of the projection map)
  for (const [H, Hout] of [
    [2, 1],
    [5, 3],
    [8, 4],
    [13, 5],
    [64, 17],
    [64, 32],
  ]) {
    for (const N of [1, 3]) out.push({ kind: 'lstm', I: 3, H, Hout, N, layers: N === 3 ? 2 : 1, bias: true });
  }
  return out;
}

function runBoth(c: Case, seed: number, steps: number): { ref: RnnStepKernel; fast: RnnStepKernel } {
  const rnd = lcg(seed, 0.6);
  const cfg: RnnStepConfig = {
    kind: c.kind,
    dtype: 'float32',
    N: c.N,
    layers: Array.from({ length: c.layers }, (_, l) => ({ I: l === 0 ? c.I : c.Hout, H: c.H, Hout: c.Hout })),
  };
  const ref = createRnnStepRef(cfg);
  const fast = createF32RnnStepWasmSimd(cfg);
  assert.ok(fast !== null, 'the wasm kernel must be available where SIMD is');
  assert.equal(fast.name, F32_RNN_STEP_WASMSIMD_NAME);
  for (let l = 0; l < c.layers; l++) {
    const w = weights(c.kind, cfg.layers[l].I, c.H, c.Hout, c.bias, rnd);
    ref.setWeights(l, w);
    fast.setWeights(l, w);
  }
  // non-zero initial states
  const h0 = fill(ref.h.length, rnd);
  const c0 = fill(ref.c.length, rnd);
  ref.h.set(h0);
  fast.h.set(h0);
  ref.c.set(c0);
  fast.c.set(c0);
  for (let t = 0; t < steps; t++) {
    const x = fill(ref.x.length, lcg(seed * 31 + t, 2));
    ref.x.set(x);
    fast.x.set(x);
    ref.step();
    fast.step();
    close(fast.y, ref.y, `${c.kind} step ${t} y`);
  }
  return { ref, fast };
}

describe('f32-rnn-step-wasmsimd vs rnn-step-ref', { skip: !wasmSimdSupported() }, () => {
  for (const c of cases()) {
    it(`${c.kind} I=${c.I} H=${c.H} Hout=${c.Hout} N=${c.N} layers=${c.layers}${c.bias ? '' : ' nobias'}`, () => {
      const { ref, fast } = runBoth(c, c.I * 1000 + c.H * 10 + c.N, 4);
      assert.equal(fast.h.length, c.layers * c.N * c.Hout);
      close(fast.h, ref.h, 'h');
      close(fast.c, ref.c, 'c');
      assert.equal(fast.y.buffer, fast.h.buffer, 'y is a view of h');
    });
  }

  it('follows new weights after setWeights (re-packing)', () => {
    const c: Case = { kind: 'lstm', I: 3, H: 13, Hout: 5, N: 2, layers: 2, bias: true };
    const { ref, fast } = runBoth(c, 77, 2);
    const rnd = lcg(99, 0.6);
    for (let l = 0; l < 2; l++) {
      const w = weights('lstm', l === 0 ? 3 : 5, 13, 5, true, rnd);
      ref.setWeights(l, w);
      fast.setWeights(l, w);
    }
    for (let t = 0; t < 3; t++) {
      const x = fill(ref.x.length, lcg(500 + t, 1));
      ref.x.set(x);
      fast.x.set(x);
      ref.step();
      fast.step();
      close(fast.y, ref.y, `after repack step ${t}`);
    }
  });

  it('saturates cleanly: large pre-activations give finite, bounded states', () => {
    const c: Case = { kind: 'lstm', I: 1, H: 8, Hout: 8, N: 1, layers: 1, bias: true };
    const cfg: RnnStepConfig = { kind: 'lstm', dtype: 'float32', N: 1, layers: [{ I: 1, H: 8, Hout: 8 }] };
    const fast = createF32RnnStepWasmSimd(cfg) as RnnStepKernel;
    const ref = createRnnStepRef(cfg);
    const w = weights(c.kind, 1, 8, 8, true, lcg(5, 1));
    for (let i = 0; i < w.wIh.length; i++) w.wIh[i] *= 500;
    fast.setWeights(0, w);
    ref.setWeights(0, w);
    for (const v of [1, -1, 3, -3, 0.01]) {
      fast.x[0] = v;
      ref.x[0] = v;
      fast.step();
      ref.step();
      close(fast.h, ref.h, `saturated h (x=${v})`);
      close(fast.c, ref.c, `saturated c (x=${v})`);
    }
  });
});

describe('rnn-step-ref', () => {
  it('equals rnnSequenceForwardRef step by step (float64, bit for bit)', () => {
    for (const kind of ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'] as CellKind[]) {
      const I = 3;
      const H = 5;
      const Hout = kind === 'lstm' ? 4 : H;
      const N = 2;
      const L = 4;
      const rnd = lcg(3, 0.7);
      const w32 = weights(kind, I, H, Hout, true, rnd);
      const w: RnnStepLayerWeights = {
        wIh: Float64Array.from(w32.wIh),
        wHh: Float64Array.from(w32.wHh),
        bIh: Float64Array.from(w32.bIh as Float32Array),
        bHh: Float64Array.from(w32.bHh as Float32Array),
        wHr: w32.wHr === null ? null : Float64Array.from(w32.wHr),
      };
      const x = Float64Array.from(fill(L * N * I, rnd));
      const seq = rnnSequenceForwardRef({
        kind,
        I,
        H,
        Hout,
        batchSizes: new Int32Array(L).fill(N),
        reverse: false,
        x,
        h0: new Float64Array(N * Hout),
        c0: new Float64Array(N * H),
        ...w,
      });
      const k = createRnnStepRef({ kind, dtype: 'float64', N, layers: [{ I, H, Hout }] });
      k.setWeights(0, w);
      for (let t = 0; t < L; t++) {
        k.x.set(x.subarray(t * N * I, (t + 1) * N * I));
        k.step();
        assert.deepEqual(
          Array.from(k.y),
          Array.from(seq.out.output.subarray(t * N * Hout, (t + 1) * N * Hout)),
          `${kind} t=${t}`,
        );
      }
    }
  });

  it('linearRowsRef computes x W^T + b', () => {
    const out = new Float64Array(4);
    linearRowsRef(
      2,
      2,
      3,
      Float64Array.from([1, 2, 3, 4, 5, 6]),
      Float64Array.from([1, 0, -1, 0.5, 0.5, 0.5]),
      Float64Array.from([10, 20]),
      out,
    );
    assert.deepEqual(Array.from(out), [1 - 3 + 10, 3 + 20, 4 - 6 + 10, 7.5 + 20]);
  });
});
