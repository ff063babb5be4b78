import type { FloatArray } from '../core/dtype.js';
import { ConfigError, StateError } from '../core/errors.js';
import type { Tensor } from '../tensor/index.js';
import {
  checkBoolean,
  checkNonNegative,
  Optimizer,
  type ParamGroup,
  type ParamsInput,
  type ParamState,
  type StateKind,
} from './optimizer.js';

/**
 * Adam's (and AdamW's) hyper-parameters (each also settable per parameter group).
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 });
 */
export interface AdamOptions {
  /** Learning rate. Default 1e-3. */
  lr: number;
  /** Coefficients of the running averages of the gradient and its square. Default [0.9, 0.999]. */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay (default 1e-2). */
  weightDecay: number;
  /** Use the AMSGrad variant (the maximum of past second moments). Default false. */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize: boolean;
}

/** @internal checks Adam-style hyper-parameters with PyTorch's conditions. */
export function validateAdamHyper(owner: string, h: AdamOptions): void {
  checkNonNegative(owner, 'lr', h.lr);
  checkNonNegative(owner, 'eps', h.eps);
  if (!Array.isArray(h.betas) || h.betas.length !== 2) {
    throw new ConfigError(
      `${owner}: betas must be a pair of numbers [beta1, beta2]; got ${JSON.stringify(h.betas)}`,
    );
  }
  for (let k = 0; k < 2; k++) {
    const b = h.betas[k];
    if (typeof b !== 'number' || !(b >= 0 && b < 1)) {
      throw new ConfigError(`${owner}: betas[${k}] must be in [0, 1); got ${String(b)}`);
    }
  }
  checkNonNegative(owner, 'weightDecay', h.weightDecay);
  checkBoolean(owner, 'amsgrad', h.amsgrad);
  checkBoolean(owner, 'maximize', h.maximize);
}

/** @internal the Adam state keys for a group. */
export function adamStateSpec(group: AdamOptions): Record<string, StateKind> {
  const spec: Record<string, StateKind> = { step: 'step', exp_avg: 'buffer', exp_avg_sq: 'buffer' };
  if (group.amsgrad) spec.max_exp_avg_sq = 'buffer';
  return spec;
}

/**
 * @internal One Adam/AdamW update of one parameter, PyTorch 1.13's single-tensor
 * path; `decoupled` selects AdamW's weight decay.
 */
export function adamUpdate(
  opt: { name: string; zeros(p: Tensor): Tensor },
  x: FloatArray,
  g: FloatArray,
  st: ParamState,
  group: AdamOptions,
  p: Tensor,
  decoupled: boolean,
): void {
  const { lr, eps, weightDecay: wd, amsgrad, maximize } = group;
  const [beta1, beta2] = group.betas;
  if (st.step === undefined) {
    st.step = 0;
    st.exp_avg = opt.zeros(p);
    st.exp_avg_sq = opt.zeros(p);
    if (amsgrad) st.max_exp_avg_sq = opt.zeros(p);
  }
  const step = (st.step as number) + 1;
  st.step = step;
  const mT = st.exp_avg as Tensor;
  const vT = st.exp_avg_sq as Tensor;
  const m = mT.data as FloatArray;
  const v = vT.data as FloatArray;
  const mxT = amsgrad ? (st.max_exp_avg_sq as Tensor | undefined) : undefined;
  if (amsgrad && mxT === undefined)
    throw new StateError(
      `${opt.name}.step: amsgrad was switched on after the first step; max_exp_avg_sq is missing`,
    );
  const mx = mxT === undefined ? null : (mxT.data as FloatArray);
  const bc1 = 1 - beta1 ** step;
  const bc2 = 1 - beta2 ** step;
  const stepSize = lr / bc1;
  const bc2Sqrt = Math.sqrt(bc2);
  const decay = 1 - lr * wd;
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  const n = x.length;
  if (!maximize && !decoupled && wd === 0 && mx === null) {
    // the common case without the per-element branches (same operations, same order)
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      m[i] = m[i] * beta1 + c1 * gi;
      v[i] = v[i] * beta2 + c2 * gi * gi;
      const denom = Math.sqrt(v[i]) / bc2Sqrt + eps;
      x[i] = x[i] + -stepSize * (m[i] / denom);
    }
    mT.markModified();
    vT.markModified();
    return;
  }
  for (let i = 0; i < n; i++) {
    let gi = maximize ? -g[i] : g[i];
    if (decoupled) x[i] = x[i] * decay;
    else if (wd !== 0) gi = gi + wd * x[i];
    m[i] = m[i] * beta1 + c1 * gi;
    v[i] = v[i] * beta2 + c2 * gi * gi;
    let vv = v[i];
    if (mx !== null) {
      mx[i] = Math.max(mx[i], vv);
      vv = mx[i];
    }
    const denom = Math.sqrt(vv) / bc2Sqrt + eps;
    x[i] = x[i] + -stepSize * (m[i] / denom);
  }
  mT.markModified();
  vT.markModified();
  mxT?.markModified();
}

/**
 * Adam, after `torch.optim.Adam` (PyTorch 1.13, single-tensor path). With g the
 * gradient (negated if `maximize`) and t the step count:
 *
 * ```
 * g = g + weightDecay * p
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g * g          (vmax = max(vmax, v) with amsgrad)
 * p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * ```
 *
 * State per parameter: `step`, `exp_avg`, `exp_avg_sq` (and `max_exp_avg_sq`).
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
 */
export class Adam extends Optimizer<AdamOptions> {
  /**
   * @param params parameters, or groups `{ params, lr?, betas?, ... }`
   * @param options defaults: `lr` 1e-3, `betas` [0.9, 0.999], `eps` 1e-8, `weightDecay` 0, `amsgrad` false, `maximize` false
   */
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(
      'Adam',
      params,
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
      options,
    );
  }

  private readonly helper = { name: 'Adam', zeros: (t: Tensor): Tensor => this.zerosLike(t) };

  protected validateHyper(h: AdamOptions): void {
    validateAdamHyper('Adam', h);
  }

  protected stateSpec(group: ParamGroup<AdamOptions>): Record<string, StateKind> {
    return adamStateSpec(group);
  }

  protected override stepIsTensor(): boolean {
    return true;
  }

  protected update(
    x: FloatArray,
    g: FloatArray,
    st: ParamState,
    group: ParamGroup<AdamOptions>,
    p: Tensor,
  ): void {
    adamUpdate(this.helper, x, g, st, group, p, false);
  }
}
