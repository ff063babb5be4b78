import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ConfigError, DTypeError, ShapeError } from '../../src/core/errors.js';
import { Generator, manualSeed } from '../../src/core/rng.js';
import { init, Linear, Parameter } from '../../src/nn/index.js';
import { tensor, Tensor, zeros } from '../../src/tensor/index.js';
import { assertClose } from '../helpers/gradcheck.js';
import { throwsWith } from '../helpers/assert.js';

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const d = t.toArray();
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
  let min = Infinity;
  let max = -Infinity;
  for (const v of d) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean, std, min, max };
}

function near(actual: number, expected: number, relTol: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= relTol * Math.abs(expected),
    `${what}: expected ~${expected}, got ${actual}`,
  );
}

test('calculateGain matches torch.nn.init.calculate_gain', () => {
  assert.equal(init.calculateGain('linear'), 1);
  assert.equal(init.calculateGain('conv2d'), 1);
  assert.equal(init.calculateGain('sigmoid'), 1);
  assert.equal(init.calculateGain('tanh'), 5 / 3);
  assert.equal(init.calculateGain('relu'), Math.sqrt(2));
  assert.equal(init.calculateGain('leakyRelu'), Math.sqrt(2 / (1 + 0.01 ** 2)));
  assert.equal(init.calculateGain('leakyRelu', 0.2), Math.sqrt(2 / 1.04));
  assert.equal(init.calculateGain('leakyRelu', Math.sqrt(5)), Math.sqrt(1 / 3));
  assert.equal(init.calculateGain('selu'), 0.75);
  throwsWith(() => init.calculateGain('gelu' as 'relu'), ConfigError, "got 'gelu'");
});

test("fan in/out follow torch's _calculate_fan_in_and_fan_out", () => {
  assert.deepEqual(init.calculateFanInAndFanOut(zeros([8, 4])), { fanIn: 4, fanOut: 8 });
  assert.deepEqual(init.calculateFanInAndFanOut(zeros([8, 4, 3, 3])), { fanIn: 36, fanOut: 72 });
  throwsWith(
    () => init.calculateFanInAndFanOut(zeros([5])),
    ShapeError,
    'fewer than 2 dimensions',
    'got [5]',
  );
});

test('uniform_, normal_, constant_, zeros_, ones_ fill in place and return the tensor', () => {
  const t = zeros([200, 100]);
  assert.equal(init.uniform_(t, -2, 3), t);
  const u = stats(t);
  assert.ok(u.min >= -2 && u.max < 3);
  near(u.mean, 0.5, 0.05, 'uniform mean');
  near(u.std, 5 / Math.sqrt(12), 0.02, 'uniform std');
  init.normal_(t, 1, 0.5);
  const n = stats(t);
  near(n.mean, 1, 0.02, 'normal mean');
  near(n.std, 0.5, 0.02, 'normal std');
  assert.ok(
    init
      .constant_(t, 0.25)
      .toArray()
      .every((v) => v === 0.25),
  );
  assert.ok(
    init
      .zeros_(t)
      .toArray()
      .every((v) => v === 0),
  );
  assert.ok(
    init
      .ones_(t)
      .toArray()
      .every((v) => v === 1),
  );
});

test('initialisers work on parameters that require grad, bump the version, and are reproducible', () => {
  const p = new Parameter(zeros([3, 4]));
  const v0 = p.storage.version;
  init.xavierUniform_(p, 1, { generator: new Generator(4) });
  assert.ok(p.storage.version > v0);
  const q = new Parameter(zeros([3, 4]));
  init.xavierUniform_(q, 1, { generator: new Generator(4) });
  assert.deepEqual(p.toArray(), q.toArray());
  manualSeed(5);
  init.kaimingNormal_(p);
  manualSeed(5);
  init.kaimingNormal_(q);
  assert.deepEqual(p.toArray(), q.toArray());
});

test('xavierUniform_ and xavierNormal_: bounds and spread from the fans and the gain', () => {
  const t = zeros([300, 500], { dtype: 'float64' });
  const gain = init.calculateGain('tanh');
  init.xavierUniform_(t, gain);
  const a = gain * Math.sqrt(6 / 800);
  const u = stats(t);
  assert.ok(u.min >= -a && u.max <= a, `bounds ${u.min}, ${u.max} vs ${a}`);
  near(u.max, a, 0.01, 'max reaches the bound');
  near(u.std, a / Math.sqrt(3), 0.02, 'xavier uniform std');
  init.xavierNormal_(t);
  const n = stats(t);
  near(n.std, Math.sqrt(2 / 800), 0.02, 'xavier normal std');
  assert.ok(Math.abs(n.mean) < 0.002);
});

