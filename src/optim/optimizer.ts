import { allocate, type FloatArray } from '../core/dtype.js';
import { checkOptions } from '../core/check.js';
import { ConfigError, ShapeError, StateError } from '../core/errors.js';
import { formatShape, shapesEqual } from '../core/shape.js';
import { enableGrad, Tensor } from '../tensor/index.js';

/**
 * A hyper-parameter value: a number (`lr`), a flag (`nesterov`) or a tuple (`betas`).
 *
 * @example
 * opt.paramGroups[0].lr = 1e-4;            // a number
 * console.log(opt.paramGroups[0].betas);   // a tuple (Adam)
 */
export type HyperValue = number | boolean | readonly number[];

/**
 * The hyper-parameters every optimizer has: a learning rate (changed by schedulers).
 *
 * @example
 * for (const group of opt.paramGroups) group.lr *= 0.5; // every optimizer has lr
 */
export interface LrHyper {
  /** Learning rate. */
  lr: number;
}

/**
 * One parameter group as the optimizer holds it: its parameters and every
 * hyper-parameter (the group's own values, else the optimizer's defaults).
 * `initialLr` is set by the first LR scheduler attached (PyTorch's `initial_lr`).
 *
 * @example
 * const group: ParamGroup = opt.paramGroups[0];
 * group.lr = 0.01;
 */
export type ParamGroup<H extends LrHyper> = H & { params: Tensor[]; initialLr?: number };

/**
 * A parameter group as given to a constructor: parameters and any hyper-parameter overrides.
 *
 * @example
 * const opt = new SGD([{ params: lstm.parameters(), lr: 0.01 }, { params: head.parameters() }], { lr: 0.1 });
 */
export type ParamGroupInput<H extends LrHyper> = Partial<H> & { params: Iterable<Tensor> };

/**
 * What an optimizer constructor accepts: a parameter list or a list of parameter groups.
 *
 * @example
 * new Adam(model.parameters());                       // a list
 * new Adam([{ params: a.parameters(), lr: 1e-4 }]); // or groups
 */
export type ParamsInput<H extends LrHyper> = Iterable<Tensor> | Iterable<ParamGroupInput<H>>;

/**
 * One value of an optimizer's per-parameter state: a buffer, a step count, or null (SGD without momentum).
 *
 * @example
 * const v: StateValue = opt.stateDict().state[0].step; // a number here; buffers are tensors
 */
export type StateValue = Tensor | number | null;

/**
 * The state of one parameter, with PyTorch's keys (`step`, `exp_avg`, `momentum_buffer`, ...).
 *
 * @example
 * const state: ParamState = opt.stateDict().state[0]; // e.g. { step, exp_avg, exp_avg_sq } for Adam
 */
export type ParamState = Record<string, StateValue>;

/**
 * What a state key holds: a buffer shaped like the parameter, a buffer or null, or a step count.
 *
 * @example
 * const kinds: Record<string, StateKind> = { step: 'step', exp_avg: 'buffer', max_exp_avg_sq: 'buffer?' }; // Adam's keys
 */
export type StateKind = 'buffer' | 'buffer?' | 'step';

/**
 * An optimizer state dict in PyTorch's layout: per-parameter state keyed by the
 * parameter's index over all groups, and the groups with snake_case hyper-parameter
 * names and `params` as indices.
 *
 * @example
 * { state: { 0: { step: tensor(3), exp_avg: Tensor, exp_avg_sq: Tensor } },
 *   param_groups: [{ lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, params: [0, 1] }] }
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  param_groups: Array<Record<string, HyperValue | null>>;
}

/** PyTorch 1.13 group keys that have no counterpart here; accepted on load when off (null/false). */
const TORCH_ONLY_KEYS = new Set(['foreach', 'differentiable', 'capturable', 'fused']);

/**
 * camelCase -> snake_case, for option names in state dicts.
 * @example toSnakeCase('weightDecay') // 'weight_decay'
 */
export function toSnakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * snake_case -> camelCase, for option names read from state dicts.
 * @example toCamelCase('initial_lr') // 'initialLr'
 */
export function toCamelCase(key: string): string {
  return key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** @internal checks `value` is a number >= 0 (NaN rejected). */
export function checkNonNegative(owner: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0)) {
    throw new ConfigError(`${owner}: ${name} must be a non-negative number; got ${String(value)}`);
  }
}

/** @internal checks `value` is a boolean. */
export function checkBoolean(owner: string, name: string, value: unknown): void {
  if (typeof value !== 'boolean') {
    throw new ConfigError(`${owner}: ${name} must be a boolean; got ${String(value)}`);
  }
}

