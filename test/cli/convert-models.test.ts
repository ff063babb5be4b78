// `longshort convert` between model files (Keras .keras / .h5, saved directories) and
// `longshort summary` on each of them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const CLI = fileURLToPath(new URL('../../cli/longshort.js', import.meta.url));
const MODELS = fileURLToPath(new URL('../../../test/fixtures/keras/models/', import.meta.url));

function run(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, '--threads', '1', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

test('convert .keras -> .h5 -> saved dir -> .keras, and summary reads every one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ls-cli-convert-'));
  try {
    const src = join(MODELS, 'embed_bidir.keras');
    const steps: Array<[string, string]> = [
      [src, join(dir, 'a.h5')],
      [join(dir, 'a.h5'), join(dir, 'saved')],
      [join(dir, 'saved'), join(dir, 'b.keras')],
    ];
    for (const [a, b] of steps) {
      const r = run(['convert', a, b]);
      assert.equal(r.status, 0, r.out);
      assert.ok(existsSync(b), b);
    }
    for (const p of [src, join(dir, 'a.h5'), join(dir, 'saved'), join(dir, 'b.keras')]) {
      const r = run(['summary', p]);
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, /embedding \(Embedding\)/);
      assert.match(r.out, /bidirectional \(Bidirectional\)/);
      assert.match(r.out, /Total params: [\d,]+/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('convert and summary name the file and the problem for an unknown file', () => {
  const r = run(['summary', join(MODELS, 'embed_bidir.json')]);
  assert.notEqual(r.status, 0);
  assert.match(r.out, /embed_bidir\.json/);
});

test('convert to .onnx from every importable model file, and summary prints the ONNX graph', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ls-cli-onnx-'));
  const BRAIN = fileURLToPath(new URL('../../../test/fixtures/brainjs/', import.meta.url));
  try {
    const sources = [
      join(MODELS, 'bidir_modes.keras'),
      join(MODELS, 'backwards_rnn.h5'),
      join(BRAIN, 'rnn_time_step.json'),
    ];
    for (const [i, src] of sources.entries()) {
      const out = join(dir, `m${i}.onnx`);
      const r = run(['convert', src, out]);
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, /onnx model/);
      const s = run(['summary', out]);
      assert.equal(s.status, 0, s.out);
      assert.match(s.out, /ONNX graph .*opset ai\.onnx \d+/);
      assert.match(s.out, /inputs \(1\):\n {2}input +(float32|int64) +\[batch, /);
      assert.match(s.out, /outputs \(1\):\n {2}output +float32/);
      assert.match(s.out, /nodes \(\d+\):[^]*\n {2}(LSTM|GRU|RNN) /);
    }
    // an ONNX graph is not a layer model, and a state dict is not a model
    const back = run(['convert', join(dir, 'm0.onnx'), join(dir, 'x.keras')]);
    assert.notEqual(back.status, 0);
    assert.match(back.out, /ONNX graph converts to no other format/);
    const sd = run(['convert', join(MODELS, 'embed_bidir.keras'), join(dir, 'x.safetensors')]);
    assert.notEqual(sd.status, 0);
    assert.match(sd.out, /holds tensors, not a model/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
