import type { FloatArray } from '../core/dtype.js';
import { ConfigError } from '../core/errors.js';
import { Tensor } from '../tensor/index.js';
import type { ForeachBatch } from './foreach-batch.js';
import { checkHyper } from './hyper-checks.js';
import { Optimizer } from './optimizer.js';
import type { OptimizerOptions, ParamGroup, ParamsInput, ParamState, StateKind } from './optimizer-types.js';

/**
 * SGD's hyper-parameters (each also settable per parameter group).
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
 */
export interface SGDOptions {
  /** Learning rate. Default 1e-3 (PyTorch 2's default; PyTorch 1.13 requires it). */
  lr: number;
  /** Momentum factor. Default 0. */
  momentum: number;
  /** Dampening for momentum. Default 0. */
  dampening: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov: boolean;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize: boolean;
}

const DEFAULTS: SGDOptions = {
  lr: 1e-3,
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
};

/**
 * Stochastic gradient descent with optional momentum, after `torch.optim.SGD`
 * (PyTorch 1.13, single-tensor path). With g the gradient (negated if `maximize`):
 *
 * ```
 * g = g + weightDecay * p
 * b = momentum * b + (1 - dampening) * g   (b = g at the first step)
 * g = nesterov ? g + momentum * b : b      (when momentum != 0)
 * p = p - lr * g
 * ```
 *
 * State per parameter: `momentum_buffer` (null when momentum is 0, as in PyTorch).
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class SGD extends Optimizer<SGDOptions> {
  /**
   * @param params parameters, or groups `{ params, lr?, momentum?, ... }`
   * @param options defaults: `lr` 1e-3, `momentum` 0, `dampening` 0, `weightDecay` 0, `nesterov` false, `maximize` false; `foreach` true
   */
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> & OptimizerOptions = {}) {
    super('SGD', params, DEFAULTS, options);
  }

  protected validateHyper(h: SGDOptions): void {
    checkHyper('SGD', h, ['lr', 'momentum'], []);
    if (typeof h.dampening !== 'number' || Number.isNaN(h.dampening)) {
      throw new ConfigError(`SGD: dampening must be a number; got ${String(h.dampening)}`);
    }
    checkHyper('SGD', h, ['weightDecay'], ['nesterov', 'maximize']);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
      throw new ConfigError(
        `SGD: Nesterov momentum requires a momentum and zero dampening; got momentum ${h.momentum}, dampening ${h.dampening}`,
      );
    }
  }

  protected stateSpec(): Record<string, StateKind> {
    return { momentum_buffer: 'buffer?' };
  }

  protected update(
    x: FloatArray,
    g: FloatArray,
    st: ParamState,
    group: ParamGroup<SGDOptions>,
    p: Tensor,
  ): void {
    const { lr, momentum, dampening, weightDecay: wd, nesterov, maximize } = group;
    const n = x.length;
    if (momentum === 0) {
      st.momentum_buffer = null;
      for (let i = 0; i < n; i++) {
        let d = maximize ? -g[i] : g[i];
        if (wd !== 0) d = d + wd * x[i];
        x[i] = x[i] + -lr * d;
      }
      return;
    }
    let fresh = false;
    let bufT = st.momentum_buffer as Tensor | null | undefined;
    if (bufT === null || bufT === undefined) {
      bufT = this.zerosLike(p);
      st.momentum_buffer = bufT;
      fresh = true;
    }
    const buf = bufT.data as FloatArray;
    const keep = 1 - dampening;
    for (let i = 0; i < n; i++) {
      let d = maximize ? -g[i] : g[i];
      if (wd !== 0) d = d + wd * x[i];
      buf[i] = fresh ? d : buf[i] * momentum + keep * d;
      d = nesterov ? d + momentum * buf[i] : buf[i];
      x[i] = x[i] + -lr * d;
    }
    bufT.markModified();
  }

  /**
   * The foreach step: loops without the maximize and first-step branches for the common
   * cases (plain SGD; momentum after the first step); every other case, and each
   * parameter's first momentum step, runs the per-tensor `update`. Same bytes.
   */
  protected override updateForeach(batch: ForeachBatch, group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay: wd, nesterov, maximize } = group;
    const keep = 1 - dampening;
    for (let j = 0; j < batch.count; j++) {
      const x = batch.xs[j];
      const g = batch.gs[j];
      const st = batch.states[j];
      const bufT = st.momentum_buffer;
      if (!maximize && momentum === 0 && wd === 0) {
        st.momentum_buffer = null;
        sgdPlainLoop(x, g, lr);
      } else if (!maximize && momentum !== 0 && bufT instanceof Tensor) {
        sgdMomentumLoop(x, g, bufT.data as FloatArray, lr, momentum, keep, wd, nesterov);
        bufT.markModified();
      } else {
        this.update(x, g, st, group, batch.params[j]);
      }
    }
  }
}

/** `x = x - lr * g`. */
function sgdPlainLoop(x: FloatArray, g: FloatArray, lr: number): void {
  const n = x.length;
  for (let i = 0; i < n; i++) x[i] = x[i] + -lr * g[i];
}

/** Momentum (and L2 decay, Nesterov) after the first step, as `update` computes it. */
function sgdMomentumLoop(
  x: FloatArray,
  g: FloatArray,
  buf: FloatArray,
  lr: number,
  momentum: number,
  keep: number,
  wd: number,
  nesterov: boolean,
): void {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    let d = g[i];
    if (wd !== 0) d = d + wd * x[i];
    buf[i] = buf[i] * momentum + keep * d;
    d = nesterov ? d + momentum * buf[i] : buf[i];
    x[i] = x[i] + -lr * d;
  }
}
