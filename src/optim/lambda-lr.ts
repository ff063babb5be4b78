import { checkOptions } from '../core/check.js';
import { ConfigError, StateError } from '../core/errors.js';
import type { LrHyper, Optimizer } from './optimizer.js';
import { LRScheduler, type LRSchedulerOptions, type SchedulerStateDict } from './lr-scheduler.js';

/**
 * A function of the epoch index giving the factor applied to a group's initial lr.
 *
 * @example
 * const warmup: LrLambda = (epoch) => Math.min(1, (epoch + 1) / 5);
 * const sched = new LambdaLR(opt, { lrLambda: warmup });
 */
export type LrLambda = (epoch: number) => number;

/**
 * LambdaLR's options.
 *
 * @example
 * const sched = new LambdaLR(opt, { lrLambda: (epoch) => 0.95 ** epoch });
 */
export interface LambdaLROptions extends LRSchedulerOptions {
  /** One function for all groups, or one per parameter group (required). */
  lrLambda: LrLambda | readonly LrLambda[];
}

/**
 * Sets each group's learning rate to its initial lr times `lrLambda(epoch)`, after
 * `torch.optim.lr_scheduler.LambdaLR`. Functions are not saved in the state dict
 * (`lr_lambdas` holds nulls, as PyTorch does for plain functions).
 *
 * @example
 * const sched = new LambdaLR(opt, { lrLambda: (epoch) => 0.95 ** epoch });
 */
export class LambdaLR extends LRScheduler {
  /** The factor functions, one per parameter group. */
  readonly lrLambdas: LrLambda[];

  /**
   * @param optimizer the optimizer whose learning rates to set
   * @param options `lrLambda` (required), `lastEpoch` (default -1)
   */
  constructor(optimizer: Optimizer<LrHyper>, options: LambdaLROptions) {
    checkOptions('LambdaLR', options, ['lrLambda', 'lastEpoch']);
    const n = Array.isArray(optimizer?.paramGroups) ? optimizer.paramGroups.length : 0;
    const fns: unknown[] = Array.isArray(options.lrLambda)
      ? [...(options.lrLambda as LrLambda[])]
      : new Array<unknown>(n).fill(options.lrLambda);
    if (Array.isArray(options.lrLambda) && fns.length !== n) {
      throw new ConfigError(
        `LambdaLR: expected ${n} lrLambdas (one per parameter group), but got ${fns.length}`,
      );
    }
    if (!fns.every((f) => typeof f === 'function'))
      throw new ConfigError('LambdaLR: lrLambda must be a function or an array of functions');
    super('LambdaLR', optimizer, options.lastEpoch ?? -1);
    this.lrLambdas = fns as LrLambda[];
    this.initialStep();
  }

  protected computeLr(): number[] {
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i](this.lastEpoch));
  }

  protected ownState(): SchedulerStateDict {
    return { lr_lambdas: this.lrLambdas.map(() => null) };
  }

  protected loadOwnState(dict: SchedulerStateDict): () => void {
    const v = dict.lr_lambdas;
    if (
      v !== undefined &&
      (!Array.isArray(v) || v.length !== this.lrLambdas.length || !v.every((x) => x === null))
    ) {
      throw new StateError(
        `LambdaLR.loadStateDict: "lr_lambdas" must be a list of ${this.lrLambdas.length} nulls; got ${JSON.stringify(v)}`,
      );
    }
    return () => {};
  }
}
