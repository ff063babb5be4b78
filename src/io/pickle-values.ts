/*
 * What the restricted pickle reader builds besides plain values: references to Python
 * classes and functions, inert stand-ins for instances of classes nobody gave a meaning
 * to, and the hooks through which a caller (the torch.save reader) gives them one.
 */

/**
 * A class or function named in a pickle (`module.qualname`).
 *
 * @example
 * const ckpt = parseTorchCheckpoint(bytes);
 * // a pickled class reference comes back as { module, name }, never imported or run
 * if (ckpt instanceof PickleGlobal) console.log(`${ckpt.module}.${ckpt.name}`);
 */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  get fullName(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * An instance of a Python class the reader does not know: its class name, the arguments
 * it was created with and the state set on it (`__dict__` or `__setstate__` argument).
 * Nothing of the class runs.
 *
 * @example
 * const ckpt = parseTorchCheckpoint(bytes); // torch.save(model) of a whole nn.Module
 * if (ckpt instanceof PickleObject) console.log(ckpt.className); // e.g. 'torch.nn.modules.rnn.LSTM'
 */
export class PickleObject {
  state: unknown = null;

  constructor(
    readonly className: string,
    readonly args: readonly unknown[] = [],
  ) {}
}

/** How the caller gives meaning to names, calls and persistent ids. */
export interface PickleHooks {
  /** REDUCE / NEWOBJ: `callable(*args)`; the default makes a `PickleObject`. */
  construct?(callable: unknown, args: readonly unknown[]): unknown;
  /** BUILD: sets `state` on `obj`; returns the object to keep (default: `obj`). */
  build?(obj: unknown, state: unknown): unknown;
  /** BINPERSID / PERSID: what a persistent id stands for (torch: storages). */
  persistentLoad?(pid: unknown): unknown;
}

/** A value's Python kind, for messages (`tuple`, `dict`, a class name, ...). */
export function describePickled(v: unknown): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return Object.isFrozen(v) ? 'tuple' : 'list';
  if (v instanceof Map) return 'dict';
  if (v instanceof PickleObject) return v.className;
  if (v instanceof PickleGlobal) return v.fullName;
  return typeof v;
}
