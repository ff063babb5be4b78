/*
 * Finite-difference gradient checks (float64, random cotangent) for every op with a
 * backward rule, including broadcasting and reused nodes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Generator } from '../../src/core/rng.js';
import {
  abs,
  add,
  cat,
  chunk,
  clamp,
  div,
  exp,
  gather,
  indexSelect,
  linear,
  log,
  logSoftmax,
  logsumexp,
  matmul,
  max,
  maximum,
  mean,
  min,
  minimum,
  mul,
  neg,
  pow,
  relu,
  sigmoid,
  softmax,
  split,
  sqrt,
  square,
  stack,
  sub,
  sum,
  tanh,
  tensor,
  Tensor,
  where,
} from '../../src/tensor/index.js';
import { gradcheck } from '../helpers/gradcheck.js';

const gen = new Generator(20240601);

/** A float64 leaf with uniform values in [lo, hi) that requires grad. */
function p(shape: number[], lo = -1, hi = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = gen.uniform(lo, hi);
  return new Tensor(d, shape, { requiresGrad: true });
}

/** Values away from 0 (|v| in [0.3, 1.5)) with random signs. */
function awayFromZero(shape: number[]): Tensor {
  const t = p(shape, 0.3, 1.5);
  const d = t.data;
  for (let i = 0; i < d.length; i++) if (gen.uniform() < 0.5) d[i] = -d[i];
  return t;
}

/** Distinct values (a shuffled grid, spaced 0.1 apart) so max/min/maximum have no ties. */
function distinct(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const vals = gen.permutation(n).map((k) => (k - n / 2) * 0.1 + 0.013);
  return new Tensor(Float64Array.from(vals), shape, { requiresGrad: true });
}

const int = (v: number[], shape = [v.length]): Tensor => new Tensor(Int32Array.from(v), shape);

const patterns: Array<[string, number[], number[]]> = [
  ['[3,1] x [1,4]', [3, 1], [1, 4]],
  ['[2,3,4] x [4]', [2, 3, 4], [4]],
  ['0-d x [2,3]', [], [2, 3]],
  ['[2,3] x 0-d', [2, 3], []],
  ['[1] x [5]', [1], [5]],
  ['[2,1,3] x [4,1]', [2, 1, 3], [4, 1]],
  ['same shape [2,3]', [2, 3], [2, 3]],
];

describe('gradcheck: broadcasting binary ops (both operands require grad)', () => {
  for (const [name, sa, sb] of patterns) {
    it(`add ${name}`, () => gradcheck(add, [p(sa), p(sb)]));
    it(`sub ${name}`, () => gradcheck(sub, [p(sa), p(sb)]));
    it(`mul ${name}`, () => gradcheck(mul, [p(sa), p(sb)]));
    it(`div ${name}`, () => gradcheck(div, [p(sa), awayFromZero(sb)]));
    it(`pow ${name} (tensor exponent)`, () => gradcheck(pow, [p(sa, 0.5, 2), p(sb, -1.5, 1.5)]));
    it(`maximum ${name}`, () => {
      const a = distinct(sa);
      const b = distinct(sb);
      noTies(a, b);
      gradcheck(maximum, [a, b]);
    });
    it(`minimum ${name}`, () => {
      const a = distinct(sa);
      const b = distinct(sb);
      noTies(a, b);
      gradcheck(minimum, [a, b]);
    });
  }
  it('maximum/minimum split the gradient evenly on ties; clamp passes it at the bounds (as torch)', () => {
    const a = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const b = tensor([1, 3], { dtype: 'float64', requiresGrad: true });
    maximum(a, b).sum().backward();
    assert.deepEqual(
      [a.grad?.toArray(), b.grad?.toArray()],
      [
        [0.5, 0],
        [0.5, 1],
      ],
    );
    a.grad = null;
    b.grad = null;
    minimum(a, b).sum().backward();
    const grads = [a, b].map((t) => t.grad?.toArray());
    assert.deepEqual(grads, [
      [0.5, 1],
      [0.5, 0],
    ]);
    const c = tensor([1, 5, 0, 6], { dtype: 'float64', requiresGrad: true });
    clamp(c, 1, 5).sum().backward();
    assert.deepEqual(c.grad?.toArray(), [1, 1, 0, 0]);
  });
  it('only one operand requiring grad gets a gradient', () => {
    const a = p([2, 3]);
    const b = new Tensor(Float64Array.from([0.5, -1, 2]), [3]);
    gradcheck(mul, [a, b]);
    assert.equal(b.grad, null);
  });
  it('number operands on either side', () => {
    gradcheck((x) => add(sub(mul(2.5, x), 1), div(x, 3)), [p([2, 3])]);
    gradcheck((x) => div(1, x), [awayFromZero([4])]);
    gradcheck((x) => sub(3, x), [p([4])]);
  });
  it('pow with number exponents (2.5, 3, -1.5, 0.5) and a number base', () => {
    gradcheck((x) => pow(x, 2.5), [p([2, 3], 0.2, 2)]);
    gradcheck((x) => pow(x, 3), [p([2, 3], -2, 2)]);
    gradcheck((x) => pow(x, -1.5), [p([5], 0.3, 2)]);
    gradcheck((x) => pow(x, 0.5), [p([5], 0.3, 2)]);
    gradcheck((e) => pow(1.7, e), [p([5], -2, 2)]);
  });
});

