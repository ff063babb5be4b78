import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ConfigError, DTypeError, ShapeError, UnsupportedError } from '../../src/core/errors.js';
import { Generator } from '../../src/core/rng.js';
import {
  BCELoss,
  BCEWithLogitsLoss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  CrossEntropyLoss,
  huberLoss,
  HuberLoss,
  l1Loss,
  L1Loss,
  mseLoss,
  MSELoss,
  nllLoss,
  NLLLoss,
  smoothL1Loss,
  SmoothL1Loss,
} from '../../src/nn/index.js';
import { logSoftmax, noGrad, rand, randn, sigmoid, softmax, Tensor, tensor } from '../../src/tensor/index.js';
import { repoRoot, type FixtureTensor } from '../helpers/fixtures.js';
import { assertClose, gradcheck } from '../helpers/gradcheck.js';
import { throwsWith } from '../helpers/assert.js';

// ------------------------------------------------------------ PyTorch golden cases

interface LossCase {
  name: string;
  fn: string;
  inputs: { input: FixtureTensor & { dtype?: string }; target: FixtureTensor & { dtype?: string } };
  options: Record<string, number | string | FixtureTensor>;
  output: FixtureTensor;
  gradOutput: FixtureTensor;
  grads: Partial<Record<'input' | 'target', FixtureTensor>>;
}

type LossFn = (input: Tensor, target: Tensor, options: Record<string, unknown>) => Tensor;

const LOSSES: Record<string, LossFn> = {
  mseLoss,
  l1Loss,
  huberLoss,
  smoothL1Loss,
  nllLoss,
  crossEntropy,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
};

const fixture = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'nn', 'losses.json'), 'utf8')) as {
  cases: LossCase[];
};

/** Fixture numbers: JSON has no NaN, so non-finite values come as strings ("NaN", "Infinity"). */
function nums(data: ReadonlyArray<number | string>): number[] {
  return data.map(Number);
}

function fromFixture(
  t: FixtureTensor & { dtype?: string },
  dtype: 'float32' | 'float64',
  requiresGrad = false,
): Tensor {
  if (t.dtype === 'int32') return new Tensor(Int32Array.from(t.data), t.shape);
  const data = dtype === 'float64' ? Float64Array.from(nums(t.data)) : Float32Array.from(nums(t.data));
  return new Tensor(data, t.shape, { requiresGrad });
}

function isFixtureTensor(v: unknown): v is FixtureTensor {
  return typeof v === 'object' && v !== null && 'shape' in v && 'data' in v;
}

const TOL = {
  float64: { rtol: 1e-10, atol: 1e-12 },
  float32: { rtol: 1e-4, atol: 1e-5 },
} as const;

test('the loss fixture set is not empty and names only known losses', () => {
  assert.ok(fixture.cases.length >= 100, `expected >= 100 cases, got ${fixture.cases.length}`);
  for (const c of fixture.cases) assert.ok(c.fn in LOSSES, `unknown loss ${c.fn} in case ${c.name}`);
});

for (const dtype of ['float64', 'float32'] as const) {
  test(`every loss fixture matches PyTorch, value and gradients (${dtype})`, async (t) => {
    for (const c of fixture.cases) {
      await t.test(c.name, () => {
        const input = fromFixture(c.inputs.input, dtype, c.grads.input !== undefined);
        const target = fromFixture(c.inputs.target, dtype, c.grads.target !== undefined);
        const options: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(c.options))
          options[k] = isFixtureTensor(v) ? fromFixture(v, dtype) : v;
        const out = LOSSES[c.fn](input, target, options);
        assert.deepEqual(out.shape, c.output.shape, `${c.name}: output shape`);
        assert.equal(out.dtype, dtype);
        assertClose(out.data, nums(c.output.data), { ...TOL[dtype], what: `${c.name} output` });
        out.backward(fromFixture(c.gradOutput, dtype));
        for (const [name, expected] of Object.entries(c.grads)) {
          const leaf = name === 'input' ? input : target;
          assert.ok(leaf.grad !== null, `${c.name}: no gradient reached ${name}`);
          assertClose(leaf.grad.data, nums(expected.data), { ...TOL[dtype], what: `${c.name} grad ${name}` });
        }
      });
    }
  });
}

// ------------------------------------------------------------ gradient checks (float64)

