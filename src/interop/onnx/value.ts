// The executor's values: a flat typed array, a shape and an element kind. ONNX integer
// tensors (int64 shapes and indices included) are held as exact integers in a
// Float64Array; booleans as 0/1 bytes.
import { ShapeError, UnsupportedError } from '../../core/errors.js';
import { Tensor } from '../../tensor/tensor.js';

export type ElemKind = 'float32' | 'float64' | 'int' | 'bool';
export type ValueData = Float32Array | Float64Array | Uint8Array;

export interface Value {
  readonly kind: ElemKind;
  readonly data: ValueData; // (numel(shape),) row-major
  readonly shape: readonly number[];
}

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function allocValue(kind: ElemKind, shape: readonly number[]): Value {
  const n = numelOf(shape);
  const data =
    kind === 'float32' ? new Float32Array(n) : kind === 'bool' ? new Uint8Array(n) : new Float64Array(n);
  return { kind, data, shape: shape.slice() };
}

export function makeValue(kind: ElemKind, data: ValueData, shape: readonly number[]): Value {
  if (data.length !== numelOf(shape)) {
    throw new ShapeError(
      `Value: data length must equal numel of [${shape.join(', ')}]; expected ${numelOf(shape)}, got ${data.length}`,
    );
  }
  return { kind, data, shape: shape.slice() };
}

export function isFloat(v: Value): boolean {
  return v.kind === 'float32' || v.kind === 'float64';
}

/** ONNX TensorProto.DataType codes of the kinds (float, double, int64, bool). */
export const DATA_TYPE = { float32: 1, float64: 11, int: 7, bool: 9 } as const;

/** The ONNX element type a name in error messages. */
export const DATA_TYPE_NAMES: Record<number, string> = {
  0: 'UNDEFINED',
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  14: 'COMPLEX64',
  15: 'COMPLEX128',
  16: 'BFLOAT16',
};

/** The value kind an ONNX element type is computed in, or null when unsupported. */
export function kindOfDataType(dt: number): ElemKind | null {
  if (dt === 1) return 'float32';
  if (dt === 11) return 'float64';
  if (dt === 9) return 'bool';
  if ([2, 3, 4, 5, 6, 7, 12, 13].includes(dt)) return 'int';
  return null;
}

/** A longshort tensor as an executor value (int32 tensors become ONNX integers). */
export function fromTensor(t: Tensor): Value {
  const src = t.data;
  if (src instanceof Int32Array) return makeValue('int', Float64Array.from(src), t.shape);
  if (src instanceof Float64Array) return makeValue('float64', src.slice(), t.shape);
  return makeValue('float32', (src as Float32Array).slice(), t.shape);
}

/** An executor value as a longshort tensor (integers and booleans as int32). */
export function toTensor(v: Value, what: string): Tensor {
  if (v.kind === 'float32') return new Tensor((v.data as Float32Array).slice(), v.shape.slice());
  if (v.kind === 'float64') return new Tensor((v.data as Float64Array).slice(), v.shape.slice());
  const out = new Int32Array(v.data.length);
  for (let i = 0; i < out.length; i++) {
    const x = v.data[i];
    if (x > 2147483647 || x < -2147483648) {
      throw new UnsupportedError(`${what}: integer outputs must fit in int32 to become a Tensor; got ${x}`);
    }
    out[i] = x;
  }
  return new Tensor(out, v.shape.slice());
}
