// Regression tests for hostile loader inputs: each file of a few hundred bytes that
// once crashed, hung, allocated gigabytes or escaped as an untyped error is now a typed
// error, quickly, with the file and field named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'fflate';

import { ConfigError, FormatError, LongshortError, ShapeError } from '../../src/core/errors.js';
import { parseCsvColumns } from '../../src/data/index.js';
import { unpickle } from '../../src/io/pickle.js';
import { parseSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';
import { parseTorchCheckpoint, serializeTorchStateDict, torchStateDict } from '../../src/io/torch-file.js';
import { crc32 } from '../../src/io/zip-read.js';
import { dense, loadModel, lstm, sequential } from '../../src/models/index.js';
import { tensor, zeros } from '../../src/tensor/index.js';
import { bytes, i32le, int, ptArchive, str, tensorPickle, u32le, zip } from './hostile-builders.js';

/** Runs `fn`, which must throw `cls` with every fragment, in under a second. */
function typedFast(fn: () => unknown, cls: new (...a: never[]) => Error, ...fragments: string[]): void {
  const t0 = performance.now();
  let err: unknown = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  const ms = performance.now() - t0;
  assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
  for (const f of fragments) assert.ok(err.message.includes(f), `message "${err.message}" lacks "${f}"`);
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms; expected under 1 s`);
}

async function typedFastAsync(
  fn: () => Promise<unknown>,
  cls: new (...a: never[]) => Error,
  ...fragments: string[]
): Promise<void> {
  const t0 = performance.now();
  let err: unknown = null;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  const ms = performance.now() - t0;
  assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
  for (const f of fragments) assert.ok(err.message.includes(f), `message "${err.message}" lacks "${f}"`);
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms; expected under 1 s`);
}

const pt = (pkl: Uint8Array, storages: Record<string, Uint8Array> = {}, method: 0 | 8 = 0): Uint8Array =>
  ptArchive(pkl, storages, method);
const parse = (b: Uint8Array): unknown => parseTorchCheckpoint(b, 'evil.pt');

test('pickle: a negative BINSTRING length is a FormatError, not a backwards cursor', () => {
  const file = pt(bytes(0x80, 2, 0x54, i32le(-20), 'x', 0x2e));
  assert.ok(file.length < 400);
  typedFast(() => parse(file), FormatError, 'evil.pt', 'negative length -20');
  typedFast(() => unpickle(bytes(0x54, i32le(-1 << 30), 0x2e)), FormatError, 'negative length');
});

test('pickle: LONG4 is bounded and linear; protocol-0 INT / LONG must be decimal', () => {
  // a deflated data.pkl: 347-ish bytes on disk, a 1 MB integer inside
  const big = bytes(0x80, 2, 0x8b, u32le(1 << 20), new Uint8Array(1 << 20).fill(0x7f), 0x2e);
  const file = pt(big, {}, 8);
  assert.ok(file.length < 2000, `${file.length} bytes`);
  typedFast(() => parse(file), FormatError, 'integer of 1048576 bytes; expected at most 4096');
  // the largest accepted one decodes quickly and exactly
  const b = new Uint8Array(4096).fill(0xff);
  b[4095] = 0x7f;
  const v = unpickle(bytes(0x8b, u32le(4096), b, 0x2e)) as bigint;
  assert.equal(v, (1n << (8n * 4096n - 1n)) - 1n);
  typedFast(
    () => unpickle(bytes(0x49, '12x\n', 0x2e)),
    FormatError,
    'INT argument must be a decimal integer',
  );
  typedFast(
    () => unpickle(bytes(0x4c, '0x10L\n', 0x2e)),
    FormatError,
    'LONG argument must be a decimal integer',
  );
  assert.equal(unpickle(bytes(0x4c, '-123L\n', 0x2e)), -123);
  typedFast(() => unpickle(bytes(0x70, 'abc\n', 0x2e)), FormatError, 'PUT argument must be a memo index');
});

test('pickle: APPEND onto a tuple, huge APPENDS, deep persistent ids', () => {
  typedFast(() => unpickle(bytes(0x29, 0x4e, 0x61, 0x2e)), FormatError, 'APPEND(S) on a tuple');
  // 200k items in one APPENDS (a spread push would overflow the call stack)
  const n = 200_000;
  const items = new Uint8Array(n).fill(0x4e);
  const list = unpickle(bytes(0x5d, 0x28, items, 0x65, 0x2e)) as unknown[];
  assert.equal(list.length, n);
  // a persistent id nested 300k tuples deep
  const deep = bytes(0x80, 2, str('x'), new Uint8Array(300_000).fill(0x85), 0x51, 0x2e);
  typedFast(() => parse(pt(deep)), FormatError, 'unexpected persistent id');
});

test('torch: stride-0 20000x20000 views, negative sizes, odd storages are rejected before allocating', () => {
  const one = new Uint8Array(4);
  const stride0 = pt(tensorPickle(1, [20000, 20000], [0, 0]), { 0: one });
  assert.ok(stride0.length < 700, `${stride0.length} bytes`);
  const rss = process.memoryUsage().rss;
  typedFast(() => parse(stride0), FormatError, 'holds 400000000 elements', 'MAX_VIEW_EXPANSION');
  assert.ok(process.memoryUsage().rss - rss < 200e6, 'allocated before the check');
  typedFast(
    () => parse(pt(tensorPickle(1, [-3], [1]), { 0: one })),
    FormatError,
    'sizes must be non-negative',
  );
  typedFast(
    () => parse(pt(tensorPickle(2, [2], [1]), { 0: new Uint8Array(5) })),
    FormatError,
    'storage 0 has 5 bytes; expected a multiple of 4',
  );
  // a small expanded view is fine, as torch.save writes them
  const ok = parse(
    pt(tensorPickle(1, [3, 2], [0, 0]), { 0: new Uint8Array(new Float32Array([2.5]).buffer) }),
  ) as { shape: number[]; data: Float32Array };
  assert.deepEqual(ok.shape, [3, 2]);
  assert.deepEqual([...ok.data], [2.5, 2.5, 2.5, 2.5, 2.5, 2.5]);
  // storage classes are looked up as own keys only
  const proto = bytes(
    0x80,
    2,
    0x28,
    str('storage'),
    str('constructor'),
    str('0'),
    str('cpu'),
    int(1),
    0x74,
    0x51,
    0x2e,
  );
  typedFast(() => parse(pt(proto, { 0: one })), LongshortError, 'storage 0 is a');
});

