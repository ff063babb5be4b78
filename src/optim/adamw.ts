import type { FloatArray } from '../core/dtype.js';
import type { Tensor } from '../tensor/index.js';
import { adamStateSpec, adamUpdate, validateAdamHyper, type AdamOptions } from './adam.js';
import {
  Optimizer,
  type ParamGroup,
  type ParamsInput,
  type ParamState,
  type StateKind,
} from './optimizer.js';

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
export class AdamW extends Optimizer<AdamOptions> {
  /**
   * @param params parameters, or groups `{ params, lr?, betas?, ... }`
   * @param options defaults: `lr` 1e-3, `betas` [0.9, 0.999], `eps` 1e-8, `weightDecay` 1e-2, `amsgrad` false, `maximize` false
   */
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(
      'AdamW',
      params,
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false },
      options,
    );
  }

  private readonly helper = { name: 'AdamW', zeros: (t: Tensor): Tensor => this.zerosLike(t) };

  protected validateHyper(h: AdamOptions): void {
    validateAdamHyper('AdamW', h);
  }

  protected stateSpec(group: ParamGroup<AdamOptions>): Record<string, StateKind> {
    return adamStateSpec(group);
  }

  protected override stepIsTensor(): boolean {
    return true;
  }

  protected update(
    x: FloatArray,
    g: FloatArray,
    st: ParamState,
    group: ParamGroup<AdamOptions>,
    p: Tensor,
  ): void {
    adamUpdate(this.helper, x, g, st, group, p, true);
  }
}
