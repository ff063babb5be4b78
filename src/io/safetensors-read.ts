/*
 * Parsing the safetensors format (layout and rules: safetensors-format.ts): the header
 * checked as the reference implementation checks it, then each tensor decoded.
 */
import { Tensor } from '../tensor/tensor.js';
import { decodeElements, ELEMENT_SIZE } from './decode-elements.js';
import { describe, failer, isPlainObject, MAX_HEADER_BYTES, METADATA_KEY } from './safetensors-common.js';
import type { Fail, SafetensorsContents, SafetensorsDType } from './safetensors-common.js';

const ITEM_SIZE: Record<SafetensorsDType, number> = {
  F32: ELEMENT_SIZE.F32,
  F64: ELEMENT_SIZE.F64,
  F16: ELEMENT_SIZE.F16,
  BF16: ELEMENT_SIZE.BF16,
  I64: ELEMENT_SIZE.I64,
  I32: ELEMENT_SIZE.I32,
};
const READ_DTYPES = 'F32, F64, F16, BF16, I64, I32';

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
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
  for (const s of shape) nbytes *= s;
  if (!Number.isSafeInteger(nbytes)) {
    throw fail(`${at}: shape [${shape.join(', ')}] overflows; expected a byte size below 2^53`);
  }
  if (end - begin !== nbytes) {
    throw fail(
      `${at}: byte range does not match shape [${shape.join(', ')}] and dtype ${d}; ` +
        `expected ${nbytes} bytes, got ${end - begin} (data_offsets [${begin}, ${end}])`,
    );
  }
  return { name, dtype: d, shape: shape.slice(), begin, end };
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

/** Decodes an entry's bytes (little-endian, any alignment) into a fresh typed array. */
function decode(raw: Uint8Array, e: Entry, fail: Fail): Float32Array | Float64Array | Int32Array {
  return decodeElements(raw, e.dtype, (i, v) => {
    throw fail(
      `tensor ${JSON.stringify(e.name)}: I64 value at flat index ${i} does not fit int32; expected -2147483648..2147483647, got ${v}`,
    );
  });
}
