// The foreach step (the default) against the per-tensor step (`foreach: false`): the
// same bytes in every parameter and every state buffer, step after step, for every
// optimizer and the options that change its loop; in float32 (where a value kept in a
// double instead of re-read from its Float32Array would show) and float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ShapeError } from '../../src/core/errors.js';
import { Tensor } from '../../src/tensor/index.js';
import { Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer, type LrHyper } from '../../src/optim/index.js';

type Dtype = 'float32' | 'float64';
type Make = (params: Tensor[], foreach: boolean) => Optimizer<LrHyper>;

const SHAPES: number[][] = [[7, 5], [3], [1], [13], [2, 2]];
const STEPS = 6;

/** A deterministic stream of values in [-1, 1) (an LCG), so both runs see the same numbers. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

function makeParams(dtype: Dtype): Tensor[] {
  const r = lcg(7);
  return SHAPES.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const d = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) d[i] = r();
    return new Tensor(d, shape, { requiresGrad: true });
  });
}

/** Sets this step's gradients; parameter 3 has none on steps 1 and 2 (its step count falls behind). */
function setGrads(params: Tensor[], step: number, dtype: Dtype): void {
  const r = lcg(1000 + step);
  params.forEach((p, j) => {
    if (j === 3 && (step === 1 || step === 2)) {
      p.grad = null;
      return;
    }
    const n = p.numel();
    const g = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) g[i] = r() * (j + 1);
    p.grad = new Tensor(g, p.shape);
  });
}

function bytesOf(t: Tensor): Uint8Array {
  const d = t.data;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice();
}

/** Every parameter and every state value of `opt`, in order, as comparable values. */
function snapshot(params: Tensor[], opt: Optimizer<LrHyper>): unknown[] {
  const out: unknown[] = params.map(bytesOf);
  for (const p of params) {
    const st = opt.state.get(p);
    if (st === undefined) {
      out.push('no state');
      continue;
    }
    for (const k of Object.keys(st).sort()) {
      const v = st[k];
      out.push(k, v instanceof Tensor ? bytesOf(v) : v);
    }
  }
  return out;
}

const CASES: Array<[string, Make]> = [];
function add(name: string, make: Make): void {
  CASES.push([name, make]);
}
for (const o of [
  {},
  { weightDecay: 0.1 },
  { momentum: 0.9 },
  { momentum: 0.9, nesterov: true, weightDecay: 0.01 },
  { momentum: 0.5, dampening: 0.3, weightDecay: 0.1 },
  { momentum: 0.9, maximize: true },
]) {
  add(`SGD ${JSON.stringify(o)}`, (p, foreach) => new SGD(p, { lr: 0.05, ...o, foreach }));
}
for (const o of [
  {},
  { weightDecay: 0.1 },
  { amsgrad: true },
  { maximize: true },
  { amsgrad: true, weightDecay: 0.05 },
]) {
  add(`Adam ${JSON.stringify(o)}`, (p, foreach) => new Adam(p, { lr: 0.01, ...o, foreach }));
}
for (const o of [{}, { amsgrad: true }, { maximize: true, weightDecay: 0.1 }, { weightDecay: 0 }]) {
  add(`AdamW ${JSON.stringify(o)}`, (p, foreach) => new AdamW(p, { lr: 0.01, ...o, foreach }));
}
for (const o of [
  {},
  { momentum: 0.9 },
  { centered: true },
  { centered: true, momentum: 0.5, weightDecay: 0.1 },
  { maximize: true },
]) {
  add(`RMSprop ${JSON.stringify(o)}`, (p, foreach) => new RMSprop(p, { lr: 0.01, ...o, foreach }));
}
for (const o of [
  {},
  { lrDecay: 0.01, weightDecay: 0.1 },
  { initialAccumulatorValue: 0.1 },
  { maximize: true },
]) {
  add(`Adagrad ${JSON.stringify(o)}`, (p, foreach) => new Adagrad(p, { lr: 0.1, ...o, foreach }));
}
// two groups with different options in one optimizer
add(
  'Adam two groups (plain, amsgrad + L2)',
  (p, foreach) =>
    new Adam([{ params: p.slice(0, 2) }, { params: p.slice(2), amsgrad: true, weightDecay: 0.1 }], {
      lr: 0.01,
      foreach,
    }),
);
add(
  'SGD two groups (momentum, plain)',
  (p, foreach) =>
    new SGD([{ params: p.slice(0, 3), momentum: 0.9 }, { params: p.slice(3) }], { lr: 0.05, foreach }),
);

for (const [name, make] of CASES) {
  for (const dtype of ['float32', 'float64'] as const) {
    test(`foreach step = per-tensor step, byte for byte: ${name} ${dtype}`, () => {
      const pa = makeParams(dtype);
      const pb = makeParams(dtype);
      const fast = make(pa, true);
      const ref = make(pb, false);
      assert.equal(fast.foreach, true);
      assert.equal(ref.foreach, false);
      for (let s = 0; s < STEPS; s++) {
        setGrads(pa, s, dtype);
        setGrads(pb, s, dtype);
        const before = pa.map((p) => p.storage.version);
        fast.step();
        ref.step();
        assert.deepEqual(snapshot(pa, fast), snapshot(pb, ref), `${name} ${dtype}: step ${s}`);
        pa.forEach((p, j) => {
          if (p.grad !== null)
            assert.ok(p.storage.version > before[j], `step ${s}: param ${j} marked modified`);
        });
      }
      // the parameters moved (the comparison is not between two unchanged copies)
      assert.notDeepEqual(bytesOf(pa[0]), bytesOf(makeParams(dtype)[0]));
    });
  }
}

test('foreach: a state dict saved by the per-tensor step resumes the same bytes, and back', () => {
  for (const [name, make] of CASES) {
    const pa = makeParams('float32');
    const pb = makeParams('float32');
    const ref = make(pb, false);
    for (let s = 0; s < 3; s++) {
      setGrads(pb, s, 'float32');
      ref.step();
    }
    for (let i = 0; i < pa.length; i++) pa[i].data.set(pb[i].data);
    const fast = make(pa, true);
    fast.loadStateDict(ref.stateDict());
    for (let s = 3; s < STEPS; s++) {
      setGrads(pa, s, 'float32');
      setGrads(pb, s, 'float32');
      fast.step();
      ref.step();
    }
    assert.deepEqual(snapshot(pa, fast), snapshot(pb, ref), name);
    const again = make(makeParams('float32'), false);
    again.loadStateDict(fast.stateDict());
    assert.deepEqual(again.stateDict().param_groups, fast.stateDict().param_groups, name);
  }
});

test('foreach: a gradient of the wrong size throws before any parameter changes; foreach must be a boolean', () => {
  const ps = makeParams('float32');
  setGrads(ps, 0, 'float32');
  ps[4].grad = new Tensor(new Float32Array(3), [3]);
  const before = ps.map(bytesOf);
  const opt = new Adam(ps, { lr: 0.1 });
  assert.throws(
    () => opt.step(),
    (e: unknown) => e instanceof ShapeError && /Adam\.step: .*expected \[2, 2\], got \[3\]/.test(e.message),
  );
  assert.deepEqual(ps.map(bytesOf), before);
  assert.throws(
    () => new SGD(ps, { foreach: 1 as never }),
    (e: unknown) => e instanceof ConfigError && /SGD: foreach must be a boolean; got 1/.test(e.message),
  );
  // foreach is the optimizer's, not a group option: it is not in the state dict
  assert.equal('foreach' in new SGD(ps, { foreach: false }).stateDict().param_groups[0], false);
});
