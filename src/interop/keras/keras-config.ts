/*
 * Reading one Keras layer config: its keys checked against the ones longshort reads (or
 * knows to be harmless), typed values, and weight arrays of the expected shape.
 */
import { FormatError, UnsupportedError } from '../../core/errors.js';

/** A parsed JSON object (a Keras config). */
export type Json = Record<string, unknown>;

/** A Keras weight array: its shape and float32 values. */
export interface KerasArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Config keys that change nothing longshort computes (names, initializers, build info). */
const HARMLESS = new Set([
  'name',
  'trainable',
  'dtype',
  'module',
  'registered_name',
  'build_config',
  'kernel_initializer',
  'recurrent_initializer',
  'bias_initializer',
  'embeddings_initializer',
  'unit_forget_bias',
  'unroll',
  'implementation',
  'seed',
  'use_cudnn',
  'batch_input_shape',
  'batch_shape',
  'input_dim_for_build',
  'quantization_config',
  'lora_rank',
  'lora_alpha',
  'sparse',
  'ragged',
  'optional',
]);

export function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function where(file: string, cls: string, name: unknown): string {
  return `${file}: ${cls} layer '${String(name)}'`;
}

/** Checks that every key of `c` is known: in `used`, harmless, or a null regularizer/constraint. */
export function checkKeys(w: string, c: Json, used: readonly string[]): void {
  for (const [k, v] of Object.entries(c)) {
    if (used.includes(k) || HARMLESS.has(k)) continue;
    if ((k.endsWith('_regularizer') || k.endsWith('_constraint')) && v === null) continue;
    if (
      k === 'zero_output_for_mask' ||
      k === 'time_major' ||
      k === 'recurrent_dropout' ||
      k === 'noise_shape'
    )
      continue; // checked by the caller
    throw new UnsupportedError(
      `${w}: option '${k}' is not supported; expected none of it, got ${JSON.stringify(v)}`,
    );
  }
  if (c.trainable === false)
    throw new UnsupportedError(`${w}: frozen layers are not supported; expected trainable true, got false`);
  const dt = isObj(c.dtype) ? (isObj(c.dtype.config) ? c.dtype.config.name : undefined) : c.dtype;
  if (dt !== undefined && dt !== null && dt !== 'float32')
    throw new UnsupportedError(`${w}: dtype must be float32; expected 'float32', got ${JSON.stringify(dt)}`);
}

/** `c[k]` (or `fallback` when absent) as a finite number, else a FormatError. */
export function num(w: string, c: Json, k: string, fallback?: number): number {
  const v = c[k] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new FormatError(`${w}: ${k} must be a number; got ${JSON.stringify(v)}`);
  return v;
}

/** `c[k]` (or `fallback` when absent) as a boolean, else a FormatError. */
export function bool(w: string, c: Json, k: string, fallback: boolean): boolean {
  const v = c[k] ?? fallback;
  if (typeof v !== 'boolean') throw new FormatError(`${w}: ${k} must be a boolean; got ${JSON.stringify(v)}`);
  return v;
}

/** The data of weight `what` when its shape is `shape`, else a FormatError naming both. */
export function checkArray(
  w: string,
  what: string,
  a: KerasArray | undefined,
  shape: readonly number[],
): Float32Array {
  if (a === undefined)
    throw new FormatError(
      `${w}: weight ${what} is missing; expected shape (${shape.join(', ')}), got nothing`,
    );
  const ok =
    a.shape.length === shape.length &&
    a.shape.every((d, i) => d === shape[i]) &&
    a.data.length === shape.reduce((x, y) => x * y, 1);
  if (!ok)
    throw new FormatError(
      `${w}: weight ${what} has the wrong shape; expected (${shape.join(', ')}), got (${a.shape.join(', ')})`,
    );
  return a.data;
}
