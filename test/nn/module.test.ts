import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ShapeError, StateError } from '../../src/core/errors.js';
import { Generator } from '../../src/core/rng.js';
import { Dropout, Embedding, Linear, Module, Sequential, type StateDict } from '../../src/nn/index.js';
import { ones, randn, Tensor, tensor, zeros } from '../../src/tensor/index.js';
import { throwsWith } from '../helpers/assert.js';

class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

function model(seed = 1): Sequential {
  const g = new Generator(seed);
  return new Sequential(
    new Linear(4, 6, { generator: g }),
    new ReLU(),
    new Sequential(new Dropout(0.5), new Linear(6, 2, { generator: g })),
  );
}

function snapshot(m: Module): Record<string, number[]> {
  return Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, t.toArray()]));
}

test('stateDict round trip: a second model loaded from the first computes the same outputs', () => {
  const a = model(1).eval();
  const b = model(2).eval();
  const x = randn([3, 4]);
  assert.notDeepEqual(a.forward(x).toArray(), b.forward(x).toArray());
  assert.deepEqual(Object.keys(a.stateDict()), ['0.weight', '0.bias', '2.1.weight', '2.1.bias']);
  const result = b.loadStateDict(a.stateDict());
  assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
  assert.deepEqual(a.forward(x).toArray(), b.forward(x).toArray());
});

test('loadStateDict (strict) names missing and unexpected keys and changes nothing', () => {
  const m = model();
  const before = snapshot(m);
  const dict: StateDict = { ...model(3).stateDict() };
  delete dict['2.1.bias'];
  dict['2.1.gamma'] = zeros([2]);
  throwsWith(
    () => m.loadStateDict(dict),
    StateError,
    'missing keys: "2.1.bias"',
    'unexpected keys: "2.1.gamma"',
  );
  assert.deepEqual(snapshot(m), before);
});

test('loadStateDict rejects a mis-shaped entry (strict or not), naming key, expected and actual shape, and changes nothing', () => {
  const m = model();
  const before = snapshot(m);
  const dict: StateDict = { ...model(3).stateDict(), '2.1.weight': zeros([2, 5]) };
  throwsWith(() => m.loadStateDict(dict), ShapeError, '"2.1.weight"', 'expected [2, 6], got [2, 5]');
  assert.deepEqual(snapshot(m), before);
  throwsWith(
    () => m.loadStateDict(dict, { strict: false }),
    ShapeError,
    '"2.1.weight"',
    'expected [2, 6], got [2, 5]',
  );
  assert.deepEqual(snapshot(m), before);
  throwsWith(
    () =>
      m.loadStateDict({ ...model(3).stateDict(), '0.bias': tensor([1, 2, 3, 4, 5, 6], { dtype: 'int32' }) }),
    StateError,
    '"0.bias"',
    'expected float32, got int32',
  );
  assert.deepEqual(snapshot(m), before);
});

test('loadStateDict non-strict loads what matches and reports the rest', () => {
  const m = model();
  const src = model(3);
  const dict: StateDict = { '0.weight': src.stateDict()['0.weight'], extra: ones([1]) };
  const before = snapshot(m);
  const result = m.loadStateDict(dict, { strict: false });
  assert.deepEqual(result, { missingKeys: ['0.bias', '2.1.weight', '2.1.bias'], unexpectedKeys: ['extra'] });
  const after = snapshot(m);
  assert.deepEqual(after['0.weight'], src.stateDict()['0.weight'].toArray());
  assert.deepEqual(after['0.bias'], before['0.bias']);
});

test('train() and eval() toggle dropout in nested modules', () => {
  const m = model();
  const x = ones([64, 4]);
  const drop = (m.at(2) as Sequential).at(0) as Dropout;
  assert.ok(drop.training);
  m.eval();
  assert.equal(drop.training, false);
  assert.ok(m.modules().every((mod) => !mod.training));
  const y1 = m.forward(x).toArray();
  assert.deepEqual(m.forward(x).toArray(), y1, 'eval mode is deterministic');
  m.train();
  assert.ok(drop.training);
  assert.notDeepEqual(m.forward(x).toArray(), y1, 'training mode drops');
});

test('zeroGrad clears gradients to null (default) or zeros', () => {
  const m = model().eval();
  m.forward(randn([3, 4]))
    .sum()
    .backward();
  assert.ok(m.parameters().every((p) => p.grad !== null));
  m.zeroGrad(false);
  assert.ok(m.parameters().every((p) => p.grad !== null && p.grad.toArray().every((v) => v === 0)));
  m.forward(randn([3, 4]))
    .sum()
    .backward();
  m.zeroGrad();
  assert.ok(m.parameters().every((p) => p.grad === null));
});

test("to('float64') converts every parameter in place, keeping values; float64 input then works", () => {
  const m = model().eval();
  const params = m.parameters();
  const before = snapshot(m);
  const x = randn([2, 4]);
  const y32 = m.forward(x).toArray();
  assert.equal(m.to('float64'), m);
  assert.deepEqual(m.parameters(), params, 'the same Parameter objects');
  assert.ok(params.every((p) => p.dtype === 'float64'));
  assert.deepEqual(snapshot(m), before);
  const y64 = m.forward(x.double());
  assert.equal(y64.dtype, 'float64');
  y64.toArray().forEach((v, i) => assert.ok(Math.abs(v - y32[i]) < 1e-5));
  const emb = new Embedding(3, 2).double();
  assert.equal(emb.weight.dtype, 'float64');
  assert.equal(emb.forward(tensor([1], { dtype: 'int32' })).dtype, 'float64');
});
