// Property tests over random configurations: the module (one fused op per layer and
// direction) against the composed oracle, forward and backward in float64; shapes;
// pack/pad round trips; packed sequences behave as if each ran alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { assertClose } from '../../helpers/gradcheck.js';
import type { TorchMode } from '../../../src/core/cell-kind.js';
import { composedRnn } from '../../helpers/rnn-composed.js';
import { Generator } from '../../../src/core/rng.js';
import {
  GRU,
  LSTM,
  RNN,
  packPaddedSequence,
  packSequence,
  padPackedSequence,
  padSequence,
  PackedSequence,
  type RNNBase,
} from '../../../src/nn/rnn/index.js';
import { add, mul, select, slice, squeeze, transpose, unsqueeze, Tensor } from '../../../src/tensor/index.js';

const TIGHT = { rtol: 1e-10, atol: 1e-12 };

function rand(g: Generator, shape: readonly number[], requiresGrad = false): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = g.uniform(-1, 1);
  return new Tensor(d, shape, { requiresGrad });
}

function leafCopy(t: Tensor): Tensor {
  return new Tensor(t.data.slice(), t.shape, { requiresGrad: true });
}

interface Case {
  mode: TorchMode;
  numLayers: number;
  bidirectional: boolean;
  batchFirst: boolean;
  bias: boolean;
  projFrac: number;
  I: number;
  H: number;
  N: number;
  L: number;
  withState: boolean;
  layout: 'padded' | 'packed' | 'unbatched';
  lengthSeeds: number[];
  seed: number;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  mode: fc.constantFrom<TorchMode>('LSTM', 'GRU', 'RNN_TANH', 'RNN_RELU'),
  numLayers: fc.integer({ min: 1, max: 3 }),
  bidirectional: fc.boolean(),
  batchFirst: fc.boolean(),
  bias: fc.boolean(),
  projFrac: fc.double({ min: 0, max: 1, noNaN: true }),
  I: fc.integer({ min: 1, max: 4 }),
  H: fc.integer({ min: 1, max: 4 }),
  N: fc.integer({ min: 1, max: 4 }),
  L: fc.integer({ min: 1, max: 5 }),
  withState: fc.boolean(),
  layout: fc.constantFrom<'padded' | 'packed' | 'unbatched'>('padded', 'packed', 'unbatched'),
  lengthSeeds: fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), {
    minLength: 4,
    maxLength: 4,
  }),
  seed: fc.integer({ min: 0, max: 1 << 30 }),
});

function build(c: Case): { m: RNNBase; projSize: number } {
  // projection on about half of the LSTM cases (needs H >= 2)
  const projSize =
    c.mode === 'LSTM' && c.H >= 2 && c.projFrac < 0.5 ? 1 + Math.floor(c.projFrac * 2 * (c.H - 1)) : 0;
  const base = {
    numLayers: c.numLayers,
    bidirectional: c.bidirectional,
    batchFirst: c.batchFirst,
    bias: c.bias,
  };
  let m: RNNBase;
  if (c.mode === 'LSTM') m = new LSTM(c.I, c.H, { ...base, projSize });
  else if (c.mode === 'GRU') m = new GRU(c.I, c.H, base);
  else m = new RNN(c.I, c.H, { ...base, nonlinearity: c.mode === 'RNN_TANH' ? 'tanh' : 'relu' });
  return { m: m.to('float64'), projSize };
}

function forward(
  m: RNNBase,
  input: Tensor | PackedSequence,
  h0: Tensor | null,
  c0: Tensor | null,
): [Tensor | PackedSequence, Tensor, Tensor | null] {
  if (m instanceof LSTM) {
    const [o, [h, c]] = m.forward(input, h0 === null ? null : [h0, c0 as Tensor]);
    return [o, h, c];
  }
  const [o, h] = (m as GRU | RNN).forward(input, h0);
  return [o, h, null];
}

