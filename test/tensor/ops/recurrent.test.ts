import { test } from 'node:test';
import { type CellKind } from '../../../src/core/cell-kind.js';
import assert from 'node:assert/strict';

import { ConfigError, DTypeError, ShapeError } from '../../../src/core/errors.js';
import { Generator } from '../../../src/core/rng.js';
import {
  add,
  cat,
  chunk,
  indexSelect,
  select,
  stack,
  transpose,
  zeros,
  linear,
  mul,
  recurrentLayer,
  relu,
  sigmoid,
  slice,
  sub,
  tanh,
  Tensor,
  type RecurrentResult,
  type RecurrentWeights,
} from '../../../src/tensor/index.js';
import { loadFixtures, toTensor, type FixtureTensor } from '../../helpers/fixtures.js';
import { assertClose, gradcheck } from '../../helpers/gradcheck.js';

// ---------------------------------------------------------------- the composed oracle

/** The same layer built from ordinary ops with ordinary autograd (slices the active rows). */
function composed(
  mode: CellKind,
  x: Tensor,
  batchSizes: Int32Array,
  h0: Tensor,
  c0: Tensor | null,
  w: RecurrentWeights,
  reverse: boolean,
): RecurrentResult {
  const L = batchSizes.length;
  const B = batchSizes[0];
  const offs: number[] = [];
  let s0 = 0;
  for (let t = 0; t < L; t++) {
    offs.push(s0);
    s0 += batchSizes[t];
  }
  let h = h0;
  let c = c0;
  const outs: Tensor[] = new Array<Tensor>(L);
  const keep = (next: Tensor, state: Tensor, bs: number): Tensor =>
    bs < B ? cat([next, slice(state, 0, bs, B)], 0) : next;
  for (let s = 0; s < L; s++) {
    const t = reverse ? L - 1 - s : s;
    const bs = batchSizes[t];
    const xt = slice(x, 0, offs[t], offs[t] + bs);
    const hp = slice(h, 0, 0, bs);
    const gi = linear(xt, w.wIh, w.bIh);
    const gh = linear(hp, w.wHh, w.bHh);
    let hNew: Tensor;
    if (mode === 'lstm') {
      const [i, f, g, o] = chunk(add(gi, gh), 4, 1);
      const cp = slice(c as Tensor, 0, 0, bs);
      const cn = add(mul(sigmoid(f), cp), mul(sigmoid(i), tanh(g)));
      hNew = mul(sigmoid(o), tanh(cn));
      if (w.wHr !== null) hNew = linear(hNew, w.wHr);
      c = keep(cn, c as Tensor, bs);
    } else if (mode === 'gru') {
      const [ir, iz, inn] = chunk(gi, 3, 1);
      const [hr, hz, hn] = chunk(gh, 3, 1);
      const r = sigmoid(add(ir, hr));
      const z = sigmoid(add(iz, hz));
      const n = tanh(add(inn, mul(r, hn)));
      hNew = add(mul(sub(1, z), n), mul(z, hp));
    } else {
      const a = add(gi, gh);
      hNew = mode === 'rnn_tanh' ? tanh(a) : relu(a);
    }
    outs[t] = hNew;
    h = keep(hNew, h, bs);
  }
  return { output: cat(outs, 0), hN: h, cN: mode === 'lstm' ? c : null };
}

// ---------------------------------------------------------------- cases

interface Case {
  mode: CellKind;
  I: number;
  H: number;
  proj: number; // 0 = none
  bias: boolean;
  reverse: boolean;
  batchSizes: number[];
}

const MODES: CellKind[] = ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'];

