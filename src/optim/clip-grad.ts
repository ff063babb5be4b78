import { checkOptions } from '../core/check.js';
import { ConfigError, StateError, UnsupportedError } from '../core/errors.js';
import { Tensor } from '../tensor/index.js';

/**
 * Options of `clipGradNorm`.
 *
 * @example
 * const total = clipGradNorm(model.parameters(), 5, { normType: 2, errorIfNonfinite: true });
 */
export interface ClipGradNormOptions {
  /** Order of the norm: a positive number or `Infinity` (max-abs). Default 2. */
  normType?: number;
  /** Throw a StateError when the total norm is NaN or infinite instead of scaling by it. Default false. */
  errorIfNonfinite?: boolean;
}

function gradsOf(parameters: Iterable<Tensor> | Tensor, op: string): Tensor[] {
  if (parameters instanceof Tensor) parameters = [parameters];
  if (parameters === null || typeof parameters !== 'object' || !(Symbol.iterator in parameters)) {
    throw new ConfigError(
      `${op}: parameters must be a Tensor or an iterable of Tensors; got ${String(parameters)}`,
    );
  }
  const grads: Tensor[] = [];
  for (const p of parameters) {
    if (!(p instanceof Tensor)) throw new ConfigError(`${op}: parameters must be Tensors; got ${typeof p}`);
    if (p.grad !== null) grads.push(p.grad);
  }
  return grads;
}

/**
 * Scales the gradients of `parameters` in place so that their total norm (as if all
 * gradients were concatenated into one vector) is at most `maxNorm`, after
 * `torch.nn.utils.clip_grad_norm_` (PyTorch 1.13): `coef = maxNorm / (total + 1e-6)`,
 * and gradients are multiplied by `coef` only when it is below 1. Parameters without a
 * gradient are skipped. For float32 gradients the norms are rounded to float32 as
 * PyTorch computes them.
 *
 * @param parameters a tensor or tensors whose `.grad` to clip
 * @param maxNorm the largest allowed total norm
 * @param options `normType` (default 2; `Infinity` for max-abs), `errorIfNonfinite` (default false)
 * @returns the total norm of the gradients before clipping (0 when no parameter has a gradient)
 * @example
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm(
  parameters: Iterable<Tensor> | Tensor,
  maxNorm: number,
  options: ClipGradNormOptions = {},
): number {
  checkOptions('clipGradNorm', options, ['normType', 'errorIfNonfinite']);
  const normType = options.normType ?? 2;
  const errorIfNonfinite = options.errorIfNonfinite ?? false;
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) {
    throw new ConfigError(`clipGradNorm: maxNorm must be a number; got ${String(maxNorm)}`);
  }
  if (typeof normType !== 'number' || !(normType > 0)) {
    throw new UnsupportedError(
      `clipGradNorm: normType must be a positive number or Infinity; got ${String(normType)}`,
    );
  }
  const grads = gradsOf(parameters, 'clipGradNorm');
  if (grads.length === 0) return 0;
  const f32 = grads[0].dtype === 'float32';
  const round = f32 ? Math.fround : (v: number): number => v;
  let total: number;
  if (normType === Infinity) {
    total = 0;
    for (const g of grads) {
      const d = g.data;
      let m = 0;
      for (let i = 0; i < d.length; i++) {
        const a = Math.abs(d[i]);
        if (a > m || Number.isNaN(a)) m = a;
      }
      if (m > total || Number.isNaN(m)) total = m;
    }
  } else {
    let acc = 0;
    for (const g of grads) {
      const d = g.data;
      let s = 0;
      if (normType === 2) for (let i = 0; i < d.length; i++) s += d[i] * d[i];
      else if (normType === 1) for (let i = 0; i < d.length; i++) s += Math.abs(d[i]);
      else for (let i = 0; i < d.length; i++) s += Math.abs(d[i]) ** normType;
      const norm = round(normType === 1 ? s : normType === 2 ? Math.sqrt(s) : s ** (1 / normType));
      acc += normType === 2 ? norm * norm : normType === 1 ? norm : norm ** normType;
    }
    total = round(normType === 1 ? acc : normType === 2 ? Math.sqrt(acc) : acc ** (1 / normType));
  }
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new StateError(
      `clipGradNorm: the total norm of order ${normType} for gradients from parameters is non-finite (${total}), so it cannot be clipped; ` +
        'set errorIfNonfinite: false to scale the gradients by the non-finite norm anyway',
    );
  }
  const coef = round(maxNorm / round(total + 1e-6));
  if (!(coef >= 1)) {
    // PyTorch multiplies by clamp(coef, max=1) unconditionally; a NaN coefficient spreads.
    for (const g of grads) {
      const d = g.data;
      for (let i = 0; i < d.length; i++) d[i] = d[i] * coef;
      g.markModified();
    }
  }
  return total;
}

/**
 * Clamps every gradient element of `parameters` into `[-clipValue, clipValue]` in
 * place, after `torch.nn.utils.clip_grad_value_`. Parameters without a gradient are
 * skipped; NaN elements stay NaN.
 *
 * @param parameters a tensor or tensors whose `.grad` to clip
 * @param clipValue the largest allowed magnitude
 * @example
 * loss.backward();
 * clipGradValue(model.parameters(), 0.5);
 */
export function clipGradValue(parameters: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue)) {
    throw new ConfigError(`clipGradValue: clipValue must be a number; got ${String(clipValue)}`);
  }
  for (const g of gradsOf(parameters, 'clipGradValue')) {
    const d = g.data;
    const lo = -clipValue;
    const hi = clipValue;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      // torch.clamp: min(max(v, lo), hi); NaN propagates
      d[i] = v < lo ? lo : v;
      if (d[i] > hi) d[i] = hi;
    }
    g.markModified();
  }
}
