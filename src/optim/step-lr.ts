import { checkNumber, checkOptions } from '../core/check.js';
import type { LrHyper, Optimizer } from './optimizer.js';
import {
  LRScheduler,
  stateInt,
  stateNumber,
  type LRSchedulerOptions,
  type SchedulerStateDict,
} from './lr-scheduler.js';

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

/**
 * Multiplies each group's learning rate by `gamma` every `stepSize` epochs, after
 * `torch.optim.lr_scheduler.StepLR` (chainable form: `lr = lr * gamma` when
 * `lastEpoch % stepSize == 0`).
 *
 * @example
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 }); // lr 0.05 for epochs 0-29, 0.005 for 30-59, ...
 */
export class StepLR extends LRScheduler {
  /** Period of the decay in epochs. */
  readonly stepSize: number;
  /** Multiplicative factor. */
  readonly gamma: number;

  /**
   * @param optimizer the optimizer whose learning rates to set
   * @param options `stepSize` (required), `gamma` (default 0.1), `lastEpoch` (default -1)
   */
  constructor(optimizer: Optimizer<LrHyper>, options: StepLROptions) {
    checkOptions('StepLR', options, ['stepSize', 'gamma', 'lastEpoch']);
    super('StepLR', optimizer, options.lastEpoch ?? -1);
    this.stepSize = checkNumber(
      'StepLR',
      'stepSize',
      options.stepSize,
      (v) => Number.isInteger(v) && v > 0,
      'a positive integer',
    );
    this.gamma = checkNumber('StepLR', 'gamma', options.gamma ?? 0.1, Number.isFinite, 'a finite number');
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected ownState(): SchedulerStateDict {
    return { step_size: this.stepSize, gamma: this.gamma };
  }

  protected loadOwnState(dict: SchedulerStateDict): () => void {
    const w = 'StepLR.loadStateDict';
    const stepSize = stateInt(w, dict, 'step_size', 1);
    const gamma = stateNumber(w, dict, 'gamma');
    return () => {
      (this as { stepSize: number }).stepSize = stepSize;
      (this as { gamma: number }).gamma = gamma;
    };
  }
}
