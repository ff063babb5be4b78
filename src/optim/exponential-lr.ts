import { checkNumber, checkOptions } from '../core/check.js';
import type { LrHyper, Optimizer } from './optimizer.js';
import {
  LRScheduler,
  stateNumber,
  type LRSchedulerOptions,
  type SchedulerStateDict,
} from './lr-scheduler.js';

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

/**
 * Multiplies each group's learning rate by `gamma` every epoch, after
 * `torch.optim.lr_scheduler.ExponentialLR` (chainable form `lr = lr * gamma`).
 *
 * @example
 * const sched = new ExponentialLR(opt, { gamma: 0.9 });
 */
export class ExponentialLR extends LRScheduler {
  /** Multiplicative factor per epoch. */
  readonly gamma: number;

  /**
   * @param optimizer the optimizer whose learning rates to set
   * @param options `gamma` (required), `lastEpoch` (default -1)
   */
  constructor(optimizer: Optimizer<LrHyper>, options: ExponentialLROptions) {
    checkOptions('ExponentialLR', options, ['gamma', 'lastEpoch']);
    super('ExponentialLR', optimizer, options.lastEpoch ?? -1);
    this.gamma = checkNumber('ExponentialLR', 'gamma', options.gamma, Number.isFinite, 'a finite number');
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected ownState(): SchedulerStateDict {
    return { gamma: this.gamma };
  }

  protected loadOwnState(dict: SchedulerStateDict): () => void {
    const gamma = stateNumber('ExponentialLR.loadStateDict', dict, 'gamma');
    return () => {
      (this as { gamma: number }).gamma = gamma;
    };
  }
}