/** Nudges b so no element of the broadcast pair is equal to a's (distinct grids are offset). */
function noTies(a: Tensor, b: Tensor): void {
  const d = b.data;
  for (let i = 0; i < d.length; i++) d[i] += 0.037;
  void a;
}

describe('gradcheck: unary ops', () => {
  it('neg', () => gradcheck(neg, [p([3, 4])]));
  it('exp', () => gradcheck(exp, [p([3, 4], -2, 2)]));
  it('log', () => gradcheck(log, [p([3, 4], 0.2, 3)]));
  it('sqrt', () => gradcheck(sqrt, [p([3, 4], 0.2, 3)]));
  it('abs (away from 0)', () => gradcheck(abs, [awayFromZero([3, 4])]));
  it('square', () => gradcheck(square, [p([3, 4], -2, 2)]));
  it('sigmoid', () => gradcheck(sigmoid, [p([3, 4], -5, 5)]));
  it('tanh', () => gradcheck(tanh, [p([3, 4], -3, 3)]));
  it('relu (away from 0)', () => gradcheck(relu, [awayFromZero([3, 4])]));
  it('clamp both bounds (away from the kinks)', () => {
    const x = new Tensor(Float64Array.from([-1.2, -0.31, -0.1, 0.2, 0.45, 0.9, 1.3, -0.7]), [2, 4], {
      requiresGrad: true,
    });
    gradcheck((t) => clamp(t, -0.5, 0.6), [x]);
  });
  it('clamp min only / max only', () => {
    gradcheck((t) => clamp(t, 0.1), [awayFromZero([6]).detach().add(0.05).requiresGrad_()]);
    gradcheck((t) => clamp(t, null, -0.1), [awayFromZero([6]).detach().add(0.05).requiresGrad_()]);
  });
  it('where with broadcasting (both branches require grad)', () => {
    const cond = new Tensor(Float64Array.from([1, 0, 1]), [3, 1]);
    gradcheck((a, b) => where(cond, a, b), [p([1, 4]), p([3, 4])]);
    gradcheck((a) => where(cond, a, 0), [p([3, 2])]);
    gradcheck((b) => where(cond, 5, b), [p([4])]);
  });
  it('to(float64) from float32 passes the gradient back in float32', () => {
    const x = new Tensor(Float32Array.from([0.5, -1, 2]), [3], { requiresGrad: true });
    const y = x
      .to('float64')
      .mul(tensor([1, 2, 3], { dtype: 'float64' }))
      .sum();
    y.backward();
    assert.equal(x.grad?.dtype, 'float32');
    assert.deepEqual(x.grad?.toArray(), [1, 2, 3]);
    // float64 -> float32 -> float64 is linear up to float32 rounding: a wide step hides that
    gradcheck((t) => t.to('float32').to('float64').mul(2), [p([3])], { atol: 1e-5, rtol: 1e-5, eps: 0.1 });
  });
});

