import { showValue, checkNumber, checkOptions } from '../core/check.js';
import { ConfigError, StateError } from '../core/errors.js';
import type { LrHyper, Optimizer } from './optimizer.js';
import { numberList, stateInt, stateNumber, type SchedulerStateDict } from './lr-scheduler.js';

/**
 * ReduceLROnPlateau's options (PyTorch's, camelCased).
 *
 * @example
 * const sched = new ReduceLROnPlateau(opt, { mode: 'min', factor: 0.5, patience: 5 });
 * sched.step(valLoss);
 */
export interface ReduceLROnPlateauOptions {
  /** 'min': reduce when the metric stops decreasing; 'max': when it stops increasing. Default 'min'. */
  mode?: 'min' | 'max';
  /** Factor by which the lr is reduced, `new = lr * factor` (must be < 1). Default 0.1. */
  factor?: number;
  /** Epochs with no improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** Threshold for counting an improvement. Default 1e-4. */
  threshold?: number;
  /** 'rel': best * (1 -/+ threshold); 'abs': best -/+ threshold. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again. Default 0. */
  cooldown?: number;
  /** Lower bound on the lr: one for all groups or one per group. Default 0. */
  minLr?: number | readonly number[];
  /** A reduction smaller than eps is skipped. Default 1e-8. */
  eps?: number;
}

const KEYS = ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps'];

/**
 * Reduces the learning rate when a metric has stopped improving, after
 * `torch.optim.lr_scheduler.ReduceLROnPlateau`: after more than `patience` epochs
 * without improvement each group's lr becomes `max(lr * factor, minLr)` (unless that
 * changes it by less than `eps`), then `cooldown` epochs pass before bad epochs count.
 *
 * @example
 * const sched = new ReduceLROnPlateau(opt, { mode: 'min', factor: 0.5, patience: 3 });
 * for (const epoch of epochs) { train(); const val = evaluate(); sched.step(val); }
 */
export class ReduceLROnPlateau {
  /** The optimizer whose group learning rates are set. */
  readonly optimizer: Optimizer<LrHyper>;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  /** Per-group lower bounds. */
  minLrs: number[];
  eps: number;
  /** Best metric seen (Infinity / -Infinity before the first step). */
  best: number;
  /** Epochs since the last improvement. */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** Number of `step()` calls so far. */
  lastEpoch = 0;
  private lastLr: number[];

