// Smoke tests of the examples: each one's --tiny mode runs as a child process on the
// compiled dist/examples/<name>.js, must exit 0 and print a sane result. Their real
// results are measured by `npm run eval:*`, never here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manualSeed } from '../../src/core/rng.js';
import { loadSafetensorsSync } from '../../src/io/safetensors.js';
import { Linear, LSTM } from '../../src/nn/index.js';

/** dist/test/examples/ -> dist/examples/<name>.js */
function script(name: string): string {
  return fileURLToPath(new URL(`../../examples/${name}.js`, import.meta.url));
}

/** Runs an example; fails with its output when it does not exit 0. */
function run(name: string, args: string[]): string {
  const file = script(name);
  assert.ok(existsSync(file), `${file} is missing; run npm run build`);
  const r = spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', timeout: 60_000 });
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(
    r.status,
    0,
    `${name} ${args.join(' ')} exited with ${r.status} (${r.signal ?? 'no signal'}):\n${out}`,
  );
  return r.stdout;
}

/** The number after `label` in `out` (the last occurrence). */
function numberAfter(out: string, label: RegExp): number {
  const all = [...out.matchAll(new RegExp(`${label.source}\\s*(-?[0-9.]+(?:e[-+]?[0-9]+)?)`, 'g'))];
  assert.ok(all.length > 0, `no ${label} in the output:\n${out}`);
  return Number(all[all.length - 1][1]);
}

test('shapes prints the shapes of seeds 004 and 001 and every relation true', () => {
  const out = run('shapes', ['--tiny']);
  assert.match(out, /out \[10, 3, 20\] h \[4, 3, 20\] c \[4, 3, 20\]/);
  assert.match(out, /^h \[3, 20\] c \[3, 20\]/m);
  assert.match(out, /h2 \[3, 20\] c2 \[3, 20\]/);
  assert.match(out, /output\[-1\] == h_n\[-1\]: true/);
  assert.match(out, /output\[-1, :, :H\] == h_n\[-2\]: true/);
  assert.match(out, /output\[0, :, H:\] == h_n\[-1\].*: true/);
  assert.doesNotMatch(out, /: false/);
  assert.match(out, /all shapes and relations as in PyTorch: true/);
});

test('mnist-rows --tiny trains one epoch and prints a test accuracy', () => {
  const out = run('mnist-rows', ['--tiny']);
  assert.match(out, /parameters: \d+ = LSTM/);
  const loss = numberAfter(out, /train loss/);
  assert.ok(Number.isFinite(loss) && loss > 0 && loss < 5, `train loss ${loss}`);
  const acc = numberAfter(out, /test accuracy:/);
  assert.ok(acc >= 0 && acc <= 100, `accuracy ${acc}`);
  assert.match(out, /\(\d+\/100\)/);
  assert.match(out, /time per epoch:/);
});

test('mnist-rows rejects a bad option value with exit code 2', () => {
  const r = spawnSync(process.execPath, [script('mnist-rows'), '--epochs', 'two'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--epochs must be an integer/);
  const g = spawnSync(process.execPath, [script('mnist-rows'), '--rng', 'pcg'], { encoding: 'utf8' });
  assert.equal(g.status, 2);
  assert.match(g.stderr, /--rng must be one of xoshiro128\*\*, mt19937; got "pcg"/);
});

test("mnist-rows --rng mt19937 starts from PyTorch's initialisation for the seed", () => {
  const dir = mkdtempSync(join(tmpdir(), 'longshort-mnist-'));
  try {
    const init = join(dir, 'init.safetensors');
    run('mnist-rows', ['--tiny', '--epochs', '0', '--seed', '3', '--rng', 'mt19937', '--save-init', init]);
    // what torch.manual_seed(3); nn.LSTM(28, 32, 2, batch_first=True); nn.Linear(32, 10) draws
    // (the generator itself is checked against PyTorch in test/core/rng-torch.test.ts)
    manualSeed(3, { algorithm: 'mt19937' });
    const lstm = new LSTM(28, 32, { numLayers: 2, batchFirst: true });
    const fc = new Linear(32, 10);
    manualSeed(0, { algorithm: 'xoshiro128**' });
    const saved = loadSafetensorsSync(init).tensors;
    for (const [k, t] of [
      ...Object.entries(lstm.stateDict()).map(([k, t]) => [`lstm.${k}`, t] as const),
      ...Object.entries(fc.stateDict()).map(([k, t]) => [`fc.${k}`, t] as const),
    ]) {
      assert.deepEqual(saved.get(k)?.toArray(), t.toArray(), k);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('char-rnn --tiny trains, validates, saves, reloads and samples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'longshort-char-rnn-'));
  try {
    const prefix = join(dir, 'tiny');
    const out = run('char-rnn', ['--tiny', '--save', prefix, '--sample', '40', '--prime', 'ROMEO:']);
    const val = numberAfter(out, /validation loss/);
    // a uniform guess over the ~60 characters costs ln(60) = 4.1 nats
    assert.ok(Number.isFinite(val) && val > 0 && val < 4.2, `validation loss ${val}`);
    assert.match(out, /time per batch:/);
    assert.match(out, /--- sample .*\n(ROMEO:[^]*)\n--- end of sample ---/);
    assert.ok(existsSync(`${prefix}.safetensors`) && existsSync(`${prefix}.vocab.json`));
    assert.match(
      out,
      /keys lstm\.weight_ih_l0, lstm\.weight_hh_l0, lstm\.bias_ih_l0, lstm\.bias_hh_l0, .*decoder\.weight, decoder\.bias/,
    );

    // the saved model, reloaded: no training, and the same sample for the same seed
    const again = run('char-rnn', ['--load', prefix, '--sample', '40', '--prime', 'ROMEO:']);
    assert.match(again, /loaded .*tiny\.safetensors \(10 tensors\)/);
    assert.doesNotMatch(again, /validation loss/);
    const sample = (s: string): string =>
      /--- sample [^\n]*\n([^]*)\n--- end of sample ---/.exec(s)?.[1] ?? 'missing';
    assert.equal(sample(again), sample(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('char-rnn --tiny --embedding trains with an Embedding input', () => {
  const out = run('char-rnn', ['--tiny', '--embedding', '8', '--max-batches', '5', '--sample', '0']);
  assert.match(out, /Embedding\(\d+, 8\) -> LSTM\(8, 32/);
  const val = numberAfter(out, /validation loss/);
  assert.ok(Number.isFinite(val) && val > 0 && val < 4.5, `validation loss ${val}`);
});

test('seq2seq-addition --tiny trains a few steps and prints a held-out accuracy', () => {
  const out = run('seq2seq-addition', ['--tiny']);
  const loss = numberAfter(out, /step 40: loss/);
  assert.ok(Number.isFinite(loss) && loss > 0, `loss ${loss}`);
  const acc = numberAfter(out, /test accuracy:/);
  assert.ok(acc >= 0 && acc <= 100, `accuracy ${acc}`);
  assert.match(out, /\(\d+\/100 held-out sums\)/);
});