describe('gradcheck: reductions', () => {
  const x = (): Tensor => p([2, 3, 4]);
  it('sum all / one dim / several dims / keepdim / negative dims', () => {
    gradcheck((t) => sum(t), [x()]);
    gradcheck((t) => sum(t, 1), [x()]);
    gradcheck((t) => sum(t, [0, 2]), [x()]);
    gradcheck((t) => sum(t, [2, 0], true), [x()]);
    gradcheck((t) => sum(t, -1, true), [x()]);
    gradcheck((t) => sum(t, [-3, -2]), [x()]);
    gradcheck((t) => sum(t), [p([])]);
  });
  it('mean all / one dim / several dims / keepdim / negative dims', () => {
    gradcheck((t) => mean(t), [x()]);
    gradcheck((t) => mean(t, 0), [x()]);
    gradcheck((t) => mean(t, [0, 1]), [x()]);
    gradcheck((t) => mean(t, [1, 2], true), [x()]);
    gradcheck((t) => mean(t, -2, true), [x()]);
    gradcheck((t) => mean(t, [-1, 0]), [x()]);
  });
  it('max/min values along a dim (and keepdim)', () => {
    gradcheck((t) => max(t, 1).values, [distinct([2, 3, 4])]);
    gradcheck((t) => max(t, -1, true).values, [distinct([2, 3, 4])]);
    gradcheck((t) => min(t, 0).values, [distinct([2, 3, 4])]);
    gradcheck((t) => min(t, 2, true).values, [distinct([2, 3, 4])]);
  });
  it('max/min over all elements', () => {
    gradcheck((t) => max(t), [distinct([3, 4])]);
    gradcheck((t) => min(t), [distinct([3, 4])]);
  });
  it('max/min over all elements share the gradient among ties (as torch); along a dim the first index takes it', () => {
    const a = tensor([2, 2, 1], { dtype: 'float64', requiresGrad: true });
    max(a).mul(3).backward();
    assert.deepEqual(a.grad?.toArray(), [1.5, 1.5, 0]);
    const b = tensor([[2, 1, 1, 1]], { dtype: 'float64', requiresGrad: true });
    min(b).backward();
    assert.deepEqual(b.grad?.toArray(), [0, 1 / 3, 1 / 3, 1 / 3]);
    const c = tensor([[2, 2, 1]], { dtype: 'float64', requiresGrad: true });
    max(c, 1).values.sum().backward();
    assert.deepEqual(c.grad?.toArray(), [1, 0, 0]);
  });
  it('reductions of a 0-d tensor over dim 0 / -1 are the identity', () => {
    gradcheck((t) => sum(t, 0), [p([])]);
    gradcheck((t) => mean(t, -1, true), [p([])]);
    gradcheck((t) => logsumexp(t, 0), [p([])]);
    gradcheck((t) => max(t, 0).values, [p([])]);
    gradcheck((t) => softmax(t, 0).add(t), [p([])]);
  });
  for (const d of [0, 1, 2, -1]) {
    it(`logsumexp dim ${d} (and keepdim)`, () => {
      gradcheck((t) => logsumexp(t, d), [p([2, 3, 4], -3, 3)]);
      gradcheck((t) => logsumexp(t, d, true), [p([2, 3, 4], -3, 3)]);
    });
    it(`softmax / logSoftmax dim ${d}`, () => {
      gradcheck((t) => softmax(t, d), [p([2, 3, 4], -3, 3)]);
      gradcheck((t) => logSoftmax(t, d), [p([2, 3, 4], -3, 3)]);
    });
  }
  it('softmax / logSoftmax of a 1-D tensor (default dim)', () => {
    gradcheck((t) => softmax(t), [p([5], -2, 2)]);
    gradcheck((t) => logSoftmax(t), [p([5], -2, 2)]);
  });
});

describe('gradcheck: matmul and linear', () => {
  it('1-D . 1-D', () => gradcheck(matmul, [p([4]), p([4])]));
  it('2-D @ 2-D', () => gradcheck(matmul, [p([3, 4]), p([4, 5])]));
  it('1-D @ 2-D', () => gradcheck(matmul, [p([4]), p([4, 2])]));
  it('2-D @ 1-D', () => gradcheck(matmul, [p([3, 4]), p([4])]));
  it('batched with broadcast batch dims [2,1,3,4] @ [5,4,2]', () =>
    gradcheck(matmul, [p([2, 1, 3, 4]), p([5, 4, 2])]));
  it('batched 3-D @ 2-D and 1-D @ 3-D', () => {
    gradcheck(matmul, [p([2, 3, 4]), p([4, 2])]);
    gradcheck(matmul, [p([4]), p([2, 4, 3])]);
  });
  it('linear with bias', () => gradcheck(linear, [p([3, 4]), p([5, 4]), p([5])]));
  it('linear without bias', () => gradcheck((a, w) => linear(a, w), [p([3, 4]), p([5, 4])]));
  it('linear with a 3-D input', () => gradcheck(linear, [p([2, 3, 4]), p([2, 4]), p([2])]));
  it('linear with a 1-D input', () => gradcheck(linear, [p([4]), p([3, 4]), p([3])]));
});

