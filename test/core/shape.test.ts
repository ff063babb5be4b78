import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShapeError } from '../../src/core/errors.js';
import {
  broadcastShapes,
  checkShape,
  formatShape,
  inferShape,
  normalizeDim,
  numel,
  shapesEqual,
  stridesOf,
} from '../../src/core/shape.js';
import { throwsWith } from '../helpers/assert.js';

describe('shape helpers', () => {
  it('numel, stridesOf, formatShape, shapesEqual', () => {
    assert.equal(numel([]), 1);
    assert.equal(numel([2, 0, 3]), 0);
    assert.equal(numel([2, 3, 4]), 24);
    assert.deepEqual(stridesOf([2, 3, 4]), [12, 4, 1]);
    assert.deepEqual(stridesOf([]), []);
    assert.equal(formatShape([2, 3]), '[2, 3]');
    assert.equal(formatShape([]), '[]');
    assert.ok(shapesEqual([2, 3], [2, 3]));
    assert.ok(!shapesEqual([2, 3], [3, 2]));
    assert.ok(!shapesEqual([2], [2, 1]));
  });

  it('checkShape rejects negative and fractional sizes', () => {
    assert.doesNotThrow(() => checkShape([0, 2], 'op'));
    throwsWith(() => checkShape([2, -1], 'zeros'), ShapeError, 'zeros', '[2, -1]');
    throwsWith(() => checkShape([1.5], 'zeros'), ShapeError, '[1.5]');
  });
});

describe('inferShape', () => {
  it('resolves one -1', () => {
    assert.deepEqual(inferShape([2, -1], 6, 'reshape'), [2, 3]);
    assert.deepEqual(inferShape([-1], 0, 'reshape'), [0]);
    assert.deepEqual(inferShape([-1, 1, 2], 8, 'reshape'), [4, 1, 2]);
    assert.deepEqual(inferShape([3, 2], 6, 'reshape'), [3, 2]);
    assert.deepEqual(inferShape([], 1, 'reshape'), []);
  });
  it('rejects two -1, other negatives, fractions, and sizes that do not fit', () => {
    throwsWith(() => inferShape([-1, -1], 4, 'reshape'), ShapeError, 'reshape', 'only one', '[-1, -1]');
    throwsWith(() => inferShape([-2, 2], 4, 'view'), ShapeError, 'view', '-2');
    throwsWith(() => inferShape([1.5, 2], 3, 'view'), ShapeError, '1.5');
    throwsWith(() => inferShape([4, -1], 6, 'reshape'), ShapeError, '[4, -1]', 'size 6');
    throwsWith(() => inferShape([0, -1], 0, 'reshape'), ShapeError, '[0, -1]');
    throwsWith(() => inferShape([5], 6, 'reshape'), ShapeError, 'expected 6 elements', 'got 5');
    throwsWith(() => inferShape([], 2, 'reshape'), ShapeError, 'expected 2 elements', 'got 1');
  });
});

describe('normalizeDim', () => {
  it('maps negative dims from the end', () => {
    assert.equal(normalizeDim(-1, 3, 'op'), 2);
    assert.equal(normalizeDim(-3, 3, 'op'), 0);
    assert.equal(normalizeDim(2, 3, 'op'), 2);
  });
  it('treats a 0-d tensor as having dims 0 and -1', () => {
    assert.equal(normalizeDim(0, 0, 'op'), 0);
    assert.equal(normalizeDim(-1, 0, 'op'), 0);
    assert.throws(() => normalizeDim(1, 0, 'op'), ShapeError);
  });
  it('rejects out-of-range and non-integer dims, naming the range', () => {
    throwsWith(() => normalizeDim(3, 3, 'sum'), ShapeError, 'sum', 'expected an integer in [-3, 2]', 'got 3');
    throwsWith(() => normalizeDim(-4, 3, 'sum'), ShapeError, 'got -4');
    throwsWith(() => normalizeDim(0.5, 3, 'sum'), ShapeError, 'got 0.5');
  });
});

describe('broadcastShapes', () => {
  it('right-aligns and stretches size-1 dims', () => {
    assert.deepEqual(broadcastShapes([3, 1], [1, 4], 'op'), [3, 4]);
    assert.deepEqual(broadcastShapes([2, 3, 4], [4], 'op'), [2, 3, 4]);
    assert.deepEqual(broadcastShapes([], [2, 3], 'op'), [2, 3]);
    assert.deepEqual(broadcastShapes([1], [5], 'op'), [5]);
    assert.deepEqual(broadcastShapes([5, 1, 0], [3, 1], 'op'), [5, 3, 0]);
    assert.deepEqual(broadcastShapes([1, 1], [], 'op'), [1, 1]);
  });
  it('errors name the op, both shapes, the dim, the expected and the actual size', () => {
    throwsWith(
      () => broadcastShapes([2, 3], [4], 'add'),
      ShapeError,
      'add',
      '[2, 3]',
      '[4]',
      'dimension -1',
      'expected size 3 or 1',
      'got 4',
    );
    throwsWith(
      () => broadcastShapes([2, 4, 3], [5, 3], 'mul'),
      ShapeError,
      'mul',
      'dimension -2',
      'expected size 4 or 1',
      'got 5',
    );
    throwsWith(
      () => broadcastShapes([5, 3], [2, 4, 3], 'mul'),
      ShapeError,
      'mul',
      'dimension -2',
      'expected size 5 or 1',
      'got 4',
    );
    throwsWith(() => broadcastShapes([0], [2], 'sub'), ShapeError, 'sub', 'expected size 0 or 1', 'got 2');
  });
});
