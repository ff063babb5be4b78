/*
 * What to take out of a read checkpoint: the state dict for `loadStateDict` (a dict of
 * tensors, an entry of a checkpoint dict, or a pickled nn.Module's own state) and the
 * optimizer state for `Optimizer.loadStateDict`, in PyTorch's layout.
 */
import { FormatError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { PickleObject } from './pickle.js';
import { describeTorchValue as describe, keyName, type TorchValue } from './torch-value.js';

/** A dict read from a pickle (its keys and values are whatever the file holds). */
function isMap(v: unknown): v is Map<unknown, unknown> {
  return v instanceof Map;
}

/**
 * Options of `torchStateDict`.
 *
 * @example
 * lstm.loadStateDict(torchStateDict(ckpt, { key: 'model', stripPrefix: 'module.' }));
 */
export interface TorchStateDictOptions {
  /** The entry of a checkpoint dict that holds the state dict (e.g. 'model', 'state_dict'). */
  key?: string;
  /** A prefix to strip from every key (e.g. 'module.' from DataParallel checkpoints). */
  stripPrefix?: string;
}

/**
 * The state dict in a checkpoint value (from `parseTorchCheckpoint` / `loadTorchCheckpoint`),
 * ready for `module.loadStateDict`: the value itself when it is a dict of tensors, else
 * the dict of tensors under `options.key`; for a pickled `nn.Module` (`torch.save(model)`),
 * the module's `state_dict()` rebuilt from its pickled state (nothing of it runs).
 *
 * @throws FormatError when there is no such dict; the message lists the checkpoint's
 *   entries that are dicts of tensors (candidates for `key`), or says the file holds a
 *   pickled module rather than its state dict.
 * @example lstm.loadStateDict(torchStateDict(await loadTorchCheckpoint('lstm.pt')))
 */
export function torchStateDict(value: TorchValue, options: TorchStateDictOptions = {}): Map<string, Tensor> {
  let v = value;
  if (options.key !== undefined) {
    if (!isMap(v))
      throw new FormatError(
        `torchStateDict: key '${options.key}' needs a checkpoint dict; got ${describe(v)}`,
      );
    if (!v.has(options.key))
      throw new FormatError(
        `torchStateDict: the checkpoint has no entry '${options.key}'; expected one of ${[...v.keys()].map(keyName).join(', ')}`,
      );
    v = v.get(options.key);
  }
  if (v instanceof PickleObject) {
    const fromModule = moduleStateDict(v, '', options.stripPrefix);
    if (fromModule !== null) return fromModule;
    throw new FormatError(
      `torchStateDict: the file holds a pickled ${v.className} object; expected a dict of tensors (in Python, torch.save(model.state_dict(), path)) or a pickled nn.Module`,
    );
  }
  if (!isMap(v)) throw new FormatError(`torchStateDict: expected a dict of tensors; got ${describe(v)}`);
  const out = new Map<string, Tensor>();
  const bad: string[] = [];
  for (const [k, t] of v) {
    if (typeof k === 'string' && t instanceof Tensor) {
      const name =
        options.stripPrefix !== undefined && k.startsWith(options.stripPrefix)
          ? k.slice(options.stripPrefix.length)
          : k;
      out.set(name, t);
    } else bad.push(keyName(k));
  }
  if (bad.length > 0) {
    const candidates = [...v]
      .filter(([, x]) => isMap(x) && x.size > 0 && [...x.values()].every((y) => y instanceof Tensor))
      .map(([k]) => `'${keyName(k)}'`);
    throw new FormatError(
      `torchStateDict: expected a dict of tensors; got a dict whose entries ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', ...' : ''} are not tensors` +
        (candidates.length > 0 ? `; pass { key: ${candidates.join(' | ')} }` : ''),
    );
  }
  return out;
}

/**
 * An optimizer state dict in PyTorch's layout (the shape `Optimizer.loadStateDict` takes):
 * per-parameter state by index, and the groups with snake_case options.
 *
 * @example
 * const state: TorchOptimizerState = torchOptimizerState(ckpt, { key: 'optimizer' });
 * opt.loadStateDict(state);
 */
export interface TorchOptimizerState {
  state: Record<number, Record<string, Tensor | number | null>>;
  param_groups: Array<Record<string, number | boolean | number[] | null>>;
}

/**
 * The optimizer state in a checkpoint value (`optimizer.state_dict()` saved with
 * torch.save; under `options.key` in a checkpoint dict), for `optimizer.loadStateDict`,
 * so training started in PyTorch continues in longshort. The optimizer must be built
 * over the same parameters in the same order (`loadStateDict` checks the rest).
 *
 * @throws FormatError when the value is not an optimizer state dict (message says what it is)
 * @example
 * const ckpt = await loadTorchCheckpoint('ckpt.pt');
 * model.loadStateDict(torchStateDict(ckpt, { key: 'model' }));
 * opt.loadStateDict(torchOptimizerState(ckpt, { key: 'optimizer' }));
 */
export function torchOptimizerState(value: TorchValue, options: { key?: string } = {}): TorchOptimizerState {
  let v = value;
  if (options.key !== undefined) {
    if (!isMap(v) || !v.has(options.key)) {
      throw new FormatError(
        `torchOptimizerState: the checkpoint has no entry '${options.key}'; expected one of ${isMap(v) ? [...v.keys()].map(keyName).join(', ') : `a dict, got ${describe(v)}`}`,
      );
    }
    v = v.get(options.key);
  }
  const st = isMap(v) ? v.get('state') : undefined;
  const groups = isMap(v) ? v.get('param_groups') : undefined;
  if (!isMap(st) || !Array.isArray(groups)) {
    throw new FormatError(
      `torchOptimizerState: expected an optimizer state dict { state, param_groups }; got ${describe(v)}`,
    );
  }
  const state: TorchOptimizerState['state'] = {};
  for (const [i, entry] of st) {
    if (typeof i !== 'number' || !isMap(entry))
      throw new FormatError(
        `torchOptimizerState: state entries must be parameter index -> dict; got ${keyName(i)} -> ${describe(entry)}`,
      );
    const out: Record<string, Tensor | number | null> = {};
    for (const [k, x] of entry) {
      if (!(x instanceof Tensor) && typeof x !== 'number' && x !== null)
        throw new FormatError(
          `torchOptimizerState: state[${i}].${keyName(k)} is ${describe(x)}; expected a tensor, a number or None`,
        );
      out[keyName(k)] = x;
    }
    state[i] = out;
  }
  const param_groups = groups.map((g, gi) => {
    if (!isMap(g))
      throw new FormatError(`torchOptimizerState: param_groups[${gi}] is ${describe(g)}; expected a dict`);
    const out: Record<string, number | boolean | number[] | null> = {};
    for (const [k, x] of g) {
      if (Array.isArray(x) && x.every((y): y is number => typeof y === 'number')) out[keyName(k)] = [...x];
      else if (typeof x === 'number' || typeof x === 'boolean' || x === null) out[keyName(k)] = x;
      else
        throw new FormatError(
          `torchOptimizerState: param_groups[${gi}].${keyName(k)} is ${describe(x)}; expected a number, a bool, None or numbers`,
        );
    }
    return out;
  });
  return { state, param_groups };
}

/**
 * The state dict of a pickled `nn.Module` (`torch.save(model)`), as `model.state_dict()`
 * orders it: each module's parameters, then its persistent buffers, then its children
 * by name. Null when `obj` is not a module.
 */
function moduleStateDict(
  obj: PickleObject,
  prefix: string,
  strip: string | undefined,
  out = new Map<string, Tensor>(),
  depth = 0,
): Map<string, Tensor> | null {
  if (depth > 100)
    throw new FormatError(
      `torchStateDict: modules must nest at most 100 deep (or the module tree has a cycle); got more at '${prefix.slice(0, 80)}...'`,
    );
  const st = obj.state;
  if (!isMap(st) || !isMap(st.get('_parameters')) || !isMap(st.get('_modules'))) return null;
  const nonPersistent = st.get('_non_persistent_buffers_set');
  const put = (name: string, t: unknown): void => {
    if (!(t instanceof Tensor)) return; // None entries (e.g. bias=False)
    const key = prefix + name;
    out.set(strip !== undefined && key.startsWith(strip) ? key.slice(strip.length) : key, t);
  };
  for (const [name, t] of st.get('_parameters') as Map<unknown, unknown>) put(keyName(name), t);
  const buffers = st.get('_buffers');
  if (isMap(buffers))
    for (const [name, t] of buffers)
      if (!(nonPersistent instanceof Set && nonPersistent.has(name))) put(keyName(name), t);
  for (const [name, child] of st.get('_modules') as Map<unknown, unknown>) {
    if (
      child instanceof PickleObject &&
      moduleStateDict(child, `${prefix}${keyName(name)}.`, strip, out, depth + 1) === null
    ) {
      throw new FormatError(
        `torchStateDict: submodule '${prefix}${keyName(name)}' is a ${child.className} without module state`,
      );
    }
  }
  return out;
}
