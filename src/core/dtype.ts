import { DTypeError } from './errors.js';

/**
 * Element types. Floats compute; `int32` holds indices and class ids.
 *
 * @example
 * const ids = tensor([1, 2, 3], { dtype: 'int32' });
 * const x = zeros([2], { dtype: 'float64' });
 */
export type DType = 'float32' | 'float64' | 'int32';
/**
 * @example
 * setDefaultDtype('float64'); // FloatDType: 'float32' | 'float64'
 */
export type FloatDType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;
export type DataArray = Float32Array | Float64Array | Int32Array;

let defaultDtype: FloatDType = 'float32';

/**
 * The dtype of new float tensors when none is given (float32 unless changed).
 *
 * @example
 * getDefaultDtype(); // 'float32' unless setDefaultDtype changed it
 */
export function getDefaultDtype(): FloatDType {
  return defaultDtype;
}

/**
 * Sets the dtype of new float tensors, like `torch.set_default_dtype`.
 * @example setDefaultDtype('float64') // reference-precision math
 */
export function setDefaultDtype(dtype: FloatDType): void {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new DTypeError(`setDefaultDtype: dtype must be 'float32' or 'float64'; got ${String(dtype)}`);
  }
  defaultDtype = dtype;
}

export function allocate(dtype: DType, n: number): DataArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
    default:
      throw new DTypeError(
        `allocate: unknown dtype; expected float32, float64 or int32, got ${String(dtype)}`,
      );
  }
}

export function allocateFloat(dtype: FloatDType, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

export function dtypeOf(data: DataArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  return 'int32';
}

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}
