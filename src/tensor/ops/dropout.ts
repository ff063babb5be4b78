import { checkOptions } from '../../core/check.js';
import { allocate } from '../../core/dtype.js';
import { ConfigError } from '../../core/errors.js';
import { defaultGenerator, type Generator } from '../../core/rng.js';
import { record } from '../record.js';
import { Tensor } from '../tensor.js';
import { requireFloat } from './util.js';

/**
 * Options of `dropout`.
 *
 * @example
 * const y = dropout(x, 0.5, true, { generator: new Generator(1) });
 */
export interface DropoutOptions {
  /** Seeded generator for the mask; the default generator (see `manualSeed`) otherwise. */
  generator?: Generator;
}

/**
 * Throws a ConfigError unless `p` is a probability in [0, 1].
 *
 * @example
 * checkDropoutP(0.5, 'dropout'); // ok; 1.5 throws a ConfigError
 */
export function checkDropoutP(p: number, op: string): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new ConfigError(
      `${op}: dropout probability has to be between 0 and 1; expected p in [0, 1], got ${String(p)}`,
    );
  }
}

/**
 * Inverted dropout, like `torch.nn.functional.dropout`: in training mode each element
 * is zeroed with probability `p` and the survivors are scaled by `1 / (1 - p)`, so the
 * expected value is unchanged; with `training` false it returns `x` itself.
 * The mask comes from the seeded generator, so results are reproducible.
 *
 * Shapes: input `(*)`, output `(*)` (same shape). `p = 1` gives zeros (and zero gradients).
 *
 * @param x a float tensor
 * @param p probability of an element being zeroed (default 0.5)
 * @param training apply dropout (default true); false is the identity
 * @example
 * const y = dropout(x, 0.2, model.training, { generator: new Generator(1) });
 */
export function dropout(x: Tensor, p = 0.5, training = true, options: DropoutOptions = {}): Tensor {
  checkDropoutP(p, 'dropout');
  checkOptions('dropout', options, ['generator']);
  requireFloat(x, 'dropout');
  if (!training) return x;
  const g = options.generator ?? defaultGenerator;
  const n = x.numel();
  const keep = 1 - p;
  const scale = keep === 0 ? 0 : 1 / keep;
  const mask = new Tensor(allocate(x.dtype, n), x.shape); // (*) values 0 or 1/(1-p)
  const md = mask.data;
  for (let i = 0; i < n; i++) md[i] = g.uniform() < keep ? scale : 0;
  const out = new Tensor(allocate(x.dtype, n), x.shape);
  const od = out.data;
  const xd = x.data;
  for (let i = 0; i < n; i++) od[i] = xd[i] * md[i];
  return record('dropout', [x], out, [], (grad) => {
    const gx = new Tensor(allocate(grad.dtype, n), x.shape);
    const gd = grad.data;
    const r = gx.data;
    for (let i = 0; i < n; i++) r[i] = gd[i] * md[i];
    return [gx];
  });
}
