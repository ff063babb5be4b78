import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allocate,
  allocateFloat,
  dtypeOf,
  getDefaultDtype,
  isFloat,
  setDefaultDtype,
} from '../../src/core/dtype.js';
import { DTypeError } from '../../src/core/errors.js';
import { tensor } from '../../src/tensor/index.js';

describe('dtype helpers', () => {
  it('allocate / dtypeOf round-trip', () => {
    for (const d of ['float32', 'float64', 'int32'] as const) {
      const a = allocate(d, 3);
      assert.equal(a.length, 3);
      assert.equal(dtypeOf(a), d);
    }
    assert.ok(allocateFloat('float64', 2) instanceof Float64Array);
    assert.ok(allocateFloat('float32', 2) instanceof Float32Array);
    assert.throws(() => allocate('int64' as never, 1), DTypeError);
  });
  it('isFloat', () => {
    assert.ok(isFloat('float32') && isFloat('float64'));
    assert.ok(!isFloat('int32'));
  });
  it('setDefaultDtype changes new float tensors, and rejects int32', () => {
    assert.equal(getDefaultDtype(), 'float32');
    try {
      setDefaultDtype('float64');
      assert.equal(tensor([1.5]).dtype, 'float64');
    } finally {
      setDefaultDtype('float32');
    }
    assert.equal(tensor([1.5]).dtype, 'float32');
    assert.throws(
      () => setDefaultDtype('int32' as never),
      (e: unknown) => e instanceof DTypeError && /got int32/.test(e.message),
    );
  });
});
