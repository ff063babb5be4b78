import { allocate } from '../core/dtype.js';
import { DTypeError, ShapeError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Gathers rows (entries along dim 0) of `source` into a new tensor of the same dtype:
 * `out[i] = source[indices[i]]`, shape `(indices.length, ...source.shape.slice(1))`.
 * Indices may repeat. The result is a copy that does not track gradients (a data tool;
 * use `indexSelect` inside a model).
 *
 * @param indices Integers in `[0, source.shape[0])`: an Int32Array (as yielded by
 *   `batches`), a number array or a 1-D int32 tensor.
 * @throws ShapeError for a 0-D source or an index out of range; DTypeError for a float index tensor.
 * @example
 * const x = tensor([[1, 2], [3, 4], [5, 6]]);
 * takeRows(x, [2, 0]).toNested(); // [[5, 6], [1, 2]]
 */
export function takeRows(source: Tensor, indices: ArrayLike<number> | Tensor): Tensor {
  const op = 'takeRows';
  if (!(source instanceof Tensor))
    throw new ShapeError(`${op}: expected a Tensor as source, got ${typeof source}`);
  if (source.ndim === 0)
    throw new ShapeError(`${op}: expected a tensor with at least one dimension, got a scalar`);
  let idx: ArrayLike<number>;
  if (indices instanceof Tensor) {
    if (indices.dtype !== 'int32')
      throw new DTypeError(`${op}: index tensor must be int32; got ${indices.dtype}`);
    if (indices.ndim !== 1)
      throw new ShapeError(`${op}: index tensor must be 1-D; got ${indices.ndim} dimensions`);
    idx = indices.data;
  } else {
    idx = indices;
  }
  const n = source.shape[0];
  const rowShape = source.shape.slice(1);
  const row = rowShape.reduce((a, b) => a * b, 1);
  const src = source.data; // (n, row)
  const out = allocate(source.dtype, idx.length * row); // (indices.length, row)
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i];
    if (!Number.isInteger(r) || r < 0 || r >= n) {
      throw new ShapeError(
        `${op}: index out of range at position ${i}; expected an integer in [0, ${n - 1}], got ${r}`,
      );
    }
    out.set(src.subarray(r * row, (r + 1) * row), i * row);
  }
  return new Tensor(out, [idx.length, ...rowShape]);
}
