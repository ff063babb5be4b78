import type { FloatArray } from '../core/dtype.js';
import { StateError } from '../core/errors.js';
import type { Tensor } from '../tensor/index.js';
import type { ForeachBatch } from './foreach-batch.js';
import type { ParamState } from './optimizer-types.js';

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

/** @internal what the Adam loops need of their optimizer: its name and a zero buffer like `p`. */
export interface AdamOwner {
  name: string;
  zeros(p: Tensor): Tensor;
}

/** The per-group constants of one Adam step, and the step they were computed for. */
interface AdamConsts {
  beta1: number;
  beta2: number;
  c1: number;
  c2: number;
  eps: number;
  wd: number;
  decay: number;
  maximize: boolean;
  decoupled: boolean;
  step: number;
  stepSize: number;
  bc2Sqrt: number;
}

function adamConsts(group: AdamOptions, decoupled: boolean): AdamConsts {
  const [beta1, beta2] = group.betas;
  return {
    beta1,
    beta2,
    c1: 1 - beta1,
    c2: 1 - beta2,
    eps: group.eps,
    wd: group.weightDecay,
    decay: 1 - group.lr * group.weightDecay,
    maximize: group.maximize,
    decoupled,
    step: -1,
    stepSize: 0,
    bc2Sqrt: 0,
  };
}

/** Sets the bias corrections of step `step` (the same operations whichever path calls it). */
function setStep(k: AdamConsts, lr: number, step: number): void {
  k.step = step;
  k.stepSize = lr / (1 - k.beta1 ** step);
  k.bc2Sqrt = Math.sqrt(1 - k.beta2 ** step);
}

/** Counts the step of one parameter (creating its state on the first) and returns its buffers. */
function advance(
  opt: AdamOwner,
  st: ParamState,
  p: Tensor,
  amsgrad: boolean,
): { step: number; mT: Tensor; vT: Tensor; mxT: Tensor | undefined } {
  if (st.step === undefined) {
    st.step = 0;
    st.exp_avg = opt.zeros(p);
    st.exp_avg_sq = opt.zeros(p);
    if (amsgrad) st.max_exp_avg_sq = opt.zeros(p);
  }
  const step = (st.step as number) + 1;
  st.step = step;
  const mxT = amsgrad ? (st.max_exp_avg_sq as Tensor | undefined) : undefined;
  if (amsgrad && mxT === undefined)
    throw new StateError(
      `${opt.name}.step: amsgrad was switched on after the first step; max_exp_avg_sq is missing`,
    );
  return { step, mT: st.exp_avg as Tensor, vT: st.exp_avg_sq as Tensor, mxT };
}

/** Adam without weight decay, maximize or amsgrad: the common case, no per-element branch. */
function adamPlainLoop(x: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, k: AdamConsts): void {
  const { beta1, beta2, c1, c2, eps, stepSize, bc2Sqrt } = k;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    m[i] = m[i] * beta1 + c1 * gi;
    v[i] = v[i] * beta2 + c2 * gi * gi;
    const denom = Math.sqrt(v[i]) / bc2Sqrt + eps;
    x[i] = x[i] + -stepSize * (m[i] / denom);
  }
}

/** AdamW without maximize or amsgrad: decoupled decay, then Adam's update, no per-element branch. */
function adamWPlainLoop(x: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, k: AdamConsts): void {
  const { beta1, beta2, c1, c2, eps, stepSize, bc2Sqrt, decay } = k;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    x[i] = x[i] * decay;
    m[i] = m[i] * beta1 + c1 * gi;
    v[i] = v[i] * beta2 + c2 * gi * gi;
    const denom = Math.sqrt(v[i]) / bc2Sqrt + eps;
    x[i] = x[i] + -stepSize * (m[i] / denom);
  }
}

/** Every option: maximize, L2 or decoupled decay, amsgrad (`mx` non-null). */
function adamGeneralLoop(
  x: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  mx: FloatArray | null,
  k: AdamConsts,
): void {
  const { beta1, beta2, c1, c2, eps, stepSize, bc2Sqrt, decay, wd, maximize, decoupled } = k;
  const n = x.length;
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
}

/**
 * @internal One Adam/AdamW update of one parameter, PyTorch 1.13's single-tensor
 * path (the per-tensor step, `foreach: false`); `decoupled` selects AdamW's weight decay.
 *
 * @example
 * adamUpdate(owner, p.data, p.grad.data, state, group, p, false);
 */
export function adamUpdate(
  opt: AdamOwner,
  x: FloatArray,
  g: FloatArray,
  st: ParamState,
  group: AdamOptions,
  p: Tensor,
  decoupled: boolean,
): void {
  const { mT, vT, mxT, step } = advance(opt, st, p, group.amsgrad);
  const k = adamConsts(group, decoupled);
  setStep(k, group.lr, step);
  // the general loop for every option (the foreach step's branch-free loops must match it)
  adamGeneralLoop(
    x,
    g,
    mT.data as FloatArray,
    vT.data as FloatArray,
    mxT === undefined ? null : (mxT.data as FloatArray),
    k,
  );
  mT.markModified();
  vT.markModified();
  mxT?.markModified();
}

/**
 * @internal The foreach Adam/AdamW step over every parameter of `batch`: the group's
 * constants once, the bias corrections once per distinct step count, and a loop without
 * per-element branches for plain Adam and for AdamW (no maximize, no amsgrad). Gives the
 * same bytes as `adamUpdate` on each parameter.
 *
 * @example
 * adamForeach(owner, batch, group, true); // AdamW
 */
export function adamForeach(
  opt: AdamOwner,
  batch: ForeachBatch,
  group: AdamOptions,
  decoupled: boolean,
): void {
  const k = adamConsts(group, decoupled);
  const { amsgrad } = group;
  const plain = !k.maximize && !amsgrad && !decoupled && k.wd === 0;
  const plainW = !k.maximize && !amsgrad && decoupled;
  for (let j = 0; j < batch.count; j++) {
    const { mT, vT, mxT, step } = advance(opt, batch.states[j], batch.params[j], amsgrad);
    if (step !== k.step) setStep(k, group.lr, step);
    const x = batch.xs[j];
    const g = batch.gs[j];
    const m = mT.data as FloatArray;
    const v = vT.data as FloatArray;
    if (plain) adamPlainLoop(x, g, m, v, k);
    else if (plainW) adamWPlainLoop(x, g, m, v, k);
    else adamGeneralLoop(x, g, m, v, mxT === undefined ? null : (mxT.data as FloatArray), k);
    mT.markModified();
    vT.markModified();
    mxT?.markModified();
  }
}
