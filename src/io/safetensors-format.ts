/**
 * The safetensors byte format (Hugging Face), parsed and written in memory. Pure: no
 * Node APIs, so it runs in the browser; file I/O lives in `safetensors.ts`.
 *
 * Layout: an 8-byte little-endian unsigned header length `N`; `N` bytes of UTF-8 JSON
 * (`{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {"k": "v"}}`, optionally padded with trailing spaces); then the
 * little-endian, row-major data buffer. Offsets are relative to the start of that buffer.
 * The validation rules are those of the reference (Rust) implementation: header at most
 * 100 000 000 bytes and inside the file, starting with `{`; the byte ranges, sorted by
 * offset, are contiguous from 0, do not overlap and end exactly at the end of the file;
 * each range holds exactly `numel(shape) * itemsize` bytes.
 */
import { ConfigError, FormatError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { decodeElements, ELEMENT_SIZE, LITTLE_ENDIAN } from './decode-elements.js';

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

const ITEM_SIZE: Record<SafetensorsDType, number> = {
  F32: ELEMENT_SIZE.F32,
  F64: ELEMENT_SIZE.F64,
  F16: ELEMENT_SIZE.F16,
  BF16: ELEMENT_SIZE.BF16,
  I64: ELEMENT_SIZE.I64,
  I32: ELEMENT_SIZE.I32,
};
const READ_DTYPES = 'F32, F64, F16, BF16, I64, I32';
const METADATA_KEY = '__metadata__';
/** Rank in the reference implementation's dtype enum (increasing alignment); larger is written first. */
const WRITE_RANK: Record<SafetensorsWriteDType, number> = { F64: 2, F32: 1, I32: 0 };

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/** Builds FormatErrors as `${op}: ${where}${message}`. */
type Fail = (message: string) => FormatError;

function failer(op: string, source?: string): Fail {
  const where = source === undefined ? '' : `${source}: `;
  return (message) => new FormatError(`${op}: ${where}${message}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array ${truncate(JSON.stringify(value))}`;
  if (typeof value === 'string') return `string ${truncate(JSON.stringify(value))}`;
  if (typeof value === 'object') return 'object';
  return `${typeof value} ${String(value)}`;
}

/** The deepest nesting a header may have (a real one nests 3 levels: header, entry, shape). */
const MAX_JSON_DEPTH = 16;

/** The deepest `[` / `{` nesting in JSON text (strings skipped), in one pass; stops counting past 10000. */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
      if (max > 10_000) return max;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Parses a whole safetensors file held in memory. Everything is validated before
 * anything is returned, and the tensors own copies of their data (the result never
 * aliases `bytes`; unaligned offsets are fine).
 *
 * Types: F32 and F16/BF16 load as float32 tensors, F64 as float64, I32 and I64 as int32
 * (an I64 value outside the int32 range is an error). Any other dtype is a FormatError.
 *
 * @param bytes the file's bytes (a Node `Buffer` works too).
 * @returns the tensors in file (offset) order, with their shapes, and the header's
 *   `__metadata__` (an empty object when absent).
 * @throws FormatError for any malformed input, naming the problem, the expected value
 *   and the actual one.
 *
 * @example
 * const { tensors, metadata } = parseSafetensors(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 * tensors.get('lstm.weight_ih_l0')?.shape; // [512, 28]
 */
export function parseSafetensors(bytes: Uint8Array): SafetensorsContents {
  return parseSafetensorsAs(bytes, 'parseSafetensors');
}

/**
 * @internal `parseSafetensors` with the error prefix of the calling public function
 * (and the file name, when there is one).
 */
export function parseSafetensorsAs(bytes: Uint8Array, op: string, source?: string): SafetensorsContents {
  const fail = failer(op, source);
  if (!(bytes instanceof Uint8Array)) {
    throw fail(`expected the file's bytes as a Uint8Array, got ${describe(bytes)}`);
  }
  if (bytes.length < 8) {
    throw fail(`file too short for the 8-byte header length; expected at least 8 bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw fail(
      `header length exceeds the limit; expected at most ${MAX_HEADER_BYTES} bytes, got ${headerLength}`,
    );
  }
  const n = Number(headerLength);
  if (n > bytes.length - 8) {
    throw fail(`header length exceeds the file; expected at most ${bytes.length - 8} bytes, got ${n}`);
  }
  const entries = parseHeader(bytes.subarray(8, 8 + n), fail);
  const metadata = entries.metadata;
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  checkLayout(entries.tensors, dataLength, fail);

  const tensors = new Map<string, Tensor>();
  for (const e of entries.tensors) {
    const raw = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    tensors.set(e.name, new Tensor(decode(raw, e, fail), e.shape));
  }
  return { tensors, metadata };
}

function parseHeader(
  headerBytes: Uint8Array,
  fail: Fail,
): { tensors: Entry[]; metadata: Record<string, string> } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    throw fail('header is not valid UTF-8; expected UTF-8 encoded JSON');
  }
  if (!text.startsWith('{')) {
    const got = text.length === 0 ? 'an empty header' : JSON.stringify(text.slice(0, 20));
    throw fail(`header must begin with '{'; expected a JSON object, got ${got}`);
  }
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH)
    throw fail(
      `header nests ${depth > 10_000 ? 'more than 10000' : depth} levels deep; expected at most ${MAX_JSON_DEPTH}`,
    );
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    throw fail(
      `header is not valid JSON; expected a JSON object, got a parse error (${(err as Error).message})`,
    );
  }
  if (!isPlainObject(header)) {
    throw fail(`header must be a JSON object; expected an object, got ${describe(header)}`);
  }

  let metadata: Record<string, string> = {};
  const tensors: Entry[] = [];
  for (const name of Object.keys(header)) {
    const value = header[name];
    if (name === METADATA_KEY) {
      metadata = parseMetadata(value, fail);
      continue;
    }
    tensors.push(parseEntry(name, value, fail));
  }
  return { tensors, metadata };
}

function parseMetadata(value: unknown, fail: Fail): Record<string, string> {
  if (value === null) return {}; // the reference reads `null` as "no metadata"
  if (!isPlainObject(value)) {
    throw fail(`__metadata__ must be an object of strings; expected an object, got ${describe(value)}`);
  }
  const pairs: [string, string][] = [];
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (typeof v !== 'string') {
      throw fail(
        `__metadata__[${JSON.stringify(key)}] must be a string; expected a string, got ${describe(v)}`,
      );
    }
    pairs.push([key, v]);
  }
  // fromEntries defines own properties, so a key like "__proto__" stays plain data.
  return Object.fromEntries(pairs);
}

function parseEntry(name: string, value: unknown, fail: Fail): Entry {
  const at = `tensor ${JSON.stringify(name)}`;
  if (!isPlainObject(value)) {
    throw fail(`${at}: entry must be an object with dtype, shape and data_offsets; got ${describe(value)}`);
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (dtype === undefined) throw fail(`${at}: missing field "dtype"; expected one of ${READ_DTYPES}`);
  if (typeof dtype !== 'string' || !Object.hasOwn(ITEM_SIZE, dtype)) {
    throw fail(`${at}: unsupported dtype; expected one of ${READ_DTYPES}, got ${describe(dtype)}`);
  }
  if (shape === undefined)
    throw fail(`${at}: missing field "shape"; expected an array of non-negative integers`);
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw fail(`${at}: invalid shape; expected an array of non-negative integers, got ${describe(shape)}`);
  }
  if (offsets === undefined) {
    throw fail(`${at}: missing field "data_offsets"; expected [begin, end]`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw fail(
      `${at}: invalid data_offsets; expected [begin, end] of non-negative integers, got ${describe(offsets)}`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) {
    throw fail(`${at}: data_offsets end before they begin; expected end >= ${begin}, got [${begin}, ${end}]`);
  }
  const d = dtype as SafetensorsDType;
  let nbytes = ITEM_SIZE[d];
  for (const s of shape as number[]) nbytes *= s;
  if (!Number.isSafeInteger(nbytes)) {
    throw fail(`${at}: shape [${shape.join(', ')}] overflows; expected a byte size below 2^53`);
  }
  if (end - begin !== nbytes) {
    throw fail(
      `${at}: byte range does not match shape [${shape.join(', ')}] and dtype ${d}; ` +
        `expected ${nbytes} bytes, got ${end - begin} (data_offsets [${begin}, ${end}])`,
    );
  }
  return { name, dtype: d, shape: (shape as number[]).slice(), begin, end };
}

/** Sorts by offsets and checks the ranges tile [0, dataLength) exactly. */
function checkLayout(entries: Entry[], dataLength: number, fail: Fail): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous = '';
  for (const e of entries) {
    if (e.begin !== expected) {
      const problem =
        e.begin < expected
          ? `overlaps ${JSON.stringify(previous)}`
          : `leaves a gap after ${previous === '' ? 'the start of the data' : JSON.stringify(previous)}`;
      throw fail(
        `tensor ${JSON.stringify(e.name)}: data_offsets ${problem}; ` +
          `expected it to begin at ${expected}, got [${e.begin}, ${e.end}]`,
      );
    }
    expected = e.end;
    previous = e.name;
  }
  if (expected > dataLength) {
    throw fail(
      `data is shorter than the offsets (truncated file?); expected ${expected} bytes after the header, got ${dataLength}`,
    );
  }
  if (expected < dataLength) {
    throw fail(
      `data_offsets do not cover the data buffer; expected ${expected} bytes after the header, got ${dataLength}`,
    );
  }
}

/**
 * A fresh, zero-offset copy of `raw`'s bytes. (Not `raw.slice()`: on a Node `Buffer`
 * that is a view of the same memory, not a copy.)
 */
/** Decodes an entry's bytes (little-endian, any alignment) into a fresh typed array. */
function decode(raw: Uint8Array, e: Entry, fail: Fail): Float32Array | Float64Array | Int32Array {
  return decodeElements(raw, e.dtype, (i, v) => {
    throw fail(
      `tensor ${JSON.stringify(e.name)}: I64 value at flat index ${i} does not fit int32; expected -2147483648..2147483647, got ${v}`,
    );
  });
}

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
