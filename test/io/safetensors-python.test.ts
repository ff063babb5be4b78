// Cross-check against PyTorch through test/tools/safetensors_py.py, an independent
// struct + json + torch implementation of the format. Skipped when /usr/bin/python3
// with torch is not available.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Tensor } from '../../src/tensor/tensor.js';
import { loadSafetensors, saveSafetensors } from '../../src/io/safetensors.js';
import { PYTHON, torchSkipReason } from '../helpers/python.js';

/** Finds test/tools/safetensors_py.py above this file (works from src or dist). */
function findScript(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'test', 'tools', 'safetensors_py.py');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

const SCRIPT = findScript();

function skipReason(): string | null {
  if (SCRIPT === null) return 'test/tools/safetensors_py.py not found';
  return torchSkipReason();
}

const SKIP = skipReason();

function python(...args: string[]): string {
  const r = spawnSync(PYTHON, [SCRIPT!, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 << 20,
  });
  assert.equal(r.status, 0, `python ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

type PyValue = number | 'nan' | 'inf' | '-inf';
interface PyDump {
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; values: PyValue[] }>;
}

function fromPy(v: PyValue): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v;
}

function assertSameValues(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: expected ${expected[i]}, got ${actual[i]}`);
  }
}

const EXPECTED_DTYPE: Record<string, string> = {
  F64: 'float64',
  F32: 'float32',
  F16: 'float32',
  BF16: 'float32',
  I64: 'int32',
  I32: 'int32',
};

function withTempDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'longshort-safetensors-py-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('a file written by Python (every dtype) loads here with exactly its values', async (t) => {
  if (SKIP !== null) return t.skip(SKIP);
  await withTempDir(async (dir) => {
    const path = join(dir, 'py.safetensors');
    const expected = JSON.parse(python('write', path)) as PyDump;
    const dtypes = new Set(Object.values(expected.tensors).map((e) => e.dtype));
    assert.deepEqual([...dtypes].sort(), ['BF16', 'F16', 'F32', 'F64', 'I32', 'I64']);

    const { tensors, metadata } = await loadSafetensors(path);
    assert.deepEqual(metadata, expected.metadata);
    assert.deepEqual([...tensors.keys()].sort(), Object.keys(expected.tensors).sort());
    for (const [name, e] of Object.entries(expected.tensors)) {
      const got = tensors.get(name)!;
      assert.equal(got.dtype, EXPECTED_DTYPE[e.dtype], `${name}: dtype`);
      assert.deepEqual(got.shape, e.shape, `${name}: shape`);
      assertSameValues(got.data, e.values.map(fromPy), name);
    }
  })();
});

test('a file written here (F32, F64, I32) reads back in Python exactly, with the same bytes as Python writes', async (t) => {
  if (SKIP !== null) return t.skip(SKIP);
  await withTempDir(async (dir) => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 8;
    const f64 = Float64Array.from({ length: 15 }, rand);
    f64.set([-0, 5e-324, NaN, Infinity, -Number.MAX_VALUE], 10);
    const f32 = Float32Array.from({ length: 24 }, rand);
    f32.set([-0, 1e-45, NaN, -Infinity, 3.4028234663852886e38], 19);
    const tensors = new Map<string, Tensor>([
      ['lstm.weight_ih_l0', new Tensor(f32, [2, 3, 4])],
      ['lstm.bias_ih_l0', new Tensor(f64, [3, 5])],
      ['scalar', new Tensor(new Float32Array([0.1]), [])],
      ['empty', new Tensor(new Float64Array(0), [0, 2])],
      ['ids', new Tensor(Int32Array.from([-2147483648, 2147483647, 0, -7]), [2, 2])],
    ]);
    const path = join(dir, 'js.safetensors');
    await saveSafetensors(path, tensors, { metadata: { format: 'pt', by: 'longshort' } });

    const dump = JSON.parse(python('read', path)) as PyDump;
    assert.deepEqual(dump.metadata, { format: 'pt', by: 'longshort' });
    assert.deepEqual(Object.keys(dump.tensors).sort(), [...tensors.keys()].sort());
    for (const [name, ours] of tensors) {
      const theirs = dump.tensors[name];
      const want = ours.dtype === 'float64' ? 'F64' : ours.dtype === 'float32' ? 'F32' : 'I32';
      assert.equal(theirs.dtype, want, `${name}: dtype`);
      assert.deepEqual(theirs.shape, ours.shape, `${name}: shape`);
      assertSameValues(theirs.values.map(fromPy), ours.data, name);
    }

    // Python's writer (reference layout: dtype alignment, then name; metadata first;
    // padding to 8) produces the very same bytes.
    const rewritten = join(dir, 'py.safetensors');
    python('rewrite', path, rewritten);
    assert.deepEqual(new Uint8Array(readFileSync(rewritten)), new Uint8Array(readFileSync(path)));
  })();
});

test('float64 saved with dtype F32 reads in Python as the rounded float32 values', async (t) => {
  if (SKIP !== null) return t.skip(SKIP);
  await withTempDir(async (dir) => {
    const values = [0.1, 1 / 3, -2.5e-40, 1e39, Math.PI];
    const path = join(dir, 'f32.safetensors');
    await saveSafetensors(path, { w: new Tensor(Float64Array.from(values), [5]) }, { dtype: 'F32' });
    const dump = JSON.parse(python('read', path)) as PyDump;
    assert.equal(dump.tensors.w.dtype, 'F32');
    assertSameValues(dump.tensors.w.values.map(fromPy), values.map(Math.fround), 'w');
  })();
});
