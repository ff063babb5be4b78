// Tensor printing: every case of test/fixtures/tensor/print.json (str(t) from PyTorch,
// written by test/tools/gen_print_fixtures.py) prints the same here, dtype names aside
// (`dtype=torch.float64` is `dtype=float64`); util.inspect and console.log use it;
// setPrintOptions checks its options.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';

import { ConfigError } from '../../src/core/errors.js';
import { setDefaultDtype } from '../../src/core/dtype.js';
import { setPrintOptions, Tensor, tensor, type PrintOptions } from '../../src/tensor/index.js';
import { Parameter } from '../../src/nn/parameter.js';
import { repoRoot } from '../helpers/fixtures.js';
import { throwsWith } from '../helpers/assert.js';

interface PrintCase {
  name: string;
  dtype: 'float32' | 'float64' | 'int32';
  shape: number[];
  data: Array<number | 'nan' | 'inf' | '-inf'>;
  requiresGrad: boolean;
  options: PrintOptions;
  str: string;
}

const fixture = JSON.parse(
  readFileSync(join(repoRoot, 'test', 'fixtures', 'tensor', 'print.json'), 'utf8'),
) as { torch: string; cases: PrintCase[] };

function build(c: PrintCase): Tensor {
  const values = c.data.map((v) =>
    v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v,
  );
  const data =
    c.dtype === 'float32'
      ? Float32Array.from(values)
      : c.dtype === 'float64'
        ? Float64Array.from(values)
        : Int32Array.from(values);
  return new Tensor(data, c.shape, { requiresGrad: c.requiresGrad });
}

describe(`tensors print as PyTorch ${fixture.torch} prints them (test/fixtures/tensor/print.json)`, () => {
  assert.ok(fixture.cases.length >= 30);
  for (const c of fixture.cases) {
    test(c.name, () => {
      setPrintOptions(c.options);
      try {
        assert.equal(build(c).toString(), c.str.replace(/dtype=torch\./g, 'dtype='));
      } finally {
        setPrintOptions();
      }
    });
  }
});

test('util.inspect, console.log formatting and String() show the values', () => {
  const t = tensor([[0.1, 0.2]]);
  assert.equal(inspect(t), 'tensor([[0.1000, 0.2000]])');
  assert.equal(inspect({ w: t }), '{ w: tensor([[0.1000, 0.2000]]) }');
  assert.equal(`${String(t)}`, 'tensor([[0.1000, 0.2000]])');
  assert.equal(
    String(tensor([1, 2], { requiresGrad: true }).mul(2)),
    'tensor([2., 4.], grad_fn=<MulBackward>)',
  );
});

test('the default dtype decides which dtype is shown', () => {
  setDefaultDtype('float64');
  try {
    assert.equal(String(tensor([1.5], { dtype: 'float64' })), 'tensor([1.5000])');
    assert.equal(String(tensor([1.5], { dtype: 'float32' })), 'tensor([1.5000], dtype=float32)');
  } finally {
    setDefaultDtype('float32');
  }
});

test('setPrintOptions rejects bad options and keeps the old ones', () => {
  throwsWith(() => setPrintOptions({ precision: -1 }), ConfigError, 'precision');
  throwsWith(() => setPrintOptions({ precison: 2 } as PrintOptions), ConfigError, 'precison');
  throwsWith(() => setPrintOptions({ precision: 2, linewidth: 0 }), ConfigError, 'linewidth');
  assert.equal(String(tensor([1 / 3])), 'tensor([0.3333])');
});

test('a Parameter prints as PyTorch prints one', () => {
  const p = new Parameter(tensor([[0.5, -1]]));
  assert.equal(String(p), 'Parameter containing:\ntensor([[ 0.5000, -1.0000]], requires_grad=True)');
  assert.equal(inspect(p), String(p));
});
