import type { LrHyper, Optimizer } from './optimizer.js';
import { NumberedLRScheduler, type LRSchedulerOptions, type SchedulerNumbers } from './lr-scheduler.js';

/**
 * ExponentialLR's options.
 *
 * @example
 * const sched = new ExponentialLR(opt, { gamma: 0.95 });
 */
export interface ExponentialLROptions extends LRSchedulerOptions {
  /** Multiplicative factor applied every epoch (required). */
  gamma: number;
}

const NUMBERS: SchedulerNumbers<'gamma'> = {
  gamma: { key: 'gamma', ok: Number.isFinite, what: 'a finite number' },
};

/**
 * Multiplies each group's learning rate by `gamma` every epoch, after
 * `torch.optim.lr_scheduler.ExponentialLR` (chainable form `lr = lr * gamma`).
 *
 * @example
 * const sched = new ExponentialLR(opt, { gamma: 0.9 });
 */
export class ExponentialLR extends NumberedLRScheduler<'gamma'> {
  /** Multiplicative factor per epoch. */
  declare readonly gamma: number;

  /**
   * @param optimizer the optimizer whose learning rates to set
   * @param options `gamma` (required), `lastEpoch` (default -1)
   */
  constructor(optimizer: Optimizer<LrHyper>, options: ExponentialLROptions) {
    super('ExponentialLR', optimizer, options, NUMBERS);
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }
}
