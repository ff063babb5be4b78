import { showValue } from '../core/check.js';
import { allocate } from '../core/dtype.js';
import { ShapeError, StateError } from '../core/errors.js';
import { formatShape, shapesEqual } from '../core/shape.js';
import { Tensor } from '../tensor/index.js';
import type {
  HyperValue,
  LrHyper,
  OptimizerStateDict,
  ParamGroup,
  ParamState,
  StateKind,
} from './optimizer-types.js';

/** PyTorch 1.13 group keys that have no counterpart here; accepted on load when off (null/false). */
const TORCH_ONLY_KEYS = new Set(['foreach', 'differentiable', 'capturable', 'fused']);

/**
 * @internal The state spec of an optimizer whose parameters each keep a `step` count
 * and the named buffers; `false` entries (options that are off) are skipped.
 *
 * @example
 * stepAndBuffers('exp_avg', 'exp_avg_sq', amsgrad && 'max_exp_avg_sq'); // { step: 'step', exp_avg: 'buffer', ... }
 */
export function stepAndBuffers(...buffers: Array<string | false>): Record<string, StateKind> {
  const spec: Record<string, StateKind> = { step: 'step' };
  for (const b of buffers) if (b !== false) spec[b] = 'buffer';
  return spec;
}

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

function sameType(a: unknown, b: unknown): boolean {
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && b.every((x) => typeof x === 'number');
  return typeof a === typeof b;
}

/**
 * @internal An optimizer's groups and state in PyTorch's layout: per-parameter state
 * keyed by the parameter's index over all groups, groups with snake_case option names
 * and `params` as indices. Buffers are copied; `step` becomes a one-element tensor when
 * `stepAsTensor` (Adam, AdamW, Adagrad, as PyTorch stores it).
 *
 * @example
 * const dict = packStateDict(opt.paramGroups, opt.state, true);
 */
export function packStateDict<H extends LrHyper>(
  groups: ReadonlyArray<ParamGroup<H>>,
  state: ReadonlyMap<Tensor, ParamState>,
  stepAsTensor: boolean,
): OptimizerStateDict {
  const index = new Map<Tensor, number>();
  const paramGroups: Array<Record<string, HyperValue | null>> = [];
  for (const group of groups) {
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
  const out: Record<number, ParamState> = {};
  for (const [p, st] of state) {
    const i = index.get(p);
    if (i === undefined) continue;
    const entry: ParamState = {};
    for (const [k, v] of Object.entries(st)) {
      if (v instanceof Tensor) entry[k] = v.clone().detach();
      else if (k === 'step' && stepAsTensor && typeof v === 'number')
        entry[k] = new Tensor(Float32Array.of(v), []);
      else entry[k] = v;
    }
    out[i] = entry;
  }
  return { state: out, param_groups: paramGroups };
}

/**
 * @internal What `unpackStateDict` needs to know of the optimizer it loads into.
 *
 * @example
 * const target: StateDictTarget<AdamOptions> = { where: 'Adam.loadStateDict', groups, defaults, validate, spec };
 */
export interface StateDictTarget<H extends LrHyper> {
  /** `Name.loadStateDict`, for messages. */
  where: string;
  groups: ReadonlyArray<ParamGroup<H>>;
  defaults: Readonly<H>;
  /** Throws for out-of-range hyper-parameters. */
  validate(h: H): void;
  /** The state keys a parameter of `group` has. */
  spec(group: ParamGroup<H>): Record<string, StateKind>;
}

function unpackGroup<H extends LrHyper>(
  t: StateDictTarget<H>,
  sg: Record<string, HyperValue | null>,
  gi: number,
  idMap: Map<number, Tensor>,
): ParamGroup<H> {
  const { where } = t;
  const own = t.groups[gi];
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
        throw new StateError(`${where}: param_groups[${gi}].initial_lr must be a number; got ${String(v)}`);
      hyper[ck] = v;
      continue;
    }
    if (!(ck in t.defaults)) {
      throw new StateError(
        `${where}: param_groups[${gi}] has an unknown option "${k}"; expected ${Object.keys(t.defaults).map(toSnakeCase).join(', ')}`,
      );
    }
    const def = (t.defaults as Record<string, unknown>)[ck];
    if (!sameType(def, v))
      throw new StateError(
        `${where}: param_groups[${gi}].${k} must be like ${JSON.stringify(def)}; got ${JSON.stringify(v)}`,
      );
    hyper[ck] = Array.isArray(v) ? [...(v as number[])] : v;
  }
  for (const k of Object.keys(t.defaults)) {
    if (!(k in hyper))
      throw new StateError(`${where}: param_groups[${gi}] lacks the option "${toSnakeCase(k)}"`);
  }
  try {
    t.validate(hyper as unknown as H);
  } catch (e) {
    throw new StateError(`${where}: param_groups[${gi}]: ${(e as Error).message}`);
  }
  return { ...(hyper as unknown as H), params: own.params };
}

