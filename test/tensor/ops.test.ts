import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ShapeError } from '../../src/core/errors.js';
import { Generator, manualSeed } from '../../src/core/rng.js';
import { broadcastShapes, numel } from '../../src/core/shape.js';
import {
  add,
  arange,
  argmax,
  argmin,
  cat,
  chunk,
  div,
  eye,
  full,
  gather,
  indexSelect,
  linear,
  linspace,
  logSoftmax,
  logsumexp,
  matmul,
  max,
  maximum,
  mean,
  min,
  minimum,
  mul,
  ones,
  pow,
  rand,
  randn,
  softmax,
  split,
  stack,
  sub,
  sum,
  tensor,
  Tensor,
  where,
  zeros,
} from '../../src/tensor/index.js';
import { assertClose } from '../helpers/gradcheck.js';
import { repoRoot } from '../helpers/fixtures.js';

interface FxTensor {
  shape: number[];
  data: number[];
  dtype?: 'int32';
}
interface FxCase {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: FxTensor[];
  out?: FxTensor;
  outs?: FxTensor[];
  /** One weighting per output (null for an integer output); present on differentiable ops. */
  upstream?: Array<FxTensor | null>;
  /** PyTorch's gradient of sum_k (out_k * upstream_k).sum() per input; null where it has none. */
  grads?: Array<FxTensor | null>;
}

const fixture = JSON.parse(
  readFileSync(join(repoRoot, 'test', 'fixtures', 'tensor', 'ops.json'), 'utf8'),
) as {
  cases: FxCase[];
};

function load(t: FxTensor, dtype: 'float32' | 'float64', requiresGrad = false): Tensor {
  if (t.dtype === 'int32') return new Tensor(Int32Array.from(t.data), t.shape);
  const data = dtype === 'float64' ? Float64Array.from(t.data) : Float32Array.from(t.data);
  return new Tensor(data, t.shape, { requiresGrad });
}

/** Runs one fixture case through our ops, on the given input tensors. */
function run(
  c: FxCase,
  dtype: 'float32' | 'float64',
  xs = c.inputs.map((t) => load(t, dtype)),
): Tensor | Tensor[] {
  const a = c.args as Record<string, never>;
  const [x, y, z] = xs;
  switch (c.op) {
    case 'add':
      return add(x, y);
    case 'sub':
      return sub(x, y);
    case 'mul':
      return mul(x, y);
    case 'div':
      return div(x, y);
    case 'maximum':
      return maximum(x, y);
    case 'minimum':
      return minimum(x, y);
    case 'pow':
      return pow(x, y ?? a.exponent);
    case 'neg':
    case 'exp':
    case 'log':
    case 'sqrt':
    case 'abs':
    case 'square':
    case 'sigmoid':
    case 'tanh':
    case 'relu':
      return x[c.op as 'exp'].call(x);
    case 'clamp':
      return x.clamp(a.min, a.max);
    case 'where':
      return where(x, y, z);
    case 'sum':
      return sum(x, a.dim, a.keepdim);
    case 'mean':
      return mean(x, a.dim, a.keepdim);
    case 'maxdim': {
      const r = max(x, a.dim, a.keepdim);
      return [r.values, r.indices];
    }
    case 'mindim': {
      const r = min(x, a.dim, a.keepdim);
      return [r.values, r.indices];
    }
    case 'max':
      return max(x);
    case 'min':
      return min(x);
    case 'argmax':
      return argmax(x, a.dim);
    case 'argmin':
      return argmin(x, a.dim);
    case 'logsumexp':
      return logsumexp(x, a.dim);
    case 'softmax':
      return softmax(x, a.dim);
    case 'logSoftmax':
      return logSoftmax(x, a.dim);
    case 'matmul':
      return matmul(x, y);
    case 'linear':
      return linear(x, y, z ?? null);
    case 'permute':
      return x.permute(a.dims);
    case 'transpose':
      return x.transpose(a.dim0, a.dim1);
    case 'slice':
      return x.slice(a.dim, a.start, a.end, a.step);
    case 'narrow':
      return x.narrow(a.dim, a.start, a.length);
    case 'select':
      return x.select(a.dim, a.index);
    case 'expand':
      return x.expand(a.shape);
    case 'cat':
      return cat(xs, a.dim);
    case 'stack':
      return stack(xs, a.dim);
    case 'split':
      return split(x, a.sizes, a.dim);
    case 'chunk':
      return chunk(x, a.chunks, a.dim);
    case 'indexSelect':
      return indexSelect(x, a.dim, y);
    case 'gather':
      return gather(x, a.dim, y);
    case 'linspace':
      return linspace(a.start, a.end, a.steps, { dtype });
    case 'arange':
      return arange(a.start, a.end, a.step, { dtype });
    default:
      throw new Error(`no runner for op ${c.op}`);
  }
}

