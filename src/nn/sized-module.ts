/*
 * The constructor checks shared by the modules sized by two counts and holding float
 * parameters: `Linear` (in and out features) and `Embedding` (vocabulary and vector size).
 */
import { checkNonNegativeInt, checkOptions } from '../core/check.js';
import { getDefaultDtype, type FloatDType } from '../core/dtype.js';
import { DTypeError } from '../core/errors.js';

/** Throws unless `dtype` is a float dtype (or undefined); returns the resolved dtype. */
export function resolveFloatDtype(dtype: FloatDType | undefined, op: string): FloatDType {
  const d = dtype ?? getDefaultDtype();
  if (d !== 'float32' && d !== 'float64') {
    throw new DTypeError(`${op}: dtype must be float32 or float64; got ${String(d)}`);
  }
  return d;
}

/**
 * Checks a sized module's constructor arguments, in this order: the option keys it knows,
 * each of `sizes` (name -> value) a non-negative integer, and the `dtype` option a float
 * dtype. Returns the dtype (`getDefaultDtype()` when not given).
 */
export function checkSizedModule(
  op: string,
  options: { dtype?: FloatDType },
  keys: readonly string[],
  sizes: Readonly<Record<string, number>>,
): FloatDType {
  checkOptions(op, options, keys);
  for (const [name, size] of Object.entries(sizes)) checkNonNegativeInt(op, name, size);
  return resolveFloatDtype(options.dtype, op);
}