describe('gradcheck: shape ops', () => {
  it('reshape / view / flatten', () => {
    gradcheck((t) => t.reshape([4, -1]).mul(t.reshape([4, 6])), [p([2, 3, 4])]);
    gradcheck((t) => t.view([6, 4]).sigmoid(), [p([2, 3, 4])]);
    gradcheck((t) => t.flatten(1).tanh(), [p([2, 3, 4])]);
    gradcheck((t) => t.flatten().exp(), [p([2, 3, 4])]);
  });
  it('squeeze / unsqueeze', () => {
    const w3 = p([3]).detach();
    const w243 = p([2, 4, 3]).detach();
    gradcheck((t) => t.squeeze().mul(w3), [p([1, 3, 1])]);
    gradcheck((t) => t.squeeze(2).square(), [p([1, 3, 1])]);
    gradcheck((t) => t.unsqueeze(1).mul(w243), [p([2, 3])]);
    gradcheck((t) => t.unsqueeze(-1).exp(), [p([2, 3])]);
  });
  it('permute / transpose / t', () => {
    const w = p([3, 2]).detach();
    gradcheck((t) => t.permute([2, 0, 1]).sigmoid(), [p([2, 3, 4])]);
    gradcheck((t) => t.permute([-1, 1, 0]).square(), [p([2, 3, 4])]);
    gradcheck((t) => t.transpose(0, 2).exp(), [p([2, 3, 4])]);
    gradcheck((t) => t.t().matmul(w), [p([3, 4])]);
  });
  it('expand (including new leading dims and -1)', () => {
    gradcheck((t) => t.expand([2, 3, 4]).square(), [p([3, 1])]);
    gradcheck((t) => t.expand([5, -1]).exp(), [p([3])]);
    gradcheck((t) => t.expand([2, 3]).tanh(), [p([])]);
  });
  it('slice with steps and negative bounds', () => {
    gradcheck((t) => t.slice(1, 1, 5, 2).square(), [p([2, 6, 3])]);
    gradcheck((t) => t.slice(0, -3).exp(), [p([5, 2])]);
    gradcheck((t) => t.slice(-1, -3, -1).tanh(), [p([2, 5])]);
    gradcheck((t) => t.slice(0, 0, undefined, 3).sigmoid(), [p([7])]);
  });
  it('narrow / select', () => {
    gradcheck((t) => t.narrow(1, 1, 2).square(), [p([2, 4, 3])]);
    gradcheck((t) => t.narrow(-1, 0, 2).exp(), [p([2, 4, 3])]);
    gradcheck((t) => t.select(1, -1).square(), [p([2, 4, 3])]);
    gradcheck((t) => t.select(0, 1).exp(), [p([3, 2])]);
  });
  it('cat of 3 inputs along the middle dim', () => {
    gradcheck((a, b, c) => cat([a, b, c], 1).square(), [p([2, 1, 3]), p([2, 4, 3]), p([2, 2, 3])]);
    gradcheck((a, b) => cat([a, b], -1).tanh(), [p([2, 3]), p([2, 1])]);
  });
  it('stack', () => {
    gradcheck((a, b, c) => stack([a, b, c], 1).square(), [p([2, 3]), p([2, 3]), p([2, 3])]);
    gradcheck((a, b) => stack([a, b], -1).exp(), [p([4]), p([4])]);
  });
  it('split / chunk (every piece used with a different weight)', () => {
    const weighted = (parts: Tensor[]): Tensor =>
      parts.map((q, i) => sum(mul(q, i + 1))).reduce((acc, s) => add(acc, s));
    gradcheck((t) => weighted(split(t, 2, 1)), [p([3, 5])]);
    gradcheck((t) => weighted(split(t, [1, 3, 1], 0)), [p([5, 2])]);
    gradcheck((t) => weighted(chunk(t, 3, -1)), [p([2, 7])]);
    gradcheck((t) => split(t, 2, 0)[1].exp(), [p([5, 2])]);
  });
  it('split returning several outputs checked at once', () => {
    gradcheck((t) => split(t, [2, 2], 1), [p([3, 4])]);
  });
  it('indexSelect with repeated indices (gradients accumulate)', () => {
    gradcheck((t) => indexSelect(t, 0, int([2, 0, 2, 2])).square(), [p([3, 4])]);
    gradcheck((t) => indexSelect(t, 1, int([1, 1, 0])), [p([2, 3, 2])]);
  });
  it('gather along dims 0 and 1 with repeats', () => {
    gradcheck((t) => gather(t, 1, int([0, 2, 2, 1, 1, 0], [2, 3])).square(), [p([2, 4])]);
    gradcheck((t) => gather(t, 0, int([2, 0, 2, 1], [2, 2])), [p([3, 3])]);
  });
  it('clone', () => gradcheck((t) => t.clone().mul(t), [p([2, 3])]));
});