test('zip: a zip64 entry count beyond the file, a zip bomb, a lying size and a flipped bit are FormatErrors', () => {
  const pkl = bytes(0x80, 2, 0x4e, 0x2e);
  const z64 = zip([{ name: 'archive/data.pkl', data: pkl }], { zip64Count: 1n << 40n });
  assert.ok(z64.length < 1024);
  typedFast(() => parse(z64), FormatError, 'evil.pt', 'zip64 entry count');
  const z64ok = zip([{ name: 'archive/data.pkl', data: pkl }], { zip64Count: 1n });
  assert.equal(parse(z64ok), null);
  // a deflated record stating 300 MB (from a 0.5 MB-class bomb) is refused before inflating
  const zeros1m = new Uint8Array(1 << 20);
  const bomb = zip([
    { name: 'archive/data.pkl', data: pkl },
    { name: 'archive/data/0', data: zeros1m, method: 8, statedSize: 300 << 20 },
  ]);
  const rss = process.memoryUsage().rss;
  typedFast(() => parse(bomb), FormatError, 'archive/data/0', 'MAX_INFLATED_BYTES');
  assert.ok(process.memoryUsage().rss - rss < 100e6);
  // stating less than it inflates to: stops at the stated size
  const liar = zip([
    { name: 'archive/data.pkl', data: pkl },
    {
      name: 'archive/data/0',
      data: zeros1m,
      method: 8,
      statedSize: 1000,
      crc: crc32(zeros1m.subarray(0, 1000)),
    },
  ]);
  typedFast(() => parse(liar), FormatError, 'inflates past its stated size of 1000 bytes');
  // one flipped bit in a stored weight
  const sd = serializeTorchStateDict({ w: tensor([1, 2, 3, 4]) }, 'archive');
  const at = findBytes(sd, new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer));
  assert.ok(at > 0);
  const flipped = sd.slice();
  flipped[at + 3] ^= 0x40;
  typedFast(() => parse(flipped), FormatError, 'CRC-32 mismatch');
  assert.deepEqual([...torchStateDict(parse(sd)).get('w')!.data], [1, 2, 3, 4]);
});

function findBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

test('safetensors: deeply nested header JSON is a FormatError', () => {
  const header = `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
  const h = new TextEncoder().encode(header);
  const file = bytes(u32le(h.length), u32le(0), h);
  typedFast(() => parseSafetensors(file), FormatError, 'levels deep; expected at most 16');
  // a real file still parses
  assert.deepEqual(
    [...parseSafetensors(serializeSafetensors({ w: tensor([1, 2]) })).tensors.get('w')!.data],
    [1, 2],
  );
});

test('tensors and CSV: zeros([1e10]) and 1e999 are typed errors', () => {
  typedFast(() => zeros([1e10]), ShapeError, 'full: the tensor must fit in memory');
  typedFast(
    () => parseCsvColumns('x\n1\n1e999\n', { columns: ['x'] }),
    FormatError,
    'expected a finite number, got "1e999"',
  );
});

test('loadModel: units 1e8 / 1e9 fail fast without allocating; a missing weights file; save onto a file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ls-hostile-'));
  try {
    const model = sequential([lstm({ units: 3, inputShape: [4, 2] }), dense({ units: 1 })]);
    await model.save(join(dir, 'm'));
    const mj = join(dir, 'm', 'model.json');
    const original = readFileSync(mj, 'utf8');
    for (const units of [1e8, 1e9]) {
      writeFileSync(mj, original.replace('"units": 3', `"units": ${units}`));
      const rss = process.memoryUsage().rss;
      await typedFastAsync(
        () => loadModel(join(dir, 'm')),
        FormatError,
        'model.json',
        'layers[0].config.units',
        'expected at most',
      );
      assert.ok(process.memoryUsage().rss - rss < 100e6, 'allocated the architecture before checking');
    }
    writeFileSync(mj, original);
    rmSync(join(dir, 'm', 'weights.safetensors'));
    await typedFastAsync(
      () => loadModel(join(dir, 'm')),
      FormatError,
      'weights.safetensors',
      'cannot read the file',
      'ENOENT',
    );
    writeFileSync(join(dir, 'file'), 'x');
    await typedFastAsync(() => model.save(join(dir, 'file')), ConfigError, 'save: dir must be a directory');
    // a config key named like an Object.prototype member is no layer class
    const bad = JSON.parse(original) as { layers: Array<{ className: string }> };
    bad.layers[0].className = 'constructor';
    writeFileSync(mj, JSON.stringify(bad));
    await typedFastAsync(() => loadModel(join(dir, 'm')), FormatError, 'unknown layer class');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('zip records: a deflated data.pkl reads like a stored one', () => {
  const pkl = bytes(0x80, 2, int(7), 0x2e);
  assert.equal(parse(pt(pkl, {}, 8)), 7);
  assert.ok(deflateSync(pkl).length > 0);
});