function cases(): Case[] {
  const out: Case[] = [];
  const shapes: Array<{ I: number; H: number; batchSizes: number[] }> = [
    { I: 3, H: 4, batchSizes: [3, 3, 3] }, // padded, equal lengths
    { I: 3, H: 4, batchSizes: [4, 3, 3, 1] }, // packed, shrinking
    { I: 2, H: 3, batchSizes: [2] }, // L = 1
    { I: 3, H: 2, batchSizes: [1, 1, 1] }, // B = 1
    { I: 2, H: 1, batchSizes: [3, 2, 1] }, // H = 1
  ];
  for (const mode of MODES) {
    for (const sh of shapes) {
      for (const bias of [true, false]) {
        for (const reverse of [false, true]) out.push({ mode, ...sh, proj: 0, bias, reverse });
      }
    }
  }
  for (const batchSizes of [[3, 3, 3], [4, 3, 3, 1], [1]]) {
    for (const bias of [true, false]) {
      for (const reverse of [false, true])
        out.push({ mode: 'lstm', I: 3, H: 4, proj: 2, bias, reverse, batchSizes });
    }
  }
  out.push({ mode: 'lstm', I: 2, H: 3, proj: 1, bias: true, reverse: false, batchSizes: [2, 1] });
  return out;
}

function name(c: Case): string {
  return `${c.mode} I=${c.I} H=${c.H}${c.proj ? ` proj=${c.proj}` : ''} ${c.bias ? 'bias' : 'nobias'} ${c.reverse ? 'reverse' : 'forward'} batchSizes=[${c.batchSizes.join(',')}]`;
}

/** Inputs of a case as float64 arrays: x, h0, c0?, wIh, wHh, bIh?, bHh?, wHr? */
interface CaseData {
  names: string[];
  shapes: number[][];
  values: Float64Array[];
}

function makeData(c: Case, seed: number, f32Values: boolean): CaseData {
  const g = new Generator(seed);
  const G = c.mode === 'lstm' ? 4 : c.mode === 'gru' ? 3 : 1;
  const rows = c.batchSizes.reduce((a, b) => a + b, 0);
  const B = c.batchSizes[0];
  const Hout = c.proj > 0 ? c.proj : c.H;
  const k = 1 / Math.sqrt(c.H);
  const names: string[] = [];
  const shapes: number[][] = [];
  const values: Float64Array[] = [];
  const addT = (n: string, shape: number[], scale: number): void => {
    const v = new Float64Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < v.length; i++) {
      const r = g.uniform(-scale, scale);
      v[i] = f32Values ? Math.fround(r) : r;
    }
    names.push(n);
    shapes.push(shape);
    values.push(v);
  };
  addT('x', [rows, c.I], 1);
  addT('h0', [B, Hout], 0.8);
  if (c.mode === 'lstm') addT('c0', [B, c.H], 0.8);
  // relu: larger weights so some units are clearly dead and some alive
  const ws = c.mode === 'rnn_relu' ? 1 : k * 1.5;
  addT('wIh', [G * c.H, c.I], ws);
  addT('wHh', [G * c.H, Hout], ws);
  if (c.bias) {
    addT('bIh', [G * c.H], ws);
    addT('bHh', [G * c.H], ws);
  }
  if (c.proj > 0) addT('wHr', [c.proj, c.H], k * 1.5);
  return { names, shapes, values };
}

function tensors(d: CaseData, dtype: 'float32' | 'float64', requiresGrad = true): Tensor[] {
  return d.values.map(
    (v, i) =>
      new Tensor(dtype === 'float64' ? Float64Array.from(v) : Float32Array.from(v), d.shapes[i], {
        requiresGrad,
      }),
  );
}

type LayerFn = typeof recurrentLayer;

/** Runs a layer function on the case's tensors (in `names` order). */
function run(fn: LayerFn, c: Case, d: CaseData, ts: Tensor[]): RecurrentResult {
  const by = new Map<string, Tensor>(d.names.map((n, i) => [n, ts[i]]));
  const get = (n: string): Tensor | null => by.get(n) ?? null;
  return fn(
    c.mode,
    by.get('x') as Tensor,
    Int32Array.from(c.batchSizes),
    by.get('h0') as Tensor,
    get('c0'),
    {
      wIh: by.get('wIh') as Tensor,
      wHh: by.get('wHh') as Tensor,
      bIh: get('bIh'),
      bHh: get('bHh'),
      wHr: get('wHr'),
    },
    c.reverse,
  );
}

