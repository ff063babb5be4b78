import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DTypeError, ShapeError, StateError } from '../../src/core/errors.js';
import {
  add,
  backward,
  enableGrad,
  isGradEnabled,
  mul,
  noGrad,
  ones,
  sum,
  tensor,
  Tensor,
  zeros,
} from '../../src/tensor/index.js';
import { recordMulti } from '../../src/tensor/record.js';
import { throwsWith } from '../helpers/assert.js';

const leaf = (v: number[], shape = [v.length]): Tensor =>
  new Tensor(Float64Array.from(v), shape, { requiresGrad: true });

describe('backward', () => {
  it('accumulates into .grad across calls until cleared', () => {
    const x = leaf([1, 2]);
    mul(x, 3).sum().backward();
    assert.deepEqual(x.grad?.toArray(), [3, 3]);
    mul(x, x).sum().backward();
    assert.deepEqual(x.grad?.toArray(), [5, 7]);
    x.grad = null;
    x.sum().backward();
    assert.deepEqual((x.grad as Tensor | null)?.toArray(), [1, 1]);
  });

  it('.grad owns its memory (not an alias of a tensor in the graph)', () => {
    const x = leaf([1, 2]);
    const g = tensor([5, 6], { dtype: 'float64' });
    x.mul(1).backward(g);
    x.mul(1).backward(g);
    assert.deepEqual(g.toArray(), [5, 6]);
    assert.deepEqual(x.grad?.toArray(), [10, 12]);
  });

  it('gives leaves that do not require grad no gradient', () => {
    const x = leaf([1, 2]);
    const c = tensor([3, 4], { dtype: 'float64' });
    mul(x, c).sum().backward();
    assert.equal(c.grad, null);
    assert.deepEqual(x.grad?.toArray(), [3, 4]);
  });

  it('on a non-scalar without a gradient throws ShapeError naming the shape', () => {
    const y = mul(leaf([1, 2, 3, 4, 5, 6], [2, 3]), 2);
    throwsWith(() => y.backward(), ShapeError, 'backward', 'expected 1 element', 'got 6', '[2, 3]');
  });

  it('on a non-scalar with an explicit gradient works', () => {
    const x = leaf([1, 2, 3, 4], [2, 2]);
    const y = mul(x, x);
    y.backward(
      tensor(
        [
          [1, 0],
          [0.5, 2],
        ],
        { dtype: 'float64' },
      ),
    );
    assert.deepEqual(x.grad?.toArray(), [2, 0, 3, 16]);
  });

  it('checks the explicit gradient: shape and dtype', () => {
    const y = mul(leaf([1, 2, 3, 4], [2, 2]), 2);
    throwsWith(
      () => y.backward(ones([4], { dtype: 'float64' })),
      ShapeError,
      'backward',
      'expected [2, 2]',
      'got [4]',
    );
    throwsWith(
      () => y.backward(ones([2, 2], { dtype: 'float32' })),
      DTypeError,
      'backward',
      'expected float64',
      'got float32',
    );
  });

  it('on a 1-element non-0-d tensor works without a gradient', () => {
    const x = leaf([2]);
    mul(x, x).backward();
    assert.deepEqual(x.grad?.toArray(), [4]);
  });

  it('on a tensor that does not require grad throws StateError', () => {
    throwsWith(() => tensor([1]).backward(), StateError, 'backward', 'requiresGrad');
  });

  it('a second backward through a released graph throws StateError; retainGraph allows it and accumulates', () => {
    const x = leaf([1, 2]);
    const y = mul(x, x).sum();
    y.backward();
    throwsWith(() => y.backward(), StateError, 'second time', 'retainGraph');

    const x2 = leaf([1, 2]);
    const y2 = mul(x2, x2).sum();
    y2.backward(null, { retainGraph: true });
    y2.backward(null, { retainGraph: true });
    assert.deepEqual(x2.grad?.toArray(), [4, 8]);
    y2.backward();
    assert.deepEqual(x2.grad?.toArray(), [6, 12]);
    assert.throws(() => y2.backward(), StateError);
  });

  it('the functional backward() is the same as the method', () => {
    const x = leaf([3]);
    backward(mul(x, 2));
    assert.deepEqual(x.grad?.toArray(), [2]);
  });

  it('a deep graph (10,000 chained adds) backprops without stack overflow', () => {
    const x = leaf([1, 2]);
    let y: Tensor = x;
    for (let i = 0; i < 10000; i++) y = add(y, 1);
    y.sum().backward();
    assert.deepEqual(x.grad?.toArray(), [1, 1]);
    assert.deepEqual(y.toArray(), [10001, 10002]);
  });

  it('a deep chain reusing the leaf at every step sums 10,000 paths', () => {
    const x = leaf([0.5]);
    let y: Tensor = x;
    for (let i = 0; i < 10000; i++) y = add(y, x);
    y.sum().backward();
    assert.deepEqual(x.grad?.toArray(), [10001]);
  });
});

