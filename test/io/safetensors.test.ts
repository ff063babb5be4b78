import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError, FormatError } from '../../src/core/errors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import {
  loadSafetensors,
  loadSafetensorsSync,
  parseSafetensors,
  saveSafetensors,
  saveSafetensorsSync,
  serializeSafetensors,
} from '../../src/io/safetensors.js';

// ---------------------------------------------------------------- helpers

const enc = new TextEncoder();

/** Builds a file from a header (object or raw JSON text) and a data buffer. */
function rawFile(
  header: object | string,
  data: Uint8Array | number = 0,
  headerLength?: number | bigint,
): Uint8Array {
  const json = enc.encode(typeof header === 'string' ? header : JSON.stringify(header));
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

function headerOf(bytes: Uint8Array): string {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + n));
}

function u16(...values: number[]): Uint8Array {
  const out = new Uint8Array(2 * values.length);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setUint16(2 * i, v, true));
  return out;
}

function i64(...values: bigint[]): Uint8Array {
  const out = new Uint8Array(8 * values.length);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setBigInt64(8 * i, v, true));
  return out;
}

/** Element-wise identity (NaN equals NaN, -0 differs from 0). */
function assertSameValues(actual: ArrayLike<number>, expected: ArrayLike<number>, what = ''): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: expected ${expected[i]}, got ${actual[i]}`);
  }
}

function assertFormatError(fn: () => unknown, fragment: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof FormatError, `expected a FormatError, got ${String(err)}`);
    if (typeof fragment === 'string') assert.ok(err.message.includes(fragment), `message: ${err.message}`);
    else assert.match(err.message, fragment);
    return true;
  });
}

const f32 = (values: number[], shape: number[]) => new Tensor(Float32Array.from(values), shape);
const f64 = (values: number[], shape: number[]) => new Tensor(Float64Array.from(values), shape);
const i32 = (values: number[], shape: number[]) => new Tensor(Int32Array.from(values), shape);

function sampleTensors(): Map<string, Tensor> {
  return new Map([
    [
      'lstm.weight_ih_l0',
      f32([1.5, -2.25, 0, -0, NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38, 0.1, 7, 8], [3, 4]),
    ],
    ['lstm.bias', f64([Math.PI, -0, 5e-324, Number.MAX_VALUE, NaN, -Infinity], [2, 3])],
    ['tokens', i32([-2147483648, 2147483647, 0, -1, 5, 6], [2, 1, 3])],
    ['scalar', f32([-7.25], [])],
    ['scalar64', f64([1 / 3], [])],
    ['empty', f32([], [0, 5])],
    ['empty_i', i32([], [3, 0])],
  ]);
}

function assertSameTensors(actual: Map<string, Tensor>, expected: Map<string, Tensor>): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [name, t] of expected) {
    const got = actual.get(name)!;
    assert.equal(got.dtype, t.dtype, `${name}: dtype`);
    assert.deepEqual(got.shape, t.shape, `${name}: shape`);
    assertSameValues(got.data, t.data, name);
  }
}

// ---------------------------------------------------------------- round trips

test('round trip of F32/F64/I32 tensors, a 0-d scalar, empty tensors and metadata', () => {
  const tensors = sampleTensors();
  const bytes = serializeSafetensors(tensors, { metadata: { format: 'pt', note: 'ü "quoted"' } });
  const back = parseSafetensors(bytes);
  assertSameTensors(back.tensors, tensors);
  assert.deepEqual(back.metadata, { format: 'pt', note: 'ü "quoted"' });
});

test('a plain object works as the tensor dictionary; no metadata reads back as {}', () => {
  const back = parseSafetensors(serializeSafetensors({ b: f32([1, 2], [2]), a: i32([3], [1]) }));
  assert.deepEqual([...back.tensors.keys()].sort(), ['a', 'b']);
  assert.deepEqual(back.metadata, {});
  assert.ok(!headerOf(serializeSafetensors({ a: f32([1], [1]) })).includes('__metadata__'));
});

test('float64 tensors are written as F64 unless dtype F32 is asked for', () => {
  const t = f64([0.1, 1 / 3, -1e300], [3]);
  assert.match(headerOf(serializeSafetensors({ t })), /"dtype":"F64"/);
  const bytes = serializeSafetensors({ t, n: i32([1], [1]) }, { dtype: 'F32' });
  assert.match(headerOf(bytes), /"t":\{"dtype":"F32"/);
  assert.match(headerOf(bytes), /"n":\{"dtype":"I32"/);
  const back = parseSafetensors(bytes).tensors.get('t')!;
  assert.equal(back.dtype, 'float32');
  assertSameValues(back.data, [Math.fround(0.1), Math.fround(1 / 3), -Infinity]);
});

test('layout follows the reference library byte for byte', () => {
  // Vectors from the Rust crate's tests (safetensors/src/tensor.rs).
  const data = f32([0, 1, 2, 3, 4, 5], [1, 2, 3]);
  const expectData = new Uint8Array(new Float32Array([0, 1, 2, 3, 4, 5]).buffer);
  const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
  assert.equal(header.length, 64);
  assert.deepEqual(serializeSafetensors({ 'attn.0': data }), rawFile(header, expectData));

  const padded = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}' + ' '.repeat(7);
  const got = serializeSafetensors({
    attn0: new Tensor(Float32Array.from([0, 1, 2, 3, 4, 5]), [1, 1, 2, 3]),
  });
  assert.deepEqual(got, rawFile(padded, expectData));

  assert.deepEqual(serializeSafetensors({}), rawFile('{}      '));
  assert.deepEqual(
    serializeSafetensors({}, { metadata: { framework: 'pt' } }),
    rawFile('{"__metadata__":{"framework":"pt"}}     '),
  );
});

test('tensors are ordered by dtype alignment then name; every tensor is aligned', () => {
  const bytes = serializeSafetensors(
    new Map([
      ['b', i32([1, 2, 3], [3])],
      ['a', f32([1], [1])],
      ['c', f64([1, 2], [2])],
      ['10', f32([1, 2, 3], [3])],
      ['9', f32([1], [1])],
      ['\u{1F600}', f32([1], [1])],
      ['\uFFFF', f32([1], [1])],
    ]),
    { metadata: { k: 'v' } },
  );
  const text = headerOf(bytes);
  assert.equal((8 + enc.encode(text).length) % 8, 0);
  assert.ok(text.startsWith('{"__metadata__":{"k":"v"},'));
  const order = ['c', '10', '9', 'a', '\uFFFF', '\u{1F600}', 'b'];
  const positions = order.map((name) => text.indexOf(`${JSON.stringify(name)}:{"dtype"`));
  assert.ok(
    positions.every((p, i) => p > 0 && (i === 0 || p > positions[i - 1])),
    `header order: ${text}`,
  );
  const header = JSON.parse(text) as Record<string, { dtype: string; data_offsets: [number, number] }>;
  let expected = 0;
  for (const name of order) {
    const [begin, end] = header[name].data_offsets;
    assert.equal(begin, expected, `${name} is next in the data`);
    assert.equal(begin % (header[name].dtype === 'F64' ? 8 : 4), 0, `${name} aligned`);
    expected = end;
  }
});

test('parsed tensors come in file order and do not alias the input bytes', () => {
  const bytes = serializeSafetensors({ z: f32([1, 2], [2]), a: f32([3], [1]) });
  const { tensors } = parseSafetensors(bytes);
  assert.deepEqual([...tensors.keys()], ['a', 'z']);
  bytes.fill(0xff, bytes.length - 12);
  assertSameValues(tensors.get('z')!.data, [1, 2]);
  assert.notEqual(tensors.get('z')!.data.buffer, bytes.buffer);
});

test('a Node Buffer input is copied too (Buffer.slice would alias)', () => {
  const buf = Buffer.from(serializeSafetensors({ w: f32([1, 2], [2]), d: f64([3], [1]), n: i32([4], [1]) }));
  const { tensors } = parseSafetensors(buf);
  buf.fill(0);
  assertSameValues(tensors.get('w')!.data, [1, 2]);
  assertSameValues(tensors.get('d')!.data, [3]);
  assertSameValues(tensors.get('n')!.data, [4]);
});

test('unaligned data offsets and unaligned input views are read correctly', () => {
  // A 3-byte header padding puts the data at an odd file offset.
  const values = new Float64Array([1.25, -3.5e-300]);
  const h =
    '{"b":{"dtype":"I32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F64","shape":[2],"data_offsets":[4,20]}}   ';
  const data = new Uint8Array(20);
  new DataView(data.buffer).setInt32(0, -42, true);
  data.set(new Uint8Array(values.buffer), 4);
  const file = rawFile(h, data);
  assert.notEqual((8 + h.length + 4) % 8, 0);
  // And place the whole file at an odd byte offset of a larger buffer.
  const big = new Uint8Array(file.length + 3);
  big.set(file, 3);
  const { tensors } = parseSafetensors(big.subarray(3));
  assertSameValues(tensors.get('x')!.data, values);
  assertSameValues(tensors.get('b')!.data, [-42]);
});

test('F16 and BF16 are converted to float32 exactly (subnormals, infinities, NaN, -0)', () => {
  const halves = [0x3c00, 0xc000, 0x0001, 0x03ff, 0x0400, 0x7bff, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x3555];
  const halfValues = [
    1,
    -2,
    2 ** -24,
    1023 * 2 ** -24,
    2 ** -14,
    65504,
    -0,
    Infinity,
    -Infinity,
    NaN,
    0.333251953125,
  ];
  const bfs = [0x3f80, 0xc040, 0x0001, 0x7f7f, 0x8000, 0x7f80, 0xff80, 0x7fc0, 0x3eab];
  const bfValues = [1, -3, 2 ** -133, 3.3895313892515355e38, -0, Infinity, -Infinity, NaN, 0.333984375];
  const h = u16(...halves);
  const b = u16(...bfs);
  const body = new Uint8Array(h.length + b.length);
  body.set(h);
  body.set(b, h.length);
  const file = rawFile(
    {
      h: { dtype: 'F16', shape: [halves.length], data_offsets: [0, h.length] },
      b: { dtype: 'BF16', shape: [bfs.length], data_offsets: [h.length, body.length] },
    },
    body,
  );
  const { tensors } = parseSafetensors(file);
  assert.equal(tensors.get('h')!.dtype, 'float32');
  assert.equal(tensors.get('b')!.dtype, 'float32');
  assertSameValues(tensors.get('h')!.data, halfValues, 'F16');
  assertSameValues(tensors.get('b')!.data, bfValues, 'BF16');
  // NaN payloads are kept as torch does (quiet bit set).
  assert.equal(new Uint32Array(tensors.get('h')!.data.buffer)[9], 0x7fc00000);
});

test('I64 is read as int32; values outside the int32 range are a FormatError', () => {
  const ok = i64(-2147483648n, 2147483647n, 0n, -1n, 7n);
  const { tensors } = parseSafetensors(
    rawFile({ t: { dtype: 'I64', shape: [5], data_offsets: [0, 40] } }, ok),
  );
  assert.equal(tensors.get('t')!.dtype, 'int32');
  assertSameValues(tensors.get('t')!.data, [-2147483648, 2147483647, 0, -1, 7]);
  for (const bad of [2147483648n, -2147483649n, 1n << 40n]) {
    assertFormatError(
      () =>
        parseSafetensors(rawFile({ t: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, i64(1n, bad))),
      `I64 value at flat index 1 does not fit int32; expected -2147483648..2147483647, got ${bad}`,
    );
  }
});

test('accepted like the reference: padded header, whitespace, null metadata, unknown fields, empty tensors sharing an offset', () => {
  const file = rawFile(
    '{\n  "e1": {"dtype": "F32", "shape": [0], "data_offsets": [4, 4]},\n' +
      '  "e2": {"dtype": "I64", "shape": [2, 0], "data_offsets": [4, 4], "extra": 1},\n' +
      '  "a": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]},\n  "__metadata__": null\n}' +
      ' '.repeat(13),
    new Uint8Array(new Float32Array([2.5]).buffer),
  );
  const { tensors, metadata } = parseSafetensors(file);
  assert.deepEqual(metadata, {});
  assert.deepEqual([...tensors.keys()], ['a', 'e1', 'e2']);
  assert.deepEqual(tensors.get('e2')!.shape, [2, 0]);
  assert.equal(tensors.get('a')!.item(), 2.5);
});

test('metadata keys that look special stay plain data', () => {
  const file = rawFile('{"__metadata__":{"__proto__":"x","constructor":"y"}}');
  const { metadata } = parseSafetensors(file);
  assert.equal(Object.getPrototypeOf(metadata), Object.prototype);
  assert.deepEqual(Object.keys(metadata).sort(), ['__proto__', 'constructor']);
  assert.equal(Object.getOwnPropertyDescriptor(metadata, '__proto__')?.value, 'x');
});

// ---------------------------------------------------------------- malformed input

const F32_2 = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };

test('truncated files are FormatErrors', () => {
  assertFormatError(
    () => parseSafetensors(new Uint8Array(0)),
    'file too short for the 8-byte header length; expected at least 8 bytes, got 0',
  );
  assertFormatError(() => parseSafetensors(new Uint8Array(7)), 'expected at least 8 bytes, got 7');
  const file = rawFile({ a: F32_2 }, 8);
  assertFormatError(
    () => parseSafetensors(file.subarray(0, 20)),
    `header length exceeds the file; expected at most 12 bytes, got ${file.length - 16}`,
  );
  assertFormatError(
    () => parseSafetensors(file.subarray(0, file.length - 1)),
    'data is shorter than the offsets (truncated file?); expected 8 bytes after the header, got 7',
  );
});

test('header length over 100 MB is rejected before anything else', () => {
  assertFormatError(
    () => parseSafetensors(rawFile('{}', 0, 100_000_001)),
    'header length exceeds the limit; expected at most 100000000 bytes, got 100000001',
  );
  assertFormatError(() => parseSafetensors(rawFile('{}', 0, 2n ** 64n - 1n)), 'got 18446744073709551615');
});

test('header text: must begin with {, be UTF-8 and be JSON', () => {
  assertFormatError(
    () => parseSafetensors(rawFile('', 0)),
    "header must begin with '{'; expected a JSON object, got an empty header",
  );
  assertFormatError(() => parseSafetensors(rawFile(' {}', 0)), "header must begin with '{'");
  assertFormatError(() => parseSafetensors(rawFile('[]', 0)), 'got "[]"');
  const bad = rawFile('{"?"}');
  bad[10] = 0xff; // replaces the '?'
  assertFormatError(() => parseSafetensors(bad), 'header is not valid UTF-8');
  assertFormatError(
    () => parseSafetensors(rawFile('{"a": ')),
    'header is not valid JSON; expected a JSON object, got a parse error',
  );
  assertFormatError(() => parseSafetensors(rawFile('{} x')), 'header is not valid JSON');
});

test('invalid tensor entries name the tensor and the field', () => {
  const cases: [object, string][] = [
    [{ a: 1 }, 'tensor "a": entry must be an object with dtype, shape and data_offsets; got number 1'],
    [{ a: [] }, 'tensor "a": entry must be an object'],
    [{ a: { shape: [2], data_offsets: [0, 8] } }, 'tensor "a": missing field "dtype"'],
    [{ a: { dtype: 'F32', data_offsets: [0, 8] } }, 'tensor "a": missing field "shape"'],
    [{ a: { dtype: 'F32', shape: [2] } }, 'tensor "a": missing field "data_offsets"'],
    [
      { a: { ...F32_2, dtype: 'U8' } },
      'tensor "a": unsupported dtype; expected one of F32, F64, F16, BF16, I64, I32, got string "U8"',
    ],
    [{ a: { ...F32_2, dtype: 'f32' } }, 'unsupported dtype'],
    [
      { a: { ...F32_2, dtype: 3 } },
      'unsupported dtype; expected one of F32, F64, F16, BF16, I64, I32, got number 3',
    ],
    [
      { a: { ...F32_2, shape: [-2] } },
      'tensor "a": invalid shape; expected an array of non-negative integers, got array [-2]',
    ],
    [{ a: { ...F32_2, shape: [1.5] } }, 'invalid shape'],
    [{ a: { ...F32_2, shape: 2 } }, 'invalid shape'],
    [
      { a: { ...F32_2, data_offsets: [0, 4, 8] } },
      'tensor "a": invalid data_offsets; expected [begin, end] of non-negative integers, got array [0,4,8]',
    ],
    [{ a: { ...F32_2, data_offsets: [-8, 0] } }, 'invalid data_offsets'],
    [{ a: { ...F32_2, data_offsets: ['0', '8'] } }, 'invalid data_offsets'],
    [
      { a: { ...F32_2, data_offsets: [8, 0] } },
      'tensor "a": data_offsets end before they begin; expected end >= 8, got [8, 0]',
    ],
    [
      { a: { ...F32_2, shape: [3] } },
      'tensor "a": byte range does not match shape [3] and dtype F32; expected 12 bytes, got 8',
    ],
    [{ a: { ...F32_2, dtype: 'F64' } }, 'expected 16 bytes, got 8'],
    [
      { a: { ...F32_2, shape: [2 ** 40, 2 ** 40] } },
      'tensor "a": shape [1099511627776, 1099511627776] overflows',
    ],
  ];
  for (const [header, fragment] of cases)
    assertFormatError(() => parseSafetensors(rawFile(header, 8)), fragment);
});

test('offsets must tile the data buffer: no overlap, no gap, full coverage', () => {
  const two = (a: [number, number], b: [number, number]) => ({
    a: { dtype: 'F32', shape: [(a[1] - a[0]) / 4], data_offsets: a },
    b: { dtype: 'F32', shape: [(b[1] - b[0]) / 4], data_offsets: b },
  });
  assertFormatError(
    () => parseSafetensors(rawFile(two([0, 8], [4, 12]), 12)),
    'tensor "b": data_offsets overlaps "a"; expected it to begin at 8, got [4, 12]',
  );
  assertFormatError(() => parseSafetensors(rawFile(two([0, 8], [0, 8]), 16)), 'overlaps "a"');
  assertFormatError(
    () => parseSafetensors(rawFile(two([0, 4], [8, 12]), 12)),
    'tensor "b": data_offsets leaves a gap after "a"; expected it to begin at 4, got [8, 12]',
  );
  assertFormatError(
    () => parseSafetensors(rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8)),
    'leaves a gap after the start of the data; expected it to begin at 0, got [4, 8]',
  );
  assertFormatError(
    () => parseSafetensors(rawFile({ a: F32_2 }, 12)),
    'data_offsets do not cover the data buffer; expected 8 bytes after the header, got 12',
  );
  assertFormatError(() => parseSafetensors(rawFile({}, 1)), 'expected 0 bytes after the header, got 1');
  assertFormatError(
    () => parseSafetensors(rawFile({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 8)),
    'data is shorter than the offsets',
  );
});

test('metadata must be an object of strings', () => {
  assertFormatError(
    () => parseSafetensors(rawFile({ __metadata__: { a: 1 } })),
    '__metadata__["a"] must be a string; expected a string, got number 1',
  );
  assertFormatError(() => parseSafetensors(rawFile({ __metadata__: { a: null } })), 'got null');
  assertFormatError(() => parseSafetensors(rawFile({ __metadata__: { a: { b: 'c' } } })), 'got object');
  assertFormatError(
    () => parseSafetensors(rawFile({ __metadata__: ['a'] })),
    '__metadata__ must be an object of strings; expected an object, got array ["a"]',
  );
  assertFormatError(() => parseSafetensors(rawFile({ __metadata__: 'pt' })), 'got string "pt"');
});

test('parseSafetensors rejects a non-Uint8Array argument', () => {
  assertFormatError(
    () => parseSafetensors('abc' as unknown as Uint8Array),
    'expected the file\'s bytes as a Uint8Array, got string "abc"',
  );
});

test('serializeSafetensors rejects bad input', () => {
  assertFormatError(
    () => serializeSafetensors({ a: [1, 2] as unknown as Tensor }),
    'serializeSafetensors: value of "a" must be a Tensor; got array [1,2]',
  );
  assertFormatError(
    () => serializeSafetensors({ __metadata__: f32([1], [1]) }),
    '"__metadata__" is reserved',
  );
  assertFormatError(
    () => serializeSafetensors({}, { metadata: { a: 1 as unknown as string } }),
    'metadata["a"] must be a string; expected a string, got number 1',
  );
  assertFormatError(
    () => serializeSafetensors(null as unknown as Map<string, Tensor>),
    'tensors must be a Map or an object',
  );
  assert.throws(
    () => serializeSafetensors({}, { dtype: 'F16' as 'F32' }),
    (e: unknown) => e instanceof ConfigError && /expected 'F32', got string "F16"/.test(e.message),
  );
  assert.throws(
    () => serializeSafetensors({}, { metdata: {} } as object),
    (e: unknown) => e instanceof ConfigError && /unknown option "metdata"/.test(e.message),
  );
});

// ---------------------------------------------------------------- files

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'longshort-safetensors-'));
}

test('saveSafetensors / loadSafetensors round trip and leave no temporary file', async () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'model.safetensors');
    await saveSafetensors(path, sampleTensors(), { metadata: { format: 'pt' } });
    const back = await loadSafetensors(path);
    assertSameTensors(back.tensors, sampleTensors());
    assert.deepEqual(back.metadata, { format: 'pt' });
    assert.deepEqual(readdirSync(dir), ['model.safetensors']);
    // Overwrite in place.
    await saveSafetensors(path, { x: f32([1], [1]) });
    assert.deepEqual([...(await loadSafetensors(path)).tensors.keys()], ['x']);
    assert.deepEqual(readdirSync(dir), ['model.safetensors']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sync variants round trip', () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'w.safetensors');
    saveSafetensorsSync(path, sampleTensors());
    assertSameTensors(loadSafetensorsSync(path).tensors, sampleTensors());
    assert.deepEqual(readdirSync(dir), ['w.safetensors']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed save leaves an existing target unchanged and no temporary file', async () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'keep.safetensors');
    const original = serializeSafetensors({ w: f32([1, 2, 3], [3]) });
    writeFileSync(path, original);
    const bad = { w: f32([9], [1]), oops: 'not a tensor' as unknown as Tensor };
    await assert.rejects(saveSafetensors(path, bad), FormatError);
    assert.throws(() => saveSafetensorsSync(path, bad), FormatError);
    await assert.rejects(saveSafetensors(path, {}, { dtype: 'F64' as 'F32' }), ConfigError);
    assert.deepEqual(new Uint8Array(readFileSync(path)), original);
    assert.deepEqual(readdirSync(dir), ['keep.safetensors']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an I/O failure at rename removes the temporary file', async () => {
  const dir = tempDir();
  try {
    const target = join(dir, 'occupied');
    mkdirSync(join(target, 'child'), { recursive: true }); // rename onto a non-empty directory fails
    await assert.rejects(
      saveSafetensors(target, { w: f32([1], [1]) }),
      (e: NodeJS.ErrnoException) => typeof e.code === 'string',
    );
    assert.throws(
      () => saveSafetensorsSync(target, { w: f32([1], [1]) }),
      (e: NodeJS.ErrnoException) => typeof e.code === 'string',
    );
    assert.deepEqual(readdirSync(dir), ['occupied']);
    assert.deepEqual(readdirSync(target), ['child']);
    // A missing directory fails before any file exists.
    await assert.rejects(saveSafetensors(join(dir, 'missing', 'x.safetensors'), {}), { code: 'ENOENT' });
    assert.ok(!existsSync(join(dir, 'missing')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('load errors name the function and the file', async () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'broken.safetensors');
    const file = rawFile({ a: F32_2 }, 8);
    new DataView(file.buffer).setBigUint64(0, 1000n, true);
    writeFileSync(path, file);
    await assert.rejects(loadSafetensors(path), (e: unknown) => {
      assert.ok(e instanceof FormatError);
      assert.equal(
        e.message,
        `loadSafetensors: ${path}: header length exceeds the file; expected at most ${file.length - 8} bytes, got 1000`,
      );
      return true;
    });
    assert.throws(
      () => loadSafetensorsSync(path),
      /^FormatError: loadSafetensorsSync: .*broken\.safetensors: header length exceeds the file/,
    );
    await assert.rejects(
      loadSafetensors(join(dir, 'nope.safetensors')),
      (e: unknown) => e instanceof FormatError && (e.cause as { code?: string }).code === 'ENOENT',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
