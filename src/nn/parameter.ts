import type { DataArray } from '../core/dtype.js';
import { Tensor } from '../tensor/index.js';

/**
 * A tensor that is a module's learnable parameter: it requires grad by default and is
 * listed by `Module.parameters()` once registered.
 *
 * @example this.weight = this.registerParameter('weight', new Parameter(zeros([4, 3])))
 */
export class Parameter extends Tensor {
  constructor(value: Tensor | DataArray, shape?: readonly number[], requiresGrad = true) {
    if (value instanceof Tensor) super(value.data.slice(), value.shape, { requiresGrad });
    else super(value, shape ?? [value.length], { requiresGrad });
  }

  /** As PyTorch prints a parameter: `Parameter containing:` and the tensor on the next line. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
