import { AdamBase } from './adam-base.js';
import type { AdamOptions } from './adam-kernels.js';
import type { OptimizerOptions, ParamsInput } from './optimizer-types.js';

export type { AdamOptions } from './adam-kernels.js';

/**
 * Adam, after `torch.optim.Adam` (PyTorch 1.13, single-tensor path). With g the
 * gradient (negated if `maximize`) and t the step count:
 *
 * ```
 * g = g + weightDecay * p
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g * g          (vmax = max(vmax, v) with amsgrad)
 * p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * ```
 *
 * State per parameter: `step`, `exp_avg`, `exp_avg_sq` (and `max_exp_avg_sq`).
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
 */
export class Adam extends AdamBase {
  /**
   * @param params parameters, or groups `{ params, lr?, betas?, ... }`
   * @param options defaults: `lr` 1e-3, `betas` [0.9, 0.999], `eps` 1e-8, `weightDecay` 0, `amsgrad` false, `maximize` false; `foreach` true
   */
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> & OptimizerOptions = {}) {
    super(
      'Adam',
      params,
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
      options,
      false,
    );
  }
}