function outputsOf(r: RecurrentResult): Tensor[] {
  return r.cN === null ? [r.output, r.hN] : [r.output, r.hN, r.cN];
}

/** Forward + backward with fixed cotangents; returns outputs and grads as float64 arrays. */
function evaluate(
  fn: LayerFn,
  c: Case,
  d: CaseData,
  dtype: 'float32' | 'float64',
  cotSeed: number,
): { outs: number[][]; grads: number[][] } {
  const ts = tensors(d, dtype);
  const outs = outputsOf(run(fn, c, d, ts));
  const g = new Generator(cotSeed);
  let loss: Tensor | null = null;
  for (const o of outs) {
    const v = new Float64Array(o.numel());
    for (let i = 0; i < v.length; i++) v[i] = g.uniform(-1, 1);
    const w = new Tensor(dtype === 'float64' ? v : Float32Array.from(v), o.shape);
    const term = o.mul(w).sum();
    loss = loss === null ? term : loss.add(term);
  }
  (loss as Tensor).backward();
  return {
    outs: outs.map((o) => Array.from(o.data)),
    grads: ts.map((t) => (t.grad === null ? new Array<number>(t.numel()).fill(0) : Array.from(t.grad.data))),
  };
}

const OUT_NAMES = ['output', 'hN', 'cN'];

for (const [ci, c] of cases().entries()) {
  test(`recurrentLayer matches the composed reference: ${name(c)}`, () => {
    // float64, tight
    const d = makeData(c, 100 + ci, false);
    const fused = evaluate(recurrentLayer, c, d, 'float64', 5);
    const ref = evaluate(composed, c, d, 'float64', 5);
    assert.equal(fused.outs.length, c.mode === 'lstm' ? 3 : 2);
    fused.outs.forEach((o, k) =>
      assertClose(o, ref.outs[k], { rtol: 1e-10, atol: 1e-12, what: `f64 ${OUT_NAMES[k]}` }),
    );
    fused.grads.forEach((g, k) =>
      assertClose(g, ref.grads[k], { rtol: 1e-10, atol: 1e-12, what: `f64 grad ${d.names[k]}` }),
    );
    // float32 fused against the float64 composed reference on the same (float32) values
    const d32 = makeData(c, 100 + ci, true);
    const f32 = evaluate(recurrentLayer, c, d32, 'float32', 5);
    const ref64 = evaluate(composed, c, d32, 'float64', 5);
    f32.outs.forEach((o, k) =>
      assertClose(o, ref64.outs[k], { rtol: 1e-4, atol: 1e-5, what: `f32 ${OUT_NAMES[k]}` }),
    );
    f32.grads.forEach((g, k) =>
      assertClose(g, ref64.grads[k], { rtol: 1e-4, atol: 1e-5, what: `f32 grad ${d32.names[k]}` }),
    );
  });
}

// ---------------------------------------------------------------- gradcheck

const GRADCHECK_CASES: Case[] = [
  { mode: 'lstm', I: 3, H: 3, proj: 0, bias: true, reverse: false, batchSizes: [3, 2, 2, 1] },
  { mode: 'lstm', I: 3, H: 3, proj: 0, bias: true, reverse: true, batchSizes: [3, 2, 2, 1] },
  { mode: 'lstm', I: 2, H: 3, proj: 2, bias: true, reverse: false, batchSizes: [3, 2, 1] },
  { mode: 'lstm', I: 2, H: 3, proj: 2, bias: false, reverse: true, batchSizes: [3, 3, 1] },
  { mode: 'gru', I: 3, H: 3, proj: 0, bias: true, reverse: false, batchSizes: [3, 2, 2, 1] },
  { mode: 'gru', I: 3, H: 3, proj: 0, bias: true, reverse: true, batchSizes: [3, 2, 2, 1] },
  { mode: 'rnn_tanh', I: 3, H: 3, proj: 0, bias: true, reverse: false, batchSizes: [3, 2, 2, 1] },
  { mode: 'rnn_tanh', I: 3, H: 3, proj: 0, bias: true, reverse: true, batchSizes: [3, 3] },
  { mode: 'rnn_relu', I: 3, H: 3, proj: 0, bias: true, reverse: false, batchSizes: [3, 2, 2, 1] },
  { mode: 'rnn_relu', I: 3, H: 3, proj: 0, bias: true, reverse: true, batchSizes: [3, 2, 2, 1] },
];

