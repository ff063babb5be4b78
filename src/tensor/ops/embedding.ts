import { allocate } from '../../core/dtype.js';
import { DTypeError, ShapeError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import { record } from '../record.js';
import { Tensor } from '../tensor.js';
import { requireFloat } from './util.js';

/**
 * Looks up rows of `weight` by integer ids, like `torch.nn.functional.embedding`.
 *
 * Shapes: `ids` int32 `(*)` of any rank (0-d included), `weight` `(num_embeddings,
 * embedding_dim)`, output `(*, embedding_dim)`. The gradient w.r.t. `weight` adds the
 * output gradient of every occurrence of an id into its row (repeated ids accumulate);
 * the row `paddingIdx` (if given, in [0, num_embeddings)) receives no gradient.
 *
 * @param ids int32 tensor of ids in [0, num_embeddings)
 * @param weight float tensor (num_embeddings, embedding_dim)
 * @param paddingIdx row excluded from the gradient, or null (default)
 * @example embedding(tensor([[0, 2], [1, 1]], { dtype: 'int32' }), weight) // (2, 2, dim)
 */
export function embedding(ids: Tensor, weight: Tensor, paddingIdx: number | null = null): Tensor {
  if (!(ids instanceof Tensor))
    throw new DTypeError(`embedding: ids must be an int32 Tensor; got ${typeof ids}`);
  if (ids.dtype !== 'int32') {
    throw new DTypeError(
      `embedding: ids must be an int32 tensor of indices; expected int32, got ${ids.dtype}`,
    );
  }
  requireFloat(weight, 'embedding', 'weight');
  if (weight.ndim !== 2) {
    throw new ShapeError(
      `embedding: weight must be 2-D (num_embeddings, embedding_dim); expected 2 dims, got ${formatShape(weight.shape)}`,
    );
  }
  const [num, dim] = weight.shape;
  const idx = ids.data as Int32Array;
  for (const i of idx) {
    if (i < 0 || i >= num) {
      throw new ShapeError(`embedding: index out of range; expected ids in [0, ${num - 1}], got ${i}`);
    }
  }
  const n = idx.length;
  const out = new Tensor(allocate(weight.dtype, n * dim), [...ids.shape, dim]); // (*, dim)
  const wd = weight.data;
  const od = out.data;
  for (let k = 0; k < n; k++) od.set(wd.subarray(idx[k] * dim, (idx[k] + 1) * dim), k * dim);
  const ids0 = Int32Array.from(idx); // the ids as they were at the call (ids may change later)
  return record('embedding', [weight], out, [], (g) => {
    const gw = new Tensor(allocate(g.dtype, num * dim), weight.shape); // (num, dim)
    const gd = g.data;
    const r = gw.data;
    for (let k = 0; k < n; k++) {
      const row = ids0[k];
      if (row === paddingIdx) continue;
      const to = row * dim;
      const from = k * dim;
      for (let j = 0; j < dim; j++) r[to + j] += gd[from + j];
    }
    return [gw];
  });
}
