import type { FloatArray } from '../core/dtype.js';
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
 * Adagrad's hyper-parameters (each also settable per parameter group).
 *
 * @example
 * const opt = new Adagrad(model.parameters(), { lr: 0.01, lrDecay: 0, weightDecay: 1e-4 });
 */
export interface AdagradOptions {
  /** Learning rate. Default 1e-2. */
  lr: number;
  /** Learning-rate decay: step t uses lr / (1 + (t - 1) * lrDecay). Default 0. */
  lrDecay: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Starting value of the sum of squared gradients. Default 0. */
  initialAccumulatorValue: number;
  /** Added to the denominator (after the square root). Default 1e-10. */
  eps: number;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize: boolean;
}

/**
 * Adagrad, after `torch.optim.Adagrad` (PyTorch 1.13, single-tensor path). With g the
 * gradient (negated if `maximize`) and t the step count:
 *
 * ```
 * g = g + weightDecay * p
 * s = s + g * g
 * p = p - lr / (1 + (t - 1) * lrDecay) * g / (sqrt(s) + eps)
 * ```
 *
 * State per parameter (created in the constructor, as in PyTorch): `step`, `sum`.
 *
 * @example
 * const opt = new Adagrad(model.parameters(), { lr: 1e-2, lrDecay: 0, initialAccumulatorValue: 0.1 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  /**
   * @param params parameters, or groups `{ params, lr?, lrDecay?, ... }`
   * @param options defaults: `lr` 1e-2, `lrDecay` 0, `weightDecay` 0, `initialAccumulatorValue` 0, `eps` 1e-10, `maximize` false
   */
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(
      'Adagrad',
      params,
      { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false },
      options,
    );
  }

  protected validateHyper(h: AdagradOptions): void {
    checkNonNegative('Adagrad', 'lr', h.lr);
    checkNonNegative('Adagrad', 'lrDecay', h.lrDecay);
    checkNonNegative('Adagrad', 'weightDecay', h.weightDecay);
    checkNonNegative('Adagrad', 'initialAccumulatorValue', h.initialAccumulatorValue);
    checkNonNegative('Adagrad', 'eps', h.eps);
    checkBoolean('Adagrad', 'maximize', h.maximize);
  }

  protected override initGroupState(group: ParamGroup<AdagradOptions>): void {
    for (const p of group.params) {
      this.state.set(p, { step: 0, sum: this.zerosLike(p, group.initialAccumulatorValue) });
    }
  }

  protected stateSpec(): Record<string, StateKind> {
    return { step: 'step', sum: 'buffer' };
  }

  protected override stepIsTensor(): boolean {
    return true;
  }

  protected update(
    x: FloatArray,
    g: FloatArray,
    st: ParamState,
    group: ParamGroup<AdagradOptions>,
    p: Tensor,
  ): void {
    const { lr, lrDecay, weightDecay: wd, eps, maximize } = group;
    if (st.sum === undefined) {
      st.step = 0;
      st.sum = this.zerosLike(p, group.initialAccumulatorValue);
    }
    const step = (st.step as number) + 1;
    st.step = step;
    const sT = st.sum as Tensor;
    const s = sT.data as FloatArray;
    const clr = lr / (1 + (step - 1) * lrDecay);
    const n = x.length;
    for (let i = 0; i < n; i++) {
      let gi = maximize ? -g[i] : g[i];
      if (wd !== 0) gi = gi + wd * x[i];
      s[i] = s[i] + 1 * gi * gi;
      const std = Math.sqrt(s[i]) + eps;
      x[i] = x[i] + -clr * (gi / std);
    }
    sT.markModified();
  }
}
