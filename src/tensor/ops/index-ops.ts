// Picking entries by an int32 index tensor: indexSelect and gather (scatter-add backward).
import { allocate } from '../../core/dtype.js';
import { DTypeError, ShapeError } from '../../core/errors.js';
import { normalizeDim, numel } from '../../core/shape.js';
import { record } from '../record.js';
import { Tensor } from '../tensor.js';

function checkIndex(index: Tensor, op: string): void {
  if (index.dtype !== 'int32')
    throw new DTypeError(`${op}: index must be an int32 tensor; expected int32, got ${index.dtype}`);
}

/**
 * Picks entries `index` (1-D int32) along `dim`, like `torch.index_select`.
 * @example indexSelect(weight, 0, tokens) // an embedding lookup
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndex(index, 'indexSelect');
  if (index.ndim > 1)
    throw new ShapeError(`indexSelect: index must be 0-D or 1-D; expected <= 1 dims, got ${index.ndim}`);
  const d = normalizeDim(dim, x.ndim, 'indexSelect');
  const size = x.shape[d];
  const outer = numel(x.shape.slice(0, d));
  const inner = numel(x.shape.slice(d + 1));
  const idx = index.data as Int32Array;
  for (const i of idx) {
    if (i < 0 || i >= size)
      throw new ShapeError(
        `indexSelect: index out of range for dim ${d}; expected in [0, ${size - 1}], got ${i}`,
      );
  }
  const n = idx.length;
  const shape = x.shape.slice();
  shape[d] = n;
  const out = new Tensor(allocate(x.dtype, outer * n * inner), shape);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      const from = (o * size + idx[k]) * inner;
      out.data.set(x.data.subarray(from, from + inner), (o * n + k) * inner);
    }
  }
  return record('indexSelect', [x], out, [], (g) => {
    const gx = new Tensor(allocate(g.dtype, x.numel()), x.shape);
    const gd = g.data;
    const xd = gx.data;
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < n; k++) {
        const to = (o * size + idx[k]) * inner;
        const from = (o * n + k) * inner;
        for (let j = 0; j < inner; j++) xd[to + j] += gd[from + j];
      }
    }
    return [gx];
  });
}

/**
 * out[i][j] = x[i][index[i][j]] for dim 1 (and likewise for any dim), like `torch.gather`.
 * `index` has x's rank; its sizes may be smaller than x's except along `dim`.
 *
 * @example
 * gather(tensor([[1, 2], [3, 4]]), 1, tensor([[0, 0], [1, 0]], { dtype: 'int32' })); // [[1, 1], [4, 3]]
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndex(index, 'gather');
  const d = normalizeDim(dim, x.ndim, 'gather');
  if (index.ndim !== x.ndim)
    throw new ShapeError(`gather: index must have the input's rank; expected ${x.ndim}, got ${index.ndim}`);
  for (let k = 0; k < x.ndim; k++) {
    if (k !== d && index.shape[k] > x.shape[k]) {
      throw new ShapeError(
        `gather: index size at dim ${k} must not exceed the input's; expected <= ${x.shape[k]}, got ${index.shape[k]}`,
      );
    }
  }
  const rank = x.ndim;
  const xStrides: number[] = new Array<number>(rank);
  let s = 1;
  for (let k = rank - 1; k >= 0; k--) {
    xStrides[k] = s;
    s *= x.shape[k];
  }
  const n = index.numel();
  const srcPos = new Int32Array(n);
  const idx = index.data as Int32Array;
  const pos = new Array<number>(rank).fill(0);
  for (let o = 0; o < n; o++) {
    const v = idx[o];
    if (v < 0 || v >= x.shape[d])
      throw new ShapeError(
        `gather: index out of range for dim ${d}; expected in [0, ${x.shape[d] - 1}], got ${v}`,
      );
    let off = 0;
    for (let k = 0; k < rank; k++) off += (k === d ? v : pos[k]) * xStrides[k];
    srcPos[o] = off;
    for (let k = rank - 1; k >= 0; k--) {
      if (++pos[k] < index.shape[k]) break;
      pos[k] = 0;
    }
  }
  const out = new Tensor(allocate(x.dtype, n), index.shape);
  for (let o = 0; o < n; o++) out.data[o] = x.data[srcPos[o]];
  return record('gather', [x], out, [], (g) => {
    const gx = new Tensor(allocate(g.dtype, x.numel()), x.shape);
    for (let o = 0; o < n; o++) gx.data[srcPos[o]] += g.data[o];
    return [gx];
  });
}