describe('forward values match PyTorch (test/fixtures/tensor/ops.json)', () => {
  it('has cases', () => assert.ok(fixture.cases.length > 50));
  for (const c of fixture.cases) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${c.name} (${dtype})`, () => {
        const got = run(c, dtype);
        const outs = Array.isArray(got) ? got : [got];
        const want = c.outs ?? [c.out as FxTensor];
        assert.equal(outs.length, want.length, 'number of outputs');
        outs.forEach((o, k) => {
          assert.deepEqual(o.shape, want[k].shape, `${c.name}: output ${k} shape`);
          if (want[k].dtype === 'int32') {
            assert.equal(o.dtype, 'int32');
            assert.deepEqual(o.toArray(), want[k].data);
          } else {
            assert.equal(o.dtype, dtype, `${c.name}: output dtype`);
            const tol = dtype === 'float64' ? { rtol: 1e-12, atol: 1e-13 } : { rtol: 2e-5, atol: 2e-6 };
            assertClose(o.toArray(), want[k].data, { ...tol, what: `${c.name}[${k}]` });
          }
        });
      });
    }
  }
});

describe('gradients match PyTorch (test/fixtures/tensor/ops.json)', () => {
  const withGrads = fixture.cases.filter((c) => c.grads !== undefined);
  it('has cases with gradients, one entry per input and one weighting per output', () => {
    assert.ok(withGrads.length > 60, `${withGrads.length} cases with gradients`);
    for (const c of withGrads) {
      assert.equal(c.grads?.length, c.inputs.length, `${c.name}: grads per input`);
      assert.equal(c.upstream?.length, (c.outs ?? [c.out]).length, `${c.name}: upstream per output`);
    }
  });
  for (const c of withGrads) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${c.name} (${dtype})`, () => {
        // Every float input requires grad, also those PyTorch gives none (a where() condition).
        const xs = c.inputs.map((t) => load(t, dtype, t.dtype !== 'int32'));
        const got = run(c, dtype, xs);
        const outs = Array.isArray(got) ? got : [got];
        let loss: Tensor | null = null;
        (c.upstream ?? []).forEach((w, k) => {
          if (w === null) return;
          const term = outs[k].mul(load(w, dtype)).sum();
          loss = loss === null ? term : loss.add(term);
        });
        assert.ok(loss !== null, `${c.name}: no weighted output`);
        (loss as Tensor).backward();
        const tol = dtype === 'float64' ? { rtol: 1e-11, atol: 1e-12 } : { rtol: 1e-4, atol: 1e-5 };
        (c.grads ?? []).forEach((want, i) => {
          const g = xs[i].grad;
          if (want === null) {
            // No gradient in PyTorch: none here either, or an all-zero one.
            if (g !== null)
              assert.ok(
                g.toArray().every((v) => v === 0),
                `${c.name}: input ${i} has a gradient`,
              );
            return;
          }
          assert.ok(g !== null, `${c.name}: input ${i} got no gradient`);
          assert.deepEqual(g.shape, want.shape, `${c.name}: grad ${i} shape`);
          assert.equal(g.dtype, dtype, `${c.name}: grad ${i} dtype`);
          assertClose(g.toArray(), want.data, { ...tol, what: `${c.name} grad[${i}]` });
        });
      });
    }
  }
});

/** Reference broadcasting: right-align, sizes equal or 1. Null when incompatible. */
function refBroadcast(a: number[], b: number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

const shapeArb = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 });
/** Two shapes that are often (not always) compatible: b derived from a by dropping/setting 1s. */
const pairArb = fc
  .tuple(shapeArb, fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 4 }), fc.integer({ min: 0, max: 2 }))
  .map(([a, ops, drop]) => {
    const b = a.slice(Math.min(drop, a.length)).map((s, i) => (ops[i] === 0 ? 1 : ops[i] === 1 ? s : s + 1));
    return [a, b] as const;
  });

