import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ConfigError } from '../../src/core/errors.js';
import { Generator } from '../../src/core/rng.js';
import { Dropout, Linear, Module, Sequential, type TensorModule } from '../../src/nn/index.js';
import { randn, Tensor } from '../../src/tensor/index.js';
import { throwsWith } from '../helpers/assert.js';

class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

test('Sequential chains forward through its modules in order', () => {
  const g = new Generator(1);
  const a = new Linear(4, 6, { generator: g });
  const b = new ReLU();
  const c = new Linear(6, 2, { generator: g });
  const seq = new Sequential(a, b, c);
  const x = randn([3, 4], { generator: g });
  assert.deepEqual(seq.forward(x).toArray(), c.forward(b.forward(a.forward(x))).toArray());
  assert.equal(new Sequential().forward(x), x, 'an empty Sequential is the identity');
});

test('Sequential names children 0, 1, ... and nests state-dict keys like PyTorch', () => {
  const seq = new Sequential(
    new Linear(4, 8),
    new Sequential(new Linear(8, 8), new Dropout(0.1), new Linear(8, 2, { bias: false })),
  );
  assert.deepEqual(Object.keys(seq.stateDict()), [
    '0.weight',
    '0.bias',
    '1.0.weight',
    '1.0.bias',
    '1.2.weight',
  ]);
  assert.deepEqual(
    seq.namedParameters().map(([n]) => n),
    ['0.weight', '0.bias', '1.0.weight', '1.0.bias', '1.2.weight'],
  );
  assert.deepEqual(
    seq.namedChildren().map(([n]) => n),
    ['0', '1'],
  );
  assert.equal(
    seq.toString(),
    [
      'Sequential(',
      '  (0): Linear(in_features=4, out_features=8, bias=True)',
      '  (1): Sequential(',
      '    (0): Linear(in_features=8, out_features=8, bias=True)',
      '    (1): Dropout(p=0.1, inplace=False)',
      '    (2): Linear(in_features=8, out_features=2, bias=False)',
      '  )',
      ')',
    ].join('\n'),
  );
});

test('Sequential: append, length, at (negative indices), iteration', () => {
  const l0 = new Linear(2, 3);
  const l1 = new Linear(3, 1);
  const seq = new Sequential(l0);
  assert.equal(seq.length, 1);
  assert.equal(seq.append(l1), seq);
  assert.equal(seq.length, 2);
  assert.equal(seq.at(0), l0);
  assert.equal(seq.at(-1), l1);
  assert.deepEqual([...seq], [l0, l1]);
  assert.deepEqual(Object.keys(seq.stateDict()), ['0.weight', '0.bias', '1.weight', '1.bias']);
  assert.deepEqual(seq.forward(randn([5, 2])).shape, [5, 1]);
});

test('Sequential rejects non-modules and out-of-range indices', () => {
  const seq = new Sequential(new Linear(2, 2));
  throwsWith(() => seq.at(1), ConfigError, 'index out of range', 'expected an integer in [-1, 0], got 1');
  throwsWith(() => seq.at(-2), ConfigError, 'got -2');
  throwsWith(
    () => seq.append({ forward: (x: Tensor) => x } as unknown as TensorModule),
    ConfigError,
    'Module with a forward',
    'got Object',
  );
  class NoForward extends Module {}
  throwsWith(() => new Sequential(new NoForward() as unknown as TensorModule), ConfigError, 'got NoForward');
});
