import type { LrHyper, Optimizer } from './optimizer.js';
import { NumberedLRScheduler, type LRSchedulerOptions, type SchedulerNumbers } from './lr-scheduler.js';

/**
 * StepLR's options.
 *
 * @example
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 */
export interface StepLROptions extends LRSchedulerOptions {
  /** Period of the decay, in epochs (a positive integer; required). */
  stepSize: number;
  /** Multiplicative factor of the decay. Default 0.1. */
  gamma?: number;
}

const NUMBERS: SchedulerNumbers<'stepSize' | 'gamma'> = {
  stepSize: { key: 'step_size', ok: (v) => Number.isInteger(v) && v > 0, what: 'a positive integer' },
  gamma: { key: 'gamma', default: 0.1, ok: Number.isFinite, what: 'a finite number' },
};

/**
 * Multiplies each group's learning rate by `gamma` every `stepSize` epochs, after
 * `torch.optim.lr_scheduler.StepLR` (chainable form: `lr = lr * gamma` when
 * `lastEpoch % stepSize == 0`).
 *
 * @example
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 }); // lr 0.05 for epochs 0-29, 0.005 for 30-59, ...
 */
export class StepLR extends NumberedLRScheduler<'stepSize' | 'gamma'> {
  /** Period of the decay in epochs. */
  declare readonly stepSize: number;
  /** Multiplicative factor. */
  declare readonly gamma: number;

  /**
   * @param optimizer the optimizer whose learning rates to set
   * @param options `stepSize` (required), `gamma` (default 0.1), `lastEpoch` (default -1)
   */
  constructor(optimizer: Optimizer<LrHyper>, options: StepLROptions) {
    super('StepLR', optimizer, options, NUMBERS);
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }
}
