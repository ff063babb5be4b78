// Argument and option checks: one family, always `(op, name, value)`, always a
// ConfigError of the form `op: name must be ...; got value`. Used at public boundaries
// (constructors, functions, option bags), never inside kernels.
import { ConfigError } from './errors.js';

/**
 * A value as error messages quote it: strings quoted, arrays and plain objects as JSON-like
 * text (cut at 80 characters), class instances by their class name, functions as such.
 */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return `a function ${v.name === '' ? '' : v.name}`.trimEnd();
  if (Array.isArray(v)) return `[${v.map(showValue).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      const ctor = (v as { constructor?: { name?: unknown } }).constructor;
      return `a ${typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'object'}`;
    }
    let text: string;
    try {
      text = JSON.stringify(v);
    } catch {
      text = '{...}';
    }
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  }
  return String(v as number | boolean | symbol | null | undefined);
}

/** Throws unless `value` is an integer > 0; returns it. */
export function checkPositiveInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${op}: ${name} must be a positive integer; got ${showValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is an integer >= 0; returns it. */
export function checkNonNegativeInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ConfigError(`${op}: ${name} must be a non-negative integer; got ${showValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is a finite number; returns it. */
export function checkFinite(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigError(`${op}: ${name} must be a finite number; got ${showValue(value)}`);
  }
  return value;
}

/**
 * Throws unless `value` is a number (NaN rejected) for which `ok` holds; `want` says
 * what must hold, for the message. Returns it.
 *
 * @example
 * ```ts
 * checkNumber('StepLR', 'gamma', 0.5, Number.isFinite, 'a finite number'); // 0.5
 * ```
 */
export function checkNumber(
  op: string,
  name: string,
  value: unknown,
  ok: (v: number) => boolean,
  want: string,
): number {
  if (typeof value !== 'number' || Number.isNaN(value) || !ok(value)) {
    throw new ConfigError(`${op}: ${name} must be ${want}; got ${showValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is a boolean; returns it. */
export function checkBoolean(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new ConfigError(`${op}: ${name} must be a boolean; got ${showValue(value)}`);
  return value;
}

/** Throws unless `value` is one of `allowed`; returns it. */
export function checkOneOf<T extends string>(
  op: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${op}: ${name} must be one of ${allowed.join(', ')}; got ${showValue(value)}`);
  }
  return value as T;
}

/**
 * Throws unless `options` is undefined or a plain object whose keys are all in `known`
 * (keys whose value is undefined are ignored). The message lists the known keys.
 *
 * @example
 * ```ts
 * const FIT_KEYS = ['epochs', 'batchSize'] as const;
 * checkOptions('fit', options, FIT_KEYS);
 * ```
 */
export function checkOptions(op: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError(`${op}: options must be an object; got ${showValue(options)}`);
  }
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    if (!known.includes(k)) {
      const expected = known.length === 0 ? 'no options' : `one of ${known.join(', ')}`;
      throw new ConfigError(`${op}: unknown option ${JSON.stringify(k)}; expected ${expected}`);
    }
  }
}
