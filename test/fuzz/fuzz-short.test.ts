// The short fuzz run (the long one is `npm run fuzz`): every loader (the interop formats too) over a few hundred
// seeded mutations in a watched child process, and a check that the watchdog does see
// hangs, crashes, untyped errors and memory overruns (loaders that misbehave on purpose).
// Plus fast-check properties: any bytes into a parser give a value or a typed error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';

import { LongshortError } from '../../src/core/errors.js';
import { unpickle } from '../../src/io/pickle.js';
import { parseSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';
import { parseTorchCheckpoint } from '../../src/io/torch-file.js';
import { readZip } from '../../src/io/zip-read.js';
import { tensor } from '../../src/tensor/index.js';
import { repoRoot } from '../helpers/fixtures.js';

function fuzz(args: string[]): { status: number | null; out: string } {
  const out = mkdtempSync(join(tmpdir(), 'ls-fuzz-test-'));
  try {
    const r = spawnSync(
      process.execPath,
      [join(repoRoot, 'scripts', 'fuzz.mjs'), '--quiet', '--out', out, ...args],
      { encoding: 'utf8', timeout: 120_000 },
    );
    return { status: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function row(out: string, loader: string): number[] {
  const line = out.split('\n').find((l) => l.startsWith(`${loader} `));
  assert.ok(line !== undefined, `no row for ${loader} in:\n${out}`);
  return line.trim().split(/\s+/).slice(1).map(Number);
}

test('short fuzz run: every loader, 250 inputs each, no hang, crash, untyped error or memory overrun', () => {
  const r = fuzz(['--inputs', '250', '--seed', '11']);
  assert.equal(r.status, 0, r.out);
  for (const loader of [
    'safetensors',
    'pt',
    'pickle',
    'zip',
    'csv',
    'model',
    'onnx',
    'keras',
    'h5',
    'weights',
    'tfjs',
  ]) {
    const [inputs, accepted, typed, hangs, crashes, untyped, over] = row(r.out, loader);
    assert.equal(inputs, 250, loader);
    assert.equal(accepted + typed, 250, loader);
    assert.deepEqual([hangs, crashes, untyped, over], [0, 0, 0, 0], loader);
  }
});

test('the fuzz watchdog reports a hang, a crash, an untyped error and a memory overrun', () => {
  const cases: Array<[string, number]> = [
    ['_hang', 3],
    ['_crash', 4],
    ['_untyped', 5],
    ['_memory', 6],
  ];
  for (const [loader, column] of cases) {
    const r = fuzz(['--inputs', '6', '--loaders', loader, '--max-rss', '300']);
    assert.equal(r.status, 1, `${loader}: ${r.out}`);
    const cells = row(r.out, loader);
    assert.equal(cells[0], 6, `${loader}: every input is counted`);
    assert.equal(cells[column], 1, `${loader}: ${r.out}`);
    assert.equal(cells[1], 5, `${loader}: the other inputs ran after the restart`);
  }
});

const typedOrValue = (f: () => unknown): void => {
  try {
    f();
  } catch (e) {
    if (!(e instanceof LongshortError)) throw e;
  }
};

test('property: arbitrary bytes into the parsers give a value or a typed error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
      typedOrValue(() => parseSafetensors(b));
      typedOrValue(() => parseTorchCheckpoint(b));
      typedOrValue(() => unpickle(b));
      typedOrValue(() => readZip(b, () => true, 'x'));
    }),
    { numRuns: 400 },
  );
});

test('property: safetensors round-trips any shape, and any cut of the file is a typed error', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }), fc.nat(), (shape, cutAt) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const t = tensor(
        Array.from({ length: n }, (_, i) => i / 3),
        { shape, dtype: 'float32' },
      );
      const bytes = serializeSafetensors({ t });
      const back = parseSafetensors(bytes).tensors.get('t');
      assert.ok(back !== undefined);
      assert.deepEqual(back.shape, shape);
      assert.deepEqual([...back.data], [...t.data]);
      const cut = cutAt % bytes.length;
      assert.throws(() => parseSafetensors(bytes.subarray(0, cut)), LongshortError);
    }),
    { numRuns: 200 },
  );
});
