import { showValue, checkNumber, checkOptions } from '../core/check.js';
import { ConfigError, StateError } from '../core/errors.js';
import type { LrHyper, Optimizer } from './optimizer.js';

/**
 * A scheduler's state in PyTorch's layout (its attribute names: `last_epoch`, `base_lrs`, ...).
 *
 * @example
 * const saved: SchedulerStateDict = sched.stateDict();
 * sched.loadStateDict(saved);
 */
export type SchedulerStateDict = Record<string, number | string | boolean | null | Array<number | null>>;

/**
 * Options every epoch-based scheduler takes.
 *
 * @example
 * const sched = new StepLR(opt, { stepSize: 10, gamma: 0.5, lastEpoch: -1 });
 */
export interface LRSchedulerOptions {
  /**
   * Index of the last epoch when resuming (default -1: start fresh and record each
   * group's `initialLr`). With another value every group must have `initialLr` already.
   */
  lastEpoch?: number;
}

/**
 * Base class of the epoch-based learning-rate schedulers, after PyTorch 1.13's
 * `_LRScheduler`: construction performs the initial step (epoch 0); each `step()`
 * (once per epoch, after `optimizer.step()`) advances `lastEpoch` and writes the new
 * learning rates into the optimizer's groups, using PyTorch's chainable (recursive)
 * formulas, so several schedulers can act on one optimizer.
 *
 * @example
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); opt.step(); sched.step(); }
 * sched.getLastLr(); // one lr per parameter group
 */
export abstract class LRScheduler {
  /** The optimizer whose group learning rates are set. */
  readonly optimizer: Optimizer<LrHyper>;
  /** The groups' `initialLr` at construction. */
  baseLrs: number[];
  /** The epoch index of the last `step()` (0 after construction). */
  lastEpoch: number;
  /** How many times `step()` has run (1 after construction). */
  protected stepCount = 0;
  /** The learning rates set by the last step. */
  protected lastLr: number[] = [];
  /** Name used in error messages. */
  protected readonly name: string;

