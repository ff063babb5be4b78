/*
 * Writing the safetensors format (layout: safetensors-format.ts) as the reference
 * library lays it out: tensors by dtype alignment and name, the header padded to 8 bytes.
 */
import { ConfigError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { LITTLE_ENDIAN } from './decode-elements.js';
import { describe, failer, isPlainObject, MAX_HEADER_BYTES, METADATA_KEY } from './safetensors-common.js';
import type {
  Fail,
  SafetensorsWriteDType,
  SerializeSafetensorsOptions,
  TensorDict,
} from './safetensors-common.js';

/** Rank in the reference implementation's dtype enum (increasing alignment); larger is written first. */
const WRITE_RANK: Record<SafetensorsWriteDType, number> = { F64: 2, F32: 1, I32: 0 };

/** Compares strings by Unicode code point, i.e. by their UTF-8 bytes (Rust's `String` order). */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/**
 * Writes named tensors as a safetensors file in memory. float32 tensors are stored as
 * F32, float64 as F64 (or F32 with `{ dtype: 'F32' }`), int32 as I32. The layout is
 * the reference library's: tensors ordered by dtype alignment (F64, then F32, then I32)
 * and then by name, the header listing `__metadata__` first and then the tensors in
 * that order, padded with spaces to a multiple of 8 bytes so every tensor is aligned.
 *
 * @param tensors a `Map` or plain object from name to tensor (e.g. a state dict).
 * @param options `metadata` (string to string) and `dtype: 'F32'`.
 * @returns the file's bytes.
 * @throws FormatError for a value that is not a Tensor, the reserved name
 *   `__metadata__`, non-string metadata or a header over 100 MB; ConfigError for an
 *   unknown option or dtype.
 *
 * @example
 * const bytes = serializeSafetensors({ 'fc.weight': w, 'fc.bias': b }, { metadata: { format: 'pt' } });
 * parseSafetensors(bytes).tensors.get('fc.bias'); // a copy of b
 */
export function serializeSafetensors(
  tensors: TensorDict,
  options: SerializeSafetensorsOptions = {},
): Uint8Array {
  return serializeSafetensorsAs(tensors, options, 'serializeSafetensors');
}

/** @internal `serializeSafetensors` with the error prefix of the calling public function. */
export function serializeSafetensorsAs(
  tensors: TensorDict,
  options: SerializeSafetensorsOptions,
  op: string,
): Uint8Array {
  const fail = failer(op);
  if (!isPlainObject(options)) {
    throw new ConfigError(`${op}: options must be an object; got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'metadata' && key !== 'dtype') {
      throw new ConfigError(`${op}: unknown option ${JSON.stringify(key)}; expected metadata or dtype`);
    }
  }
  if (options.dtype !== undefined && options.dtype !== 'F32') {
    throw new ConfigError(
      `${op}: options.dtype must be 'F32' or absent; expected 'F32', got ${describe(options.dtype)}`,
    );
  }
  const toF32 = options.dtype === 'F32';

  let pairs: [string, unknown][];
  if (tensors instanceof Map) pairs = [...tensors.entries()];
  else if (isPlainObject(tensors))
    pairs = Object.keys(tensors).map((k) => [k, (tensors as Record<string, unknown>)[k]]);
  else throw fail(`tensors must be a Map or an object of named tensors; got ${describe(tensors)}`);

  const items = pairs.map(([name, t]) => {
    if (typeof name !== 'string') throw fail(`tensor names must be strings; got ${describe(name)}`);
    if (name === METADATA_KEY)
      throw fail(`"${METADATA_KEY}" is reserved for metadata; expected another tensor name`);
    if (!(t instanceof Tensor)) {
      throw fail(`value of ${JSON.stringify(name)} must be a Tensor; got ${describe(t)}`);
    }
    const dtype: SafetensorsWriteDType =
      t.dtype === 'int32' ? 'I32' : t.dtype === 'float64' && !toF32 ? 'F64' : 'F32';
    let data = t.data;
    if (dtype === 'F32' && !(data instanceof Float32Array)) data = Float32Array.from(data);
    return { name, dtype, shape: t.shape.slice(), data };
  });
  items.sort((a, b) => WRITE_RANK[b.dtype] - WRITE_RANK[a.dtype] || compareCodePoints(a.name, b.name));

  const parts: string[] = [];
  if (options.metadata !== undefined) parts.push(`"${METADATA_KEY}":${metadataJson(options.metadata, fail)}`);
  let offset = 0;
  for (const it of items) {
    const end = offset + it.data.byteLength;
    parts.push(
      `${JSON.stringify(it.name)}:{"dtype":"${it.dtype}","shape":[${it.shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const n = Math.ceil(json.length / 8) * 8;
  if (n > MAX_HEADER_BYTES) {
    throw fail(`header too large; expected at most ${MAX_HEADER_BYTES} bytes, got ${n}`);
  }

  const out = new Uint8Array(8 + n + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let p = 8 + n;
  for (const { data } of items) {
    if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), p);
    } else {
      for (let i = 0; i < data.length; i++) {
        if (data instanceof Float64Array) view.setFloat64(p + 8 * i, data[i], true);
        else if (data instanceof Float32Array) view.setFloat32(p + 4 * i, data[i], true);
        else view.setInt32(p + 4 * i, data[i], true);
      }
    }
    p += data.byteLength;
  }
  return out;
}

function metadataJson(metadata: unknown, fail: Fail): string {
  if (!isPlainObject(metadata)) {
    throw fail(`metadata must be an object of strings; expected an object, got ${describe(metadata)}`);
  }
  const parts: string[] = [];
  for (const key of Object.keys(metadata)) {
    const v = metadata[key];
    if (typeof v !== 'string') {
      throw fail(`metadata[${JSON.stringify(key)}] must be a string; expected a string, got ${describe(v)}`);
    }
    parts.push(`${JSON.stringify(key)}:${JSON.stringify(v)}`);
  }
  return `{${parts.join(',')}}`;
}