for (const [ci, c] of GRADCHECK_CASES.entries()) {
  test(`recurrentLayer gradcheck: ${name(c)}`, () => {
    const d = makeData(c, 900 + ci, false);
    const ts = tensors(d, 'float64', true);
    gradcheck((...xs) => outputsOf(run(recurrentLayer, c, d, xs)), ts, { seed: 11 + ci });
  });
}

test('recurrentLayer: only the outputs that got a gradient count (others as zero)', () => {
  const c: Case = { mode: 'lstm', I: 2, H: 3, proj: 0, bias: true, reverse: false, batchSizes: [2, 2, 1] };
  const d = makeData(c, 77, false);
  const pick = (k: number): number[][] => {
    const ts = tensors(d, 'float64', true);
    outputsOf(run(recurrentLayer, c, d, ts))
      [k].sum()
      .backward();
    return ts.map((t) => Array.from((t.grad as Tensor).data));
  };
  const pickRef = (k: number): number[][] => {
    const ts = tensors(d, 'float64', true);
    outputsOf(run(composed, c, d, ts))
      [k].sum()
      .backward();
    return ts.map((t) => (t.grad === null ? new Array<number>(t.numel()).fill(0) : Array.from(t.grad.data)));
  };
  for (const k of [0, 1, 2]) {
    const a = pick(k);
    const e = pickRef(k);
    a.forEach((g, i) =>
      assertClose(g, e[i], { rtol: 1e-10, atol: 1e-12, what: `${OUT_NAMES[k]} -> grad ${d.names[i]}` }),
    );
  }
});

test('recurrentLayer: grads only for inputs that require them; no graph without any', () => {
  const c: Case = { mode: 'gru', I: 2, H: 2, proj: 0, bias: true, reverse: false, batchSizes: [2, 1] };
  const d = makeData(c, 5, false);
  const ts = tensors(d, 'float64', false);
  const r0 = run(recurrentLayer, c, d, ts);
  assert.equal(r0.output.requiresGrad, false);
  assert.equal(r0.hN.gradFn, null);
  ts[d.names.indexOf('wHh')].requiresGrad = true;
  const r = run(recurrentLayer, c, d, ts);
  r.output.sum().add(r.hN.sum()).backward();
  ts.forEach((t, i) => assert.equal(t.grad !== null, d.names[i] === 'wHh', `grad of ${d.names[i]}`));
});

