// A loader given a path it cannot read throws a FormatError naming the loader and the
// path, with Node's error (ENOENT, EISDIR, ...) kept as its cause.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FormatError } from '../../src/core/errors.js';
import { loadSafetensors, loadSafetensorsSync } from '../../src/io/safetensors.js';
import { loadTorchCheckpoint, loadTorchCheckpointSync } from '../../src/io/torch-file.js';

function check(op: string, path: string, code: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof FormatError, `expected a FormatError, got ${String(e)}`);
    assert.equal(e.message, `${op}: ${path}: cannot read the file; expected a readable file, got ${code}`);
    assert.equal((e.cause as { code?: string } | undefined)?.code, code);
    return true;
  };
}

test('loadSafetensors / loadTorchCheckpoint on a missing path or a directory: FormatError with the cause', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ls-missing-'));
  try {
    const missing = join(dir, 'nope.bin');
    await assert.rejects(loadSafetensors(missing), check('loadSafetensors', missing, 'ENOENT'));
    assert.throws(() => loadSafetensorsSync(missing), check('loadSafetensorsSync', missing, 'ENOENT'));
    await assert.rejects(loadTorchCheckpoint(missing), check('loadTorchCheckpoint', missing, 'ENOENT'));
    assert.throws(
      () => loadTorchCheckpointSync(missing),
      check('loadTorchCheckpointSync', missing, 'ENOENT'),
    );
    await assert.rejects(loadTorchCheckpoint(dir), check('loadTorchCheckpoint', dir, 'EISDIR'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
