import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Generator } from '../../../src/core/rng.js';
import type { CellKind } from '../../../src/core/cell-kind.js';
import { gemmRef, type Gemm } from '../../../src/kernels/ref/f-gemm-ref.js';
import { gruStepBackwardRef, gruStepForwardRef } from '../../../src/kernels/ref/rnn-gru-ref.js';
import { lstmStepBackwardRef, lstmStepForwardRef } from '../../../src/kernels/ref/rnn-lstm-ref.js';
import { rnnSequenceBackwardRef, rnnSequenceForwardRef } from '../../../src/kernels/ref/rnn-sequence-ref.js';
import { rnnStepBackwardRef, rnnStepForwardRef } from '../../../src/kernels/ref/rnn-simple-ref.js';
import { cellVariant } from '../../../src/kernels/ref/rnn-variant-ref.js';
import { assertClose } from '../../helpers/gradcheck.js';

const g = new Generator(1234);
const rnd = (n: number, s = 1): Float64Array => Float64Array.from({ length: n }, () => g.uniform(-s, s));
const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const LSTM = cellVariant('lstm', undefined); // PyTorch's equations
const GRU = cellVariant('gru', undefined);

/** Central-difference gradient of `f` w.r.t. every element of `v` (restored after). */
function numGrad(f: () => number, v: Float64Array, eps = 1e-6): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const o = v[i];
    v[i] = o + eps;
    const fp = f();
    v[i] = o - eps;
    const fm = f();
    v[i] = o;
    out[i] = (fp - fm) / (2 * eps);
  }
  return out;
}

/** A buffer of `pad + n + pad` NaN sentinels with `vals` at offset `pad`. */
function padded(vals: Float64Array, pad: number): Float64Array {
  const b = new Float64Array(vals.length + 2 * pad).fill(NaN);
  b.set(vals, pad);
  return b;
}

function assertSentinels(buf: Float64Array, from: number, to: number, what: string): void {
  for (let i = 0; i < buf.length; i++)
    if (i < from || i >= to)
      assert.ok(Number.isNaN(buf[i]), `${what}[${i}] outside the active region was written`);
}

test('lstmStepForwardRef: equations, offsets, and nothing written outside the active rows', () => {
  const bs = 2;
  const H = 3;
  const pad = 5;
  const gx = rnd(bs * 4 * H);
  const gh = rnd(bs * 4 * H);
  const c = rnd(bs * H);
  const gates = padded(gx, pad);
  const ghB = padded(gh, pad);
  const cState = Float64Array.from([...c, 7, 7, 7]); // a third, inactive row
  const cPrev = new Float64Array(bs * H + 2 * pad).fill(NaN);
  const cNew = new Float64Array(bs * H + 2 * pad).fill(NaN);
  const hOut = new Float64Array(bs * H + 2 * pad).fill(NaN);
  lstmStepForwardRef(bs, H, gates, pad, ghB, pad, cState, cPrev, cNew, pad, hOut, pad, LSTM);
  for (let b = 0; b < bs; b++) {
    for (let j = 0; j < H; j++) {
      const a = (k: number): number => gx[b * 4 * H + k * H + j] + gh[b * 4 * H + k * H + j];
      const [i, f, gg, o] = [sig(a(0)), sig(a(1)), Math.tanh(a(2)), sig(a(3))];
      const cn = f * c[b * H + j] + i * gg;
      assertClose(
        [
          gates[pad + b * 4 * H + j],
          gates[pad + b * 4 * H + H + j],
          gates[pad + b * 4 * H + 2 * H + j],
          gates[pad + b * 4 * H + 3 * H + j],
        ],
        [i, f, gg, o],
        { rtol: 1e-14, what: 'gates' },
      );
      assertClose(
        [cNew[pad + b * H + j], cState[b * H + j], cPrev[pad + b * H + j], hOut[pad + b * H + j]],
        [cn, cn, c[b * H + j], o * Math.tanh(cn)],
        { rtol: 1e-14, what: 'state' },
      );
    }
  }
  assert.deepEqual(Array.from(cState.slice(bs * H)), [7, 7, 7], 'inactive row kept');
  assertSentinels(gates, pad, pad + bs * 4 * H, 'gates');
  assertSentinels(cNew, pad, pad + bs * H, 'cNew');
  assertSentinels(hOut, pad, pad + bs * H, 'hOut');
});