  protected constructor(name: string, optimizer: Optimizer<LrHyper>, lastEpoch = -1) {
    this.name = name;
    if (optimizer === null || typeof optimizer !== 'object' || !Array.isArray(optimizer.paramGroups)) {
      throw new ConfigError(`${name}: expected an Optimizer; got ${showValue(optimizer)}`);
    }
    checkNumber(name, 'lastEpoch', lastEpoch, (v) => Number.isInteger(v) && v >= -1, 'an integer >= -1');
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    } else {
      optimizer.paramGroups.forEach((g, i) => {
        if (g.initialLr === undefined) {
          throw new ConfigError(
            `${name}: param 'initial_lr' is not specified in paramGroups[${i}] when resuming an optimizer (lastEpoch ${lastEpoch})`,
          );
        }
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** Runs the initial step; subclasses call it at the end of their constructor. */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The learning rates for `lastEpoch` (already advanced), from the current group lrs. */
  protected abstract computeLr(): number[];

  /**
   * Advances one epoch and sets each group's `lr`. Call once per epoch, after
   * `optimizer.step()`.
   * @example opt.step(); sched.step();
   */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const values = this.computeLr();
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * The learning rates set by the last step, one per parameter group.
   * @example sched.getLastLr() // [0.01]
   */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /** The scheduler-specific fields of the state dict (PyTorch's attribute names). */
  protected abstract ownState(): SchedulerStateDict;
  /** Validates and returns a function that assigns the scheduler-specific fields. */
  protected abstract loadOwnState(dict: SchedulerStateDict): () => void;

  /**
   * The scheduler's state with PyTorch's keys: `base_lrs`, `last_epoch`, `_step_count`,
   * `_last_lr` and the scheduler's own fields (`step_size`, `gamma`, `T_max`, ...).
   * @example const saved = sched.stateDict(); later.loadStateDict(saved);
   */
  stateDict(): SchedulerStateDict {
    return {
      ...this.ownState(),
      base_lrs: this.baseLrs.slice(),
      last_epoch: this.lastEpoch,
      _step_count: this.stepCount,
      _last_lr: this.lastLr.slice(),
    };
  }

  /**
   * Restores a state from `stateDict()`. All fields are checked first; on failure a
   * StateError is thrown and nothing changes. Load the optimizer's state as well.
   * @example sched.loadStateDict(checkpoint.scheduler)
   */
  loadStateDict(dict: SchedulerStateDict): void {
    const where = `${this.name}.loadStateDict`;
    if (typeof dict !== 'object' || dict === null)
      throw new StateError(`${where}: expected an object; got ${String(dict)}`);
    const nGroups = this.optimizer.paramGroups.length;
    const baseLrs = numberList(where, dict, 'base_lrs', nGroups);
    const lastLr = numberList(where, dict, '_last_lr', nGroups);
    const lastEpoch = stateInt(where, dict, 'last_epoch', -1);
    const stepCount = stateInt(where, dict, '_step_count', 0);
    const assignOwn = this.loadOwnState(dict);
    this.baseLrs = baseLrs;
    this.lastLr = lastLr;
    this.lastEpoch = lastEpoch;
    this.stepCount = stepCount;
    assignOwn();
  }
}

/** @internal reads a list of `n` numbers from a state dict. */
export function numberList(where: string, dict: SchedulerStateDict, key: string, n: number): number[] {
  const v = dict[key];
  if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number')) {
    throw new StateError(
      `${where}: "${key}" must be a list of ${n} numbers (one per parameter group); got ${JSON.stringify(v)}`,
    );
  }
  return v.slice();
}

/** @internal reads an integer >= min from a state dict. */
export function stateInt(where: string, dict: SchedulerStateDict, key: string, min: number): number {
  const v = dict[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new StateError(`${where}: "${key}" must be an integer >= ${min}; got ${JSON.stringify(v)}`);
  }
  return v;
}

/** @internal reads a number (any, or satisfying `ok`) from a state dict. */
export function stateNumber(
  where: string,
  dict: SchedulerStateDict,
  key: string,
  ok: (v: number) => boolean = () => true,
): number {
  const v = dict[key];
  if (typeof v !== 'number' || Number.isNaN(v) || !ok(v))
    throw new StateError(`${where}: "${key}" must be a valid number; got ${JSON.stringify(v)}`);
  return v;
}

/**
 * @internal One numeric setting of a scheduler: the option (also the property) it is
 * read from, its key in the state dict (PyTorch's attribute name), its default (none:
 * required) and what it must be, checked at construction (ConfigError) and on load
 * (StateError).
 *
 * @example
 * const STEP: SchedulerNumbers<'stepSize'> = { stepSize: { key: 'step_size', ok: Number.isInteger, what: 'an integer' } };
 */
export interface SchedulerNumber {
  /** The state-dict key (`step_size`). */
  key: string;
  /** The value when the option is omitted; undefined: the option is required. */
  default?: number;
  /** Whether a value is allowed (NaN never is). */
  ok: (v: number) => boolean;
  /** What `ok` allows, for messages ('a positive integer'). */
  what: string;
}

/** @internal A scheduler's numeric settings by option name. */
export type SchedulerNumbers<K extends string> = Readonly<Record<K, SchedulerNumber>>;

/**
 * @internal Checks a scheduler's options (no names but `spec`'s and `lastEpoch`), then
 * each number (defaults filled in), and returns the numbers.
 *
 * @example
 * const { stepSize } = schedulerOptions('StepLR', options, STEP);
 */
function schedulerOptions<K extends string>(
  name: string,
  options: Partial<Record<K, number>> & LRSchedulerOptions,
  spec: SchedulerNumbers<K>,
): Record<K, number> {
  checkOptions(name, options, [...Object.keys(spec), 'lastEpoch']);
  const out = {} as Record<K, number>;
  for (const k of Object.keys(spec) as K[]) {
    const s = spec[k];
    out[k] = checkNumber(name, k, options[k] ?? s.default, s.ok, s.what);
  }
  return out;
}

/**
 * @internal The numbers of `values` under their state-dict keys.
 *
 * @example
 * schedulerState({ stepSize: 30 }, STEP); // { step_size: 30 }
 */
function schedulerState<K extends string>(
  values: Readonly<Record<K, number>>,
  spec: SchedulerNumbers<K>,
): SchedulerStateDict {
  const out: SchedulerStateDict = {};
  for (const k of Object.keys(spec) as K[]) out[spec[k].key] = values[k];
  return out;
}

/**
 * @internal Reads and checks the numbers of `spec` from a state dict (StateError naming
 * the key), by option name.
 *
 * @example
 * const v = loadSchedulerNumbers('StepLR.loadStateDict', dict, STEP); // { stepSize: 30 }
 */
function loadSchedulerNumbers<K extends string>(
  where: string,
  dict: SchedulerStateDict,
  spec: SchedulerNumbers<K>,
): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of Object.keys(spec) as K[]) {
    const { key, ok, what } = spec[k];
    const v = dict[key];
    if (typeof v !== 'number' || Number.isNaN(v) || !ok(v))
      throw new StateError(`${where}: "${key}" must be ${what}; got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  return out;
}

/**
 * @internal A scheduler whose own settings are numbers only (StepLR, ExponentialLR,
 * CosineAnnealingLR): checks the options against `numbers`, sets them as properties of
 * the same names, runs the initial step, and keeps them in the state dict under their
 * keys. Subclasses declare the properties (`declare readonly gamma: number`) and
 * compute the learning rates.
 *
 * @example
 * class ExponentialLR extends NumberedLRScheduler<'gamma'> { declare readonly gamma: number; ... }
 */
export abstract class NumberedLRScheduler<K extends string> extends LRScheduler {
  private readonly numbers: SchedulerNumbers<K>;

  protected constructor(
    name: string,
    optimizer: Optimizer<LrHyper>,
    options: Partial<Record<K, number>> & LRSchedulerOptions,
    numbers: SchedulerNumbers<K>,
  ) {
    const values = schedulerOptions(name, options, numbers);
    super(name, optimizer, options.lastEpoch ?? -1);
    this.numbers = numbers;
    Object.assign(this, values);
    this.initialStep();
  }

  protected ownState(): SchedulerStateDict {
    return schedulerState(this as unknown as Record<K, number>, this.numbers);
  }

  protected loadOwnState(dict: SchedulerStateDict): () => void {
    const values = loadSchedulerNumbers(`${this.name}.loadStateDict`, dict, this.numbers);
    return () => {
      Object.assign(this, values);
    };
  }
}