describe('grad mode', () => {
  it('noGrad records nothing: results do not require grad and have no gradFn', () => {
    const x = leaf([1, 2]);
    const y = noGrad(() => mul(x, x).sum());
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    assert.throws(() => y.backward(), StateError);
    assert.equal(isGradEnabled(), true);
  });

  it('noGrad restores the mode after a throw, and nests with enableGrad', () => {
    assert.throws(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    );
    assert.equal(isGradEnabled(), true);
    const x = leaf([1]);
    const y = noGrad(() => {
      assert.equal(isGradEnabled(), false);
      return enableGrad(() => mul(x, 2));
    });
    assert.equal(y.requiresGrad, true);
    y.backward();
    assert.deepEqual(x.grad?.toArray(), [2]);
  });

  it('results of ops on inputs that need no grad do not require grad', () => {
    const y = mul(tensor([1, 2]), tensor([3, 4]));
    assert.equal(y.requiresGrad, false);
    assert.equal(y.isLeaf, true);
  });
});

describe('detach (BlockGrad)', () => {
  it('cuts the graph: no gradient flows through the detached branch', () => {
    const x = leaf([1, 2]);
    const h = mul(x, 3);
    const d = h.detach();
    assert.equal(d.requiresGrad, false);
    assert.equal(d.gradFn, null);
    add(mul(d, x), h).sum().backward(); // d(x*d)/dx with d constant = d = 3x; plus 3
    assert.deepEqual(x.grad?.toArray(), [3 + 3, 6 + 3]);
  });

  it('shares memory with the source', () => {
    const x = leaf([1, 2]);
    const d = x.detach();
    noGrad(() => d.mul_(10));
    assert.deepEqual(x.toArray(), [10, 20]);
  });

  it('truncated BPTT: gradients stop at the detached state', () => {
    const w = leaf([0.5]);
    let h: Tensor = tensor([1], { dtype: 'float64' });
    for (let t = 0; t < 3; t++) h = mul(h, w); // h = w^3
    h = h.detach();
    const loss = mul(h, w).sum(); // only the last step: d/dw = h = 0.125
    loss.backward();
    assert.deepEqual(w.grad?.toArray(), [0.125]);
  });
});

describe('in-place safety', () => {
  it('changing a saved output in place (under noGrad) makes backward throw StateError', () => {
    const x = leaf([0.5, -1]);
    const y = x.sigmoid();
    const z = y.sum();
    noGrad(() => y.mul_(2));
    throwsWith(
      () => z.backward(),
      StateError,
      'sigmoid',
      'modified by an in-place operation',
      'expected version 0',
      'got 1',
    );
  });

  it('changing a saved input in place makes backward throw StateError', () => {
    const x = leaf([0.5, -1]);
    const c = tensor([2, 3], { dtype: 'float64' });
    const z = mul(x, c).sum();
    c.add_(1);
    throwsWith(() => z.backward(), StateError, 'mul', 'in-place');
  });

  it('changing a view of a saved tensor (shared storage) is detected too', () => {
    const x = leaf([1, 2, 3, 4]);
    const c = tensor([1, 2, 3, 4], { dtype: 'float64' });
    const z = mul(x, c).sum();
    const v = c.reshape([2, 2]);
    v.fill_(0);
    assert.throws(() => z.backward(), StateError);
  });

  it('in-place on an unsaved input does not break backward', () => {
    const x = leaf([1, 2]);
    const c = tensor([5, 5], { dtype: 'float64' });
    const z = mul(add(x, c), 2).sum(); // add's rule does not read its inputs: it saves none
    c.fill_(7); // bumps c's version after the graph saved it
    z.backward();
    assert.deepEqual(Array.from(x.grad!.data), [2, 2]);
  });

  it('in-place on a leaf requiring grad outside noGrad throws StateError; inside it works', () => {
    const x = leaf([1, 2]);
    throwsWith(() => x.add_(1), StateError, 'add_', 'leaf', 'noGrad');
    throwsWith(() => x.mul_(2), StateError, 'mul_');
    throwsWith(() => x.zero_(), StateError, 'fill_');
    noGrad(() => x.add_(1));
    assert.deepEqual(x.toArray(), [2, 3]);
  });

  it('in-place on a non-leaf that is part of a recorded graph throws StateError', () => {
    const y = mul(leaf([1, 2]), 2);
    throwsWith(() => y.add_(1), StateError, 'add_', 'graph');
  });

  it('an in-place update bumps the version of the storage', () => {
    const t = zeros([2]);
    const v0 = t.storage.version;
    t.add_(1);
    assert.equal(t.storage.version, v0 + 1);
  });
});

