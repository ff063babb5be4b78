import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ConfigError, DTypeError } from '../../src/core/errors.js';
import { Generator, manualSeed } from '../../src/core/rng.js';
import { Dropout } from '../../src/nn/index.js';
import { dropout, ones, randn, tensor } from '../../src/tensor/index.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { throwsWith } from '../helpers/assert.js';

test('dropout in training zeroes about p of the elements and scales the rest by 1/(1-p)', () => {
  for (const p of [0.1, 0.5, 0.8]) {
    const x = ones([200, 100]);
    const y = dropout(x, p, true, { generator: new Generator(1) });
    const d = y.toArray();
    const zeros = d.filter((v) => v === 0).length / d.length;
    assert.ok(Math.abs(zeros - p) < 0.02, `p=${p}: zero fraction ${zeros}`);
    const scale = Math.fround(1 / (1 - p));
    assert.ok(
      d.every((v) => v === 0 || v === scale),
      `p=${p}: survivors must equal ${scale}`,
    );
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    assert.ok(Math.abs(mean - 1) < 0.05, `p=${p}: mean ${mean} should stay near 1`);
  }
});

test('dropout is the identity in eval mode and with p = 0; p = 1 gives zeros and zero gradients', () => {
  const x = randn([3, 4]);
  assert.equal(dropout(x, 0.5, false), x);
  assert.deepEqual(dropout(x, 0, true).toArray(), x.toArray());
  const xr = randn([3, 4], { requiresGrad: true });
  const y = dropout(xr, 1, true);
  assert.ok(y.toArray().every((v) => v === 0));
  y.sum().backward();
  assert.ok(xr.grad!.toArray().every((v) => v === 0));
});

test('dropout masks are reproducible from a seed (generator option or manualSeed)', () => {
  const x = randn([50]);
  const a = dropout(x, 0.5, true, { generator: new Generator(7) }).toArray();
  const b = dropout(x, 0.5, true, { generator: new Generator(7) }).toArray();
  assert.deepEqual(a, b);
  manualSeed(3);
  const c = dropout(x, 0.5).toArray();
  manualSeed(3);
  assert.deepEqual(dropout(x, 0.5).toArray(), c);
  assert.notDeepEqual(dropout(x, 0.5).toArray(), c, 'the next draw uses a fresh mask');
});

test('dropout backward multiplies by the same mask as forward (gradcheck with a fixed seed)', () => {
  const x = randn([4, 5], { dtype: 'float64', requiresGrad: true, generator: new Generator(2) });
  gradcheck((v) => dropout(v, 0.3, true, { generator: new Generator(5) }), [x]);
  x.grad = null;
  const y = dropout(x, 0.3, true, { generator: new Generator(5) });
  y.sum().backward();
  const g = x.grad!.toArray();
  y.toArray().forEach((v, i) => assert.equal(g[i], v === 0 ? 0 : 1 / 0.7, `element ${i}`));
});

test('Dropout module: train() drops, eval() passes through; generator option; repr', () => {
  const drop = new Dropout(0.4, { generator: new Generator(1) });
  const x = ones([1000]);
  assert.ok(drop.training);
  const y = drop.forward(x).toArray();
  assert.ok(y.some((v) => v === 0));
  drop.eval();
  assert.equal(drop.forward(x), x);
  drop.train();
  assert.ok(
    drop
      .forward(x)
      .toArray()
      .some((v) => v === 0),
  );
  assert.equal(new Dropout().p, 0.5);
  assert.equal(new Dropout(0.2).toString(), 'Dropout(p=0.2, inplace=False)');
  assert.deepEqual(Object.keys(drop.stateDict()), []);
});

test('dropout rejects p outside [0, 1] and integer input', () => {
  throwsWith(() => new Dropout(1.5), ConfigError, 'Dropout', 'between 0 and 1', 'got 1.5');
  throwsWith(() => new Dropout(-0.1), ConfigError, 'got -0.1');
  throwsWith(() => dropout(randn([2]), NaN), ConfigError, 'dropout', 'got NaN');
  throwsWith(() => dropout(tensor([1, 2], { dtype: 'int32' }), 0.5), DTypeError, 'got int32');
});
