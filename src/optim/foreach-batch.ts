import type { FloatArray } from '../core/dtype.js';
import type { Tensor } from '../tensor/index.js';
import type { ParamState } from './optimizer-types.js';

/**
 * The parameters of one group that have a gradient at this step, as parallel lists:
 * what a foreach step (PyTorch's `foreach=True`) runs over. The lists are owned by the
 * optimizer and reused from step to step; only the first `count` entries are valid.
 *
 * @example
 * // inside an optimizer's updateForeach(batch, group):
 * for (let i = 0; i < batch.count; i++) sgdKernel(batch.xs[i], batch.gs[i], group.lr);
 */
export interface ForeachBatch {
  /** How many entries are valid. */
  count: number;
  /** The parameters. */
  readonly params: Tensor[];
  /** Each parameter's values (its typed array, updated in place). */
  readonly xs: FloatArray[];
  /** Each parameter's gradient values. */
  readonly gs: FloatArray[];
  /** Each parameter's state (created empty on its first step). */
  readonly states: ParamState[];
}

/**
 * An empty batch for an optimizer to reuse.
 *
 * @example
 * const batch = emptyForeachBatch(); // batch.count === 0
 */
export function emptyForeachBatch(): ForeachBatch {
  return { count: 0, params: [], xs: [], gs: [], states: [] };
}

const NO_DATA = new Float32Array(0);

/**
 * Drops the batch's references to this step's gradients, so they can be collected
 * once the user clears them (`zeroGrad`).
 *
 * @example
 * releaseForeachBatch(batch); // after the step
 */
export function releaseForeachBatch(batch: ForeachBatch): void {
  for (let i = 0; i < batch.count; i++) batch.gs[i] = NO_DATA;
  batch.count = 0;
}
