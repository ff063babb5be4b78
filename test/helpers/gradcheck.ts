import assert from 'node:assert/strict';
import { Generator } from '../../src/core/rng.js';
import { noGrad, Tensor } from '../../src/tensor/index.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  seed?: number;
}

/**
 * Checks the analytic gradients of `fn` against central differences, in float64.
 *
 * `inputs` must be float64 tensors; those with `requiresGrad` are checked. The scalar
 * objective is sum(fn(inputs) * v) for a random cotangent v (one per output, fixed by
 * `seed`), so every output element contributes with a different weight.
 */
export function gradcheck(
  fn: (...xs: Tensor[]) => Tensor | Tensor[],
  inputs: Tensor[],
  options: GradcheckOptions = {},
): void {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-7;
  const rtol = options.rtol ?? 1e-5;
  for (const x of inputs) assert.equal(x.dtype, 'float64', 'gradcheck needs float64 inputs');
  const g = new Generator(options.seed ?? 7);
  const outs0 = noGrad(() => asList(fn(...inputs)));
  const cotangents = outs0.map((o) => {
    const d = new Float64Array(o.numel());
    for (let i = 0; i < d.length; i++) d[i] = g.uniform(-1, 1);
    return d;
  });
  const objective = (): number => {
    const outs = noGrad(() => asList(fn(...inputs)));
    let s = 0;
    outs.forEach((o, k) => {
      const d = o.data;
      for (let i = 0; i < d.length; i++) s += d[i] * cotangents[k][i];
    });
    return s;
  };
  // analytic
  for (const x of inputs) x.grad = null;
  const outs = asList(fn(...inputs));
  let total: Tensor | null = null;
  outs.forEach((o, k) => {
    if (!o.requiresGrad) return;
    const term = o.mul(new Tensor(cotangents[k], o.shape)).sum();
    total = total === null ? term : total.add(term);
  });
  assert.ok(total !== null, 'no output requires grad');
  (total as Tensor).backward();
  for (const [idx, x] of inputs.entries()) {
    if (!x.requiresGrad) continue;
    const d = x.data;
    for (let i = 0; i < d.length; i++) {
      const orig = d[i];
      d[i] = orig + eps;
      const fp = objective();
      d[i] = orig - eps;
      const fm = objective();
      d[i] = orig;
      const numeric = (fp - fm) / (2 * eps);
      const analytic = x.grad === null ? 0 : x.grad.data[i];
      const tol = atol + rtol * Math.abs(numeric);
      assert.ok(
        Math.abs(numeric - analytic) <= tol,
        `gradient mismatch for input ${idx} element ${i}: numeric ${numeric}, analytic ${analytic}`,
      );
    }
  }
}

function asList(x: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(x) ? x : [x];
}

/** Asserts element-wise closeness with the given tolerances; names the first mismatch. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  opts: { rtol?: number; atol?: number; what?: string } = {},
): void {
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-8;
  const what = opts.what ?? 'value';
  assert.equal(
    actual.length,
    expected.length,
    `${what}: length mismatch; expected ${expected.length}, got ${actual.length}`,
  );
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      assert.fail(
        `${what}[${i}]: expected ${e}, got ${a} (|diff| ${Math.abs(a - e)} > ${atol} + ${rtol}*|expected|)`,
      );
    }
  }
}
