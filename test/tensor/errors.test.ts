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

type ErrorClass = new (message: string) => LongshortError;

/** Asserts `fn` throws `cls` (and nothing broader) with every fragment in the message. */
function throwsWith(fn: () => unknown, cls: ErrorClass, ...fragments: (string | RegExp)[]): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== null, `expected ${cls.name}, but nothing was thrown`);
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${String(caught)}`);
  assert.equal((caught as Error).name, cls.name);
  const msg = (caught as Error).message;
  for (const f of fragments) {
    if (typeof f === 'string') assert.ok(msg.includes(f), `message "${msg}" lacks "${f}"`);
    else assert.match(msg, f);
  }
}

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
    throwsWith(() => add(f32([2, 3]), f32([4])), ShapeError, 'add', '[2, 3]', '[4]', 'expected size 3 or 1', 'got 4');
    throwsWith(() => mul(f32([2, 3]), f32([3, 3])), ShapeError, 'mul', 'expected size 2 or 1', 'got 3');
    throwsWith(() => where(f32([2]), f32([3]), 0), ShapeError, 'where', '[2]', '[3]');
  });
  it('float-only unary ops reject int32 with DTypeError', () => {
    throwsWith(() => i32([1, 2]).exp(), DTypeError, 'exp', 'expected float32 or float64', 'got int32');
    throwsWith(() => i32([1, 2]).sigmoid(), DTypeError, 'sigmoid', 'got int32');
    throwsWith(() => i32([1]).log(), DTypeError, 'log');
  });
  it('clamp with neither bound: ConfigError', () => {
    throwsWith(() => clamp(f32([2])), ConfigError, 'clamp', 'min or max', 'got neither');
    throwsWith(() => f32([2]).clamp(null, null), ConfigError, 'clamp');
    throwsWith(() => f32([2]).clamp_(), ConfigError, 'clamp_', 'got neither');
  });
  it('in-place ops: non-broadcastable or growing shapes and float into int32', () => {
    throwsWith(() => f32([3]).add_(f32([2, 3])), ShapeError, 'add_', '[3]', '[2, 3]');
    throwsWith(() => f32([3]).copy_(f32([4])), ShapeError, 'copy_', 'got 4');
    throwsWith(() => i32([1, 2]).add_(f32([2])), DTypeError, 'add_', 'expected int32', 'got float32');
  });
});

describe('matmul', () => {
  it('inner dimension mismatch: ShapeError naming both shapes and sizes', () => {
    throwsWith(() => matmul(f32([2, 3]), f32([4, 5])), ShapeError, 'matmul', '[2, 3]', '[4, 5]', 'expected b.size(-2) = 3', 'got 4');
    throwsWith(() => matmul(f32([3]), f32([4])), ShapeError, 'matmul', 'expected b.size(0) = 3', 'got 4');
    throwsWith(() => matmul(f32([2, 2, 3]), f32([2])), ShapeError, 'matmul', 'got 2');
  });
  it('non-broadcastable batch dims', () => {
    throwsWith(() => matmul(f32([2, 3, 4]), f32([3, 4, 5])), ShapeError, 'matmul', 'expected size 2 or 1', 'got 3');
  });
  it('0-d operands: ShapeError', () => {
    throwsWith(() => matmul(f32([]), f32([3])), ShapeError, 'matmul', 'at least 1 dimension', 'got 0D');
    throwsWith(() => matmul(f32([3]), f32([])), ShapeError, 'matmul', 'and 0D');
  });
  it('float32 @ float64 and int32: DTypeError', () => {
    throwsWith(() => matmul(f32([2, 2]), f64([2, 2])), DTypeError, 'matmul', 'expected float32', 'got float64');
    throwsWith(() => matmul(i32([1, 2, 3, 4], [2, 2]), f32([2, 2])), DTypeError, 'matmul', 'first operand', 'got int32');
    throwsWith(() => matmul(f32([2, 2]), i32([1, 2, 3, 4], [2, 2])), DTypeError, 'matmul', 'second operand', 'got int32');
  });
});

describe('linear', () => {
  it('in_features mismatch', () => {
    throwsWith(() => linear(f32([2, 3]), f32([4, 5])), ShapeError, 'linear', 'in_features', 'expected 5', 'got 3');
    throwsWith(() => linear(f32([]), f32([4, 5])), ShapeError, 'linear', 'expected 5', '0-D');
  });
  it('bias shape and dtype', () => {
    throwsWith(() => linear(f32([2, 3]), f32([4, 3]), f32([3])), ShapeError, 'linear', 'bias', 'expected [4]', 'got [3]');
    throwsWith(() => linear(f32([2, 3]), f32([4, 3]), f32([1, 4])), ShapeError, 'linear', 'got [1, 4]');
    throwsWith(() => linear(f32([2, 3]), f32([4, 3]), f64([4])), DTypeError, 'linear', 'expected float32', 'got float64');
  });
  it('weight rank and dtype', () => {
    throwsWith(() => linear(f32([2, 3]), f32([3])), ShapeError, 'linear', 'weight', '2-D', 'got 1D');
    throwsWith(() => linear(f32([2, 3]), f64([4, 3])), DTypeError, 'linear', 'expected float32', 'got float64');
    throwsWith(() => linear(i32([1, 2, 3], [1, 3]), f32([4, 3])), DTypeError, 'linear', 'got int32');
  });
});

describe('reshape and friends', () => {
  it('invalid size: ShapeError with the shape and both element counts', () => {
    throwsWith(() => reshape(f32([2, 3]), [4, 2]), ShapeError, 'reshape', '[4, 2]', 'expected 6 elements', 'got 8');
    throwsWith(() => reshape(f32([2, 3]), [4, -1]), ShapeError, 'reshape', '[4, -1]', 'size 6');
    throwsWith(() => view(f32([2, 3]), [5]), ShapeError, 'reshape', 'expected 6 elements', 'got 5');
    throwsWith(() => reshape(f32([2, 3]), [2, -3]), ShapeError, 'reshape', '-3');
  });
  it('two -1: ShapeError', () => {
    throwsWith(() => reshape(f32([2, 3]), [-1, -1]), ShapeError, 'reshape', 'only one dimension can be -1', '[-1, -1]');
  });
  it('flatten / squeeze / unsqueeze / transpose / t dims out of range', () => {
    throwsWith(() => flatten(f32([2, 3]), 2), ShapeError, 'flatten', 'expected an integer in [-2, 1]', 'got 2');
    throwsWith(() => flatten(f32([2, 3, 4]), 2, 1), ShapeError, 'flatten', '2 <= 1');
    throwsWith(() => squeeze(f32([2, 1]), -3), ShapeError, 'squeeze', 'got -3');
    throwsWith(() => unsqueeze(f32([2, 1]), 3), ShapeError, 'unsqueeze', '[-3, 2]', 'got 3');
    throwsWith(() => transpose(f32([2, 1]), 0, 2), ShapeError, 'transpose', 'got 2');
    throwsWith(() => tr(f32([2, 1, 3])), ShapeError, 't', '<= 2', 'got 3');
  });
  it('permute: wrong count, repeated dims, out of range', () => {
    throwsWith(() => permute(f32([2, 3, 4]), [0, 1]), ShapeError, 'permute', 'expected 3', 'got 2');
    throwsWith(() => permute(f32([2, 3, 4]), [0, 1, 1]), ShapeError, 'permute', 'repeated', '[0, 1, 1]');
    throwsWith(() => permute(f32([2, 3, 4]), [0, -1, 2]), ShapeError, 'permute', 'repeated');
    throwsWith(() => permute(f32([2, 3]), [0, 2]), ShapeError, 'permute', 'got 2');
  });
  it('expand: incompatible sizes, fewer dims, -1 in a new leading dim', () => {
    throwsWith(() => expand(f32([3, 2]), [3, 4]), ShapeError, 'expand', '[3, 2]', 'got 4');
    throwsWith(() => expand(f32([3, 2]), [2]), ShapeError, 'expand', 'expected >= 2 dims', 'got 1');
    throwsWith(() => expand(f32([3]), [-1, 3]), ShapeError, 'expand', '-1', 'leading');
  });
});

describe('cat / stack / split / chunk', () => {
  it('cat: dtype mix (DTypeError), size mismatch (ShapeError), empty list, rank mismatch, 0-d', () => {
    throwsWith(() => cat([f32([2, 3]), f64([2, 3])]), DTypeError, 'cat', 'expected float32', 'got float64', 'position 1');
    throwsWith(() => cat([f32([2, 3]), f32([2, 4])], 0), ShapeError, 'cat', 'expected [2, 3]', 'got [2, 4]', 'position 1');
    throwsWith(() => cat([f32([2, 3]), f32([6])], 0), ShapeError, 'cat', 'got [6]');
    throwsWith(() => cat([]), ShapeError, 'cat', 'non-empty', 'got 0 tensors');
    throwsWith(() => cat([f32([2]), f32([2])], 1), ShapeError, 'cat', 'got 1');
    throwsWith(() => cat([f32([]), f32([])]), ShapeError, 'cat', 'zero-dimensional', 'position 0');
  });
  it('stack: shape mismatch, empty list, dim out of range', () => {
    throwsWith(() => stack([f32([2, 3]), f32([3, 2])]), ShapeError, 'stack', 'expected [2, 3]', 'got [3, 2]', 'position 1');
    throwsWith(() => stack([]), ShapeError, 'stack', 'got 0 tensors');
    throwsWith(() => stack([f32([2]), f32([2])], 2), ShapeError, 'stack', 'got 2');
  });
  it('split: sizes must sum to the dim size; splitSize positive', () => {
    throwsWith(() => split(f32([5, 2]), [2, 2]), ShapeError, 'split', 'expected 5', 'got 4');
    throwsWith(() => split(f32([5, 2]), [2, 4], 0), ShapeError, 'split', 'expected 5', 'got 6');
    throwsWith(() => split(f32([5, 2]), 0), ConfigError, 'split', 'got 0');
    throwsWith(() => split(f32([5, 2]), [6, -1]), ConfigError, 'split', 'got -1');
  });
  it('chunk(0) and non-integer chunks: ConfigError', () => {
    throwsWith(() => chunk(f32([4]), 0), ConfigError, 'chunk', 'positive integer', 'got 0');
    throwsWith(() => chunk(f32([4]), 1.5), ConfigError, 'chunk', 'got 1.5');
  });
});

describe('indexing ops', () => {
  it('gather / indexSelect with a float index: DTypeError', () => {
    throwsWith(() => gather(f32([2, 3]), 1, f32([2, 1])), DTypeError, 'gather', 'expected int32', 'got float32');
    throwsWith(() => indexSelect(f32([2, 3]), 0, f64([1])), DTypeError, 'indexSelect', 'expected int32', 'got float64');
  });
  it('gather / indexSelect out of range: ShapeError with the valid range and the index', () => {
    throwsWith(() => gather(f32([2, 3]), 1, i32([0, 3], [2, 1])), ShapeError, 'gather', 'expected in [0, 2]', 'got 3');
    throwsWith(() => gather(f32([2, 3]), 0, i32([-1], [1, 1])), ShapeError, 'gather', 'got -1');
    throwsWith(() => indexSelect(f32([2, 3]), 1, i32([0, 5])), ShapeError, 'indexSelect', 'expected in [0, 2]', 'got 5');
    throwsWith(() => indexSelect(f32([2, 3]), 0, i32([-1])), ShapeError, 'indexSelect', 'got -1');
  });
  it('gather index rank / size, indexSelect index rank, dims out of range', () => {
    throwsWith(() => gather(f32([2, 3]), 1, i32([0, 1])), ShapeError, 'gather', 'expected 2', 'got 1');
    throwsWith(() => gather(f32([2, 3]), 1, i32([0, 0, 0], [3, 1])), ShapeError, 'gather', 'expected <= 2', 'got 3');
    throwsWith(() => indexSelect(f32([2, 3]), 0, i32([0, 0], [1, 2])), ShapeError, 'indexSelect', 'got 2');
    throwsWith(() => gather(f32([2, 3]), 2, i32([0, 0], [2, 1])), ShapeError, 'gather', 'got 2');
    throwsWith(() => indexSelect(f32([2, 3]), -3, i32([0])), ShapeError, 'indexSelect', 'got -3');
  });
  it('narrow out of range', () => {
    throwsWith(() => narrow(f32([2, 5]), 1, 3, 3), ShapeError, 'narrow', 'expected at most 5', 'got 6');
    throwsWith(() => narrow(f32([2, 5]), 1, -1, 2), ShapeError, 'narrow', 'expected at most 5', 'got 6');
    throwsWith(() => narrow(f32([2, 5]), 1, 0, -1), ShapeError, 'narrow', '-1');
    throwsWith(() => narrow(f32([2, 5]), 2, 0, 1), ShapeError, 'narrow', 'got 2');
    throwsWith(() => narrow(f32([2, 5]), 1, -6, 1), ShapeError, 'narrow', 'start', 'expected an integer in [-5, 5]', 'got -6');
    throwsWith(() => narrow(f32([2, 5]), 1, 6, 0), ShapeError, 'narrow', 'got 6');
  });
  it('select out of range', () => {
    throwsWith(() => select(f32([2, 5]), 1, 5), ShapeError, 'select', 'expected in [-5, 4]', 'got 5');
    throwsWith(() => select(f32([2, 5]), 0, -3), ShapeError, 'select', 'expected in [-2, 1]', 'got -3');
    throwsWith(() => select(f32([2, 5]), 2, 0), ShapeError, 'select', 'got 2');
  });
  it('slice: non-positive step, dim out of range', () => {
    throwsWith(() => slice(f32([4]), 0, 0, 4, 0), ConfigError, 'slice', 'positive integer', 'got 0');
    throwsWith(() => slice(f32([4]), 0, 0, 4, -1), ConfigError, 'slice', 'got -1');
    throwsWith(() => slice(f32([4]), 1), ShapeError, 'slice', 'got 1');
    throwsWith(() => slice(f32([4]), 0, 1.5), ConfigError, 'slice', 'integers', 'got start 1.5');
    throwsWith(() => slice(f32([4]), 0, 0, 2.5), ConfigError, 'slice', 'end 2.5');
  });
});

describe('reductions and softmax', () => {
  it('softmax / logSoftmax dim out of range', () => {
    throwsWith(() => softmax(f32([2, 3]), 2), ShapeError, 'softmax', 'expected an integer in [-2, 1]', 'got 2');
    throwsWith(() => f32([2, 3]).logSoftmax(-3), ShapeError, 'logSoftmax', 'got -3');
    throwsWith(() => softmax(i32([1, 2]), 0), DTypeError, 'softmax', 'got int32');
  });
  it('sum / mean / max / logsumexp dim out of range', () => {
    throwsWith(() => sum(f32([2, 3]), 2), ShapeError, 'sum', 'expected an integer in [-2, 1]', 'got 2');
    throwsWith(() => sum(f32([2, 3]), [0, -3]), ShapeError, 'sum', 'got -3');
    throwsWith(() => mean(f32([2, 3]), 5), ShapeError, 'mean', 'got 5');
    throwsWith(() => max(f32([2, 3]), 2), ShapeError, 'max', 'got 2');
    throwsWith(() => logsumexp(f32([2, 3]), -3), ShapeError, 'logsumexp', 'got -3');
    throwsWith(() => sum(f32([2]), 0.5), ShapeError, 'sum', 'got 0.5');
  });
  it('max / argmax of an empty tensor', () => {
    throwsWith(() => max(f32([0])), ShapeError, 'max', 'expected size > 0', 'got 0');
    throwsWith(() => f32([2, 0]).argmax(1), ShapeError, 'argmax', 'got 0');
  });
});

describe('creation and construction', () => {
  it('arange: step 0 / inconsistent sign / non-finite', () => {
    throwsWith(() => arange(0, 5, 0), ConfigError, 'arange', 'non-zero', 'got 0');
    throwsWith(() => arange(0, 5, -1), ConfigError, 'arange', 'step', 'got -1');
    throwsWith(() => arange(5, 0, 1), ConfigError, 'arange', 'got 1');
    throwsWith(() => arange(0, 5, Infinity), ConfigError, 'arange', 'Infinity');
  });
  it('linspace / randint / randn arguments', () => {
    throwsWith(() => linspace(0, 1, -1), ConfigError, 'linspace', 'got -1');
    throwsWith(() => linspace(0, 1, 2.5), ConfigError, 'linspace', 'got 2.5');
    throwsWith(() => randint(3, 3, [2]), ConfigError, 'randint', 'expected high > 3', 'got 3');
    throwsWith(() => randn([2], { dtype: 'int32' }), DTypeError, 'randn', 'got int32');
    throwsWith(() => randn([2, -1]), ShapeError, 'randn', '[2, -1]');
    throwsWith(() => zeros([1.5]), ShapeError, 'zeros', '[1.5]');
  });
  it('Tensor constructor: data length must match the shape', () => {
    throwsWith(() => new Tensor(new Float32Array(5), [2, 3]), ShapeError, 'Tensor', '[2, 3]', 'expected 6', 'got 5');
    throwsWith(() => new Tensor(new Float32Array(0), [-1]), ShapeError, 'Tensor', '[-1]');
    throwsWith(() => tensor([1, 2, 3], { shape: [2, 2] }), ShapeError, 'Tensor', 'expected 4', 'got 3');
  });
  it('size() / item() / floatData', () => {
    throwsWith(() => f32([2, 3]).size(2), ShapeError, 'size', 'got 2');
    throwsWith(() => f32([2, 3]).item(), ShapeError, 'item', 'expected 1 element', 'got 6');
    throwsWith(() => i32([1]).floatData, DTypeError, 'expected a float tensor', 'got int32');
  });
});
