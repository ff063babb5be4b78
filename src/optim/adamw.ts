import { AdamBase } from './adam-base.js';
import type { AdamOptions } from './adam-kernels.js';
import type { OptimizerOptions, ParamsInput } from './optimizer-types.js';

/**
 * AdamW: Adam with decoupled weight decay, after `torch.optim.AdamW` (PyTorch 1.13,
 * single-tensor path). Each step first shrinks the parameter, `p = p * (1 - lr * weightDecay)`,
 * then applies Adam's update with the raw gradient. Note the default `weightDecay` is 1e-2.
 *
 * State per parameter: `step`, `exp_avg`, `exp_avg_sq` (and `max_exp_avg_sq`).
 *
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 1e-2 });
 */
export class AdamW extends AdamBase {
  /**
   * @param params parameters, or groups `{ params, lr?, betas?, ... }`
   * @param options defaults: `lr` 1e-3, `betas` [0.9, 0.999], `eps` 1e-8, `weightDecay` 1e-2, `amsgrad` false, `maximize` false; `foreach` true
   */
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> & OptimizerOptions = {}) {
    super(
      'AdamW',
      params,
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false },
      options,
      true,
    );
  }
}
