/*
 * What a checkpoint read by parseTorchCheckpoint holds (TorchValue), and how error
 * messages describe such values: briefly and bounded, since a hostile file may nest
 * them deeply or make them long.
 */
import { showValue } from '../core/check.js';
import { Tensor } from '../tensor/tensor.js';
import { PickleGlobal, PickleObject } from './pickle.js';

/**
 * A value read from a checkpoint: null, boolean, number (bigint beyond 2^53), string,
 * Uint8Array (bytes), Tensor, arrays (lists; tuples are frozen), Map (dict and
 * OrderedDict, keys in file order), Set, or a PickleObject for any other Python object.
 *
 * @example
 * const v: TorchValue = parseTorchCheckpoint(bytes);
 * const sd = torchStateDict(v, { key: 'model' });
 */
export type TorchValue = unknown;

/** A dict key as text: strings as they are, anything else described briefly. */
export function keyName(k: unknown): string {
  return typeof k === 'string' ? k : short(k);
}

/** A short description of a pickled value (depth- and length-bounded: values may nest deeply). */
export function short(v: unknown, depth = 0): string {
  if (v instanceof PickleObject) return v.className;
  if (v instanceof PickleGlobal) return v.fullName;
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v);
  if (typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) {
    if (depth > 3) return '[...]';
    const items = v.slice(0, 6).map((x) => short(x, depth + 1));
    return `[${items.join(',')}${v.length > 6 ? ',...' : ''}]`;
  }
  if (v instanceof Map) return `dict(${v.size})`;
  if (v instanceof Tensor) return `tensor[${v.shape.join(', ')}]`;
  if (v instanceof Uint8Array) return `bytes(${v.length})`;
  if (v === null || v === undefined) return 'None';
  return typeof v === 'object' ? 'object' : showValue(v);
}

/** A value for messages about what a checkpoint entry is (`a dict with keys ...`, `a tensor of shape [...]`). */
export function describeTorchValue(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v instanceof Tensor) return `a tensor of shape [${v.shape.join(', ')}]`;
  if (v instanceof Map) return `a dict with keys ${[...v.keys()].slice(0, 6).map(keyName).join(', ')}`;
  if (v instanceof PickleObject) return `a ${v.className} object`;
  if (Array.isArray(v)) return Object.isFrozen(v) ? 'a tuple' : 'a list';
  return `a ${typeof v}`;
}
