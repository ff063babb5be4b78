import type { LrHyper, Optimizer } from './optimizer.js';
import { NumberedLRScheduler, type LRSchedulerOptions, type SchedulerNumbers } from './lr-scheduler.js';

/**
 * CosineAnnealingLR's options.
 *
 * @example
 * const sched = new CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 */
export interface CosineAnnealingLROptions extends LRSchedulerOptions {
  /** Half-period of the cosine, in epochs (required; PyTorch's `T_max`). */
  tMax: number;
  /** Minimum learning rate. Default 0. */
  etaMin?: number;
}

const NUMBERS: SchedulerNumbers<'tMax' | 'etaMin'> = {
  tMax: { key: 'T_max', ok: (v) => v > 0 && Number.isFinite(v), what: 'a positive number' },
  etaMin: { key: 'eta_min', default: 0, ok: Number.isFinite, what: 'a finite number' },
};

/**
 * Cosine annealing, after `torch.optim.lr_scheduler.CosineAnnealingLR`, with PyTorch's
 * recursive (chainable) form, so the values match torch's (not the closed form) and
 * keep oscillating past `tMax` (down for `tMax` epochs, back up for `tMax`, ...):
 *
 * ```
 * lr_t = etaMin + (lr_{t-1} - etaMin) * (1 + cos(pi t / tMax)) / (1 + cos(pi (t-1) / tMax))
 * lr_t = lr_{t-1} + (base - etaMin) * (1 - cos(pi / tMax)) / 2   when (t - 1 - tMax) % (2 tMax) == 0
 * ```
 *
 * @example
 * const sched = new CosineAnnealingLR(opt, { tMax: 50, etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends NumberedLRScheduler<'tMax' | 'etaMin'> {
  /** Half-period in epochs. */
  declare readonly tMax: number;
  /** Minimum learning rate. */
  declare readonly etaMin: number;

  /**
   * @param optimizer the optimizer whose learning rates to set
   * @param options `tMax` (required), `etaMin` (default 0), `lastEpoch` (default -1)
   */
  constructor(optimizer: Optimizer<LrHyper>, options: CosineAnnealingLROptions) {
    super('CosineAnnealingLR', optimizer, options, NUMBERS);
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { tMax, etaMin, lastEpoch: t } = this;
    if (t === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && t > 0) {
      return this.baseLrs.map(
        (base) => etaMin + ((base - etaMin) * (1 + Math.cos((t * Math.PI) / tMax))) / 2,
      );
    }
    if ((((t - 1 - tMax) % (2 * tMax)) + 2 * tMax) % (2 * tMax) === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return groups.map(
      (g) =>
        ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) *
          (g.lr - etaMin) +
        etaMin,
    );
  }
}
