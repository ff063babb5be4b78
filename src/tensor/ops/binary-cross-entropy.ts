import { allocate } from '../../core/dtype.js';
import { DTypeError, ShapeError } from '../../core/errors.js';
import { formatShape, shapesEqual } from '../../core/shape.js';
import { record } from '../record.js';
import { Tensor } from '../tensor.js';
import { requireFloat } from './util.js';

/** PyTorch's floor under (1 - x) * x in the backward of binary_cross_entropy. */
const EPSILON = 1e-12;

/**
 * Element-wise binary cross entropy on probabilities, unreduced and unweighted:
 * `-(t * max(log x, -100) + (1 - t) * max(log(1 - x), -100))`, with PyTorch's exact
 * gradients: `(x - t) / max((1 - x) x, 1e-12)` for the input and
 * `log(1 - x) - log(x)` for the target. The logs are clamped at -100 so x = 0 or 1
 * gives finite values, as in `torch.nn.functional.binary_cross_entropy`.
 *
 * Shapes: input `(*)` with values in [0, 1], target `(*)` (same shape and dtype);
 * output `(*)`.
 *
 * @example binaryCrossEntropyPointwise(probs, labels).mean()
 */
export function binaryCrossEntropyPointwise(input: Tensor, target: Tensor): Tensor {
  const op = 'binaryCrossEntropy';
  requireFloat(input, op);
  requireFloat(target, op, 'target');
  if (input.dtype !== target.dtype) {
    throw new DTypeError(
      `${op}: target dtype must match the input's; expected ${input.dtype}, got ${target.dtype}`,
    );
  }
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(
      `${op}: target size must equal input size; expected ${formatShape(input.shape)}, got ${formatShape(target.shape)}`,
    );
  }
  const n = input.numel();
  const xd = input.data;
  const td = target.data;
  const out = new Tensor(allocate(input.dtype, n), input.shape);
  const od = out.data;
  for (let i = 0; i < n; i++) {
    const x = xd[i];
    const t = td[i];
    od[i] = -(t * Math.max(Math.log(x), -100) + (1 - t) * Math.max(Math.log1p(-x), -100));
  }
  return record(op, [input, target], out, [input, target], (g) => {
    const gd = g.data;
    let gx: Tensor | null = null;
    let gt: Tensor | null = null;
    if (input.requiresGrad) {
      gx = new Tensor(allocate(g.dtype, n), input.shape);
      const r = gx.data;
      for (let i = 0; i < n; i++) r[i] = (gd[i] * (xd[i] - td[i])) / Math.max((1 - xd[i]) * xd[i], EPSILON);
    }
    if (target.requiresGrad) {
      gt = new Tensor(allocate(g.dtype, n), target.shape);
      const r = gt.data;
      for (let i = 0; i < n; i++)
        r[i] = gd[i] * (Math.max(Math.log1p(-xd[i]), -100) - Math.max(Math.log(xd[i]), -100));
    }
    return [gx, gt];
  });
}