describe('dtype rules for gradients', () => {
  it('int32 tensors cannot require grad', () => {
    throwsWith(() => new Tensor(new Int32Array(2), [2], { requiresGrad: true }), DTypeError, 'int32');
    throwsWith(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true }), DTypeError, 'int32');
    throwsWith(
      () => tensor([1, 2], { dtype: 'int32' }).requiresGrad_(),
      DTypeError,
      'requiresGrad_',
      'int32',
    );
  });

  it('float32 leaves get float32 gradients', () => {
    const x = new Tensor(Float32Array.from([1, 2]), [2], { requiresGrad: true });
    mul(x, x).sum().backward();
    assert.equal(x.grad?.dtype, 'float32');
    assert.deepEqual(x.grad?.toArray(), [2, 4]);
  });

  it('the int32 operand of a mixed op gets no gradient; the float one does', () => {
    const x = leaf([1.5, 2]);
    const i = tensor([2, 3], { dtype: 'int32' });
    sum(mul(x, i)).backward();
    assert.deepEqual(x.grad?.toArray(), [2, 3]);
    assert.equal(i.grad, null);
  });
});

describe('recordMulti (multi-output ops)', () => {
  /** A toy op with two outputs: (2x, x^2); the rule combines both output gradients. */
  function twoOut(x: Tensor): readonly Tensor[] {
    const a = new Tensor(
      x.data.map((v) => 2 * v),
      x.shape,
    );
    const b = new Tensor(
      x.data.map((v) => v * v),
      x.shape,
    );
    let calls = 0;
    const outs = recordMulti('twoOut', [x], [a, b], [x], (gs) => {
      calls++;
      assert.equal(calls, 1, 'the rule runs once');
      const g = new Float64Array(x.numel());
      if (gs[0] !== null) for (let i = 0; i < g.length; i++) g[i] += 2 * gs[0].data[i];
      if (gs[1] !== null) for (let i = 0; i < g.length; i++) g[i] += 2 * x.data[i] * gs[1].data[i];
      return [new Tensor(g, x.shape)];
    });
    return outs;
  }

  it('runs the rule once with the gradients of every used output', () => {
    const x = leaf([1, 3]);
    const [a, b] = twoOut(x);
    add(mul(a, 10), b).sum().backward();
    assert.deepEqual(x.grad?.toArray(), [20 + 2, 20 + 6]);
  });

  it('passes null for an unused output', () => {
    const x = leaf([1, 3]);
    const [, b] = twoOut(x);
    b.sum().backward();
    assert.deepEqual(x.grad?.toArray(), [2, 6]);
  });

  it('an output consumed twice sums its gradients before the rule runs', () => {
    const x = leaf([2]);
    const [a, b] = twoOut(x);
    add(add(a, a), mul(b, a)).sum().backward(); // 2*2x + 2x*x^2 = 4x + 2x^3 -> 4 + 6x^2
    assert.deepEqual(x.grad?.toArray(), [4 + 24]);
  });
});
