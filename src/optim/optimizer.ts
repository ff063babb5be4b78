import { allocate, type FloatArray } from '../core/dtype.js';
import { checkBoolean, checkOptions } from '../core/check.js';
import { ConfigError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { enableGrad, Tensor } from '../tensor/index.js';
import { emptyForeachBatch, releaseForeachBatch, type ForeachBatch } from './foreach-batch.js';
import { packStateDict, unpackStateDict } from './optimizer-state-dict.js';
import { checkGroupParams, groupInputs, isParamGroupInput } from './param-groups.js';
import type {
  LrHyper,
  OptimizerOptions,
  OptimizerStateDict,
  ParamGroup,
  ParamGroupInput,
  ParamState,
  ParamsInput,
  StateKind,
} from './optimizer-types.js';

// the types live in optimizer-types.ts; re-exported for the modules that import them from here
export type * from './optimizer-types.js';

function definedEntries(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * Base class of the optimizers, after `torch.optim.Optimizer` (PyTorch 1.13):
 * parameter groups with per-group hyper-parameters, lazily created per-parameter
 * state, `step()`, `zeroGrad()` and a state dict in PyTorch's layout.
 *
 * Updates are written in place into each parameter's typed array (float64 math for
 * float64 parameters), never recording a graph; parameters whose `grad` is null are
 * skipped, as in PyTorch. By default a step is a foreach step (`foreach: true`, PyTorch's
 * `foreach=True`): per group, the parameters with a gradient are gathered into reused
 * lists and updated by one fused loop, the hyper-parameter math done once; with
 * `foreach: false` each parameter is updated on its own. Both give the same bytes.
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
  /** Whether `step()` runs the fused loop over each group (see `OptimizerOptions.foreach`). */
  readonly foreach: boolean;
  /** Whether PyTorch stores `step` as a tensor (Adam, AdamW, Adagrad) rather than a number. */
  protected readonly stepAsTensor: boolean = false;
  /** The reused lists a foreach step runs over. */
  private readonly batch: ForeachBatch = emptyForeachBatch();

  /**
   * @param params a parameter list, or parameter groups `{ params, ...overrides }`
   * @param base every hyper-parameter's built-in default
   * @param options the options given by the user (unknown names are rejected; undefined values take
   *   the default), with `foreach` (OptimizerOptions)
   */
  protected constructor(
    name: string,
    params: ParamsInput<H>,
    base: H,
    options: Partial<H> & OptimizerOptions,
  ) {
    this.name = name;
    this.defaults = base;
    const { foreach, ...hyperOptions } = options;
    this.foreach = foreach === undefined ? true : checkBoolean(name, 'foreach', foreach);
    this.checkKeys(hyperOptions, 'options');
    const defaults = { ...base, ...definedEntries(hyperOptions) } as H;
    this.validateHyper(defaults);
    this.defaults = Object.freeze(defaults);
    this.paramGroups = [];
    for (const g of groupInputs<H>(name, params)) this.addParamGroup(g);
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
    const list = checkGroupParams(this.name, params, this.paramGroups);
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
      if (this.foreach) {
        const batch = this.gather(group);
        if (batch.count > 0) this.updateForeach(batch, group);
        for (let i = 0; i < batch.count; i++) batch.params[i].markModified();
        releaseForeachBatch(batch);
        continue;
      }
      for (const p of group.params) {
        const g = p.grad;
        if (g === null) continue;
        this.checkGrad(p, g);
        this.update(p.data as FloatArray, g.data as FloatArray, this.stateOf(p), group, p);
        p.markModified();
      }
    }
    return loss;
  }

  /** The parameters of `group` with a gradient, their data, gradients and state, checked first. */
  private gather(group: ParamGroup<H>): ForeachBatch {
    const b = this.batch;
    let n = 0;
    for (const p of group.params) {
      const g = p.grad;
      if (g === null) continue;
      this.checkGrad(p, g);
      b.params[n] = p;
      b.xs[n] = p.data as FloatArray;
      b.gs[n] = g.data as FloatArray;
      b.states[n] = this.stateOf(p);
      n++;
    }
    b.count = n;
    return b;
  }

  private checkGrad(p: Tensor, g: Tensor): void {
    if (g.numel() !== p.numel()) {
      throw new ShapeError(
        `${this.name}.step: a gradient must have its parameter's shape; expected ${formatShape(p.shape)}, got ${formatShape(g.shape)}`,
      );
    }
  }

  /** The state of `p`, created empty on its first step. */
  private stateOf(p: Tensor): ParamState {
    let st = this.state.get(p);
    if (st === undefined) {
      st = {};
      this.state.set(p, st);
    }
    return st;
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
    return packStateDict(this.paramGroups, this.state, this.stepAsTensor);
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
    const loaded = unpackStateDict(
      {
        where: `${this.name}.loadStateDict`,
        groups: this.paramGroups,
        defaults: this.defaults,
        validate: (h) => this.validateHyper(h),
        spec: (g) => this.stateSpec(g),
      },
      dict,
    );
    // all checked: assign
    this.paramGroups.forEach((g, i) => {
      for (const k of Object.keys(g)) if (k !== 'params') delete (g as unknown as Record<string, unknown>)[k];
      Object.assign(g, loaded.groups[i]);
    });
    this.state = loaded.state;
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
  /** Updates one parameter in place from its gradient (the per-tensor step, `foreach: false`). */
  protected abstract update(
    x: FloatArray,
    g: FloatArray,
    state: ParamState,
    group: ParamGroup<H>,
    p: Tensor,
  ): void;
  /**
   * Updates every parameter of `batch` in place (the foreach step); must give the same
   * bytes as `update` on each. This default calls `update` per parameter; the optimizers
   * override it with one fused loop.
   */
  protected updateForeach(batch: ForeachBatch, group: ParamGroup<H>): void {
    for (let i = 0; i < batch.count; i++)
      this.update(batch.xs[i], batch.gs[i], batch.states[i], group, batch.params[i]);
  }
  /** Called once per group at the start of `step()`. */
  protected beginGroup(_group: ParamGroup<H>): void {}
  /** Creates state eagerly for a new group (Adagrad); lazily otherwise. */
  protected initGroupState(_group: ParamGroup<H>): void {}
}
