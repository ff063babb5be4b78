import { allocate } from '../../core/dtype.js';
import { Tensor } from '../tensor.js';

/**
 * Applies `f` to every element, without a graph (an escape hatch for masks and tests).
 *
 * @example
 * const mask = map(x, (v) => (v > 0 ? 1 : 0));
 */
export function map(x: Tensor, f: (v: number) => number): Tensor {
  const out = new Tensor(allocate(x.dtype, x.numel()), x.shape);
  const s = x.data;
  const o = out.data;
  for (let i = 0; i < s.length; i++) o[i] = f(s[i]);
  return out;
}