test('recurrentLayer: a padded (L, N, I) input is the packed layout with batchSizes all N', () => {
  // padded input with lengths [3, 2] vs packed: the packed output equals the padded one
  // on valid positions, and hN of the short sequence is its state at its last step
  const I = 2;
  const H = 3;
  const g = new Generator(3);
  const rnd = (n: number, s = 1): Float64Array => Float64Array.from({ length: n }, () => g.uniform(-s, s));
  const w: RecurrentWeights = {
    wIh: new Tensor(rnd(4 * H * I, 0.5), [4 * H, I]),
    wHh: new Tensor(rnd(4 * H * H, 0.5), [4 * H, H]),
    bIh: new Tensor(rnd(4 * H, 0.5), [4 * H]),
    bHh: new Tensor(rnd(4 * H, 0.5), [4 * H]),
    wHr: null,
  };
  const xs = rnd(3 * 2 * I); // (L=3, N=2, I)
  const h0 = new Tensor(rnd(2 * H), [2, H]);
  const c0 = new Tensor(rnd(2 * H), [2, H]);
  const full = recurrentLayer('lstm', new Tensor(xs, [6, I]), Int32Array.from([2, 2, 2]), h0, c0, w, false);
  // packed: steps 0, 1 hold both entries, step 2 only entry 0
  const packed = recurrentLayer(
    'lstm',
    new Tensor(xs.slice(0, 5 * I), [5, I]),
    Int32Array.from([2, 2, 1]),
    h0,
    c0,
    w,
    false,
  );
  assertClose(packed.output.data, full.output.data.slice(0, 5 * H), {
    rtol: 0,
    atol: 0,
    what: 'packed output',
  });
  // entry 1's final state = its output at step 1
  assertClose(packed.hN.data.slice(H), full.output.data.slice(3 * H, 4 * H), {
    rtol: 0,
    atol: 0,
    what: 'hN[1]',
  });
  assertClose(packed.hN.data.slice(0, H), full.hN.data.slice(0, H), { rtol: 0, atol: 0, what: 'hN[0]' });
  // reverse: entry 1 starts from h0[1] at its last valid step (t = 1)
  const rev = recurrentLayer(
    'lstm',
    new Tensor(xs.slice(0, 5 * I), [5, I]),
    Int32Array.from([2, 2, 1]),
    h0,
    c0,
    w,
    true,
  );
  const x1 = new Tensor(Float64Array.from([...xs.slice(1 * I, 2 * I), ...xs.slice(3 * I, 4 * I)]), [2, I]);
  const one = recurrentLayer(
    'lstm',
    x1,
    Int32Array.from([1, 1]),
    new Tensor(h0.data.slice(H), [1, H]),
    new Tensor(c0.data.slice(H), [1, H]),
    w,
    true,
  );
  assertClose(rev.hN.data.slice(H), one.hN.data, { rtol: 0, atol: 0, what: 'reverse hN[1]' });
  assertClose(rev.output.data.slice(3 * H, 4 * H), one.output.data.slice(H, 2 * H), {
    rtol: 0,
    atol: 0,
    what: 'reverse output t=1',
  });
});

// ---------------------------------------------------------------- bad input

