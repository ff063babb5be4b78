import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, StateError, UnsupportedError } from '../../src/core/errors.js';
import { Tensor } from '../../src/tensor/index.js';
import { clipGradNorm, clipGradValue } from '../../src/optim/index.js';
import { assertClose } from '../helpers/gradcheck.js';

function param(grad: number[] | null, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  const mk = (v: number[]): Float32Array | Float64Array =>
    dtype === 'float64' ? Float64Array.from(v) : Float32Array.from(v);
  const p = new Tensor(mk(new Array<number>(grad?.length ?? 2).fill(0)), [grad?.length ?? 2], {
    requiresGrad: true,
  });
  if (grad !== null) p.grad = new Tensor(mk(grad), [grad.length]);
  return p;
}

test('clipGradNorm: total 2-norm over all grads, scaled by maxNorm / (total + 1e-6)', () => {
  const a = param([3, 0]);
  const b = param([0, 4]);
  const c = param(null);
  const total = clipGradNorm([a, b, c], 1);
  assert.equal(total, 5);
  const coef = 1 / (5 + 1e-6);
  assertClose(a.grad!.toArray(), [3 * coef, 0], { rtol: 1e-15 });
  assertClose(b.grad!.toArray(), [0, 4 * coef], { rtol: 1e-15 });
  assert.equal(c.grad, null);
});

test('clipGradNorm: no scaling when the norm is below maxNorm; 0 when no grads', () => {
  const a = param([0.3, 0.4]);
  assert.ok(Math.abs(clipGradNorm(a, 1) - 0.5) < 1e-15);
  assert.deepEqual(a.grad!.toArray(), [0.3, 0.4]);
  assert.equal(clipGradNorm([param(null)], 1), 0);
  // maxNorm exactly equal to the norm: coef = 5 / (5 + 1e-6) < 1, so PyTorch still scales
  const b = param([3, 4]);
  clipGradNorm(b, 5);
  assert.ok(b.grad!.data[0] < 3);
});

test('clipGradNorm: Infinity and p-norms', () => {
  const a = param([1, -7]);
  const b = param([2, 3]);
  assert.equal(clipGradNorm([a, b], 100, { normType: Infinity }), 7);
  assert.equal(clipGradNorm([param([1, -7]), param([2, 3])], 100, { normType: 1 }), 13);
  const n3 = clipGradNorm([param([1, -2]), param([3])], 100, { normType: 3 });
  assertClose([n3], [(1 + 8 + 27) ** (1 / 3)], { rtol: 1e-14 });
  assert.throws(() => clipGradNorm([a], 1, { normType: 0 }), UnsupportedError);
  assert.throws(() => clipGradNorm([a], NaN), ConfigError);
});

test('clipGradNorm: float32 norm is rounded like torch', () => {
  const a = param([0.1, 0.2, 0.3], 'float32');
  const n = clipGradNorm(a, 10);
  assert.equal(n, Math.fround(n));
  assertClose([n], [Math.sqrt(0.14)], { rtol: 1e-6 });
});

test('clipGradNorm: non-finite norm with errorIfNonfinite throws a StateError naming the norm; else NaN spreads', () => {
  const a = param([NaN, 1]);
  assert.throws(
    () => clipGradNorm([a], 1, { errorIfNonfinite: true }),
    (e: unknown) =>
      e instanceof StateError &&
      /total norm of order 2/.test(e.message) &&
      /non-finite \(NaN\)/.test(e.message),
  );
  assert.equal(a.grad!.data[1], 1, 'nothing changed');
  const b = param([Infinity, 1]);
  assert.throws(
    () => clipGradNorm([b], 1, { errorIfNonfinite: true, normType: Infinity }),
    /order Infinity.*non-finite \(Infinity\)/,
  );
  const n = clipGradNorm([a], 1);
  assert.ok(Number.isNaN(n));
  assert.ok(Number.isNaN(a.grad!.data[1]));
  clipGradNorm([b], 1);
  assert.equal(b.grad!.data[1], 0);
});

test('clipGradValue clamps each element into [-v, v]', () => {
  const a = param([-2, -0.5, 0.5, 2, NaN]);
  const b = param(null);
  clipGradValue([a, b], 1);
  assert.deepEqual(a.grad!.toArray(), [-1, -0.5, 0.5, 1, NaN]);
  assert.equal(b.grad, null);
  assert.throws(() => clipGradValue([a], NaN), ConfigError);
});
