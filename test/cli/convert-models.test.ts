// `longshort convert` between model files (Keras .keras / .h5, saved directories) and
// `longshort summary` on each of them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import {
  importModel,
  isOnnxModel,
  loadSafetensors,
  loadTorchCheckpoint,
  torchStateDict,
} from '../../src/index.js';

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
    const back2 = run(['convert', join(dir, 'm0.onnx'), join(dir, 'x.safetensors')]);
    assert.notEqual(back2.status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('convert a model to its state dict (.safetensors, .pt), between state dicts, and summary lists them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ls-cli-convert-sd-'));
  try {
    const src = join(MODELS, 'embed_bidir.keras');
    const model = await importModel(src);
    if (isOnnxModel(model)) throw new Error('expected a layer model');
    const want = model.getWeights();
    const st = join(dir, 'm.safetensors');
    const pt = join(dir, 'm.pt');
    const pt2 = join(dir, 'back.safetensors');
    for (const [a, b] of [
      [src, st],
      [st, pt],
      [pt, pt2],
    ]) {
      const r = run(['convert', a, b]);
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, new RegExp(`${want.size} tensors, 274 values`));
    }
    for (const got of [
      (await loadSafetensors(st)).tensors,
      torchStateDict(await loadTorchCheckpoint(pt)),
      (await loadSafetensors(pt2)).tensors,
    ]) {
      assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
      for (const [k, t] of want) {
        assert.deepEqual(got.get(k)?.shape, t.shape, k);
        assert.deepEqual(got.get(k)?.toArray(), t.toArray(), k);
      }
    }
    const sum = run(['summary', pt]);
    assert.equal(sum.status, 0, sum.out);
    assert.match(sum.out, /m\.pt: state dict, 11 tensors, 274 values/);
    assert.match(sum.out, /embedding\.weight\s+float32\s+\[11, 4\]/);
    const noArch = run(['convert', pt, join(dir, 'x.keras')]);
    assert.notEqual(noArch.status, 0);
    assert.match(
      noArch.out,
      /holds tensors, not an architecture; expected OUT ending \.safetensors, \.pt or \.pth, got .*x\.keras/,
    );
    const key = run(['convert', st, join(dir, 'y.pt'), '--key', 'model']);
    assert.notEqual(key.status, 0);
    assert.match(key.out, /--key applies to torch\.save checkpoints/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('convert by OUT name: other .json writes brain.js JSON, model.json TF.js, a directory longshort; summary reads each', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ls-cli-brainjs-'));
  const WRITTEN = fileURLToPath(new URL('../../../test/fixtures/brainjs/written/', import.meta.url));
  try {
    const src = join(WRITTEN, 'keras_gru_stacked.keras');
    const outs: Array<[string, RegExp]> = [
      [join(dir, 'out.json'), /out\.json: brainjs model/],
      [join(dir, 'web', 'model.json'), /model\.json: tfjs model/],
      [join(dir, 'saved'), /saved: longshort model/],
    ];
    for (const [out, re] of outs) {
      const r = run(['convert', src, out]);
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, re);
    }
    const brain = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {
      type: string;
      options: object;
    };
    assert.equal(brain.type, 'GRUTimeStep');
    assert.deepEqual(brain.options, {
      inputSize: 2,
      hiddenLayers: [5, 3],
      outputSize: 2,
      decayRate: 0.999,
      smoothEps: 1e-8,
      regc: 0.000001,
      clipval: 5,
    });
    assert.ok(statSync(join(dir, 'saved')).isDirectory());
    assert.ok(existsSync(join(dir, 'web', 'weights.bin')));
    const want = JSON.parse(readFileSync(join(WRITTEN, 'keras_gru_stacked.json'), 'utf8')) as unknown;
    assert.deepEqual(brain, want);
    const s = run(['summary', join(dir, 'out.json')]);
    assert.equal(s.status, 0, s.out);
    assert.match(s.out, /\(GRU\)/);
    assert.match(s.out, /Total params: [\d,]+/);
    // brain.js back to brain.js, and what brain.js cannot express names the layer
    const again = run(['convert', join(dir, 'out.json'), join(dir, 'again.json')]);
    assert.equal(again.status, 0, again.out);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'again.json'), 'utf8')), want);
    const no = run(['convert', join(MODELS, 'embed_bidir.keras'), join(dir, 'no.json')]);
    assert.notEqual(no.status, 0);
    assert.match(no.out, /writeBrainjsModel: layer '\w+' \(Embedding\)/);
    assert.ok(!existsSync(join(dir, 'no.json')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