function sameType(a: unknown, b: unknown): boolean {
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && b.every((x) => typeof x === 'number');
  return typeof a === typeof b;
}

function definedEntries(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function isParamGroupInput(x: unknown): x is { params: Iterable<Tensor> } {
  return typeof x === 'object' && x !== null && !(x instanceof Tensor) && 'params' in x;
}

/**
 * Base class of the optimizers, after `torch.optim.Optimizer` (PyTorch 1.13):
 * parameter groups with per-group hyper-parameters, lazily created per-parameter
 * state, `step()`, `zeroGrad()` and a state dict in PyTorch's layout.
 *
 * Updates are written in place into each parameter's typed array (float64 math for
 * float64 parameters), never recording a graph; parameters whose `grad` is null are
 * skipped, as in PyTorch.
 *
 * @example
 * const opt = new SGD([{ params: enc.parameters(), lr: 0.1 }, { params: dec.parameters() }], { lr: 0.01, momentum: 0.9 });
 * opt.zeroGrad();
 * loss.backward();
 * opt.step();
 */
export abstract class Optimizer<H extends LrHyper = LrHyper> {
  /** The parameter groups; hyper-parameters (e.g. `lr`) may be changed between steps. */
  paramGroups: Array<ParamGroup<H>>;
  /** The defaults a group falls back on for options it does not set. */
  readonly defaults: Readonly<H>;
  /** Per-parameter state (`step`, moment buffers, ...) with PyTorch's keys. */
  state: Map<Tensor, ParamState> = new Map();
  /** Name used in error messages (the class name). */
  protected readonly name: string;

  /**
   * @param params a parameter list, or parameter groups `{ params, ...overrides }`
   * @param base every hyper-parameter's built-in default
   * @param options the options given by the user (unknown names are rejected; undefined values take the default)
   */
  protected constructor(name: string, params: ParamsInput<H>, base: H, options: object) {
    this.name = name;
    this.defaults = base;
    this.checkKeys(options, 'options');
    const defaults = { ...base, ...definedEntries(options) } as H;
    this.validateHyper(defaults);
    this.defaults = Object.freeze(defaults);
    if (
      params instanceof Tensor ||
      params === null ||
      typeof params !== 'object' ||
      !(Symbol.iterator in params)
    ) {
      throw new ConfigError(
        `${name}: params must be an array of tensors or of parameter groups; got ${params instanceof Tensor ? 'a single Tensor' : String(params)}`,
      );
    }
    const list: unknown[] = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new ConfigError(`${name}: got an empty parameter list`);
    const groups: unknown[] = isParamGroupInput(list[0]) ? list : [{ params: list }];
    this.paramGroups = [];
    for (const g of groups) this.addParamGroup(g as ParamGroupInput<H>);
  }

  /**
   * Adds a parameter group (e.g. layers unfrozen during fine-tuning); options it does
   * not set take the optimizer's defaults.
   * @example opt.addParamGroup({ params: head.parameters(), lr: 1e-4 })
   */
  addParamGroup(group: ParamGroupInput<H>): void {
    if (!isParamGroupInput(group)) {
      throw new ConfigError(
        `${this.name}: a parameter group must be an object with a params array; got ${String(group)}`,
      );
    }
    const { params, ...overrides } = group as { params: Iterable<Tensor> } & Record<string, unknown>;
    this.checkKeys(overrides, 'a parameter group');
    const list = params instanceof Tensor ? [params] : [...params];
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    const own = new Set<Tensor>();
    for (const p of list) {
      if (!(p instanceof Tensor))
        throw new ConfigError(`${this.name}: can only optimize Tensors; got ${typeof p}`);
      if (p.dtype === 'int32')
        throw new ConfigError(`${this.name}: can only optimize float tensors; got int32`);
      if (!p.isLeaf)
        throw new ConfigError(
          `${this.name}: can't optimize a non-leaf Tensor; pass parameters (leaves), not results of ops`,
        );
      if (own.has(p))
        throw new ConfigError(`${this.name}: a parameter group contains the same parameter twice`);
      if (seen.has(p))
        throw new ConfigError(`${this.name}: some parameters appear in more than one parameter group`);
      own.add(p);
    }
    const full = { ...this.defaults, ...definedEntries(overrides) } as unknown as H;
    this.validateHyper(full);
    this.paramGroups.push({ ...full, params: list });
    this.initGroupState(this.paramGroups[this.paramGroups.length - 1]);
  }

  /**
   * Performs one optimization step on every parameter with a gradient. `closure`, if
   * given, re-evaluates the model (with grad enabled) and its result is returned.
   * @example loss.backward(); opt.step();
   */
  step<T = undefined>(closure?: () => T): T | undefined {
    let loss: T | undefined;
    if (closure !== undefined) loss = enableGrad(closure);
    for (const group of this.paramGroups) {
      this.beginGroup(group);
      for (const p of group.params) {
        const g = p.grad;
        if (g === null) continue;
        if (g.numel() !== p.numel()) {
          throw new ShapeError(
            `${this.name}.step: a gradient must have its parameter's shape; expected ${formatShape(p.shape)}, got ${formatShape(g.shape)}`,
          );
        }
        let st = this.state.get(p);
        if (st === undefined) {
          st = {};
          this.state.set(p, st);
        }
        this.update(p.data as FloatArray, g.data as FloatArray, st, group, p);
        p.markModified();
      }
    }
    return loss;
  }

  /**
   * Clears the gradients of every parameter: to null (default, like PyTorch 2) or to
   * zeros with `setToNone = false`.
   * @example opt.zeroGrad(); // before each backward
   */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) p.grad = null;
        else {
          p.grad.data.fill(0);
          p.grad.markModified();
        }
      }
    }
  }

  /**
   * The optimizer's state in PyTorch's layout (see `OptimizerStateDict`). Buffers are
   * copies, so later steps do not change a saved dict.
   * @example const saved = opt.stateDict(); ... opt2.loadStateDict(saved);
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups: Array<Record<string, HyperValue | null>> = [];
    for (const group of this.paramGroups) {
      const packed: Record<string, HyperValue | null> = {};
      for (const [k, v] of Object.entries(group)) {
        if (k === 'params') continue;
        packed[toSnakeCase(k)] = Array.isArray(v) ? [...(v as number[])] : (v as HyperValue);
      }
      packed.params = group.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p) as number;
      });
      paramGroups.push(packed);
    }
    const state: Record<number, ParamState> = {};
    const stepAsTensor = this.stepIsTensor();
    for (const [p, st] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const out: ParamState = {};
      for (const [k, v] of Object.entries(st)) {
        if (v instanceof Tensor) out[k] = v.clone().detach();
        else if (k === 'step' && stepAsTensor && typeof v === 'number')
          out[k] = new Tensor(Float32Array.of(v), []);
        else out[k] = v;
      }
      state[i] = out;
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Loads a state dict from `stateDict()` (or PyTorch's, converted): hyper-parameters
   * of every group and the per-parameter state. Everything is checked first (group
   * count, parameters per group, option names and types, state keys and buffer
   * shapes); on failure a `StateError` (or `ShapeError` for a buffer shape) is thrown
   * and nothing changes. Buffers are copied and converted to each parameter's dtype.
   * @example opt.loadStateDict(checkpoint.optimizer)
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const where = `${this.name}.loadStateDict`;
    if (
      typeof dict !== 'object' ||
      dict === null ||
      !Array.isArray(dict.param_groups) ||
      typeof dict.state !== 'object' ||
      dict.state === null
    ) {
      throw new StateError(`${where}: expected { state, param_groups }; got ${String(dict)}`);
    }
    const saved = dict.param_groups;
    if (saved.length !== this.paramGroups.length) {
      throw new StateError(
        `${where}: loaded state dict has a different number of parameter groups; expected ${this.paramGroups.length}, got ${saved.length}`,
      );
    }
    const idMap = new Map<number, Tensor>();
    const newGroups: Array<ParamGroup<H>> = [];
    saved.forEach((sg, gi) => {
      const own = this.paramGroups[gi];
      const ids = sg.params;
      if (!Array.isArray(ids) || !ids.every((x) => Number.isInteger(x))) {
        throw new StateError(`${where}: param_groups[${gi}].params must be an array of parameter indices`);
      }
      if (ids.length !== own.params.length) {
        throw new StateError(
          `${where}: loaded state dict contains a parameter group that doesn't match the size of optimizer's group ${gi}; expected ${own.params.length} parameters, got ${ids.length}`,
        );
      }
      ids.forEach((id, j) => idMap.set(id as number, own.params[j]));
      const hyper: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(sg)) {
        if (k === 'params') continue;
        if (TORCH_ONLY_KEYS.has(k)) {
          if (v === null || v === false) continue;
          throw new StateError(`${where}: param_groups[${gi}].${k} = ${String(v)} is not supported here`);
        }
        const ck = toCamelCase(k);
        if (ck === 'initialLr') {
          if (typeof v !== 'number')
            throw new StateError(
              `${where}: param_groups[${gi}].initial_lr must be a number; got ${String(v)}`,
            );
          hyper[ck] = v;
          continue;
        }
        if (!(ck in this.defaults)) {
          throw new StateError(
            `${where}: param_groups[${gi}] has an unknown option "${k}"; expected ${Object.keys(this.defaults).map(toSnakeCase).join(', ')}`,
          );
        }
        const def = (this.defaults as Record<string, unknown>)[ck];
        if (!sameType(def, v))
          throw new StateError(
            `${where}: param_groups[${gi}].${k} must be like ${JSON.stringify(def)}; got ${JSON.stringify(v)}`,
          );
        hyper[ck] = Array.isArray(v) ? [...(v as number[])] : v;
      }
      for (const k of Object.keys(this.defaults)) {
        if (!(k in hyper))
          throw new StateError(`${where}: param_groups[${gi}] lacks the option "${toSnakeCase(k)}"`);
      }
      try {
        this.validateHyper(hyper as unknown as H);
      } catch (e) {
        throw new StateError(`${where}: param_groups[${gi}]: ${(e as Error).message}`);
      }
      newGroups.push({ ...(hyper as unknown as H), params: own.params });
    });
    const newState = new Map<Tensor, ParamState>();
    for (const [key, entry] of Object.entries(dict.state)) {
      const id = Number(key);
      const p = idMap.get(id);
      if (p === undefined)
        throw new StateError(`${where}: state for parameter ${key}, which no parameter group lists`);
      const group = newGroups.find((g) => g.params.includes(p)) as ParamGroup<H>;
      const spec = this.stateSpec(group);
      if (typeof entry !== 'object' || entry === null)
        throw new StateError(`${where}: state[${key}] must be an object`);
      const out: ParamState = {};
      for (const k of Object.keys(entry)) {
        if (!(k in spec)) {
          throw new StateError(
            `${where}: state[${key}] has an unexpected key "${k}"; expected ${Object.keys(spec).join(', ')}`,
          );
        }
      }
      for (const [k, kind] of Object.entries(spec)) {
        const v = entry[k];
        if (v === undefined) throw new StateError(`${where}: state[${key}] lacks "${k}"`);
        if (kind === 'step') {
          const n = v instanceof Tensor && v.numel() === 1 ? v.data[0] : v;
          if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
            throw new StateError(
              `${where}: state[${key}].${k} must be a non-negative integer (or a one-element tensor); got ${String(v)}`,
            );
          }
          out[k] = n;
          continue;
        }
        if (v === null && kind === 'buffer?') {
          out[k] = null;
          continue;
        }
        if (!(v instanceof Tensor) || v.dtype === 'int32') {
          throw new StateError(
            `${where}: state[${key}].${k} must be a float Tensor; got ${v === null ? 'null' : typeof v}`,
          );
        }
        if (!shapesEqual(v.shape, p.shape)) {
          throw new ShapeError(
            `${where}: state[${key}].${k} must have its parameter's shape; expected ${formatShape(p.shape)}, got ${formatShape(v.shape)}`,
          );
        }
        const buf = allocate(p.dtype, p.numel());
        buf.set(v.data);
        out[k] = new Tensor(buf, p.shape);
      }
      newState.set(p, out);
    }
    // all checked: assign
    this.paramGroups.forEach((g, i) => {
      const ng = newGroups[i];
      for (const k of Object.keys(g)) if (k !== 'params') delete (g as unknown as Record<string, unknown>)[k];
      Object.assign(g, ng);
    });
    this.state = newState;
  }

  /** @internal throws a ConfigError for option names this optimizer does not know. */
  protected checkKeys(options: object, what: string): void {
    checkOptions(
      what === 'options' ? this.name : `${this.name} (${what})`,
      options,
      Object.keys(this.defaults),
    );
  }

  /** @internal creates a zero buffer shaped and typed like `p`. */
  protected zerosLike(p: Tensor, fill = 0): Tensor {
    const buf = allocate(p.dtype, p.numel());
    if (fill !== 0) buf.fill(fill);
    return new Tensor(buf, p.shape);
  }

  /** Throws a ConfigError (PyTorch's conditions) for out-of-range hyper-parameters. */
  protected abstract validateHyper(h: H): void;
  /** The state keys one parameter of `group` has after its first step. */
  protected abstract stateSpec(group: ParamGroup<H>): Record<string, StateKind>;
  /** Updates one parameter in place from its gradient. */
  protected abstract update(
    x: FloatArray,
    g: FloatArray,
    state: ParamState,
    group: ParamGroup<H>,
    p: Tensor,
  ): void;
  /** Called once per group at the start of `step()`. */
  protected beginGroup(_group: ParamGroup<H>): void {}
  /** Creates state eagerly for a new group (Adagrad); lazily otherwise. */
  protected initGroupState(_group: ParamGroup<H>): void {}
  /** Whether PyTorch stores `step` as a tensor (Adam, AdamW, Adagrad) rather than a number. */
  protected stepIsTensor(): boolean {
    return false;
  }
}
