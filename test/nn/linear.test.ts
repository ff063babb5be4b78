import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ConfigError, DTypeError, ShapeError } from '../../src/core/errors.js';
import { Generator, manualSeed } from '../../src/core/rng.js';
import { Linear } from '../../src/nn/index.js';
import { linear, randn, Tensor, tensor } from '../../src/tensor/index.js';
import { repoRoot, toTensor, type FixtureTensor } from '../helpers/fixtures.js';
import { assertClose, gradcheck } from '../helpers/gradcheck.js';
import { throwsWith } from '../helpers/assert.js';

interface LinearCase {
  name: string;
  inputs: { input: FixtureTensor; weight: FixtureTensor; bias?: FixtureTensor };
  output: FixtureTensor;
  gradOutput: FixtureTensor;
  grads: Record<string, FixtureTensor>;
}

const cases = (
  JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'nn', 'linear.json'), 'utf8')) as {
    cases: LinearCase[];
  }
).cases;

for (const dtype of ['float64', 'float32'] as const) {
  test(`Linear matches PyTorch's F.linear, output and gradients (${dtype})`, () => {
    assert.ok(cases.length > 0);
    const tol = dtype === 'float64' ? { rtol: 1e-12, atol: 1e-13 } : { rtol: 1e-5, atol: 1e-6 };
    for (const c of cases) {
      const [outF, inF] = c.inputs.weight.shape;
      const layer = new Linear(inF, outF, { bias: c.inputs.bias !== undefined, dtype });
      const dict: Record<string, Tensor> = { weight: toTensor(c.inputs.weight, dtype) };
      if (c.inputs.bias) dict.bias = toTensor(c.inputs.bias, dtype);
      layer.loadStateDict(dict);
      const x = toTensor(c.inputs.input, dtype, true);
      const y = layer.forward(x);
      assert.deepEqual(y.shape, c.output.shape, c.name);
      assertClose(y.data, c.output.data, { ...tol, what: `${c.name} output` });
      y.backward(toTensor(c.gradOutput, dtype));
      assertClose(x.grad!.data, c.grads.input.data, { ...tol, what: `${c.name} grad input` });
      assertClose(layer.weight.grad!.data, c.grads.weight.data, { ...tol, what: `${c.name} grad weight` });
      if (c.inputs.bias)
        assertClose(layer.bias!.grad!.data, c.grads.bias.data, { ...tol, what: `${c.name} grad bias` });
    }
  });
}

test('gradcheck: Linear w.r.t. input, weight and bias (2-D, 3-D, 1-D input, no bias)', () => {
  const g = new Generator(11);
  const p = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', generator: g, requiresGrad: true });
  gradcheck((x, w, b) => linear(x, w, b), [p([3, 4]), p([5, 4]), p([5])]);
  gradcheck((x, w, b) => linear(x, w, b), [p([2, 3, 4]), p([2, 4]), p([2])]);
  gradcheck((x, w) => linear(x, w), [p([4]), p([3, 4])]);
  // through the module: gradcheck perturbs the parameters' memory in place
  const layer = new Linear(4, 3, { dtype: 'float64', generator: g });
  gradcheck((x) => layer.forward(x), [p([2, 4]), layer.weight, layer.bias!]);
});

test("Linear's default init is U(-1/sqrt(in), 1/sqrt(in)) for weight and bias, as PyTorch", () => {
  manualSeed(0);
  const layer = new Linear(400, 300);
  const bound = 1 / Math.sqrt(400);
  for (const [name, t] of layer.namedParameters()) {
    const d = t.toArray();
    const max = d.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assert.ok(max <= bound, `${name}: |value| ${max} exceeds bound ${bound}`);
    if (name === 'weight') {
      assert.ok(max > 0.99 * bound, `weight samples should reach near the bound; max ${max}`);
      const mean = d.reduce((a, b) => a + b, 0) / d.length;
      const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
      assert.ok(Math.abs(mean) < 0.01 * bound, `weight mean ${mean}`);
      assert.ok(
        Math.abs(std - bound / Math.sqrt(3)) < 0.01 * bound,
        `weight std ${std}, expected ${bound / Math.sqrt(3)}`,
      );
    }
  }
});

test('Linear: shapes, names, dtype, no bias, reproducible init and repr', () => {
  const layer = new Linear(4, 8);
  assert.deepEqual(layer.weight.shape, [8, 4]);
  assert.deepEqual(layer.bias!.shape, [8]);
  assert.deepEqual(Object.keys(layer.stateDict()), ['weight', 'bias']);
  assert.equal(layer.weight.dtype, 'float32');
  assert.ok(layer.weight.requiresGrad);
  assert.equal(layer.toString(), 'Linear(in_features=4, out_features=8, bias=True)');
  const nb = new Linear(4, 8, { bias: false, dtype: 'float64' });
  assert.equal(nb.bias, null);
  assert.deepEqual(
    nb.namedParameters().map(([n]) => n),
    ['weight'],
  );
  assert.equal(nb.weight.dtype, 'float64');
  assert.equal(nb.toString(), 'Linear(in_features=4, out_features=8, bias=False)');
  const a = new Linear(3, 2, { generator: new Generator(5) });
  const b = new Linear(3, 2, { generator: new Generator(5) });
  assert.deepEqual(a.weight.toArray(), b.weight.toArray());
  assert.deepEqual(a.bias!.toArray(), b.bias!.toArray());
  assert.deepEqual(layer.forward(randn([2, 5, 4])).shape, [2, 5, 8]);
  assert.deepEqual(layer.forward(randn([4])).shape, [8]);
});

test('Linear rejects bad sizes and inputs with typed errors', () => {
  throwsWith(() => new Linear(-1, 3), ConfigError, 'inFeatures', 'got -1');
  throwsWith(() => new Linear(2.5, 3), ConfigError, 'inFeatures', 'got 2.5');
  throwsWith(() => new Linear(2, 3, { dtype: 'int32' as 'float32' }), DTypeError, 'got int32');
  const layer = new Linear(4, 3);
  throwsWith(
    () => layer.forward(randn([2, 5])),
    ShapeError,
    'Linear: input.size(-1) must equal inFeatures',
    'expected 4, got 5',
  );
  throwsWith(() => layer.forward(tensor(1)), ShapeError, 'expected 4, got a 0-d tensor');
  throwsWith(
    () => layer.forward(randn([2, 4], { dtype: 'float64' })),
    DTypeError,
    'expected float32, got float64',
  );
  throwsWith(() => layer.forward(tensor([1, 2, 3, 4], { dtype: 'int32' })), DTypeError, 'got int32');
});