test('properties: module (fused op) == composed oracle, forward and backward, with shapes', () => {
  fc.assert(
    fc.property(caseArb, (c) => {
      const { m, projSize } = build(c);
      const g = new Generator(c.seed);
      const D = c.bidirectional ? 2 : 1;
      const hOut = projSize > 0 ? projSize : c.H;
      const lstm = c.mode === 'LSTM';
      const unbatched = c.layout === 'unbatched';
      const N = unbatched ? 1 : c.N;
      const lengths =
        c.layout === 'packed' ? c.lengthSeeds.slice(0, N).map((s) => 1 + Math.floor(s * c.L)) : null;
      const xShape = unbatched ? [c.L, c.I] : c.batchFirst ? [N, c.L, c.I] : [c.L, N, c.I];
      const sShape = (w: number): number[] => (unbatched ? [D * c.numLayers, w] : [D * c.numLayers, N, w]);
      const x = rand(g, xShape, true);
      const h0 = c.withState ? rand(g, sShape(hOut), true) : null;
      const c0 = c.withState && lstm ? rand(g, sShape(c.H), true) : null;

      // module
      const input =
        lengths === null
          ? x
          : packPaddedSequence(x, lengths, { batchFirst: c.batchFirst, enforceSorted: false });
      const [o, hN, cN] = forward(m, input, h0, c0);
      const out =
        o instanceof PackedSequence
          ? padPackedSequence(o, { batchFirst: c.batchFirst, totalLength: c.L })[0]
          : o;
      // shapes of every output
      const outShape = unbatched ? [c.L, D * hOut] : c.batchFirst ? [N, c.L, D * hOut] : [c.L, N, D * hOut];
      assert.deepEqual(out.shape, outShape);
      assert.deepEqual(hN.shape, sShape(hOut));
      if (lstm) assert.deepEqual((cN as Tensor).shape, sShape(c.H));
      else assert.equal(cN, null);

      // oracle on leaf copies of everything
      const params = new Map(m.namedParameters());
      const pCopies: Record<string, Tensor> = {};
      for (const [k, p] of params) pCopies[k] = leafCopy(p);
      const xo = leafCopy(x);
      const h0o = h0 === null ? null : leafCopy(h0);
      const c0o = c0 === null ? null : leafCopy(c0);
      const xt = unbatched ? unsqueeze(xo, 1) : c.batchFirst ? transpose(xo, 0, 1) : xo;
      const st = (s: Tensor | null): Tensor | null => (s === null ? null : unbatched ? unsqueeze(s, 1) : s);
      const ref = composedRnn(
        {
          mode: c.mode,
          hiddenSize: c.H,
          numLayers: c.numLayers,
          bias: c.bias,
          bidirectional: c.bidirectional,
          projSize,
        },
        pCopies,
        xt,
        lengths,
        st(h0o),
        st(c0o),
      );
      const refOut = unbatched
        ? squeeze(ref.output, 1)
        : c.batchFirst
          ? transpose(ref.output, 0, 1)
          : ref.output;
      const refH = unbatched ? squeeze(ref.hN, 1) : ref.hN;
      const refC = ref.cN === null ? null : unbatched ? squeeze(ref.cN, 1) : ref.cN;
      assertClose(out.data, refOut.data, { ...TIGHT, what: 'output' });
      assertClose(hN.data, refH.data, { ...TIGHT, what: 'h_n' });
      if (lstm) assertClose((cN as Tensor).data, (refC as Tensor).data, { ...TIGHT, what: 'c_n' });

      // the same random cotangents for both
      const wo = rand(g, out.shape);
      const wh = rand(g, hN.shape);
      const wc = lstm ? rand(g, (cN as Tensor).shape) : null;
      const loss = (a: Tensor, b: Tensor, cc: Tensor | null): Tensor => {
        let s = add(mul(a, wo).sum(), mul(b, wh).sum());
        if (cc !== null) s = add(s, mul(cc, wc as Tensor).sum());
        return s;
      };
      loss(out, hN, cN).backward();
      loss(refOut, refH, refC).backward();
      assertClose(x.grad!.data, xo.grad!.data, { ...TIGHT, what: 'grad input' });
      if (h0 !== null) assertClose(h0.grad!.data, h0o!.grad!.data, { ...TIGHT, what: 'grad h0' });
      if (c0 !== null) assertClose(c0.grad!.data, c0o!.grad!.data, { ...TIGHT, what: 'grad c0' });
      for (const [k, p] of params) {
        const expected = pCopies[k].grad;
        if (expected === null) assert.ok(p.grad === null || p.grad.data.every((v) => v === 0), `grad ${k}`);
        else assertClose(p.grad!.data, expected.data, { ...TIGHT, what: `grad ${k}` });
      }
    }),
    { numRuns: 100, seed: 20261121 },
  );
});

const padArb = fc.record({
  T: fc.integer({ min: 1, max: 5 }),
  B: fc.integer({ min: 1, max: 4 }),
  F: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
  lengthSeeds: fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), {
    minLength: 4,
    maxLength: 4,
  }),
  batchFirst: fc.boolean(),
  seed: fc.integer({ min: 0, max: 1 << 30 }),
  extra: fc.integer({ min: 0, max: 2 }),
});

