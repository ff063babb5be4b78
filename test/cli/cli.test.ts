// The `longshort` command (dist/cli/longshort.js) as a child process: help everywhere,
// a forecast on a small CSV, textgen train -> sample -> summary on a tiny text, and bad
// arguments (one-line messages on stderr, non-zero exit, no stack traces).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSafetensorsSync } from '../../src/io/safetensors.js';
import type { Tensor } from '../../src/tensor/index.js';
import { loadTorchCheckpointSync, torchStateDict } from '../../src/io/torch-file.js';
import { repoRoot } from '../helpers/fixtures.js';

/** dist/test/cli/ -> dist/cli/longshort.js */
const CLI = fileURLToPath(new URL('../../cli/longshort.js', import.meta.url));
/** dist/test/cli/ -> test/fixtures/cli/ (fixtures are not compiled) */
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/cli/', import.meta.url));

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Result {
  assert.ok(existsSync(CLI), `${CLI} is missing; run npm run build`);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(args: string[]): string {
  const r = cli(args);
  assert.equal(r.status, 0, `longshort ${args.join(' ')} exited with ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** A failed run: non-zero exit, exactly one line on stderr matching `message`, no stack trace. */
function fails(args: string[], message: RegExp): void {
  const r = cli(args);
  assert.notEqual(r.status, 0, `longshort ${args.join(' ')} should fail:\n${r.stdout}${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], message);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
}

function withTmp(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'longshort-cli-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the built CLI keeps its shebang', () => {
  assert.ok(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n'));
});

test('longshort --help lists every command and the global --threads option', () => {
  const out = ok(['--help']);
  assert.match(out, /^Usage: longshort \[options\] \[command\]/);
  for (const c of ['forecast', 'textgen', 'classify-mnist', 'summary', 'convert', 'bench'])
    assert.match(out, new RegExp(`^  ${c}\\b`, 'm'));
  assert.match(out, /--threads <n>/);
});

test('every subcommand has --help', () => {
  const cases: [string[], RegExp][] = [
    [
      ['forecast'],
      /--csv <file>[^]*--column <name>[^]*--window <n>[^]*--horizon <n>[^]*--epochs <n>[^]*--plot <file>/,
    ],
    [['textgen'], /train \[options\] <file>[^]*sample \[options\] <model>/],
    [
      ['textgen', 'train'],
      /--epochs <n>[^]*--hidden <n>[^]*--layers <n>[^]*--seq-length <n>[^]*--batch-size <n>[^]*--out <dir>/,
    ],
    [['textgen', 'sample'], /--length <n>[^]*--temperature <t>[^]*--prime <text>/],
    [['classify-mnist'], /--epochs <n>[^]*--seed <n>/],
    [['summary'], /<model>/],
    [['convert'], /<input> <output>[^]*--key <name>[^]*--strip-prefix <prefix>/],
    [['bench'], /\[args\.\.\.\]/],
  ];
  for (const [cmd, options] of cases) {
    const out = ok([...cmd, '--help']);
    assert.match(out, new RegExp(`^Usage: longshort ${cmd.join(' ')} `), out);
    assert.match(out, options);
  }
});

test('forecast on a small CSV: one epoch, RMSE table, SVG plot', () => {
  withTmp((dir) => {
    const plot = join(dir, 'small.svg');
    const out = ok([
      'forecast',
      '--csv',
      join(FIXTURES, 'monthly.csv'),
      '--column',
      'value',
      '--epochs',
      '1',
      '--plot',
      plot,
    ]);
    assert.match(out, /column "value": 120 points \(2000-01 \.\. 2009-12\)/);
    assert.match(out, /seasonal naive \(the value 12 steps earlier\); season 12: found/); // a seasonal series
    assert.match(out, /^LSTM \(direct, 12 steps ahead\)\s+\d+\.\d{4}\s+\d+\.\d{4}$/m);
    assert.match(out, /^seasonal naive \(value 12 steps earlier\)\s+\d+\.\d{4}\s+\d+\.\d{4}$/m);
    assert.ok(readFileSync(plot, 'utf8').startsWith('<svg'));
    assert.match(readFileSync(plot, 'utf8'), />80% interval</);
  });
});

test('textgen train on a tiny text, then sample, then summary of the saved model', () => {
  withTmp((dir) => {
    const model = join(dir, 'model');
    const train = ok([
      'textgen',
      'train',
      join(FIXTURES, 'tiny.txt'),
      '--epochs',
      '1',
      '--hidden',
      '16',
      '--layers',
      '2',
      '--embedding',
      '8',
      '--seq-length',
      '20',
      '--batch-size',
      '8',
      '--out',
      model,
      '--sample',
      '0',
    ]);
    assert.match(train, /3000 characters, vocabulary \d+/);
    assert.match(train, /Epoch 1\/1 .*loss: \d/);
    for (const f of ['model.json', 'weights.safetensors', 'vocab.json'])
      assert.ok(existsSync(join(model, f)), `${f} missing`);

    const sample = ok(['textgen', 'sample', model, '--length', '30', '--prime', 'First', '--seed', '3']);
    const text = /--- sample [^\n]*\n([^]*)\n--- end of sample ---/.exec(sample)?.[1];
    assert.ok(
      text !== undefined && text.startsWith('First') && Array.from(text).length === 35,
      `sample: ${JSON.stringify(text)}`,
    );
    assert.equal(
      ok(['textgen', 'sample', model, '--length', '30', '--prime', 'First', '--seed', '3']),
      sample,
      'same seed, same sample',
    );

    const summary = ok(['--threads', '1', 'summary', model]);
    assert.match(summary, /Model: "textgen"/);
    assert.match(summary, /embedding_1 \(Embedding\)/);
    assert.match(summary, /lstm_1 \(LSTM\)[^]*lstm_2 \(LSTM\)[^]*dense_1 \(Dense\)/);
    assert.match(summary, /Total params: [\d,]+/);
    assert.match(summary, /trained epochs: 1/);

    fails(
      ['textgen', 'sample', model, '--prime', '\u00e9\u00e9'],
      /^longshort textgen sample: --prime has characters outside the model's vocabulary/,
    );
  });
});

test('convert: a torch.save checkpoint to safetensors with the same keys and values', () => {
  withTmp((dir) => {
    const pt = join(repoRoot, 'test', 'fixtures', 'pt', 'checkpoint.pt');
    const out = join(dir, 'model.safetensors');
    const printed = ok(['convert', pt, out, '--key', 'model']);
    assert.match(printed, /model\.safetensors: 18 tensors/);
    assert.match(printed, /lstm\.weight_ih_l0\s+float32\s+\[16, 3\]/);
    const want = torchStateDict(loadTorchCheckpointSync(pt), { key: 'model' });
    const got = loadSafetensorsSync(out).tensors;
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [k, t] of want) assert.deepEqual(got.get(k)!.toArray(), t.toArray(), k);
    fails(
      ['convert', pt, out],
      /^longshort convert: torchStateDict: expected a dict of tensors.*; pass --key model$/,
    );
    fails(
      ['convert', join(repoRoot, 'test', 'fixtures', 'pt', 'legacy.pt'), out],
      /^longshort convert: .*legacy torch\.save format/,
    );
  });
});

test('bad arguments: one line on stderr naming the problem, non-zero exit', () => {
  const csv = join(FIXTURES, 'monthly.csv');
  fails(['forecast', '--epoch', '3'], /unknown option '--epoch'/);
  fails(['frobnicate'], /unknown command 'frobnicate'/);
  fails(
    ['forecast', '--csv', csv, '--column', 'value', '--epochs', 'two'],
    /option '--epochs <n>' argument 'two' is invalid\. expected an integer >= 1/,
  );
  fails(['--threads', 'x', 'summary', 'm'], /option '--threads <n>' argument 'x' is invalid/);
  fails(
    ['forecast', '--csv', join(FIXTURES, 'missing.csv'), '--column', 'value'],
    /^longshort forecast: readCsvColumns: cannot read ".*missing\.csv"/,
  );
  fails(
    ['forecast', '--csv', csv, '--column', 'price'],
    /^longshort forecast: .*column "price" not found.*available columns: "month", "value", "note"/,
  );
  fails(['forecast', '--csv', csv], /--column NAME is required with --csv/);
  fails(
    ['textgen', 'train', join(FIXTURES, 'missing.txt')],
    /^longshort textgen train: no such file: .*missing\.txt/,
  );
  fails(['textgen', 'sample'], /missing required argument 'model'/);
  fails(
    ['summary', join(FIXTURES, 'nope')],
    /^longshort summary: loadModel: .*nope.*model\.json: cannot read the file/,
  );
});

test('textgen train on random bytes (not UTF-8) is refused, naming the file and the first bad byte', () => {
  withTmp((dir) => {
    const file = join(dir, 'random.bin');
    // seeded bytes: text first, then a byte no UTF-8 sequence starts with
    let a = 7;
    const bytes = Uint8Array.from({ length: 4000 }, (_, i) =>
      i < 100 ? 0x61 : (a = (a * 1103515245 + 12345) >>> 0) >>> 24,
    );
    bytes[100] = 0xff;
    writeFileSync(file, bytes);
    fails(
      ['textgen', 'train', file, '--epochs', '1', '--out', join(dir, 'm')],
      /^longshort textgen train: .*random\.bin must be UTF-8 text; got byte 0xff at offset 100/,
    );
    assert.ok(!existsSync(join(dir, 'm')), 'nothing was trained or saved');
    // valid multi-byte UTF-8 passes the check (and trains)
    writeFileSync(file, 'héllo wörld, ünïcode ✓ 𝄞 '.repeat(40));
    const out = ok([
      'textgen',
      'train',
      file,
      '--tiny',
      '--epochs',
      '1',
      '--out',
      join(dir, 'm'),
      '--sample',
      '0',
    ]);
    assert.match(out, /Epoch 1\/1/);
  });
});

test('longshort --version prints the version of package.json', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  assert.equal(ok(['--version']).trim(), pkg.version);
  assert.equal(ok(['-V']).trim(), pkg.version);
});