test('kaimingUniform_ and kaimingNormal_: gain from nonlinearity and a, fanIn or fanOut', () => {
  const t = zeros([200, 400], { dtype: 'float64' });
  init.kaimingUniform_(t);
  const b0 = Math.sqrt(2 / (1 + 0.0)) * Math.sqrt(3 / 400); // leakyRelu with a = 0
  let s = stats(t);
  assert.ok(s.min >= -b0 && s.max <= b0);
  near(s.max, b0, 0.01, 'default kaiming uniform bound');
  init.kaimingUniform_(t, { a: Math.sqrt(5) });
  s = stats(t);
  near(s.max, 1 / Math.sqrt(400), 0.01, "Linear's default bound 1/sqrt(fanIn)");
  assert.ok(s.max <= 1 / Math.sqrt(400));
  init.kaimingUniform_(t, { mode: 'fanOut', nonlinearity: 'relu' });
  s = stats(t);
  near(s.max, Math.sqrt(2) * Math.sqrt(3 / 200), 0.01, 'fanOut relu bound');
  init.kaimingNormal_(t, { mode: 'fanOut', nonlinearity: 'relu' });
  near(stats(t).std, Math.sqrt(2 / 200), 0.02, 'kaiming normal std (fanOut)');
  init.kaimingNormal_(t, { nonlinearity: 'tanh' });
  near(stats(t).std, 5 / 3 / Math.sqrt(400), 0.02, 'kaiming normal std (tanh, fanIn)');
  const empty = zeros([0, 3]);
  assert.equal(init.kaimingUniform_(empty), empty);
});

function gram(q: number[], rows: number, cols: number, byRows: boolean): number[] {
  const n = byRows ? rows : cols;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      const len = byRows ? cols : rows;
      for (let k = 0; k < len; k++)
        s += byRows ? q[i * cols + k] * q[j * cols + k] : q[k * cols + i] * q[k * cols + j];
      out.push(s);
    }
  }
  return out;
}

function identity(n: number, scale = 1): number[] {
  const out = new Array<number>(n * n).fill(0);
  for (let i = 0; i < n; i++) out[i * n + i] = scale;
  return out;
}

test('orthogonal_ gives orthonormal columns (tall), rows (wide) and both (square), to 1e-5', () => {
  for (const [rows, cols] of [
    [50, 20],
    [20, 50],
    [30, 30],
    [1, 7],
    [7, 1],
  ]) {
    for (const dtype of ['float64', 'float32'] as const) {
      const t = init.orthogonal_(zeros([rows, cols], { dtype }));
      const q = t.toArray();
      if (rows >= cols)
        assertClose(gram(q, rows, cols, false), identity(cols), {
          atol: 1e-5,
          rtol: 0,
          what: `${rows}x${cols} QᵀQ`,
        });
      if (rows <= cols)
        assertClose(gram(q, rows, cols, true), identity(rows), {
          atol: 1e-5,
          rtol: 0,
          what: `${rows}x${cols} QQᵀ`,
        });
    }
  }
  // gain, and >2-D tensors viewed as (size(0), rest)
  const t = init.orthogonal_(zeros([6, 2, 3], { dtype: 'float64' }), 2);
  assertClose(gram(t.toArray(), 6, 6, true), identity(6, 4), {
    atol: 1e-10,
    rtol: 0,
    what: '6x(2*3) with gain 2',
  });
  const a = init.orthogonal_(zeros([4, 4]), 1, { generator: new Generator(3) }).toArray();
  const b = init.orthogonal_(zeros([4, 4]), 1, { generator: new Generator(3) }).toArray();
  assert.deepEqual(a, b);
});

test('init functions reject bad tensors and options with typed errors', () => {
  throwsWith(() => init.xavierUniform_(zeros([5])), ShapeError, 'fewer than 2 dimensions');
  throwsWith(
    () => init.orthogonal_(zeros([5])),
    ShapeError,
    'orthogonal_',
    '2 or more dimensions',
    'got [5]',
  );
  throwsWith(() => init.uniform_(tensor([1, 2], { dtype: 'int32' })), DTypeError, 'got int32');
  throwsWith(() => init.normal_(zeros([2]), 0, -1), ConfigError, 'std', 'got -1');
  throwsWith(() => init.uniform_(zeros([2]), 1, 0), ConfigError, 'a <= 0', 'got a = 1');
  throwsWith(
    () => init.kaimingUniform_(zeros([2, 2]), { mode: 'fan_in' as 'fanIn' }),
    ConfigError,
    "got 'fan_in'",
  );
  throwsWith(
    () => init.kaimingNormal_(zeros([2, 2]), { nonlinearity: 'swish' as 'relu' }),
    ConfigError,
    "got 'swish'",
  );
});

test('Linear parameters can be re-initialised with init helpers', () => {
  const layer = new Linear(10, 10);
  init.orthogonal_(layer.weight);
  init.zeros_(layer.bias!);
  assertClose(gram(layer.weight.toArray(), 10, 10, true), identity(10), { atol: 1e-5, rtol: 0 });
  assert.ok(layer.bias!.toArray().every((v) => v === 0));
});