function unpackState(
  where: string,
  key: string,
  entry: unknown,
  p: Tensor,
  spec: Record<string, StateKind>,
): ParamState {
  if (typeof entry !== 'object' || entry === null)
    throw new StateError(`${where}: state[${key}] must be an object`);
  const given = entry as Record<string, unknown>;
  for (const k of Object.keys(given)) {
    if (!(k in spec)) {
      throw new StateError(
        `${where}: state[${key}] has an unexpected key "${k}"; expected ${Object.keys(spec).join(', ')}`,
      );
    }
  }
  const out: ParamState = {};
  for (const [k, kind] of Object.entries(spec)) {
    const v = given[k];
    if (v === undefined) throw new StateError(`${where}: state[${key}] lacks "${k}"`);
    if (kind === 'step') {
      const n = v instanceof Tensor && v.numel() === 1 ? v.data[0] : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
        throw new StateError(
          `${where}: state[${key}].${k} must be a non-negative integer (or a one-element tensor); got ${showValue(v)}`,
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
  return out;
}

/**
 * @internal Reads a state dict for `target` and checks all of it (group count, parameters
 * per group, option names and types, state keys and buffer shapes) without changing
 * anything: a `StateError` (or `ShapeError` for a buffer shape) on failure. Returns the
 * new groups and per-parameter state (buffers copied into each parameter's dtype).
 *
 * @example
 * const { groups, state } = unpackStateDict(target, dict); // then assign both
 */
export function unpackStateDict<H extends LrHyper>(
  target: StateDictTarget<H>,
  dict: OptimizerStateDict,
): { groups: Array<ParamGroup<H>>; state: Map<Tensor, ParamState> } {
  const { where } = target;
  if (
    typeof dict !== 'object' ||
    dict === null ||
    !Array.isArray(dict.param_groups) ||
    typeof dict.state !== 'object' ||
    dict.state === null
  ) {
    throw new StateError(`${where}: expected { state, param_groups }; got ${showValue(dict)}`);
  }
  const saved = dict.param_groups;
  if (saved.length !== target.groups.length) {
    throw new StateError(
      `${where}: loaded state dict has a different number of parameter groups; expected ${target.groups.length}, got ${saved.length}`,
    );
  }
  const idMap = new Map<number, Tensor>();
  const groups = saved.map((sg, gi) => unpackGroup(target, sg, gi, idMap));
  const state = new Map<Tensor, ParamState>();
  for (const [key, entry] of Object.entries(dict.state)) {
    const p = idMap.get(Number(key));
    if (p === undefined)
      throw new StateError(`${where}: state for parameter ${key}, which no parameter group lists`);
    const group = groups.find((g) => g.params.includes(p)) as ParamGroup<H>;
    state.set(p, unpackState(where, key, entry, p, target.spec(group)));
  }
  return { groups, state };
}
