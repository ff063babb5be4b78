import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ConfigError, DTypeError, ShapeError } from '../../src/core/errors.js';
import { Generator, manualSeed } from '../../src/core/rng.js';
import { Embedding } from '../../src/nn/index.js';
import { cat, embedding, randn, Tensor, tensor } from '../../src/tensor/index.js';
import { repoRoot, toTensor, type FixtureTensor } from '../helpers/fixtures.js';
import { assertClose, gradcheck } from '../helpers/gradcheck.js';
import { throwsWith } from '../helpers/assert.js';

interface EmbeddingCase {
  name: string;
  inputs: { ids: FixtureTensor; weight: FixtureTensor };
  options: { paddingIdx?: number };
  output: FixtureTensor;
  gradOutput: FixtureTensor;
  grads: { weight: FixtureTensor };
}

const cases = (
  JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'nn', 'embedding.json'), 'utf8')) as {
    cases: EmbeddingCase[];
  }
).cases;
const ids = (values: number[], shape?: number[]): Tensor =>
  tensor(values, { dtype: 'int32', shape: shape ?? [values.length] });

for (const dtype of ['float64', 'float32'] as const) {
  test(`Embedding matches PyTorch (repeated ids, paddingIdx, 0-d ids), output and weight gradient (${dtype})`, () => {
    assert.ok(cases.length > 0);
    for (const c of cases) {
      const [n, d] = c.inputs.weight.shape;
      const emb = new Embedding(n, d, { dtype, paddingIdx: c.options.paddingIdx ?? null });
      emb.loadStateDict({ weight: toTensor(c.inputs.weight, dtype) });
      const y = emb.forward(new Tensor(Int32Array.from(c.inputs.ids.data), c.inputs.ids.shape));
      assert.deepEqual(y.shape, c.output.shape, c.name);
      assertClose(y.data, c.output.data, {
        rtol: 0,
        atol: dtype === 'float64' ? 0 : 1e-6,
        what: `${c.name} output`,
      });
      y.backward(toTensor(c.gradOutput, dtype));
      const tol = dtype === 'float64' ? { rtol: 1e-12, atol: 1e-14 } : { rtol: 1e-5, atol: 1e-6 };
      assertClose(emb.weight.grad!.data, c.grads.weight.data, { ...tol, what: `${c.name} grad weight` });
    }
  });
}

test('gradcheck: embedding w.r.t. weight with repeated ids and several input ranks', () => {
  const g = new Generator(2);
  const w = randn([5, 3], { dtype: 'float64', generator: g, requiresGrad: true });
  gradcheck((ww) => embedding(ids([1, 1, 4, 0, 1, 4], [2, 3]), ww), [w]);
  gradcheck((ww) => embedding(ids([3], []), ww), [w]);
  gradcheck((ww) => embedding(ids([2, 2, 2]), ww).square(), [w]);
});

test('paddingIdx: its row gets exactly no gradient, the others the same as without padding', () => {
  const g = new Generator(4);
  const w0 = randn([5, 3], { dtype: 'float64', generator: g });
  const x = ids([0, 2, 0, 4, 2, 1], [3, 2]);
  const cot = randn([3, 2, 3], { dtype: 'float64', generator: g });
  const withPad = Embedding.fromPretrained(w0, { freeze: false, paddingIdx: 2 });
  const noPad = Embedding.fromPretrained(w0, { freeze: false });
  withPad.forward(x).backward(cot);
  noPad.forward(x).backward(cot);
  const a = withPad.weight.grad!.toArray();
  const b = noPad.weight.grad!.toArray();
  for (let i = 0; i < a.length; i++) assert.equal(a[i], Math.floor(i / 3) === 2 ? 0 : b[i], `element ${i}`);
  assert.ok(
    b.slice(6, 9).some((v) => v !== 0),
    'the padding row would get a gradient without paddingIdx',
  );
  // numerically, the other rows are right with a padding row present (held constant here)
  const padRow = randn([1, 3], { dtype: 'float64', generator: g });
  const rows = (n: number): Tensor => randn([n, 3], { dtype: 'float64', generator: g, requiresGrad: true });
  gradcheck((top, bottom) => embedding(x, cat([top, padRow, bottom], 0), 2), [rows(2), rows(2)]);
});

