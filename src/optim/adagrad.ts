import type { FloatArray } from '../core/dtype.js';
import type { Tensor } from '../tensor/index.js';
import type { ForeachBatch } from './foreach-batch.js';
import { checkHyper } from './hyper-checks.js';
import { Optimizer } from './optimizer.js';
import { stepAndBuffers } from './optimizer-state-dict.js';
import type { OptimizerOptions, ParamGroup, ParamsInput, ParamState, StateKind } from './optimizer-types.js';

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
  protected override readonly stepAsTensor = true;
  /**
   * @param params parameters, or groups `{ params, lr?, lrDecay?, ... }`
   * @param options defaults: `lr` 1e-2, `lrDecay` 0, `weightDecay` 0, `initialAccumulatorValue` 0, `eps` 1e-10, `maximize` false; `foreach` true
   */
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> & OptimizerOptions = {}) {
    super(
      'Adagrad',
      params,
      { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false },
      options,
    );
  }

  protected validateHyper(h: AdagradOptions): void {
    checkHyper(
      'Adagrad',
      h,
      ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'],
      ['maximize'],
    );
  }

  protected override initGroupState(group: ParamGroup<AdagradOptions>): void {
    for (const p of group.params) {
      this.state.set(p, { step: 0, sum: this.zerosLike(p, group.initialAccumulatorValue) });
    }
  }

  protected stateSpec(): Record<string, StateKind> {
    return stepAndBuffers('sum');
  }

  protected update(
    x: FloatArray,
    g: FloatArray,
    st: ParamState,
    group: ParamGroup<AdagradOptions>,
    p: Tensor,
  ): void {
    const { weightDecay: wd, eps, maximize } = group;
    const { sT, clr } = this.advance(st, group, p);
    const s = sT.data as FloatArray;
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

  /** Counts the step of one parameter and returns its sum and this step's learning rate. */
  private advance(st: ParamState, group: ParamGroup<AdagradOptions>, p: Tensor): { sT: Tensor; clr: number } {
    if (st.sum === undefined) {
      st.step = 0;
      st.sum = this.zerosLike(p, group.initialAccumulatorValue);
    }
    const step = (st.step as number) + 1;
    st.step = step;
    return { sT: st.sum as Tensor, clr: group.lr / (1 + (step - 1) * group.lrDecay) };
  }

  /**
   * The foreach step: a loop without per-element branches when there is no weight decay
   * or maximize; otherwise the per-tensor `update`. Same bytes.
   */
  protected override updateForeach(batch: ForeachBatch, group: ParamGroup<AdagradOptions>): void {
    if (group.maximize || group.weightDecay !== 0) {
      super.updateForeach(batch, group);
      return;
    }
    for (let j = 0; j < batch.count; j++) {
      const { sT, clr } = this.advance(batch.states[j], group, batch.params[j]);
      adagradPlainLoop(batch.xs[j], batch.gs[j], sT.data as FloatArray, clr, group.eps);
      sT.markModified();
    }
  }
}

/** Adagrad without weight decay or maximize, as `update` computes it. */
function adagradPlainLoop(x: FloatArray, g: FloatArray, s: FloatArray, clr: number, eps: number): void {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    s[i] = s[i] + 1 * gi * gi;
    const std = Math.sqrt(s[i]) + eps;
    x[i] = x[i] + -clr * (gi / std);
  }
}