test('recurrentLayer rejects bad input with typed errors naming expected and actual', () => {
  const f64 = (shape: number[]): Tensor =>
    new Tensor(new Float64Array(shape.reduce((a, b) => a * b, 1)), shape);
  const f32 = (shape: number[]): Tensor =>
    new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  const B = 3;
  const H = 4;
  const I = 2;
  const good = () => ({
    mode: 'lstm' as CellKind,
    x: f64([6, I]),
    bs: Int32Array.from([3, 2, 1]) as Int32Array,
    h0: f64([B, H]),
    c0: f64([B, H]) as Tensor | null,
    w: {
      wIh: f64([4 * H, I]),
      wHh: f64([4 * H, H]),
      bIh: f64([4 * H]) as Tensor | null,
      bHh: f64([4 * H]) as Tensor | null,
      wHr: null as Tensor | null,
    },
    reverse: false,
  });
  type Args = ReturnType<typeof good>;
  const call = (a: Args): RecurrentResult => recurrentLayer(a.mode, a.x, a.bs, a.h0, a.c0, a.w, a.reverse);
  call(good()); // sanity: the good input passes
  const cases: Array<[string, (a: Args) => void, new (...args: never[]) => Error, RegExp]> = [
    [
      'unknown mode',
      (a) => {
        a.mode = 'lstmx' as CellKind;
      },
      ConfigError,
      /mode must be one of .*got lstmx/,
    ],
    [
      'h0 wrong shape',
      (a) => {
        a.h0 = f64([3, 5]);
      },
      ShapeError,
      /h0 must have shape \[3, 4\]; expected \[3, 4\], got \[3, 5\]/,
    ],
    [
      'h0 wrong rank',
      (a) => {
        a.h0 = f64([1, 3, 4]);
      },
      ShapeError,
      /h0 .*expected \[3, 4\], got \[1, 3, 4\]/,
    ],
    [
      'c0 wrong shape',
      (a) => {
        a.c0 = f64([2, 4]);
      },
      ShapeError,
      /c0 .*expected \[3, 4\], got \[2, 4\]/,
    ],
    [
      'c0 missing for lstm',
      (a) => {
        a.c0 = null;
      },
      ConfigError,
      /needs c0; expected .*got null/,
    ],
    [
      'c0 given to gru',
      (a) => {
        a.mode = 'gru';
        a.w = { ...a.w, wIh: f64([3 * H, I]), wHh: f64([3 * H, H]), bIh: null, bHh: null };
      },
      ConfigError,
      /c0 is only used by mode 'lstm'; expected null .*got a tensor/,
    ],
    [
      'wHr given to rnn',
      (a) => {
        a.mode = 'rnn_tanh';
        a.c0 = null;
        a.w = { wIh: f64([H, I]), wHh: f64([H, H]), bIh: null, bHh: null, wHr: f64([2, H]) };
      },
      ConfigError,
      /wHr .*expected null .*got a tensor/,
    ],
    [
      'x rank',
      (a) => {
        a.x = f64([2, 3, I]);
      },
      ShapeError,
      /x must be 2-D .*expected 2 dimensions, got 3/,
    ],
    [
      'x int32',
      (a) => {
        a.x = new Tensor(new Int32Array(6 * I), [6, I]);
      },
      DTypeError,
      /expected float32 or float64, got int32/,
    ],
    [
      'mixed dtype',
      (a) => {
        a.w = { ...a.w, wHh: f32([4 * H, H]) };
      },
      DTypeError,
      /wHh must have x's dtype; expected float64, got float32/,
    ],
    [
      'wIh rows not a multiple of G',
      (a) => {
        a.w = { ...a.w, wIh: f64([4 * H + 1, I]) };
      },
      ShapeError,
      /expected a multiple of 4, got 17/,
    ],
    [
      'wIh inputSize',
      (a) => {
        a.w = { ...a.w, wIh: f64([4 * H, I + 1]) };
      },
      ShapeError,
      /wIh.size\(1\) must equal x.size\(1\).*expected 2, got 3/,
    ],
    [
      'wHh shape',
      (a) => {
        a.w = { ...a.w, wHh: f64([4 * H, H + 1]) };
      },
      ShapeError,
      /wHh .*expected \[16, 4\], got \[16, 5\]/,
    ],
    [
      'bIh shape',
      (a) => {
        a.w = { ...a.w, bIh: f64([4 * H - 1]) };
      },
      ShapeError,
      /bIh .*expected \[16\], got \[15\]/,
    ],
    [
      'bHh shape',
      (a) => {
        a.w = { ...a.w, bHh: f64([1, 4 * H]) };
      },
      ShapeError,
      /bHh .*expected \[16\], got \[1, 16\]/,
    ],
    [
      'wHr inner size',
      (a) => {
        a.w = { ...a.w, wHr: f64([2, H + 1]) };
      },
      ShapeError,
      /wHr.size\(1\) must equal hiddenSize; expected 4, got 5/,
    ],
    [
      'wHh with projection',
      (a) => {
        a.w = { ...a.w, wHr: f64([2, H]) };
      },
      ShapeError,
      /wHh .*expected \[16, 2\], got \[16, 4\]/,
    ],
    [
      'batchSizes empty',
      (a) => {
        a.bs = new Int32Array(0);
      },
      ShapeError,
      /expected at least 1 step, got 0/,
    ],
    [
      'batchSizes increasing',
      (a) => {
        a.bs = Int32Array.from([2, 3, 1]);
      },
      ShapeError,
      /non-increasing.*expected batchSizes\[1\] <= 2, got 3/,
    ],
    [
      'batchSizes zero',
      (a) => {
        a.bs = Int32Array.from([3, 3, 0]);
        a.x = f64([6, I]);
      },
      ShapeError,
      /positive; expected batchSizes\[2\] >= 1, got 0/,
    ],
    [
      'batchSizes sum',
      (a) => {
        a.bs = Int32Array.from([3, 2]);
      },
      ShapeError,
      /sum\(batchSizes\) must equal x.size\(0\); expected 6, got 5/,
    ],
    [
      'batchSizes[0] vs h0',
      (a) => {
        a.bs = Int32Array.from([2, 2, 2]);
      },
      ShapeError,
      /h0 must have shape \[2, 4\]; expected \[2, 4\], got \[3, 4\]/,
    ],
    [
      'batchSizes not Int32Array',
      (a) => {
        a.bs = [3, 2, 1] as unknown as Int32Array;
      },
      ConfigError,
      /batchSizes must be an Int32Array; got \[object Array\]/,
    ],
  ];
  for (const [what, mutate, cls, re] of cases) {
    const a = good();
    mutate(a);
    assert.throws(
      () => call(a),
      (e: unknown) => {
        assert.ok(e instanceof cls, `${what}: expected ${cls.name}, got ${String(e)}`);
        assert.match(e.message, re, what);
        assert.match(e.message, /^recurrentLayer: /, what);
        return true;
      },
      what,
    );
  }
});

