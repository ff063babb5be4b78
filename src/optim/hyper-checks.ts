import { checkBoolean, checkNumber } from '../core/check.js';

/**
 * @internal Checks hyper-parameters with PyTorch's conditions: each of `nonNegative` a
 * number >= 0 (NaN rejected), each of `flags` a boolean; a ConfigError
 * `owner: name must be ...; got value` for the first that is not.
 *
 * @example
 * checkHyper('Adagrad', h, ['lr', 'lrDecay', 'eps'], ['maximize']);
 */
export function checkHyper<H extends object>(
  owner: string,
  h: H,
  nonNegative: ReadonlyArray<keyof H & string>,
  flags: ReadonlyArray<keyof H & string>,
): void {
  for (const k of nonNegative) checkNumber(owner, k, h[k], (v) => v >= 0, 'a non-negative number');
  for (const k of flags) checkBoolean(owner, k, h[k]);
}