const g = new Generator(3);
const f64 = (shape: number[], scale = 1): Tensor =>
  noGrad(() => randn(shape, { dtype: 'float64', generator: g }).mul(scale)).requiresGrad_();
const ids = (values: number[], shape?: number[]): Tensor =>
  tensor(values, { dtype: 'int32', shape: shape ?? [values.length] });

test('gradcheck: mse, l1, huber and smooth L1 w.r.t. input and target', () => {
  for (const r of ['mean', 'sum', 'none'] as const) {
    gradcheck((x, y) => mseLoss(x, y, { reduction: r }), [f64([3, 4]), f64([3, 4])]);
    gradcheck((x, y) => l1Loss(x, y, { reduction: r }), [f64([3, 4]), f64([3, 4])]);
    gradcheck((x, y) => huberLoss(x, y, { reduction: r, delta: 0.7 }), [f64([3, 4], 2), f64([3, 4])]);
    gradcheck((x, y) => smoothL1Loss(x, y, { reduction: r, beta: 0.6 }), [f64([3, 4], 2), f64([3, 4])]);
  }
});

test('gradcheck: nllLoss and crossEntropy with weight, ignoreIndex and label smoothing', () => {
  const weight = tensor([0.5, 1.5, 2, 0.8], { dtype: 'float64' });
  const t = ids([1, -100, 3, 0, 2]);
  const tIgnore2 = ids([1, 2, 3, 0, 2]);
  for (const r of ['mean', 'sum', 'none'] as const) {
    gradcheck((x) => nllLoss(logSoftmax(x, 1), t, { reduction: r, weight }), [f64([5, 4])]);
    gradcheck((x) => crossEntropy(x, t, { reduction: r, weight, labelSmoothing: 0.15 }), [f64([5, 4])]);
    gradcheck(
      (x) => crossEntropy(x, tIgnore2, { reduction: r, ignoreIndex: 2, labelSmoothing: 0.3 }),
      [f64([5, 4])],
    );
    gradcheck(
      (x) => crossEntropy(x, ids([1, 0, 3, 2, 0, 1], [2, 3]), { reduction: r, weight }),
      [f64([2, 4, 3])],
    );
    gradcheck((x) => crossEntropy(x, ids([2], []), { reduction: r, labelSmoothing: 0.1 }), [f64([4])]);
  }
});

test('gradcheck: crossEntropy with class-probability targets (input and target)', () => {
  const weight = tensor([0.5, 1.5, 2, 0.8], { dtype: 'float64' });
  for (const r of ['mean', 'sum', 'none'] as const) {
    const p = noGrad(() => softmax(randn([3, 4], { dtype: 'float64', generator: g }), 1)).requiresGrad_();
    gradcheck((x, y) => crossEntropy(x, y, { reduction: r, weight, labelSmoothing: 0.2 }), [f64([3, 4]), p]);
  }
});

test('gradcheck: binaryCrossEntropy and binaryCrossEntropyWithLogits (input and target)', () => {
  const weight = tensor([0.5, 1.5, 2], { dtype: 'float64' });
  const posWeight = tensor([3, 0.5, 1.2], { dtype: 'float64' });
  for (const r of ['mean', 'sum', 'none'] as const) {
    const probs = noGrad(() => sigmoid(randn([4, 3], { dtype: 'float64', generator: g }))).requiresGrad_();
    const y = rand([4, 3], { dtype: 'float64', generator: g }).requiresGrad_();
    gradcheck((x, tt) => binaryCrossEntropy(x, tt, { reduction: r, weight }), [probs, y], { eps: 1e-7 });
    gradcheck(
      (x, tt) => binaryCrossEntropyWithLogits(x, tt, { reduction: r, weight, posWeight }),
      [f64([4, 3], 3), y],
    );
  }
});

// ------------------------------------------------------------ semantics worth pinning down

test('crossEntropy mean with weights divides by the summed weights of non-ignored targets', () => {
  const x = tensor(
    [
      [1, 2, 3],
      [1, 0, -1],
      [0.5, 0.5, 0.5],
    ],
    { dtype: 'float64' },
  );
  const weight = tensor([1, 2, 4], { dtype: 'float64' });
  const t = ids([2, 0, -100]);
  const lp = logSoftmax(x, 1).toArray();
  const expected = (-4 * lp[2] - 1 * lp[3]) / 5;
  assertClose([crossEntropy(x, t, { weight }).item()], [expected], { rtol: 1e-12 });
});