test('lstmStepBackwardRef matches central differences of the step', () => {
  const bs = 2;
  const H = 3;
  const gx = rnd(bs * 4 * H, 1.5);
  const c = rnd(bs * H);
  const wh = rnd(bs * H);
  const wc = rnd(bs * H);
  const zero = new Float64Array(bs * 4 * H);
  const objective = (): number => {
    const gates = gx.slice();
    const cs = c.slice();
    const cp = new Float64Array(bs * H);
    const cn = new Float64Array(bs * H);
    const h = new Float64Array(bs * H);
    lstmStepForwardRef(bs, H, gates, 0, zero, 0, cs, cp, cn, 0, h, 0, LSTM);
    let s = 0;
    for (let k = 0; k < bs * H; k++) s += h[k] * wh[k] + cn[k] * wc[k];
    return s;
  };
  const gates = gx.slice();
  const cs = c.slice();
  const cp = new Float64Array(bs * H);
  const cn = new Float64Array(bs * H);
  const h = new Float64Array(bs * H);
  lstmStepForwardRef(bs, H, gates, 0, zero, 0, cs, cp, cn, 0, h, 0, LSTM);
  const dc = wc.slice();
  const dGates = new Float64Array(bs * 4 * H);
  lstmStepBackwardRef(bs, H, gates, 0, cp, cn, 0, wh, 0, dc, dGates, LSTM);
  assertClose(dGates, numGrad(objective, gx), { rtol: 1e-6, atol: 1e-9, what: 'dGates' });
  assertClose(dc, numGrad(objective, c), { rtol: 1e-6, atol: 1e-9, what: 'dc' });
});

test('gruStepForwardRef/BackwardRef: equations and central differences', () => {
  const bs = 3;
  const H = 2;
  const gx = rnd(bs * 3 * H, 1.5);
  const gh = rnd(bs * 3 * H, 1.5);
  const bhn = rnd(H);
  const h = rnd(bs * H);
  const wh = rnd(bs * H);
  const fwd = (): { gates: Float64Array; ghn: Float64Array; out: Float64Array } => {
    const gates = gx.slice();
    const ghn = new Float64Array(bs * H);
    const out = new Float64Array(bs * H);
    gruStepForwardRef(bs, H, gates, 0, gh, 0, bhn, 0, h, ghn, 0, out, 0, GRU);
    return { gates, ghn, out };
  };
  const { gates, ghn, out } = fwd();
  for (let b = 0; b < bs; b++) {
    for (let j = 0; j < H; j++) {
      const at = (a: Float64Array, k: number): number => a[b * 3 * H + k * H + j];
      const r = sig(at(gx, 0) + at(gh, 0));
      const z = sig(at(gx, 1) + at(gh, 1));
      const n = Math.tanh(at(gx, 2) + r * (at(gh, 2) + bhn[j]));
      assertClose([out[b * H + j]], [(1 - z) * n + z * h[b * H + j]], { rtol: 1e-14, what: "h'" });
    }
  }
  const objective = (): number => {
    const o = fwd().out;
    let s = 0;
    for (let k = 0; k < o.length; k++) s += o[k] * wh[k];
    return s;
  };
  const dh = wh.slice();
  const dGx = new Float64Array(bs * 3 * H);
  const dGh = new Float64Array(bs * 3 * H);
  const drh = new Float64Array(0); // read by the reset-before GRU only
  gruStepBackwardRef(1, bs, H, gates, 0, ghn, h, 0, drh, dh, dGx, dGh, GRU);
  gruStepBackwardRef(2, bs, H, gates, 0, ghn, h, 0, drh, dh, dGx, dGh, GRU);
  assertClose(dGx, numGrad(objective, gx), { rtol: 1e-6, atol: 1e-9, what: 'dGx' });
  assertClose(dGh, numGrad(objective, gh), { rtol: 1e-6, atol: 1e-9, what: 'dGh' });
  assertClose(dh, numGrad(objective, h), { rtol: 1e-6, atol: 1e-9, what: 'dh (direct part)' });
});

