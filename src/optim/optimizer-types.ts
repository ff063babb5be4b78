import type { Tensor } from '../tensor/index.js';

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

/**
 * Options of the optimizer as a whole (not of a parameter group, and not in its state dict).
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3, foreach: false }); // the per-tensor loop
 */
export interface OptimizerOptions {
  /**
   * Run a step as one fused loop over all parameters of a group (PyTorch's `foreach`):
   * hyper-parameter math once per group, no allocation per step. Default true; `false`
   * runs the per-tensor loop, which gives the same bytes.
   */
  foreach?: boolean;
}
