// HDF5 files that made h5wasm misbehave, found by `npm run fuzz -- --loaders h5`: a
// variable-length string reference whose length or object index was mutated. HDF5
// allocates the declared length (up to 4 GiB) before it finds the heap object does not
// match, and h5wasm then read and freed the uninitialised pointers of the failed read
// (memory access out of bounds, a corrupt wasm heap, 370 MB RSS). Each is now a
// FormatError in well under a second, the wasm heap stays small, HDF5's error stack is
// not printed, and the next file loads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { FormatError } from '../../../src/core/errors.js';
import { readKerasH5 } from '../../../src/interop/keras/keras-read.js';
import { repoRoot } from '../../helpers/fixtures.js';

const clean = new Uint8Array(
  readFileSync(join(repoRoot, 'test', 'fixtures', 'keras', 'models', 'seq_lstm_gru.h5')),
);

/**
 * The offset of the first variable-length string reference in `b` ([length: u32]
 * [collection address: u64][object index: u32]) pointing at the first global heap
 * collection: the length and index are small positive numbers.
 */
function firstReference(b: Uint8Array): number {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const gcol = Buffer.from(b).indexOf('GCOL\x01');
  assert.ok(gcol > 0, 'the fixture has a global heap collection');
  for (let q = 4; q + 12 <= b.length; q++) {
    if (view.getBigUint64(q, true) !== BigInt(gcol)) continue;
    const length = view.getUint32(q - 4, true);
    const index = view.getUint32(q + 8, true);
    if (length > 0 && length < 64 && index > 0 && index < 1000) return q - 4;
  }
  assert.fail('the fixture has a variable-length string attribute');
}

async function wasmHeapBytes(): Promise<number> {
  const m = await import('h5wasm');
  await m.ready;
  return (m.Module as unknown as { HEAPU8: Uint8Array }).HEAPU8.length;
}

async function rejectsQuietly(bytes: Uint8Array, file: string, match: RegExp): Promise<void> {
  const write = process.stderr.write.bind(process.stderr);
  let printed = '';
  process.stderr.write = (chunk: string | Uint8Array): boolean => {
    printed += String(chunk);
    return true;
  };
  const t0 = Date.now();
  try {
    await assert.rejects(readKerasH5(bytes, file), (e: unknown) => {
      assert.ok(e instanceof FormatError, `expected a FormatError, got ${String(e)}`);
      assert.match(e.message, match);
      return true;
    });
  } finally {
    process.stderr.write = write;
  }
  assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
  assert.doesNotMatch(printed, /HDF5-DIAG/, 'HDF5 printed its error stack');
}

test('h5: a variable-length string declaring 256 MiB is a FormatError without growing the wasm heap by it', async () => {
  await readKerasH5(clean, 'warm.h5'); // loads the module
  const before = await wasmHeapBytes();
  const b = clean.slice();
  const at = firstReference(b);
  new DataView(b.buffer).setUint32(at, 0x10000003, true);
  await rejectsQuietly(
    b,
    'long.h5',
    /^long\.h5: attribute \/\S*@\w+ must be readable; HDF5 returned status -1/,
  );
  const grown = (await wasmHeapBytes()) - before;
  assert.ok(grown < 128 * 2 ** 20, `the HDF5 heap grew by ${grown} bytes`);
  const model = await readKerasH5(clean, 'after.h5');
  assert.equal(model.layers.length, 5);
});

test('h5: a variable-length string naming a heap object that does not exist is a FormatError, and the next file loads', async () => {
  for (const index of [999, 0, 0xffffffff]) {
    const b = clean.slice();
    const at = firstReference(b);
    new DataView(b.buffer).setUint32(at + 12, index, true);
    await rejectsQuietly(
      b,
      'gone.h5',
      /^gone\.h5: attribute \/\S*@\w+ must be readable; HDF5 returned status -1/,
    );
    const model = await readKerasH5(clean, 'after.h5');
    assert.equal(model.layers.length, 5);
  }
});

test('h5: a variable-length string whose length does not match its heap object is a FormatError', async () => {
  const b = clean.slice();
  const at = firstReference(b);
  const view = new DataView(b.buffer);
  view.setUint32(at, view.getUint32(at, true) + 1, true);
  await rejectsQuietly(
    b,
    'size.h5',
    /^size\.h5: attribute \/\S*@\w+ must be readable; HDF5 returned status -1 \(\w+\(\): /,
  );
});
