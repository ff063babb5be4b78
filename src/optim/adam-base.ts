import type { FloatArray } from '../core/dtype.js';
import { ConfigError } from '../core/errors.js';
import type { Tensor } from '../tensor/index.js';
import { adamForeach, adamUpdate, type AdamOptions, type AdamOwner } from './adam-kernels.js';
import type { ForeachBatch } from './foreach-batch.js';
import { checkHyper } from './hyper-checks.js';
import { Optimizer } from './optimizer.js';
import { stepAndBuffers } from './optimizer-state-dict.js';
import type { OptimizerOptions, ParamGroup, ParamsInput, ParamState, StateKind } from './optimizer-types.js';

/**
 * @internal What Adam and AdamW share: options, checks, state keys and the update;
 * `decoupled` selects AdamW's weight decay.
 *
 * @example
 * class Adam extends AdamBase { constructor(params, options = {}) { super('Adam', params, defaults, options, false); } }
 */
export abstract class AdamBase extends Optimizer<AdamOptions> {
  protected override readonly stepAsTensor = true;
  private readonly owner: AdamOwner;

  protected constructor(
    name: string,
    params: ParamsInput<AdamOptions>,
    defaults: AdamOptions,
    options: Partial<AdamOptions> & OptimizerOptions,
    private readonly decoupled: boolean,
  ) {
    super(name, params, defaults, options);
    this.owner = { name, zeros: (t: Tensor): Tensor => this.zerosLike(t) };
  }

  protected validateHyper(h: AdamOptions): void {
    checkHyper(this.name, h, ['lr', 'eps'], []);
    if (!Array.isArray(h.betas) || h.betas.length !== 2) {
      throw new ConfigError(
        `${this.name}: betas must be a pair of numbers [beta1, beta2]; got ${JSON.stringify(h.betas)}`,
      );
    }
    for (let k = 0; k < 2; k++) {
      const b: unknown = h.betas[k];
      if (typeof b !== 'number' || !(b >= 0 && b < 1)) {
        throw new ConfigError(`${this.name}: betas[${k}] must be in [0, 1); got ${String(b)}`);
      }
    }
    checkHyper(this.name, h, ['weightDecay'], ['amsgrad', 'maximize']);
  }

  protected stateSpec(group: ParamGroup<AdamOptions>): Record<string, StateKind> {
    return stepAndBuffers('exp_avg', 'exp_avg_sq', group.amsgrad && 'max_exp_avg_sq');
  }

  protected update(
    x: FloatArray,
    g: FloatArray,
    st: ParamState,
    group: ParamGroup<AdamOptions>,
    p: Tensor,
  ): void {
    adamUpdate(this.owner, x, g, st, group, p, this.decoupled);
  }

  protected override updateForeach(batch: ForeachBatch, group: ParamGroup<AdamOptions>): void {
    adamForeach(this.owner, batch, group, this.decoupled);
  }
}