describe('broadcasting (property)', () => {
  it('broadcastShapes agrees with a reference, both ways round', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        const want = refBroadcast(a, b);
        for (const [x, y] of [
          [a, b],
          [b, a],
        ]) {
          if (want === null) assert.throws(() => broadcastShapes(x, y, 'add'), ShapeError);
          else assert.deepEqual(broadcastShapes(x, y, 'add'), want);
        }
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('add(a, b) equals an explicit loop over the broadcast index', () => {
    fc.assert(
      fc.property(
        pairArb.filter(([a, b]) => refBroadcast([...a], [...b]) !== null),
        ([a, b]) => {
          const g = new Generator(numel(a) * 31 + numel(b));
          const ta = rand(a, { dtype: 'float64', generator: g });
          const tb = rand(b, { dtype: 'float64', generator: g });
          const out = add(ta, tb);
          const shape = refBroadcast([...a], [...b]) as number[];
          assert.deepEqual(out.shape, shape);
          const n = numel(shape);
          const idx = new Array<number>(shape.length).fill(0);
          const flat = (s: readonly number[]): number => {
            let off = 0;
            for (let i = 0; i < s.length; i++) {
              const j = shape.length - s.length + i;
              off = off * s[i] + (s[i] === 1 ? 0 : idx[j]);
            }
            return off;
          };
          for (let o = 0; o < n; o++) {
            assert.equal(out.data[o], ta.data[flat(a)] + tb.data[flat(b)], `element ${o}`);
            for (let d = shape.length - 1; d >= 0; d--) {
              if (++idx[d] < shape[d]) break;
              idx[d] = 0;
            }
          }
        },
      ),
      { numRuns: 300, seed: 12 },
    );
  });

  it('broadcasts in the patterns [3,1]x[1,4], [2,3,4]x[4], 0-d, [1]x[5]', () => {
    assert.deepEqual(add(zeros([3, 1]), zeros([1, 4])).shape, [3, 4]);
    assert.deepEqual(add(zeros([2, 3, 4]), zeros([4])).shape, [2, 3, 4]);
    assert.deepEqual(add(tensor(2), zeros([2, 2])).shape, [2, 2]);
    assert.deepEqual(add(zeros([2, 2]), tensor(2)).toArray(), [2, 2, 2, 2]);
    assert.deepEqual(add(tensor([1]), tensor([1, 2, 3, 4, 5])).toArray(), [2, 3, 4, 5, 6]);
    assert.deepEqual(sub(tensor([[1], [2]]), tensor([10, 20])).toNested(), [
      [-9, -19],
      [-8, -18],
    ]);
  });
});

describe('reductions with NaN and ties', () => {
  it('max and min propagate NaN like torch (values and index of the first NaN)', () => {
    const x = tensor([
      [1, NaN, 3, NaN],
      [4, 2, 0, 1],
    ]);
    assert.ok(Number.isNaN(max(x).item()));
    assert.ok(Number.isNaN(min(x).item()));
    const r = max(x, 1);
    assert.ok(Number.isNaN(r.values.data[0]));
    assert.equal(r.values.data[1], 4);
    assert.deepEqual(r.indices.toArray(), [1, 0]);
    const m = min(x, 1);
    assert.ok(Number.isNaN(m.values.data[0]));
    assert.deepEqual(m.indices.toArray(), [1, 2]);
    assert.deepEqual(argmax(tensor([NaN, 5, NaN])).toArray(), [0]);
    assert.ok(Number.isNaN(maximum(tensor([NaN, 1]), tensor([0, NaN])).data[0]));
    assert.ok(Number.isNaN(minimum(tensor([1, 2]), tensor([0, NaN])).data[1]));
  });

  it('sum and mean propagate NaN', () => {
    assert.ok(Number.isNaN(sum(tensor([1, NaN])).item()));
    const m = mean(
      tensor([
        [1, NaN],
        [2, 4],
      ]),
      1,
    );
    assert.ok(Number.isNaN(m.data[0]));
    assert.equal(m.data[1], 3);
  });

  it('argmax / argmin return the first index on ties', () => {
    assert.equal(argmax(tensor([1, 3, 3, 2, 3])).item(), 1);
    assert.equal(argmin(tensor([2, 0, 5, 0])).item(), 1);
    assert.deepEqual(
      argmax(
        tensor([
          [7, 7],
          [1, 9],
          [7, 9],
        ]),
        0,
      ).toArray(),
      [0, 1],
    );
    assert.deepEqual(
      argmin(
        tensor([
          [4, 4, 4],
          [5, 1, 1],
        ]),
        1,
        true,
      ).toNested(),
      [[0], [1]],
    );
    assert.deepEqual(max(tensor([[2, 5, 5]]), 1).indices.toArray(), [1]);
  });

  it('argmax over all elements indexes the flattened tensor', () => {
    const r = argmax(
      tensor([
        [0, 1],
        [9, 2],
      ]),
    );
    assert.equal(r.dtype, 'int32');
    assert.deepEqual(r.shape, []);
    assert.equal(r.item(), 2);
  });
});

describe('0-d tensors', () => {
  it('sum / mean / logsumexp / max over dim 0 or -1 return the value (as torch)', () => {
    const x = tensor(3, { dtype: 'float64' });
    for (const r of [
      sum(x, 0),
      sum(x, -1, true),
      mean(x, 0),
      logsumexp(x, 0),
      max(x, 0).values,
      min(x, -1).values,
    ]) {
      assert.deepEqual(r.shape, []);
      assert.equal(r.item(), 3);
    }
    assert.equal(max(x, 0).indices.item(), 0);
    assert.equal(softmax(x, 0).item(), 1);
    assert.equal(logSoftmax(x, -1).item(), 0);
    assert.equal(sum(x).item(), 3);
  });
});

describe('dtype promotion', () => {
  const i32 = tensor([1, 2, 3], { dtype: 'int32' });
  const f32 = tensor([0.5, 0.5, 0.5], { dtype: 'float32' });
  const f64 = tensor([0.25, 0.25, 0.25], { dtype: 'float64' });
  it('int32 + float32 -> float32', () => {
    const r = add(i32, f32);
    assert.equal(r.dtype, 'float32');
    assert.deepEqual(r.toArray(), [1.5, 2.5, 3.5]);
  });
  it('float32 + float64 -> float64 (either order)', () => {
    assert.equal(add(f32, f64).dtype, 'float64');
    assert.equal(mul(f64, f32).dtype, 'float64');
    assert.deepEqual(add(f32, f64).toArray(), [0.75, 0.75, 0.75]);
  });
  it('int32 / int32 -> float (true division)', () => {
    const r = div(i32, tensor([2, 2, 2], { dtype: 'int32' }));
    assert.equal(r.dtype, 'float32');
    assert.deepEqual(r.toArray(), [0.5, 1, 1.5]);
  });
  it('int32 with an integer number stays int32; with a fraction becomes float', () => {
    assert.equal(add(i32, 2).dtype, 'int32');
    const r = mul(i32, 0.5);
    assert.equal(r.dtype, 'float32');
    assert.deepEqual(r.toArray(), [0.5, 1, 1.5]);
  });
  it('int32 + float64 -> float64; float64 with a number stays float64', () => {
    assert.equal(sub(i32, f64).dtype, 'float64');
    assert.equal(add(f64, 1).dtype, 'float64');
  });
});

describe('creation', () => {
  it('arange: integer args give int32, fractional give float', () => {
    const a = arange(5);
    assert.equal(a.dtype, 'int32');
    assert.deepEqual(a.toArray(), [0, 1, 2, 3, 4]);
    assert.deepEqual(arange(2, 8, 3).toArray(), [2, 5]);
    const f = arange(0, 1, 0.25);
    assert.equal(f.dtype, 'float32');
    assert.deepEqual(f.toArray(), [0, 0.25, 0.5, 0.75]);
    assert.deepEqual(arange(3, 3).shape, [0]);
    assert.deepEqual(arange(4, 0, -1).toArray(), [4, 3, 2, 1]);
  });
  it('linspace includes both ends; steps 1 and 0', () => {
    assert.deepEqual(linspace(-1, 1, 5, { dtype: 'float64' }).toArray(), [-1, -0.5, 0, 0.5, 1]);
    assert.deepEqual(linspace(3, 9, 1).toArray(), [3]);
    assert.deepEqual(linspace(3, 9, 0).shape, [0]);
  });
  it('eye, zeros, ones, full', () => {
    assert.deepEqual(eye(3).toNested(), [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const z = zeros([2, 0, 3]);
    assert.deepEqual(z.shape, [2, 0, 3]);
    assert.equal(z.numel(), 0);
    assert.equal(zeros([2]).dtype, 'float32');
    const o = ones([2, 2], { dtype: 'float64' });
    assert.equal(o.dtype, 'float64');
    assert.deepEqual(o.toArray(), [1, 1, 1, 1]);
    const f = full([3], 7, { dtype: 'int32' });
    assert.equal(f.dtype, 'int32');
    assert.deepEqual(f.toArray(), [7, 7, 7]);
    assert.deepEqual(full([], -2.5).toNested(), -2.5);
  });
  it('rand/randn are reproducible with a Generator and with manualSeed', () => {
    const a = randn([50], { generator: new Generator(5) }).toArray();
    const b = randn([50], { generator: new Generator(5) }).toArray();
    const c = randn([50], { generator: new Generator(6) }).toArray();
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    manualSeed(3);
    const u1 = rand([20]).toArray();
    const n1 = randn([7]).toArray();
    manualSeed(3);
    assert.deepEqual(rand([20]).toArray(), u1);
    assert.deepEqual(randn([7]).toArray(), n1);
    assert.notDeepEqual(rand([20]).toArray(), u1);
  });
  it('rand stays in [low, high)', () => {
    const u = rand([2000], { low: -3, high: -1, generator: new Generator(1), dtype: 'float64' }).toArray();
    assert.ok(u.every((v) => v >= -3 && v < -1));
    assert.ok(Math.min(...u) < -2.99 && Math.max(...u) > -1.01);
  });
  it('randn has mean ~0, std ~1, and symmetric tails on a large sample', () => {
    const x = randn([100000], { generator: new Generator(2024), dtype: 'float64' }).toArray();
    const n = x.length;
    const m = x.reduce((s, v) => s + v, 0) / n;
    const v = x.reduce((s, t) => s + (t - m) ** 2, 0) / n;
    const skew = x.reduce((s, t) => s + (t - m) ** 3, 0) / n;
    const kurt = x.reduce((s, t) => s + (t - m) ** 4, 0) / n / (v * v);
    assert.ok(Math.abs(m) < 0.02, `mean ${m}`);
    assert.ok(Math.abs(Math.sqrt(v) - 1) < 0.02, `std ${Math.sqrt(v)}`);
    assert.ok(Math.abs(skew) < 0.05, `skew ${skew}`);
    assert.ok(Math.abs(kurt - 3) < 0.1, `kurtosis ${kurt}`);
    const within1 = x.filter((t) => Math.abs(t) < 1).length / n;
    assert.ok(Math.abs(within1 - 0.6827) < 0.01, `P(|x|<1) = ${within1}`);
  });
  it('tensor() from nested arrays, numbers and typed arrays', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.toArray(), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(tensor(5).shape, []);
    assert.deepEqual(tensor([]).shape, [0]);
    assert.deepEqual(tensor([[[1], [2]]]).shape, [1, 2, 1]);
    const typed = tensor(new Float64Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] });
    assert.equal(typed.dtype, 'float64');
    assert.deepEqual(typed.toNested(), [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    assert.equal(tensor([1, 2], { dtype: 'int32' }).dtype, 'int32');
  });
  it('tensor() from ragged arrays throws ShapeError', () => {
    assert.throws(
      () => tensor([[1, 2], [3]]),
      (e: unknown) => e instanceof ShapeError && /expected length 2.*got 1/.test(e.message),
    );
    assert.throws(() => tensor([[1, 2], 3] as never), ShapeError);
    assert.throws(() => tensor([1, [2]] as never), ShapeError);
    assert.throws(() => tensor([[[1, 2]], [[3]]]), ShapeError);
  });
  it('toNested round-trips and item() reads one element', () => {
    const nested = [[[1, 2]], [[3, 4]], [[5, 6]]];
    assert.deepEqual(tensor(nested).toNested(), nested);
    assert.equal(tensor(3.5).toNested(), 3.5);
    assert.equal(tensor([[2.5]]).item(), 2.5);
    assert.equal(sum(tensor([1, 2, 3])).item(), 6);
    assert.throws(
      () => tensor([1, 2]).item(),
      (e: unknown) => e instanceof ShapeError && /item.*expected 1 element, got 2/.test(e.message),
    );
  });
});

describe('pow exponents', () => {
  it('pow with number and tensor exponents', () => {
    assert.deepEqual(pow(tensor([1, 2, 3]), 2).toArray(), [1, 4, 9]);
    assert.deepEqual(pow(2, tensor([0, 1, 3])).toArray(), [1, 2, 8]);
    assert.deepEqual(
      pow(tensor([-2], { dtype: 'float64' }), 0.5)
        .toArray()
        .map(Number.isNaN),
      [true],
    );
  });
});
