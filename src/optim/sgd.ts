import type { FloatArray } from '../core/dtype.js';
import { ConfigError } from '../core/errors.js';
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
   * @param options defaults: `lr` 1e-3, `momentum` 0, `dampening` 0, `weightDecay` 0, `nesterov` false, `maximize` false
   */
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super('SGD', params, DEFAULTS, options);
  }

  protected validateHyper(h: SGDOptions): void {
    checkNonNegative('SGD', 'lr', h.lr);
    checkNonNegative('SGD', 'momentum', h.momentum);
    if (typeof h.dampening !== 'number' || Number.isNaN(h.dampening)) {
      throw new ConfigError(`SGD: dampening must be a number; got ${String(h.dampening)}`);
    }
    checkNonNegative('SGD', 'weightDecay', h.weightDecay);
    checkBoolean('SGD', 'nesterov', h.nesterov);
    checkBoolean('SGD', 'maximize', h.maximize);
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
}