test('nllLoss with every target ignored gives NaN for mean and 0 for sum, as PyTorch', () => {
  const x = logSoftmax(
    tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float64' },
    ),
    1,
  );
  assert.ok(Number.isNaN(nllLoss(x, ids([-100, -100])).item()));
  assert.equal(nllLoss(x, ids([-100, -100]), { reduction: 'sum' }).item(), 0);
});

test('binaryCrossEntropy clamps the log at -100 and keeps gradients finite at 0 and 1', () => {
  const x = tensor([0, 1, 0, 1], { dtype: 'float64', requiresGrad: true });
  const y = tensor([1, 0, 0, 1], { dtype: 'float64' });
  const loss = binaryCrossEntropy(x, y, { reduction: 'none' });
  assertClose(loss.toArray(), [100, 100, 0, 0], { rtol: 0, atol: 0 });
  loss.sum().backward();
  // PyTorch's rule (aten binary_cross_entropy_backward): (x - y) / max((1 - x) x, 1e-12),
  // so a wrong prediction at the edge gets -+1e12 and a right one exactly 0
  assert.deepEqual(x.grad!.toArray(), [-1e12, 1e12, 0, 0]);
});

test('binaryCrossEntropyWithLogits is stable for huge logits', () => {
  const x = tensor([1000, -1000, 0], { dtype: 'float32', requiresGrad: true });
  const y = tensor([0, 1, 1], { dtype: 'float32' });
  const loss = binaryCrossEntropyWithLogits(x, y, { reduction: 'none' });
  assertClose(loss.toArray(), [1000, 1000, Math.LN2], { rtol: 1e-6 });
  loss.sum().backward();
  assertClose(x.grad!.toArray(), [1, -1, -0.5], { rtol: 1e-6 });
});

// ------------------------------------------------------------ modules

test('loss modules forward to the functions and keep weights as PyTorch buffers', () => {
  const x = f64([4, 3]);
  const y = f64([4, 3]);
  const t = ids([0, 2, 1, 2]);
  const w = tensor([1, 2, 3], { dtype: 'float64' });
  const same = (a: Tensor, b: Tensor): void => assertClose(a.data, b.data, { rtol: 0, atol: 0 });
  same(new MSELoss({ reduction: 'sum' }).forward(x, y), mseLoss(x, y, { reduction: 'sum' }));
  same(new L1Loss().forward(x, y), l1Loss(x, y));
  same(new HuberLoss({ delta: 0.3 }).forward(x, y), huberLoss(x, y, { delta: 0.3 }));
  same(
    new SmoothL1Loss({ beta: 0.3, reduction: 'none' }).forward(x, y),
    smoothL1Loss(x, y, { beta: 0.3, reduction: 'none' }),
  );
  const ce = new CrossEntropyLoss({ weight: w, labelSmoothing: 0.1, ignoreIndex: 1 });
  same(ce.forward(x, t), crossEntropy(x, t, { weight: w, labelSmoothing: 0.1, ignoreIndex: 1 }));
  assert.deepEqual(Object.keys(ce.stateDict()), ['weight']);
  same(new NLLLoss({ weight: w }).forward(logSoftmax(x, 1), t), nllLoss(logSoftmax(x, 1), t, { weight: w }));
  const p = noGrad(() => sigmoid(x));
  const yy = rand([4, 3], { dtype: 'float64', generator: g });
  same(new BCELoss({ weight: w }).forward(p, yy), binaryCrossEntropy(p, yy, { weight: w }));
  const bl = new BCEWithLogitsLoss({ posWeight: w });
  same(bl.forward(x, yy), binaryCrossEntropyWithLogits(x, yy, { posWeight: w }));
  assert.deepEqual(Object.keys(bl.stateDict()), ['pos_weight']);
  assert.deepEqual(Object.keys(new MSELoss().stateDict()), []);
  assert.equal(new MSELoss({ reduction: 'sum' }).toString(), 'MSELoss(reduction=sum)');
});

// ------------------------------------------------------------ bad input