// ---------------------------------------------------------------- PyTorch golden fixtures

/**
 * A whole nn.LSTM/GRU/RNN forward built from `recurrentLayer` plus ordinary tensor ops
 * (batch_first, unbatched, stacked layers, both directions, packing by lengths), driven
 * by each layer fixture's contents. The nn modules own the real harness; this checks the
 * op's numbers and gradients against PyTorch directly.
 */
function runFixture(fx: Record<string, unknown>, file: string): void {
  const module = fx.module as string;
  const cfg = fx.config as Record<string, number | boolean | string>;
  const inputs = fx.inputs as Record<string, FixtureTensor>;
  const paramsFx = fx.params as Record<string, FixtureTensor>;
  const mode: CellKind =
    module === 'LSTM'
      ? 'lstm'
      : module === 'GRU'
        ? 'gru'
        : cfg.nonlinearity === 'relu'
          ? 'rnn_relu'
          : 'rnn_tanh';
  const layers = cfg.num_layers as number;
  const D = cfg.bidirectional === true ? 2 : 1;
  const H = cfg.hidden_size as number;
  const proj = (cfg.proj_size as number | undefined) ?? 0;
  const Hout = proj > 0 ? proj : H;
  const params = new Map<string, Tensor>(
    Object.entries(paramsFx).map(([k, v]) => [k, toTensor(v, 'float64', true)]),
  );
  const input = toTensor(inputs.input, 'float64', true);
  const unbatched = input.ndim === 2;
  let x3 = unbatched ? input.unsqueeze(1) : cfg.batch_first === true ? transpose(input, 0, 1) : input; // (L, N, I)
  const [L, N, I] = x3.shape;
  const h0In = inputs.h0 === undefined ? null : toTensor(inputs.h0, 'float64', true);
  const c0In = inputs.c0 === undefined ? null : toTensor(inputs.c0, 'float64', true);
  const state = (t: Tensor | null, size: number): Tensor =>
    t === null ? zeros([D * layers, N, size], { dtype: 'float64' }) : unbatched ? t.unsqueeze(1) : t;
  const h0 = state(h0In, Hout);
  const c0 = mode === 'lstm' ? state(c0In, H) : null;

  // packing: sort by decreasing length, batchSizes[t] = #{lengths > t}
  const lenFx = (fx.inputs as Record<string, unknown>).lengths as FixtureTensor | number[] | undefined;
  const lengths =
    lenFx === undefined ? new Array<number>(N).fill(L) : Array.isArray(lenFx) ? lenFx : lenFx.data;
  const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => lengths[b] - lengths[a] || a - b);
  const inv = new Array<number>(N);
  order.forEach((o, k) => (inv[o] = k));
  const maxLen = lengths[order[0]];
  const batchSizes = Int32Array.from({ length: maxLen }, (_, t) => lengths.filter((l) => l > t).length);
  const rowIndex: number[] = []; // packed row -> row of (L*N)
  const packedRowOf = new Array<number>(L * N).fill(-1);
  for (let t = 0; t < maxLen; t++) {
    for (let j = 0; j < batchSizes[t]; j++) {
      packedRowOf[t * N + order[j]] = rowIndex.length;
      rowIndex.push(t * N + order[j]);
    }
  }
  const rows = rowIndex.length;
  const idx = (a: number[]): Tensor => new Tensor(Int32Array.from(a), [a.length]);
  let layerIn = indexSelect(x3.reshape([L * N, I]), 0, idx(rowIndex)); // (rows, I)
  const hN: Tensor[] = [];
  const cN: Tensor[] = [];
  for (let l = 0; l < layers; l++) {
    const dirOuts: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
      const p = (n: string): Tensor | null => params.get(n + sfx) ?? null;
      const k = l * D + d;
      const r = recurrentLayer(
        mode,
        layerIn,
        batchSizes,
        indexSelect(select(h0, 0, k), 0, idx(order)),
        c0 === null ? null : indexSelect(select(c0, 0, k), 0, idx(order)),
        {
          wIh: p('weight_ih') as Tensor,
          wHh: p('weight_hh') as Tensor,
          bIh: p('bias_ih'),
          bHh: p('bias_hh'),
          wHr: p('weight_hr'),
        },
        d === 1,
      );
      dirOuts.push(r.output);
      hN.push(indexSelect(r.hN, 0, idx(inv)));
      if (r.cN !== null) cN.push(indexSelect(r.cN, 0, idx(inv)));
    }
    layerIn = D === 1 ? dirOuts[0] : cat(dirOuts, 1);
  }
  // unpack: padded positions read an appended zero row
  const padded = cat([layerIn, zeros([1, D * Hout], { dtype: 'float64' })], 0);
  let output = indexSelect(padded, 0, idx(packedRowOf.map((r) => (r < 0 ? rows : r)))).reshape([
    L,
    N,
    D * Hout,
  ]);
  let hOut = stack(hN, 0);
  let cOut = cN.length > 0 ? stack(cN, 0) : null;
  if (unbatched) {
    output = output.squeeze(1);
    hOut = hOut.squeeze(1);
    cOut = cOut === null ? null : cOut.squeeze(1);
  } else if (cfg.batch_first === true) output = transpose(output, 0, 1);
  x3 = input;

  const expected = fx.outputs as Record<string, FixtureTensor>;
  const lw = fx.loss_weights as Record<string, FixtureTensor>;
  const tol = { rtol: 1e-9, atol: 1e-12 };
  const got: Array<[string, Tensor | null]> = [
    ['output', output],
    ['h_n', hOut],
    ['c_n', cOut],
  ];
  let loss: Tensor | null = null;
  for (const [n, t] of got) {
    if (expected[n] === undefined) {
      assert.equal(t, null, `${file}: ${n} not expected`);
      continue;
    }
    const tt = t as Tensor;
    assert.deepEqual(tt.shape, expected[n].shape, `${file}: ${n} shape`);
    assertClose(tt.data, expected[n].data, { ...tol, what: `${file} ${n}` });
    const term = tt.mul(toTensor(lw[n])).sum();
    loss = loss === null ? term : loss.add(term);
  }
  assertClose([(loss as Tensor).item()], [fx.loss as number], { ...tol, what: `${file} loss` });
  (loss as Tensor).backward();
  const grads = fx.grads as Record<string, FixtureTensor>;
  const leaves = new Map<string, Tensor | null>([
    ['input', x3],
    ['h0', h0In],
    ['c0', c0In],
    ...params.entries(),
  ]);
  for (const [n, g] of Object.entries(grads)) {
    const leaf = leaves.get(n);
    assert.ok(leaf !== undefined && leaf !== null, `${file}: no tensor for grad ${n}`);
    assert.ok(leaf.grad !== null, `${file}: no grad for ${n}`);
    assertClose(leaf.grad.data, g.data, { ...tol, what: `${file} grad ${n}` });
  }
}

for (const { file, fx } of loadFixtures()) {
  const module = fx.module as string;
  if (module !== 'LSTM' && module !== 'GRU' && module !== 'RNN') continue;
  test(`recurrentLayer matches PyTorch: ${file}`, () => runFixture(fx, file));
}