for (const relu of [false, true]) {
  test(`rnnStepForwardRef/BackwardRef (${relu ? 'relu' : 'tanh'}): equations and central differences`, () => {
    const n = 7;
    const gx = rnd(n, 2);
    const gh = rnd(n, 2);
    const wh = rnd(n);
    const fwd = (): { gates: Float64Array; out: Float64Array } => {
      const gates = padded(gx, 2);
      const out = new Float64Array(n);
      rnnStepForwardRef(
        1,
        n,
        gates,
        2,
        gh,
        0,
        out,
        0,
        cellVariant(relu ? 'rnn_relu' : 'rnn_tanh', undefined),
      );
      return { gates, out };
    };
    const { gates, out } = fwd();
    assertClose(
      out,
      Array.from(gx, (v, k) => (relu ? Math.max(0, v + gh[k]) : Math.tanh(v + gh[k]))),
      { rtol: 1e-15, what: "h'" },
    );
    const objective = (): number => fwd().out.reduce((s, v, k) => s + v * wh[k], 0);
    const dGates = new Float64Array(n + 4).fill(NaN);
    rnnStepBackwardRef(1, n, gates, 2, wh, dGates, cellVariant(relu ? 'rnn_relu' : 'rnn_tanh', undefined));
    assertSentinels(dGates, 2, 2 + n, 'dGates');
    assertClose(dGates.slice(2, 2 + n), numGrad(objective, gx), { rtol: 1e-6, atol: 1e-9, what: 'dGates' });
  });
}

test('rnnSequence{Forward,Backward}Ref: one input GEMM, one GEMM per step, one GEMM per weight gradient', () => {
  const calls: Array<[number, number, number]> = [];
  const counting: Gemm = (...args) => {
    calls.push([args[2], args[3], args[4]]);
    gemmRef(...args);
  };
  {
    const kinds: CellKind[] = ['lstm', 'gru', 'rnn_tanh'];
    for (const kind of kinds) {
      for (const proj of kind === 'lstm' ? [0, 2] : [0]) {
        const G = kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
        const I = 3;
        const H = 4;
        const Hout = proj > 0 ? proj : H;
        const batchSizes = Int32Array.from([3, 2, 2, 1]);
        const rows = 8;
        const L = batchSizes.length;
        const p = {
          kind,
          I,
          H,
          Hout,
          batchSizes,
          reverse: false,
          x: rnd(rows * I),
          h0: rnd(3 * Hout),
          c0: kind === 'lstm' ? rnd(3 * H) : null,
          wIh: rnd(G * H * I),
          wHh: rnd(G * H * Hout),
          bIh: rnd(G * H),
          bHh: rnd(G * H),
          wHr: proj > 0 ? rnd(proj * H) : null,
        };
        calls.length = 0;
        const { saved } = rnnSequenceForwardRef(p, counting);
        const perStepF = proj > 0 ? 2 : 1;
        assert.equal(calls.length, 1 + perStepF * L, `${kind} proj=${proj}: forward GEMM count`);
        assert.deepEqual(
          calls[0],
          [rows, G * H, I],
          `${kind}: the input projection is one GEMM over all rows`,
        );
        calls.length = 0;
        const buf = (n: number): Float64Array => new Float64Array(n);
        rnnSequenceBackwardRef(
          p,
          saved,
          { dOutput: rnd(rows * Hout), dhN: rnd(3 * Hout), dcN: kind === 'lstm' ? rnd(3 * H) : null },
          {
            dX: buf(rows * I),
            dh0: buf(3 * Hout),
            dc0: kind === 'lstm' ? buf(3 * H) : null,
            dWIh: buf(G * H * I),
            dWHh: buf(G * H * Hout),
            dBIh: buf(G * H),
            dBHh: buf(G * H),
            dWHr: proj > 0 ? buf(proj * H) : null,
          },
          counting,
        );
        assert.equal(
          calls.length,
          perStepF * L + 3 + (proj > 0 ? 1 : 0),
          `${kind} proj=${proj}: backward GEMM count`,
        );
        assert.deepEqual(
          calls.slice(-3 - (proj > 0 ? 1 : 0)).slice(0, 3),
          [
            [rows, I, G * H],
            [G * H, I, rows],
            [G * H, Hout, rows],
          ],
          `${kind}: dX, dW_ih, dW_hh`,
        );
      }
    }
  }
});