test('element-wise losses reject mismatched shapes, dtypes, int tensors and bad options', () => {
  const a = randn([3, 4]);
  throwsWith(() => mseLoss(a, randn([4, 3])), ShapeError, 'mseLoss', '[3, 4]', '[4, 3]');
  throwsWith(() => l1Loss(a, randn([1, 4])), ShapeError, 'l1Loss', 'expected [3, 4], got [1, 4]');
  throwsWith(
    () => mseLoss(a, randn([3, 4], { dtype: 'float64' })),
    DTypeError,
    'expected float32, got float64',
  );
  throwsWith(
    () => mseLoss(tensor([1, 2], { dtype: 'int32' }), tensor([1, 2], { dtype: 'int32' })),
    DTypeError,
    'input',
    'got int32',
  );
  throwsWith(() => mseLoss(a, a, { reduction: 'avg' as 'mean' }), ConfigError, "got 'avg'");
  throwsWith(() => huberLoss(a, a, { delta: 0 }), ConfigError, 'delta', 'got 0');
  throwsWith(() => new HuberLoss({ delta: -1 }), ConfigError, 'HuberLoss', 'got -1');
  throwsWith(() => smoothL1Loss(a, a, { beta: -0.5 }), ConfigError, 'beta', 'got -0.5');
  throwsWith(() => new MSELoss({ reduction: 'mean ' as 'mean' }), ConfigError, 'MSELoss');
});

test('nllLoss and crossEntropy reject bad targets, weights and options', () => {
  const x = randn([3, 4]);
  throwsWith(
    () => crossEntropy(x, ids([0, 4, 1])),
    ShapeError,
    'target 4 is out of bounds',
    'expected class ids in [0, 3]',
    'got 4',
  );
  throwsWith(() => nllLoss(x, ids([0, -1, 1])), ShapeError, 'got -1');
  throwsWith(() => crossEntropy(x, ids([0, 1])), ShapeError, 'expected [3], got [2]');
  throwsWith(() => crossEntropy(x, ids([0, 1, 2], [1, 3])), ShapeError, 'expected [3], got [1, 3]');
  throwsWith(
    () => crossEntropy(x, tensor([0, 1, 2])),
    DTypeError,
    'int32 class ids',
    'got float32',
    'class probabilities',
  );
  throwsWith(() => nllLoss(x, tensor([0, 1, 2])), DTypeError, 'expected int32, got float32');
  throwsWith(
    () => crossEntropy(x, ids(new Array<number>(12).fill(0), [3, 4])),
    DTypeError,
    'class probabilities',
    'got int32',
  );
  throwsWith(
    () => crossEntropy(x, softmax(randn([3, 4]), 1), { ignoreIndex: 1 }),
    ConfigError,
    'ignoreIndex',
    'got 1',
  );
  throwsWith(
    () => crossEntropy(x, ids([0, 1, 2]), { weight: tensor([1, 1]) }),
    ShapeError,
    'expected shape [4], got [2]',
  );
  throwsWith(
    () => crossEntropy(x, ids([0, 1, 2]), { weight: tensor([1, 1, 1, 1], { dtype: 'float64' }) }),
    DTypeError,
    'expected float32, got float64',
  );
  throwsWith(
    () => crossEntropy(x, ids([0, 1, 2]), { weight: tensor([1, 1, 1, 1], { requiresGrad: true }) }),
    UnsupportedError,
    'weight',
  );
  throwsWith(
    () => crossEntropy(x, ids([0, 1, 2]), { labelSmoothing: 1.5 }),
    ConfigError,
    'labelSmoothing',
    'got 1.5',
  );
  throwsWith(() => crossEntropy(tensor(1), ids([0])), ShapeError, 'class dim', '0-d');
  throwsWith(() => new CrossEntropyLoss({ reduction: 'average' as 'mean' }), ConfigError, "'average'");
});

test('binary cross entropies reject out-of-range probabilities and bad weights', () => {
  const p = tensor([0.2, 1.5, 0.3]);
  throwsWith(() => binaryCrossEntropy(p, tensor([0, 1, 0])), ConfigError, 'between 0 and 1', 'got 1.5');
  throwsWith(
    () => binaryCrossEntropyWithLogits(randn([2, 3]), randn([3])),
    ShapeError,
    'expected [2, 3], got [3]',
  );
  throwsWith(
    () => binaryCrossEntropyWithLogits(randn([2, 3]), rand([2, 3]), { posWeight: tensor([1, 2]) }),
    ShapeError,
    'posWeight',
    'broadcastable to [2, 3]',
    'got [2]',
  );
  throwsWith(
    () => binaryCrossEntropy(rand([2, 3]), rand([2, 3]), { weight: tensor([1, 2, 3], { dtype: 'float64' }) }),
    DTypeError,
    'weight',
  );
});
