import type { FloatDType } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Series and tabular data accepted by the data tools.
 *
 * @example
 * new StandardScaler().fit([1, 2, 3]);            // a series
 * new StandardScaler().fit([[1, 10], [2, 20]]);  // rows of features
 * new StandardScaler().fit(zeros([5, 2]));        // a tensor
 */
export type NumericData =
  readonly number[] | Float32Array | Float64Array | readonly (readonly number[])[] | Tensor;

/** A row-major matrix view of {@link NumericData}. */
export interface MatrixView {
  /** Row-major values, `rows * cols` of them (shared with the input, never written). */
  readonly values: ArrayLike<number>;
  /** Number of rows (time steps or samples). */
  readonly rows: number;
  /** Number of columns (features); 1 for 1-D data. */
  readonly cols: number;
  /** Whether the input had one dimension (a single feature). */
  readonly oneDim: boolean;
  /** The float dtype the input carries (null for plain arrays and int32 tensors). */
  readonly dtype: FloatDType | null;
}

/**
 * Reads 1-D data (one feature) or 2-D data `(rows, cols)` as a row-major matrix.
 * With `allowHigherRank`, a tensor of rank > 2 is read as `(prod(shape[:-1]), shape[-1])`.
 *
 * @example asMatrix([[1, 2], [3, 4]], 'fit').cols // 2
 * @internal
 */
export function asMatrix(data: NumericData, op: string, allowHigherRank = false): MatrixView {
  if (data instanceof Tensor) {
    const shape = data.shape;
    const dtype = data.dtype === 'int32' ? null : data.dtype;
    if (shape.length === 1) return { values: data.data, rows: shape[0], cols: 1, oneDim: true, dtype };
    if (shape.length === 2 || (allowHigherRank && shape.length > 2)) {
      const cols = shape[shape.length - 1];
      const rows = cols === 0 ? 0 : data.numel() / cols;
      return { values: data.data, rows, cols, oneDim: false, dtype };
    }
    const expected = allowHigherRank ? 'a tensor of rank >= 1' : 'a 1-D or 2-D tensor';
    throw new ShapeError(`${op}: expected ${expected}, got shape ${formatShape(shape)}`);
  }
  if (data instanceof Float32Array || data instanceof Float64Array) {
    return {
      values: data,
      rows: data.length,
      cols: 1,
      oneDim: true,
      dtype: data instanceof Float32Array ? 'float32' : 'float64',
    };
  }
  if (!Array.isArray(data)) {
    throw new ShapeError(
      `${op}: expected a number[], Float32Array, Float64Array, number[][] or Tensor, got ${typeof data}`,
    );
  }
  if (data.length === 0 || !Array.isArray(data[0])) {
    const flat = data as readonly number[];
    for (let i = 0; i < flat.length; i++) {
      if (typeof flat[i] !== 'number') {
        throw new ShapeError(
          `${op}: expected a number at index ${i}, got ${Array.isArray(flat[i]) ? 'an array' : typeof flat[i]}`,
        );
      }
    }
    return { values: flat, rows: flat.length, cols: 1, oneDim: true, dtype: null };
  }
  const nested = data as readonly (readonly number[])[];
  const rows = nested.length;
  const cols = nested[0].length;
  const values = new Float64Array(rows * cols); // (rows, cols)
  for (let r = 0; r < rows; r++) {
    const row = nested[r];
    if (!Array.isArray(row) || row.length !== cols) {
      throw new ShapeError(
        `${op}: ragged 2-D array; expected row ${r} to have ${cols} values, got ${Array.isArray(row) ? row.length : typeof row}`,
      );
    }
    for (let c = 0; c < cols; c++) {
      const v: unknown = row[c];
      if (typeof v !== 'number')
        throw new ShapeError(`${op}: expected a number at row ${r}, column ${c}, got ${typeof v}`);
      values[r * cols + c] = v;
    }
  }
  return { values, rows, cols, oneDim: false, dtype: null };
}