  /**
   * @param optimizer the optimizer whose learning rates to set
   * @param options defaults: `mode` 'min', `factor` 0.1, `patience` 10, `threshold` 1e-4,
   *   `thresholdMode` 'rel', `cooldown` 0, `minLr` 0, `eps` 1e-8
   */
  constructor(optimizer: Optimizer<LrHyper>, options: ReduceLROnPlateauOptions = {}) {
    const N = 'ReduceLROnPlateau';
    checkOptions(N, options, KEYS);
    if (optimizer === null || typeof optimizer !== 'object' || !Array.isArray(optimizer.paramGroups)) {
      throw new ConfigError(`${N}: expected an Optimizer; got ${showValue(optimizer)}`);
    }
    this.optimizer = optimizer;
    this.factor = checkNumber(N, 'factor', options.factor ?? 0.1, (v) => v < 1, 'less than 1.0');
    const mode = options.mode ?? 'min';
    if (mode !== 'min' && mode !== 'max')
      throw new ConfigError(`${N}: mode must be 'min' or 'max'; got ${String(mode)}`);
    this.mode = mode;
    const tm = options.thresholdMode ?? 'rel';
    if (tm !== 'rel' && tm !== 'abs')
      throw new ConfigError(`${N}: thresholdMode must be 'rel' or 'abs'; got ${String(tm)}`);
    this.thresholdMode = tm;
    this.patience = checkNumber(
      N,
      'patience',
      options.patience ?? 10,
      (v) => Number.isInteger(v) && v >= 0,
      'a non-negative integer',
    );
    this.threshold = checkNumber(
      N,
      'threshold',
      options.threshold ?? 1e-4,
      Number.isFinite,
      'a finite number',
    );
    this.cooldown = checkNumber(
      N,
      'cooldown',
      options.cooldown ?? 0,
      (v) => Number.isInteger(v) && v >= 0,
      'a non-negative integer',
    );
    this.eps = checkNumber(N, 'eps', options.eps ?? 1e-8, (v) => v >= 0, 'a non-negative number');
    const nGroups = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (Array.isArray(minLr)) {
      if (minLr.length !== nGroups)
        throw new ConfigError(
          `${N}: expected ${nGroups} minLrs (one per parameter group), got ${minLr.length}`,
        );
      this.minLrs = minLr.map((v, i) =>
        checkNumber(N, `minLr[${i}]`, v, (x) => x >= 0, 'a non-negative number'),
      );
    } else {
      this.minLrs = new Array<number>(nGroups).fill(
        checkNumber(N, 'minLr', minLr, (x) => x >= 0, 'a non-negative number'),
      );
    }
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The worst value for the mode: Infinity for 'min', -Infinity for 'max'. */
  get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Whether the scheduler is in its cooldown period. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether `a` improves on `best` by the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  /**
   * Records one epoch's metric (a number or a one-element tensor's `item()`) and
   * reduces the learning rates if it has not improved for more than `patience` epochs.
   * @example sched.step(valLoss)
   */
  step(metric: number): void {
    if (typeof metric !== 'number')
      throw new ConfigError(`ReduceLROnPlateau.step: metric must be a number; got ${typeof metric}`);
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const old = g.lr;
        const next = Math.max(old * this.factor, this.minLrs[i]);
        if (old - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * The groups' learning rates after the last step (their current values before any).
   * @example sched.getLastLr() // [0.001]
   */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /**
   * The state with PyTorch's attribute names (`best`, `num_bad_epochs`,
   * `cooldown_counter`, `min_lrs`, `threshold_mode`, ...).
   * @example const saved = sched.stateDict();
   */
  stateDict(): SchedulerStateDict {
    return {
      factor: this.factor,
      min_lrs: this.minLrs.slice(),
      patience: this.patience,
      cooldown: this.cooldown,
      cooldown_counter: this.cooldownCounter,
      mode: this.mode,
      threshold: this.threshold,
      threshold_mode: this.thresholdMode,
      best: this.best,
      num_bad_epochs: this.numBadEpochs,
      mode_worse: this.modeWorse,
      eps: this.eps,
      last_epoch: this.lastEpoch,
      _last_lr: this.lastLr.slice(),
    };
  }

  /**
   * Restores a state from `stateDict()`; everything is checked first and a failed
   * load (StateError) changes nothing.
   * @example sched.loadStateDict(checkpoint.scheduler)
   */
  loadStateDict(dict: SchedulerStateDict): void {
    const w = 'ReduceLROnPlateau.loadStateDict';
    if (typeof dict !== 'object' || dict === null)
      throw new StateError(`${w}: expected an object; got ${String(dict)}`);
    const n = this.optimizer.paramGroups.length;
    const mode = dict.mode;
    if (mode !== 'min' && mode !== 'max')
      throw new StateError(`${w}: "mode" must be 'min' or 'max'; got ${JSON.stringify(mode)}`);
    const tm = dict.threshold_mode;
    if (tm !== 'rel' && tm !== 'abs')
      throw new StateError(`${w}: "threshold_mode" must be 'rel' or 'abs'; got ${JSON.stringify(tm)}`);
    const next = {
      factor: stateNumber(w, dict, 'factor', (v) => v < 1),
      minLrs: numberList(w, dict, 'min_lrs', n),
      patience: stateInt(w, dict, 'patience', 0),
      cooldown: stateInt(w, dict, 'cooldown', 0),
      cooldownCounter: stateInt(w, dict, 'cooldown_counter', 0),
      threshold: stateNumber(w, dict, 'threshold'),
      best: dict.best === null ? (mode === 'min' ? Infinity : -Infinity) : stateNumber(w, dict, 'best'),
      numBadEpochs: stateInt(w, dict, 'num_bad_epochs', 0),
      eps: stateNumber(w, dict, 'eps', (v) => v >= 0),
      lastEpoch: stateInt(w, dict, 'last_epoch', 0),
      lastLr: dict._last_lr === undefined ? this.lastLr.slice() : numberList(w, dict, '_last_lr', n),
    };
    this.mode = mode;
    this.thresholdMode = tm;
    Object.assign(this, next);
  }
}