/** The weights of a saved model, by key. */
function weights(dir: string): Map<string, Tensor> {
  return loadSafetensorsSync(join(dir, 'weights.safetensors')).tensors;
}

test('textgen train --resume: one epoch, then one more from the saved run, equals two epochs straight', () => {
  withTmp((dir) => {
    const base = [
      'textgen',
      'train',
      join(FIXTURES, 'tiny.txt'),
      '--hidden',
      '12',
      '--layers',
      '1',
      '--embedding',
      '6',
      '--seq-length',
      '20',
      '--batch-size',
      '8',
      '--sample',
      '0',
    ];
    const straight = ok([
      ...base,
      '--epochs',
      '2',
      '--out',
      join(dir, 'straight'),
      '--progress-seconds',
      '0',
    ]);
    // not a terminal: an estimate first, then progress lines (every batch at --progress-seconds 0) and one line per epoch
    assert.match(straight, /estimated time per epoch: [\d.]+ m?s \(18 batches at [\d.]+ m?s each/);
    assert.ok(straight.indexOf('estimated time per epoch') < straight.indexOf('batch 1/18'), straight);
    assert.match(
      straight,
      /^ {2}batch 9\/18 \(50%\) - loss: \d\.\d+ - [\d.]+ m?s\/batch - epoch ETA [\d.]+ m?s$/m,
    );
    assert.match(straight, /^Epoch 2\/2 - [\d.]+ m?s - loss: \d/m);
    const half = join(dir, 'half');
    ok([...base, '--epochs', '1', '--out', half]);
    const resumed = ok([
      'textgen',
      'train',
      join(FIXTURES, 'tiny.txt'),
      '--resume',
      half,
      '--epochs',
      '1',
      '--sample',
      '0',
    ]);
    assert.match(resumed, /resuming .*half after epoch 1: epochs 2\.\.2/);
    assert.doesNotMatch(
      resumed,
      /batch \d+\/18/,
      'the default interval prints no batch lines on so short an epoch',
    );
    assert.match(ok(['summary', half]), /trained epochs: 2/);
    const a = weights(join(dir, 'straight'));
    const b = weights(half);
    assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
    for (const [k, t] of a) assert.deepEqual(b.get(k)!.toArray(), t.toArray(), k);
    // the layout is the saved one: changing it is an error, not silently ignored
    fails(
      ['textgen', 'train', join(FIXTURES, 'tiny.txt'), '--resume', half, '--hidden', '32'],
      /^longshort textgen train: --resume continues the saved model .*expected no --hidden, got --hidden 32$/,
    );
    fails(
      ['textgen', 'train', join(FIXTURES, 'tiny.txt'), '--resume', join(dir, 'none')],
      /^longshort textgen train: --resume .*none: not a saved model/,
    );
    // --max-batches trains on the first batches of each epoch only
    const few = ok([...base, '--epochs', '1', '--max-batches', '3', '--out', join(dir, 'few')]);
    assert.match(few, /3 batches of 8 x 20 of 18, --max-batches/);
    // sampling: top-k 1 is the argmax
    const s1 = ok(['textgen', 'sample', half, '--length', '20', '--top-k', '1', '--seed', '4']);
    const s0 = ok(['textgen', 'sample', half, '--length', '20', '--temperature', '0']);
    const body = (out: string): string | undefined =>
      /--- sample [^\n]*\n([^]*)\n--- end of sample ---/.exec(out)?.[1];
    assert.equal(body(s1), body(s0));
  });
});

test("textgen train --tiny writes out/textgen-tiny, never the full run's out/textgen", () => {
  withTmp((dir) => {
    const r = spawnSync(
      process.execPath,
      [CLI, 'textgen', 'train', join(FIXTURES, 'tiny.txt'), '--tiny', '--sample', '0'],
      { cwd: dir, encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(existsSync(join(dir, 'out', 'textgen-tiny', 'model.json')));
    assert.ok(!existsSync(join(dir, 'out', 'textgen')));
    assert.match(r.stdout, /batches of 10 x 25/);
  });
});

test('CLI errors carry the command prefix once', () => {
  fails(
    ['textgen', 'train', join(FIXTURES, 'tiny.txt'), '--batch-size', '500'],
    /^longshort textgen train: [^:]*tiny\.txt holds 3000 characters, fewer than one batch needs/,
  );
});