describe('gradcheck: reused nodes', () => {
  it('y = x*x + x', () => {
    gradcheck((x) => add(mul(x, x), x), [p([2, 3])]);
    const x = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    add(mul(x, x), x).sum().backward();
    assert.deepEqual(x.grad?.toArray(), [3, 5, 7]);
  });
  it('a node used by 3 consumers gets the sum of their gradients', () => {
    const w = p([3, 2]).detach();
    gradcheck(
      (x) => {
        const h = x.tanh();
        return add(add(h.exp(), h.square()), h.matmul(w).sum(1, true));
      },
      [p([4, 3])],
    );
    const x = tensor([0.5, -1], { dtype: 'float64', requiresGrad: true });
    const h = x.mul(2);
    add(add(h.mul(3), h.mul(5)), h.mul(7))
      .sum()
      .backward();
    assert.deepEqual(x.grad?.toArray(), [30, 30]);
  });
  it('a diamond graph', () => {
    gradcheck(
      (x) => {
        const a = x.sigmoid();
        const b = a.mul(2).exp();
        const c = a.log();
        return mul(b, c);
      },
      [p([3, 2])],
    );
    const x = tensor([2], { dtype: 'float64', requiresGrad: true });
    const a = x.square();
    mul(a.mul(3), a.add(1)).sum().backward(); // 3a(a+1), d/dx = 3(2a+1) * 2x
    assert.deepEqual(x.grad?.toArray(), [3 * (2 * 4 + 1) * 4]);
  });
  it('the same tensor as both operands (x*x, x+x, x-x, x/x, pow(x, x))', () => {
    gradcheck((x) => mul(x, x), [p([3])]);
    gradcheck((x) => add(x, x), [p([3])]);
    gradcheck((x) => sub(x, x).add(x.square()), [p([3])]);
    gradcheck((x) => div(x, x).mul(x), [awayFromZero([3])]);
    gradcheck((x) => pow(x, x), [p([3], 0.5, 2)]);
    gradcheck((x) => matmul(x, x), [p([3, 3])]);
    gradcheck((x) => cat([x, x, x.exp()], 0), [p([2])]);
  });
  it('a reused broadcast operand and a reused reduction', () => {
    gradcheck((x, b) => add(mul(x, b), b.exp()).sum(0).mul(b), [p([3, 4]), p([4])]);
    gradcheck(
      (x) => {
        const s = x.sum(1, true);
        return x.div(s).add(s.square());
      },
      [p([2, 3], 0.5, 1.5)],
    );
  });
  it('a composed LSTM-like step (sigmoid, tanh, linear, chunk)', () => {
    gradcheck(
      (x, h, c, w, u, b) => {
        const gates = add(linear(x, w, b), linear(h, u));
        const [i, f, g, o] = chunk(gates, 4, 1);
        const c2 = add(mul(f.sigmoid(), c), mul(i.sigmoid(), g.tanh()));
        const h2 = mul(o.sigmoid(), c2.tanh());
        return [h2, c2];
      },
      [p([2, 3]), p([2, 2]), p([2, 2]), p([8, 3]), p([8, 2]), p([8])],
    );
  });
});
