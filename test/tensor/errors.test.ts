/*
 * Bad input: every op's shape / dtype / argument errors are typed, and the message names
 * the op, the expected value and the actual value.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DTypeError, LongshortError, ShapeError, StateError } from '../../src/core/errors.js';
import {
  add,
  arange,
  cat,
  chunk,
  clamp,
  expand,
  flatten,
  gather,
  indexSelect,
  linear,
  linspace,
  logsumexp,
  matmul,
  max,
  mean,
  mul,
  narrow,
  permute,
  randint,
  randn,
  reshape,
  select,
  slice,
  softmax,
  split,
  squeeze,
  stack,
  sum,
  Tensor,
  tensor,
  transpose,
  t as tr,
  unsqueeze,
  view,
  where,
  zeros,
} from '../../src/tensor/index.js';
import { throwsExactly } from '../helpers/assert.js';

const f32 = (shape: number[]): Tensor => zeros(shape, { dtype: 'float32' });
const f64 = (shape: number[]): Tensor => zeros(shape, { dtype: 'float64' });
const i32 = (v: number[], shape = [v.length]): Tensor => new Tensor(Int32Array.from(v), shape);

describe('error classes', () => {
  it('are distinct LongshortErrors with their own names', () => {
    const classes = [ShapeError, DTypeError, ConfigError, StateError];
    for (const C of classes) {
      const e = new C('x');
      assert.ok(e instanceof LongshortError && e instanceof Error);
      assert.equal(e.name, C.name);
      for (const D of classes) if (D !== C) assert.ok(!(e instanceof D));
    }
  });
});

describe('element-wise ops', () => {
  it('add/mul/where of non-broadcastable shapes: ShapeError naming both shapes and sizes', () => {
    throwsExactly(
      () => add(f32([2, 3]), f32([4])),
      ShapeError,
      'add',
      '[2, 3]',
      '[4]',
      'expected size 3 or 1',
      'got 4',
    );
    throwsExactly(() => mul(f32([2, 3]), f32([3, 3])), ShapeError, 'mul', 'expected size 2 or 1', 'got 3');
    throwsExactly(() => where(f32([2]), f32([3]), 0), ShapeError, 'where', '[2]', '[3]');
  });
  it('float-only unary ops reject int32 with DTypeError', () => {
    throwsExactly(() => i32([1, 2]).exp(), DTypeError, 'exp', 'expected float32 or float64', 'got int32');
    throwsExactly(() => i32([1, 2]).sigmoid(), DTypeError, 'sigmoid', 'got int32');
    throwsExactly(() => i32([1]).log(), DTypeError, 'log');
  });
  it('clamp with neither bound: ConfigError', () => {
    throwsExactly(() => clamp(f32([2])), ConfigError, 'clamp', 'min or max', 'got neither');
    throwsExactly(() => f32([2]).clamp(null, null), ConfigError, 'clamp');
    throwsExactly(() => f32([2]).clamp_(), ConfigError, 'clamp_', 'got neither');
  });
  it('in-place ops: non-broadcastable or growing shapes and float into int32', () => {
    throwsExactly(() => f32([3]).add_(f32([2, 3])), ShapeError, 'add_', '[3]', '[2, 3]');
    throwsExactly(() => f32([3]).copy_(f32([4])), ShapeError, 'copy_', 'got 4');
    throwsExactly(() => i32([1, 2]).add_(f32([2])), DTypeError, 'add_', 'expected int32', 'got float32');
  });
});

describe('matmul', () => {
  it('inner dimension mismatch: ShapeError naming both shapes and sizes', () => {
    throwsExactly(
      () => matmul(f32([2, 3]), f32([4, 5])),
      ShapeError,
      'matmul',
      '[2, 3]',
      '[4, 5]',
      'expected b.size(-2) = 3',
      'got 4',
    );
    throwsExactly(() => matmul(f32([3]), f32([4])), ShapeError, 'matmul', 'expected b.size(0) = 3', 'got 4');
    throwsExactly(() => matmul(f32([2, 2, 3]), f32([2])), ShapeError, 'matmul', 'got 2');
  });
  it('non-broadcastable batch dims', () => {
    throwsExactly(
      () => matmul(f32([2, 3, 4]), f32([3, 4, 5])),
      ShapeError,
      'matmul',
      'expected size 2 or 1',
      'got 3',
    );
  });
  it('0-d operands: ShapeError', () => {
    throwsExactly(() => matmul(f32([]), f32([3])), ShapeError, 'matmul', 'at least 1 dimension', 'got 0D');
    throwsExactly(() => matmul(f32([3]), f32([])), ShapeError, 'matmul', 'and 0D');
  });
  it('float32 @ float64 and int32: DTypeError', () => {
    throwsExactly(
      () => matmul(f32([2, 2]), f64([2, 2])),
      DTypeError,
      'matmul',
      'expected float32',
      'got float64',
    );
    throwsExactly(
      () => matmul(i32([1, 2, 3, 4], [2, 2]), f32([2, 2])),
      DTypeError,
      'matmul',
      'first operand',
      'got int32',
    );
    throwsExactly(
      () => matmul(f32([2, 2]), i32([1, 2, 3, 4], [2, 2])),
      DTypeError,
      'matmul',
      'second operand',
      'got int32',
    );
  });
});

describe('linear', () => {
  it('in_features mismatch', () => {
    throwsExactly(
      () => linear(f32([2, 3]), f32([4, 5])),
      ShapeError,
      'linear',
      'in_features',
      'expected 5',
      'got 3',
    );
    throwsExactly(() => linear(f32([]), f32([4, 5])), ShapeError, 'linear', 'expected 5', '0-D');
  });
  it('bias shape and dtype', () => {
    throwsExactly(
      () => linear(f32([2, 3]), f32([4, 3]), f32([3])),
      ShapeError,
      'linear',
      'bias',
      'expected [4]',
      'got [3]',
    );
    throwsExactly(() => linear(f32([2, 3]), f32([4, 3]), f32([1, 4])), ShapeError, 'linear', 'got [1, 4]');
    throwsExactly(
      () => linear(f32([2, 3]), f32([4, 3]), f64([4])),
      DTypeError,
      'linear',
      'expected float32',
      'got float64',
    );
  });
  it('weight rank and dtype', () => {
    throwsExactly(() => linear(f32([2, 3]), f32([3])), ShapeError, 'linear', 'weight', '2-D', 'got 1D');
    throwsExactly(
      () => linear(f32([2, 3]), f64([4, 3])),
      DTypeError,
      'linear',
      'expected float32',
      'got float64',
    );
    throwsExactly(() => linear(i32([1, 2, 3], [1, 3]), f32([4, 3])), DTypeError, 'linear', 'got int32');
  });
});

describe('reshape and friends', () => {
  it('invalid size: ShapeError with the shape and both element counts', () => {
    throwsExactly(
      () => reshape(f32([2, 3]), [4, 2]),
      ShapeError,
      'reshape',
      '[4, 2]',
      'expected 6 elements',
      'got 8',
    );
    throwsExactly(() => reshape(f32([2, 3]), [4, -1]), ShapeError, 'reshape', '[4, -1]', 'size 6');
    throwsExactly(() => view(f32([2, 3]), [5]), ShapeError, 'reshape', 'expected 6 elements', 'got 5');
    throwsExactly(() => reshape(f32([2, 3]), [2, -3]), ShapeError, 'reshape', '-3');
  });
  it('two -1: ShapeError', () => {
    throwsExactly(
      () => reshape(f32([2, 3]), [-1, -1]),
      ShapeError,
      'reshape',
      'only one dimension can be -1',
      '[-1, -1]',
    );
  });
  it('flatten / squeeze / unsqueeze / transpose / t dims out of range', () => {
    throwsExactly(
      () => flatten(f32([2, 3]), 2),
      ShapeError,
      'flatten',
      'expected an integer in [-2, 1]',
      'got 2',
    );
    throwsExactly(() => flatten(f32([2, 3, 4]), 2, 1), ShapeError, 'flatten', '2 <= 1');
    throwsExactly(() => squeeze(f32([2, 1]), -3), ShapeError, 'squeeze', 'got -3');
    throwsExactly(() => unsqueeze(f32([2, 1]), 3), ShapeError, 'unsqueeze', '[-3, 2]', 'got 3');
    throwsExactly(() => transpose(f32([2, 1]), 0, 2), ShapeError, 'transpose', 'got 2');
    throwsExactly(() => tr(f32([2, 1, 3])), ShapeError, 't', '<= 2', 'got 3');
  });
  it('permute: wrong count, repeated dims, out of range', () => {
    throwsExactly(() => permute(f32([2, 3, 4]), [0, 1]), ShapeError, 'permute', 'expected 3', 'got 2');
    throwsExactly(() => permute(f32([2, 3, 4]), [0, 1, 1]), ShapeError, 'permute', 'repeated', '[0, 1, 1]');
    throwsExactly(() => permute(f32([2, 3, 4]), [0, -1, 2]), ShapeError, 'permute', 'repeated');
    throwsExactly(() => permute(f32([2, 3]), [0, 2]), ShapeError, 'permute', 'got 2');
  });
  it('expand: incompatible sizes, fewer dims, -1 in a new leading dim', () => {
    throwsExactly(() => expand(f32([3, 2]), [3, 4]), ShapeError, 'expand', '[3, 2]', 'got 4');
    throwsExactly(() => expand(f32([3, 2]), [2]), ShapeError, 'expand', 'expected >= 2 dims', 'got 1');
    throwsExactly(() => expand(f32([3]), [-1, 3]), ShapeError, 'expand', '-1', 'leading');
  });
});

describe('cat / stack / split / chunk', () => {
  it('cat: dtype mix (DTypeError), size mismatch (ShapeError), empty list, rank mismatch, 0-d', () => {
    throwsExactly(
      () => cat([f32([2, 3]), f64([2, 3])]),
      DTypeError,
      'cat',
      'expected float32',
      'got float64',
      'position 1',
    );
    throwsExactly(
      () => cat([f32([2, 3]), f32([2, 4])], 0),
      ShapeError,
      'cat',
      'expected [2, 3]',
      'got [2, 4]',
      'position 1',
    );
    throwsExactly(() => cat([f32([2, 3]), f32([6])], 0), ShapeError, 'cat', 'got [6]');
    throwsExactly(() => cat([]), ShapeError, 'cat', 'non-empty', 'got 0 tensors');
    throwsExactly(() => cat([f32([2]), f32([2])], 1), ShapeError, 'cat', 'got 1');
    throwsExactly(() => cat([f32([]), f32([])]), ShapeError, 'cat', 'zero-dimensional', 'position 0');
  });
  it('stack: shape mismatch, empty list, dim out of range', () => {
    throwsExactly(
      () => stack([f32([2, 3]), f32([3, 2])]),
      ShapeError,
      'stack',
      'expected [2, 3]',
      'got [3, 2]',
      'position 1',
    );
    throwsExactly(() => stack([]), ShapeError, 'stack', 'got 0 tensors');
    throwsExactly(() => stack([f32([2]), f32([2])], 2), ShapeError, 'stack', 'got 2');
  });
  it('split: sizes must sum to the dim size; splitSize positive', () => {
    throwsExactly(() => split(f32([5, 2]), [2, 2]), ShapeError, 'split', 'expected 5', 'got 4');
    throwsExactly(() => split(f32([5, 2]), [2, 4], 0), ShapeError, 'split', 'expected 5', 'got 6');
    throwsExactly(() => split(f32([5, 2]), 0), ConfigError, 'split', 'got 0');
    throwsExactly(() => split(f32([5, 2]), [6, -1]), ConfigError, 'split', 'got -1');
  });
  it('chunk(0) and non-integer chunks: ConfigError', () => {
    throwsExactly(() => chunk(f32([4]), 0), ConfigError, 'chunk', 'positive integer', 'got 0');
    throwsExactly(() => chunk(f32([4]), 1.5), ConfigError, 'chunk', 'got 1.5');
  });
});

describe('indexing ops', () => {
  it('gather / indexSelect with a float index: DTypeError', () => {
    throwsExactly(
      () => gather(f32([2, 3]), 1, f32([2, 1])),
      DTypeError,
      'gather',
      'expected int32',
      'got float32',
    );
    throwsExactly(
      () => indexSelect(f32([2, 3]), 0, f64([1])),
      DTypeError,
      'indexSelect',
      'expected int32',
      'got float64',
    );
  });
  it('gather / indexSelect out of range: ShapeError with the valid range and the index', () => {
    throwsExactly(
      () => gather(f32([2, 3]), 1, i32([0, 3], [2, 1])),
      ShapeError,
      'gather',
      'expected in [0, 2]',
      'got 3',
    );
    throwsExactly(() => gather(f32([2, 3]), 0, i32([-1], [1, 1])), ShapeError, 'gather', 'got -1');
    throwsExactly(
      () => indexSelect(f32([2, 3]), 1, i32([0, 5])),
      ShapeError,
      'indexSelect',
      'expected in [0, 2]',
      'got 5',
    );
    throwsExactly(() => indexSelect(f32([2, 3]), 0, i32([-1])), ShapeError, 'indexSelect', 'got -1');
  });
  it('gather index rank / size, indexSelect index rank, dims out of range', () => {
    throwsExactly(() => gather(f32([2, 3]), 1, i32([0, 1])), ShapeError, 'gather', 'expected 2', 'got 1');
    throwsExactly(
      () => gather(f32([2, 3]), 1, i32([0, 0, 0], [3, 1])),
      ShapeError,
      'gather',
      'expected <= 2',
      'got 3',
    );
    throwsExactly(() => indexSelect(f32([2, 3]), 0, i32([0, 0], [1, 2])), ShapeError, 'indexSelect', 'got 2');
    throwsExactly(() => gather(f32([2, 3]), 2, i32([0, 0], [2, 1])), ShapeError, 'gather', 'got 2');
    throwsExactly(() => indexSelect(f32([2, 3]), -3, i32([0])), ShapeError, 'indexSelect', 'got -3');
  });
  it('narrow out of range', () => {
    throwsExactly(() => narrow(f32([2, 5]), 1, 3, 3), ShapeError, 'narrow', 'expected at most 5', 'got 6');
    throwsExactly(() => narrow(f32([2, 5]), 1, -1, 2), ShapeError, 'narrow', 'expected at most 5', 'got 6');
    throwsExactly(() => narrow(f32([2, 5]), 1, 0, -1), ShapeError, 'narrow', '-1');
    throwsExactly(() => narrow(f32([2, 5]), 2, 0, 1), ShapeError, 'narrow', 'got 2');
    throwsExactly(
      () => narrow(f32([2, 5]), 1, -6, 1),
      ShapeError,
      'narrow',
      'start',
      'expected an integer in [-5, 5]',
      'got -6',
    );
    throwsExactly(() => narrow(f32([2, 5]), 1, 6, 0), ShapeError, 'narrow', 'got 6');
  });
  it('select out of range', () => {
    throwsExactly(() => select(f32([2, 5]), 1, 5), ShapeError, 'select', 'expected in [-5, 4]', 'got 5');
    throwsExactly(() => select(f32([2, 5]), 0, -3), ShapeError, 'select', 'expected in [-2, 1]', 'got -3');
    throwsExactly(() => select(f32([2, 5]), 2, 0), ShapeError, 'select', 'got 2');
  });
  it('slice: non-positive step, dim out of range', () => {
    throwsExactly(() => slice(f32([4]), 0, 0, 4, 0), ConfigError, 'slice', 'positive integer', 'got 0');
    throwsExactly(() => slice(f32([4]), 0, 0, 4, -1), ConfigError, 'slice', 'got -1');
    throwsExactly(() => slice(f32([4]), 1), ShapeError, 'slice', 'got 1');
    throwsExactly(() => slice(f32([4]), 0, 1.5), ConfigError, 'slice', 'integers', 'got start 1.5');
    throwsExactly(() => slice(f32([4]), 0, 0, 2.5), ConfigError, 'slice', 'end 2.5');
  });
});

describe('reductions and softmax', () => {
  it('softmax / logSoftmax dim out of range', () => {
    throwsExactly(
      () => softmax(f32([2, 3]), 2),
      ShapeError,
      'softmax',
      'expected an integer in [-2, 1]',
      'got 2',
    );
    throwsExactly(() => f32([2, 3]).logSoftmax(-3), ShapeError, 'logSoftmax', 'got -3');
    throwsExactly(() => softmax(i32([1, 2]), 0), DTypeError, 'softmax', 'got int32');
  });
  it('sum / mean / max / logsumexp dim out of range', () => {
    throwsExactly(() => sum(f32([2, 3]), 2), ShapeError, 'sum', 'expected an integer in [-2, 1]', 'got 2');
    throwsExactly(() => sum(f32([2, 3]), [0, -3]), ShapeError, 'sum', 'got -3');
    throwsExactly(() => mean(f32([2, 3]), 5), ShapeError, 'mean', 'got 5');
    throwsExactly(() => max(f32([2, 3]), 2), ShapeError, 'max', 'got 2');
    throwsExactly(() => logsumexp(f32([2, 3]), -3), ShapeError, 'logsumexp', 'got -3');
    throwsExactly(() => sum(f32([2]), 0.5), ShapeError, 'sum', 'got 0.5');
  });
  it('max / argmax of an empty tensor', () => {
    throwsExactly(() => max(f32([0])), ShapeError, 'max', 'expected size > 0', 'got 0');
    throwsExactly(() => f32([2, 0]).argmax(1), ShapeError, 'argmax', 'got 0');
  });
});

describe('creation and construction', () => {
  it('arange: step 0 / inconsistent sign / non-finite', () => {
    throwsExactly(() => arange(0, 5, 0), ConfigError, 'arange', 'non-zero', 'got 0');
    throwsExactly(() => arange(0, 5, -1), ConfigError, 'arange', 'step', 'got -1');
    throwsExactly(() => arange(5, 0, 1), ConfigError, 'arange', 'got 1');
    throwsExactly(() => arange(0, 5, Infinity), ConfigError, 'arange', 'Infinity');
  });
  it('linspace / randint / randn arguments', () => {
    throwsExactly(() => linspace(0, 1, -1), ConfigError, 'linspace', 'got -1');
    throwsExactly(() => linspace(0, 1, 2.5), ConfigError, 'linspace', 'got 2.5');
    throwsExactly(() => randint(3, 3, [2]), ConfigError, 'randint', 'expected high > 3', 'got 3');
    throwsExactly(() => randn([2], { dtype: 'int32' }), DTypeError, 'randn', 'got int32');
    throwsExactly(() => randn([2, -1]), ShapeError, 'randn', '[2, -1]');
    throwsExactly(() => zeros([1.5]), ShapeError, 'zeros', '[1.5]');
  });
  it('Tensor constructor: data length must match the shape', () => {
    throwsExactly(
      () => new Tensor(new Float32Array(5), [2, 3]),
      ShapeError,
      'Tensor',
      '[2, 3]',
      'expected 6',
      'got 5',
    );
    throwsExactly(() => new Tensor(new Float32Array(0), [-1]), ShapeError, 'Tensor', '[-1]');
    throwsExactly(() => tensor([1, 2, 3], { shape: [2, 2] }), ShapeError, 'Tensor', 'expected 4', 'got 3');
  });
  it('size() / item() / floatData', () => {
    throwsExactly(() => f32([2, 3]).size(2), ShapeError, 'size', 'got 2');
    throwsExactly(() => f32([2, 3]).item(), ShapeError, 'item', 'expected 1 element', 'got 6');
    throwsExactly(() => i32([1]).floatData, DTypeError, 'expected a float tensor', 'got int32');
  });
});
