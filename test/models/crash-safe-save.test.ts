// Crash-safe saves: a save writes a whole new directory beside the old one and swaps it
// in; whatever moment a crash hits, the next load or save finds a complete checkpoint
// and removes the leftovers. The states a crash can leave are built here directly, and
// scripts/kill-saves.mjs SIGKILLs a training child during real saves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { StateError } from '../../src/core/errors.js';
import { manualSeed } from '../../src/core/rng.js';
import {
  dense,
  loadModel,
  lstm,
  modelCheckpoint,
  NonFiniteError,
  sequential,
  type SequentialModel,
} from '../../src/models/index.js';
import { randn, tensor } from '../../src/tensor/index.js';
import { repoRoot } from '../helpers/fixtures.js';

function model(): SequentialModel {
  manualSeed(1);
  const m = sequential([lstm({ units: 3, inputShape: [2, 1] }), dense({ units: 1 })]);
  m.compile({ loss: 'mse', optimizer: { type: 'sgd', lr: 0.1 } });
  return m;
}

const weightsOf = (m: SequentialModel): number[][] =>
  [...m.getWeights().values()].map((t) => Array.from(t.data));

test('a save over an existing checkpoint keeps one directory and no leftovers', async () => {
  const root = mkdtempSync(join(tmpdir(), 'ls-safe-'));
  try {
    const dir = join(root, 'ckpt');
    const m = model();
    await m.save(dir);
    m.epoch = 7;
    await m.save(dir);
    assert.deepEqual(readdirSync(root), ['ckpt']);
    assert.equal((await loadModel(dir)).epoch, 7);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('every state a crash can leave loads the complete checkpoint, and the leftovers go', async () => {
  const root = mkdtempSync(join(tmpdir(), 'ls-safe-'));
  try {
    const dir = join(root, 'ckpt');
    const m = model();
    m.epoch = 1;
    await m.save(join(root, 'one'));
    m.epoch = 2;
    await m.save(join(root, 'two'));
    const reset = (): void => {
      for (const n of readdirSync(root))
        if (n.startsWith('ckpt')) rmSync(join(root, n), { recursive: true, force: true });
    };
    const half = (path: string): void => {
      mkdirSync(path);
      writeFileSync(join(path, 'weights.safetensors'), 'partial');
    };
    // 1. killed while writing the new directory: the old one stays
    reset();
    cpSync(join(root, 'one'), dir, { recursive: true });
    half(`${dir}.tmp-abc123`);
    assert.equal((await loadModel(dir)).epoch, 1);
    assert.deepEqual(
      readdirSync(root).filter((n) => n.startsWith('ckpt')),
      ['ckpt'],
    );
    // 2. killed between the two renames: no dir, a complete .new- and the .old-: the new one wins
    reset();
    cpSync(join(root, 'one'), `${dir}.old-abc123`, { recursive: true });
    cpSync(join(root, 'two'), `${dir}.new-abc123`, { recursive: true });
    assert.equal((await loadModel(dir)).epoch, 2);
    assert.deepEqual(
      readdirSync(root).filter((n) => n.startsWith('ckpt')),
      ['ckpt'],
    );
    // 3. only the old one was moved aside
    reset();
    cpSync(join(root, 'one'), `${dir}.old-abc123`, { recursive: true });
    assert.equal((await loadModel(dir)).epoch, 1);
    // 4. killed after the swap, before the old one was removed: the next save cleans up
    reset();
    cpSync(join(root, 'two'), dir, { recursive: true });
    cpSync(join(root, 'one'), `${dir}.old-abc123`, { recursive: true });
    m.epoch = 3;
    await m.save(dir);
    assert.deepEqual(
      readdirSync(root).filter((n) => n.startsWith('ckpt')),
      ['ckpt'],
    );
    assert.equal((await loadModel(dir)).epoch, 3);
    // a name that merely starts like the directory is not touched
    writeFileSync(join(root, 'ckpt.tmp-notes.txt'), 'mine');
    writeFileSync(join(root, 'ckpt-2'), 'mine');
    await m.save(dir);
    assert.ok(existsSync(join(root, 'ckpt.tmp-notes.txt')) && existsSync(join(root, 'ckpt-2')));
    renameSync(join(root, 'ckpt-2'), join(root, 'other'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('SIGKILLs during saves: every checkpoint loads, the resumed run is bit-identical (short run of npm run kill-saves)', () => {
  const r = spawnSync(
    process.execPath,
    [join(repoRoot, 'scripts', 'kill-saves.mjs'), '--kills', '6', '--epochs', '30', '--seed', '4'],
    { encoding: 'utf8', timeout: 240_000 },
  );
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /all loadable; resumed run bit-identical/);
});

test('NaN guard: fit stops with a NonFiniteError naming epoch and batch; the last finite checkpoint stays', async () => {
  const root = mkdtempSync(join(tmpdir(), 'ls-nan-'));
  try {
    manualSeed(2);
    const x = randn([16, 2, 1]);
    const y = x.sum(1).mul(3);
    const m = sequential([lstm({ units: 4, inputShape: [2, 1] }), dense({ units: 1 })]);
    m.compile({ loss: 'mse', optimizer: { type: 'sgd', lr: 10 } });
    const dir = join(root, 'ckpt');
    let err: unknown = null;
    try {
      await m.fit(x, y, {
        epochs: 50,
        batchSize: 4,
        shuffle: false,
        verbose: 0,
        callbacks: [modelCheckpoint(dir)],
      });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof NonFiniteError, String(err));
    assert.match(err.message, new RegExp(`at epoch ${err.epoch}, batch ${err.batch} \\(0-based`));
    assert.ok(
      weightsOf(m).every((w) => w.every(Number.isFinite)),
      'the step that would have made the weights non-finite did not run',
    );
    if (existsSync(dir)) {
      const saved = await loadModel(dir);
      assert.ok(weightsOf(saved).every((w) => w.every(Number.isFinite)));
      assert.ok(saved.epoch <= err.epoch);
    }
    // with the guard off the run goes on to NaN, and modelCheckpoint refuses to save it
    const m2 = sequential([lstm({ units: 4, inputShape: [2, 1] }), dense({ units: 1 })]);
    m2.compile({ loss: 'mse', optimizer: { type: 'sgd', lr: 10 } });
    const dir2 = join(root, 'ckpt2');
    await assert.rejects(
      m2.fit(x, y, {
        epochs: 50,
        batchSize: 4,
        verbose: 0,
        terminateOnNaN: false,
        callbacks: [modelCheckpoint(dir2)],
      }),
      (e: unknown) => e instanceof StateError && /weights must be finite to be saved/.test(e.message),
    );
    if (existsSync(dir2)) assert.ok(weightsOf(await loadModel(dir2)).every((w) => w.every(Number.isFinite)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('fit rejects lr: Infinity, empty data, NaN inputs and non-array callbacks up front', async () => {
  const m = sequential([dense({ units: 1, inputShape: [2] })]);
  assert.throws(
    () => m.compile({ loss: 'mse', optimizer: { type: 'sgd', lr: Infinity } }),
    /compile: optimizer.lr must be a finite number; got Infinity/,
  );
  m.compile({ loss: 'mse', optimizer: 'sgd' });
  await assert.rejects(
    m.fit(tensor([], { shape: [0, 2] }), tensor([], { shape: [0, 1] })),
    /at least one sample/,
  );
  await assert.rejects(
    m.fit(tensor([[1, NaN]]), tensor([[1]]), { verbose: 0 }),
    /fit: x must hold finite numbers; got NaN at flat index 1/,
  );
  await assert.rejects(
    m.fit(tensor([[1, 2]]), tensor([[Infinity]]), { verbose: 0 }),
    /fit: y must hold finite numbers/,
  );
  await assert.rejects(
    m.fit(tensor([[1, 2]]), tensor([[1]]), { verbose: 0, callbacks: 'x' as never }),
    /fit: callbacks must be an array/,
  );
  await assert.rejects(
    m.fit(tensor([[1, 2]]), tensor([[1]]), { verbose: 0, terminateOnNaN: 'yes' as never }),
    /terminateOnNaN must be a boolean/,
  );
  await assert.rejects(
    m.fit(tensor([[1, 2]]), tensor([[1]]), { verbose: 0, bogus: 1 } as never),
    /unknown option "bogus"/,
  );
});
