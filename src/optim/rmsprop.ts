import type { FloatArray } from '../core/dtype.js';
import { StateError } from '../core/errors.js';
import type { Tensor } from '../tensor/index.js';
import type { ForeachBatch } from './foreach-batch.js';
import { checkHyper } from './hyper-checks.js';
import { Optimizer } from './optimizer.js';
import { stepAndBuffers } from './optimizer-state-dict.js';
import type { OptimizerOptions, ParamGroup, ParamsInput, ParamState, StateKind } from './optimizer-types.js';

/**
 * RMSprop's hyper-parameters (each also settable per parameter group).
 *
 * @example
 * const opt = new RMSprop(model.parameters(), { lr: 2e-3, alpha: 0.95, eps: 1e-8 });
 */
export interface RMSpropOptions {
  /** Learning rate. Default 1e-2. */
  lr: number;
  /** Smoothing constant of the running average of squared gradients. Default 0.99. */
  alpha: number;
  /** Added to the denominator (after the square root). Default 1e-8. */
  eps: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Momentum factor. Default 0. */
  momentum: number;
  /** Normalize by the estimated variance (subtract the squared mean gradient). Default false. */
  centered: boolean;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize: boolean;
}

/**
 * RMSprop, after `torch.optim.RMSprop` (PyTorch 1.13, single-tensor path). With g
 * the gradient (negated if `maximize`):
 *
 * ```
 * g = g + weightDecay * p
 * v = alpha * v + (1 - alpha) * g * g
 * avg = sqrt(v - gavg^2) + eps   with centered (gavg = alpha * gavg + (1 - alpha) * g),
 *       sqrt(v) + eps            otherwise
 * b = momentum * b + g / avg; p = p - lr * b   (momentum > 0)
 * p = p - lr * g / avg                         (otherwise)
 * ```
 *
 * State per parameter: `step` (a number), `square_avg`, `momentum_buffer` (momentum > 0),
 * `grad_avg` (centered).
 *
 * @example
 * const opt = new RMSprop(model.parameters(), { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  /**
   * @param params parameters, or groups `{ params, lr?, alpha?, ... }`
   * @param options defaults: `lr` 1e-2, `alpha` 0.99, `eps` 1e-8, `weightDecay` 0, `momentum` 0, `centered` false, `maximize` false; `foreach` true
   */
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> & OptimizerOptions = {}) {
    super(
      'RMSprop',
      params,
      { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false },
      options,
    );
  }

  protected validateHyper(h: RMSpropOptions): void {
    checkHyper('RMSprop', h, ['lr', 'eps', 'momentum', 'weightDecay', 'alpha'], ['centered', 'maximize']);
  }

  protected stateSpec(group: ParamGroup<RMSpropOptions>): Record<string, StateKind> {
    return stepAndBuffers(
      'square_avg',
      group.momentum > 0 && 'momentum_buffer',
      group.centered && 'grad_avg',
    );
  }

  protected update(
    x: FloatArray,
    g: FloatArray,
    st: ParamState,
    group: ParamGroup<RMSpropOptions>,
    p: Tensor,
  ): void {
    const { lr, alpha, eps, weightDecay: wd, momentum, maximize } = group;
    const { sqT, gaT, bufT } = this.advance(st, group, p);
    const sq = sqT.data as FloatArray;
    const ga = gaT === undefined ? null : (gaT.data as FloatArray);
    const buf = bufT === undefined ? null : (bufT.data as FloatArray);
    const c = 1 - alpha;
    const n = x.length;
    for (let i = 0; i < n; i++) {
      let gi = maximize ? -g[i] : g[i];
      if (wd !== 0) gi = gi + wd * x[i];
      sq[i] = sq[i] * alpha + c * gi * gi;
      let avg: number;
      if (ga !== null) {
        ga[i] = ga[i] * alpha + c * gi;
        avg = Math.sqrt(sq[i] + -1 * ga[i] * ga[i]);
      } else {
        avg = Math.sqrt(sq[i]);
      }
      avg = avg + eps;
      if (buf !== null) {
        buf[i] = buf[i] * momentum + gi / avg;
        x[i] = x[i] + -lr * buf[i];
      } else {
        x[i] = x[i] + -lr * (gi / avg);
      }
    }
    sqT.markModified();
    gaT?.markModified();
    bufT?.markModified();
  }

  /** Counts the step of one parameter (creating its state on the first) and returns its buffers. */
  private advance(
    st: ParamState,
    group: ParamGroup<RMSpropOptions>,
    p: Tensor,
  ): { sqT: Tensor; gaT: Tensor | undefined; bufT: Tensor | undefined } {
    const { momentum, centered } = group;
    if (st.step === undefined) {
      st.step = 0;
      st.square_avg = this.zerosLike(p);
      if (momentum > 0) st.momentum_buffer = this.zerosLike(p);
      if (centered) st.grad_avg = this.zerosLike(p);
    }
    st.step = (st.step as number) + 1;
    const gaT = centered ? (st.grad_avg as Tensor | undefined) : undefined;
    const bufT = momentum > 0 ? (st.momentum_buffer as Tensor | undefined) : undefined;
    if ((centered && gaT === undefined) || (momentum > 0 && bufT === undefined)) {
      throw new StateError(
        'RMSprop.step: centered or momentum was switched on after the first step; its state buffer is missing',
      );
    }
    return { sqT: st.square_avg as Tensor, gaT, bufT };
  }

  /**
   * The foreach step: a loop without per-element branches for the common case (no
   * weight decay, momentum, centering or maximize); the others run the per-tensor
   * `update`. Same bytes.
   */
  protected override updateForeach(batch: ForeachBatch, group: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay: wd, momentum, centered, maximize } = group;
    if (maximize || centered || momentum > 0 || wd !== 0) {
      super.updateForeach(batch, group);
      return;
    }
    for (let j = 0; j < batch.count; j++) {
      const { sqT } = this.advance(batch.states[j], group, batch.params[j]);
      rmspropPlainLoop(batch.xs[j], batch.gs[j], sqT.data as FloatArray, lr, alpha, eps);
      sqT.markModified();
    }
  }
}

/** RMSprop without weight decay, momentum, centering or maximize, as `update` computes it. */
function rmspropPlainLoop(
  x: FloatArray,
  g: FloatArray,
  sq: FloatArray,
  lr: number,
  alpha: number,
  eps: number,
): void {
  const c = 1 - alpha;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    sq[i] = sq[i] * alpha + c * gi * gi;
    let avg = Math.sqrt(sq[i]);
    avg = avg + eps;
    x[i] = x[i] + -lr * (gi / avg);
  }
}
