/*
 * What the safetensors reader (safetensors-read.ts) and writer (safetensors-write.ts)
 * share: the public types and limits, the metadata key, and how their errors name values.
 */
import { showValue } from '../core/check.js';
import { FormatError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * The largest header accepted (and written), in bytes; the reference implementation's limit.
 *
 * @example
 * if (headerLength > MAX_HEADER_BYTES) throw new Error('header too large');
 */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * Element types this library reads. F16/BF16 become float32 tensors, I64 becomes int32.
 *
 * @example
 * const { tensors } = parseSafetensors(bytes); // F32, F64, F16, BF16, I64 or I32 tensors
 */
export type SafetensorsDType = 'F32' | 'F64' | 'F16' | 'BF16' | 'I64' | 'I32';

/**
 * Element types this library writes.
 *
 * @example
 * serializeSafetensors(dict, { dtype: 'F32' }); // float64 tensors stored as F32
 */
export type SafetensorsWriteDType = 'F32' | 'F64' | 'I32';

/**
 * What a safetensors file holds: named tensors (in file order) and string metadata.
 *
 * @example
 * const { tensors, metadata } = parseSafetensors(bytes);
 * for (const [name, t] of tensors) console.log(name, t.shape);
 */
export interface SafetensorsContents {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * Options of `serializeSafetensors` / `saveSafetensors`.
 *
 * @example
 * const bytes = serializeSafetensors(lstm.stateDict(), { metadata: { format: 'pt' }, dtype: 'F32' });
 */
export interface SerializeSafetensorsOptions {
  /** Written as the header's `__metadata__` object (string keys and values only). */
  metadata?: Record<string, string>;
  /**
   * `'F32'` stores float64 tensors as F32 (rounded to nearest). Without it float64
   * tensors are stored as F64. float32 tensors are always F32 and int32 tensors I32.
   */
  dtype?: 'F32';
}

/**
 * A named collection of tensors to write.
 *
 * @example
 * const dict: TensorDict = { weight: zeros([2, 2]), bias: zeros([2]) };
 * const bytes = serializeSafetensors(dict);
 */
export type TensorDict = Record<string, Tensor> | Map<string, Tensor>;

/** The header key of the string-to-string metadata. */
export const METADATA_KEY = '__metadata__';

/** Builds FormatErrors as `${op}: ${where}${message}`. */
export type Fail = (message: string) => FormatError;

/** A Fail for `op` (and the file, when there is one). */
export function failer(op: string, source?: string): Fail {
  const where = source === undefined ? '' : `${source}: `;
  return (message) => new FormatError(`${op}: ${where}${message}`);
}

/** A value as error messages show it: its JSON kind and a truncated text. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array ${truncate(JSON.stringify(value))}`;
  if (typeof value === 'string') return `string ${truncate(JSON.stringify(value))}`;
  if (typeof value === 'object') return 'object';
  return `${typeof value} ${showValue(value)}`;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** A JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