test('properties: padPackedSequence(packPaddedSequence(x, lengths)) is x with zeros past each length; gradients only on valid steps', () => {
  fc.assert(
    fc.property(padArb, ({ T, B, F, lengthSeeds, batchFirst, seed, extra }) => {
      const g = new Generator(seed);
      const lengths = lengthSeeds.slice(0, B).map((s) => 1 + Math.floor(s * T));
      const shape = batchFirst ? [B, T, ...F] : [T, B, ...F];
      const x = rand(g, shape, true);
      const packed = packPaddedSequence(x, lengths, { batchFirst, enforceSorted: false });
      assert.equal(
        packed.data.shape[0],
        lengths.reduce((a, b) => a + b, 0),
      );
      const bs = Array.from(packed.batchSizes.data);
      for (let t = 0; t < bs.length; t++) assert.equal(bs[t], lengths.filter((l) => l > t).length);
      const total = T + extra;
      const [padded, lens] = padPackedSequence(packed, { batchFirst, totalLength: total, paddingValue: 0 });
      assert.deepEqual(Array.from(lens.data), lengths);
      assert.deepEqual(padded.shape, batchFirst ? [B, total, ...F] : [total, B, ...F]);
      const inner = F.reduce((a, b) => a * b, 1);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < total; t++) {
          for (let k = 0; k < inner; k++) {
            const pi = (batchFirst ? b * total + t : t * B + b) * inner + k;
            const xi = (batchFirst ? b * T + t : t * B + b) * inner + k;
            assert.equal(padded.data[pi], t < lengths[b] ? x.data[xi] : 0);
          }
        }
      }
      // gradients flow back through pad and pack to the valid positions only
      const w = rand(g, padded.shape);
      mul(padded, w).sum().backward();
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          for (let k = 0; k < inner; k++) {
            const pi = (batchFirst ? b * total + t : t * B + b) * inner + k;
            const xi = (batchFirst ? b * T + t : t * B + b) * inner + k;
            assert.equal(x.grad!.data[xi], t < lengths[b] ? w.data[pi] : 0);
          }
        }
      }
    }),
    { numRuns: 60, seed: 7 },
  );
});

test('properties: packSequence / padSequence agree with packPaddedSequence / padPackedSequence', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 3 }),
      fc.boolean(),
      fc.double({ min: -2, max: 2, noNaN: true }),
      fc.integer({ min: 0, max: 1 << 30 }),
      (lens, F, batchFirst, paddingValue, seed) => {
        const g = new Generator(seed);
        const seqs = lens.map((l) => rand(g, [l, F]));
        const padded = padSequence(seqs, { batchFirst, paddingValue });
        const T = Math.max(...lens);
        assert.deepEqual(padded.shape, batchFirst ? [lens.length, T, F] : [T, lens.length, F]);
        for (let b = 0; b < lens.length; b++) {
          for (let t = 0; t < T; t++) {
            const row = batchFirst ? select(select(padded, 0, b), 0, t) : select(select(padded, 0, t), 0, b);
            const expected =
              t < lens[b] ? Array.from(select(seqs[b], 0, t).data) : new Array<number>(F).fill(paddingValue);
            assert.deepEqual(Array.from(row.data), expected);
          }
        }
        const packed = packSequence(seqs, { enforceSorted: false });
        const [back, backLens] = padPackedSequence(packed, { batchFirst, paddingValue });
        assert.deepEqual(Array.from(back.data), Array.from(padded.data));
        assert.deepEqual(Array.from(backLens.data), lens);
        const sorted = lens.every((l, i) => i === 0 || l <= lens[i - 1]);
        if (sorted) {
          const p2 = packSequence(seqs);
          assert.equal(p2.sortedIndices, null);
          assert.deepEqual(Array.from(p2.data.data), Array.from(packed.data.data));
        }
      },
    ),
    { numRuns: 60, seed: 11 },
  );
});

test('properties: each sequence of a packed batch equals running it alone', () => {
  fc.assert(
    fc.property(caseArb, (c) => {
      const { m, projSize } = build(c);
      const g = new Generator(c.seed);
      const D = c.bidirectional ? 2 : 1;
      const hOut = projSize > 0 ? projSize : c.H;
      const lstm = c.mode === 'LSTM';
      const N = c.N;
      const lengths = c.lengthSeeds.slice(0, N).map((s) => 1 + Math.floor(s * c.L));
      const seqs = lengths.map((l) => rand(g, [l, c.I]));
      const h0 = c.withState ? rand(g, [D * c.numLayers, N, hOut]) : null;
      const c0 = c.withState && lstm ? rand(g, [D * c.numLayers, N, c.H]) : null;
      const [o, hN, cN] = forward(m, packSequence(seqs, { enforceSorted: false }), h0, c0);
      const [padded] = padPackedSequence(o as PackedSequence, { batchFirst: true });
      for (let b = 0; b < N; b++) {
        // alone: unbatched (L_b, I) input with 2-D states
        const hb = h0 === null ? null : select(h0, 1, b);
        const cb = c0 === null ? null : select(c0, 1, b);
        const [ob, hb1, cb1] = forward(m, seqs[b], hb, cb);
        const mine = slice(select(padded, 0, b), 0, 0, lengths[b]);
        assertClose(mine.data, (ob as Tensor).data, { ...TIGHT, what: `output of sequence ${b}` });
        assertClose(select(hN, 1, b).data, hb1.data, { ...TIGHT, what: `h_n of sequence ${b}` });
        if (lstm)
          assertClose(select(cN as Tensor, 1, b).data, (cb1 as Tensor).data, {
            ...TIGHT,
            what: `c_n of sequence ${b}`,
          });
      }
    }),
    { numRuns: 40, seed: 3 },
  );
});
