import { ConfigError } from '../core/errors.js';
import { Tensor } from '../tensor/index.js';
import type { LrHyper, ParamGroupInput, ParamsInput } from './optimizer-types.js';

/**
 * @internal Whether `x` is a parameter group `{ params, ...overrides }` rather than a tensor.
 *
 * @example
 * isParamGroupInput({ params: lstm.parameters(), lr: 0.1 }); // true
 */
export function isParamGroupInput(x: unknown): x is { params: Iterable<Tensor> } {
  return typeof x === 'object' && x !== null && !(x instanceof Tensor) && 'params' in x;
}

/**
 * @internal What an optimizer constructor was given, as parameter groups: a list of
 * groups as it is, a list of tensors as one group. A ConfigError for anything else.
 *
 * @example
 * groupInputs('SGD', model.parameters()); // [{ params: [...] }]
 */
export function groupInputs<H extends LrHyper>(
  name: string,
  params: ParamsInput<H>,
): Array<ParamGroupInput<H>> {
  if (
    params instanceof Tensor ||
    params === null ||
    typeof params !== 'object' ||
    !(Symbol.iterator in params)
  ) {
    throw new ConfigError(
      `${name}: params must be an array of tensors or of parameter groups; got ${params instanceof Tensor ? 'a single Tensor' : String(params)}`,
    );
  }
  const list: unknown[] = [...(params as Iterable<unknown>)];
  if (list.length === 0) throw new ConfigError(`${name}: got an empty parameter list`);
  return (isParamGroupInput(list[0]) ? list : [{ params: list }]) as Array<ParamGroupInput<H>>;
}

/**
 * @internal The parameters of a new group, checked: float leaf tensors, none twice, none
 * already in one of `groups`. A ConfigError naming the optimizer otherwise.
 *
 * @example
 * const list = checkGroupParams('Adam', head.parameters(), opt.paramGroups);
 */
export function checkGroupParams(
  name: string,
  params: Iterable<Tensor> | Tensor,
  groups: ReadonlyArray<{ params: readonly Tensor[] }>,
): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  const seen = new Set<Tensor>();
  for (const g of groups) for (const p of g.params) seen.add(p);
  const own = new Set<Tensor>();
  for (const p of list) {
    if (!(p instanceof Tensor)) throw new ConfigError(`${name}: can only optimize Tensors; got ${typeof p}`);
    if (p.dtype === 'int32') throw new ConfigError(`${name}: can only optimize float tensors; got int32`);
    if (!p.isLeaf)
      throw new ConfigError(
        `${name}: can't optimize a non-leaf Tensor; pass parameters (leaves), not results of ops`,
      );
    if (own.has(p)) throw new ConfigError(`${name}: a parameter group contains the same parameter twice`);
    if (seen.has(p))
      throw new ConfigError(`${name}: some parameters appear in more than one parameter group`);
    own.add(p);
  }
  return list;
}