test('Embedding init: N(0, 1), padding row zero, negative paddingIdx counts from the end', () => {
  manualSeed(1);
  const emb = new Embedding(2000, 50, { paddingIdx: -1 });
  assert.equal(emb.paddingIdx, 1999);
  const d = emb.weight.toArray();
  assert.ok(d.slice(1999 * 50).every((v) => v === 0));
  const body = d.slice(0, 1999 * 50);
  const mean = body.reduce((s, v) => s + v, 0) / body.length;
  const std = Math.sqrt(body.reduce((s, v) => s + (v - mean) ** 2, 0) / body.length);
  assert.ok(Math.abs(mean) < 0.02, `mean ${mean}`);
  assert.ok(Math.abs(std - 1) < 0.02, `std ${std}`);
  assert.deepEqual(Object.keys(emb.stateDict()), ['weight']);
  assert.equal(emb.toString(), 'Embedding(2000, 50, padding_idx=1999)');
  assert.equal(new Embedding(3, 2).toString(), 'Embedding(3, 2)');
  assert.deepEqual(new Embedding(10, 3).forward(ids([1, 2, 4, 5, 4, 3, 2, 9], [2, 4])).shape, [2, 4, 3]);
});

test('Embedding.fromPretrained copies the table, freezes by default, keeps the padding row and draws no random numbers', () => {
  const w = tensor(
    [
      [1, 2.3, 3],
      [4, 5.1, 6.3],
    ],
    { dtype: 'float64' },
  );
  manualSeed(9);
  const emb = Embedding.fromPretrained(w, { paddingIdx: 0 });
  const after = randn([3]).toArray();
  manualSeed(9);
  assert.deepEqual(randn([3]).toArray(), after, 'fromPretrained consumed the default generator');
  assert.equal(emb.weight.requiresGrad, false);
  assert.equal(emb.weight.dtype, 'float64');
  assert.deepEqual(emb.forward(ids([0])).toArray(), [1, 2.3, 3]);
  w.data[0] = 99;
  assert.equal(emb.weight.data[0], 1, 'the table is a copy');
  assert.equal(Embedding.fromPretrained(w, { freeze: false }).weight.requiresGrad, true);
  assert.equal(emb.numEmbeddings, 2);
  assert.equal(emb.embeddingDim, 3);
});

test('Embedding rejects float ids, out-of-range ids and bad configuration', () => {
  const emb = new Embedding(4, 3);
  throwsWith(() => emb.forward(tensor([0, 1])), DTypeError, 'int32', 'got float32');
  throwsWith(
    () => emb.forward(ids([0, 4])),
    ShapeError,
    'index out of range',
    'expected ids in [0, 3], got 4',
  );
  throwsWith(() => emb.forward(ids([-1])), ShapeError, 'got -1');
  throwsWith(
    () => new Embedding(4, 3, { paddingIdx: 4 }),
    ConfigError,
    'paddingIdx',
    'expected an integer in [-4, 3], got 4',
  );
  throwsWith(() => new Embedding(4, 3, { paddingIdx: -5 }), ConfigError, 'got -5');
  throwsWith(() => new Embedding(-2, 3), ConfigError, 'numEmbeddings', 'got -2');
  throwsWith(() => Embedding.fromPretrained(tensor([1, 2, 3])), ShapeError, '2-dimensional', 'got [3]');
  throwsWith(() => Embedding.fromPretrained(tensor([[1, 2]], { dtype: 'int32' })), DTypeError, 'got int32');
  throwsWith(() => embedding(ids([0]), tensor([1, 2, 3])), ShapeError, 'weight must be 2-D');
});
