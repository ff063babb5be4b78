// Hostile interop files (ONNX, Keras .keras / .h5, TF.js): each found by `npm run fuzz`,
// each now a typed error naming the file and the field (how fast: `npm run fuzz`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';

import { FormatError } from '../../src/core/errors.js';
import { readKerasArchive, readKerasH5 } from '../../src/interop/keras/keras-read.js';
import { importOnnx } from '../../src/interop/onnx/index.js';
import { loadOnnxCodec } from '../../src/interop/onnx/proto.js';
import { readTfjsModel } from '../../src/interop/tfjs/tfjs-read.js';
import { repoRoot } from '../helpers/fixtures.js';

const fx = (...p: string[]): Uint8Array =>
  new Uint8Array(readFileSync(join(repoRoot, 'test', 'fixtures', ...p)));

// A hang shows as the test's own timeout; how long each input takes is measured by
// `npm run fuzz` (its --timeout), never asserted here (machines differ).
async function typedError(p: Promise<unknown>, match: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected a FormatError, got ${String(e)}`);
    assert.match(e.message, match);
    return true;
  });
}

/** The offset of the first global heap collection ('GCOL', version 1) in HDF5 bytes. */
function gcol(b: Uint8Array): number {
  const at = Buffer.from(b).indexOf('GCOL\x01');
  assert.ok(at > 0, 'the fixture has a global heap collection');
  return at;
}

test(
  'h5: a global heap object of size 0 (HDF5 in wasm loops on it forever) is a FormatError',
  { timeout: 30_000 },
  async () => {
    const b = fx('keras', 'models', 'embed_bidir.h5').slice();
    const o = gcol(b);
    const v = new DataView(b.buffer);
    v.setUint16(o + 16, 0, true); // the first object: free space...
    v.setBigUint64(o + 24, 0n, true); // ...of 0 bytes
    await typedError(
      readKerasH5(b, 'm.h5'),
      /^m\.h5: the global heap collection at byte \d+: object 0 at byte \d+/,
    );
  },
);

test(
  'h5: a fuzzed file that made h5wasm hang in a variable-length string read is a FormatError',
  { timeout: 30_000 },
  async () => {
    await typedError(
      readKerasH5(fx('hostile', 'h5-gcol-hang.h5'), 'hang.h5'),
      /^hang\.h5: the global heap collection/,
    );
  },
);

test('h5: a global heap collection running past the end of the file is a FormatError', async () => {
  const b = fx('keras', 'models', 'embed_bidir.h5');
  const cut = b.subarray(0, gcol(b) + 1000);
  await typedError(
    readKerasH5(cut, 'cut.h5'),
    /^cut\.h5: the global heap collection at byte \d+ must fit in the file/,
  );
});

test('h5: a file HDF5 cannot open, and a dataset header h5wasm cannot read, are FormatErrors naming the object', async () => {
  await typedError(
    readKerasH5(fx('hostile', 'h5-unopenable.h5'), 'u.h5'),
    /^u\.h5: HDF5 object \/ must be readable/,
  );
  // the fuzzed archive's weights file (its CRC-32 no longer matches: the archive itself is refused)
  const archive = fx('hostile', 'keras-bad-dataset-header.keras');
  await typedError(
    readKerasArchive(archive, 'd.keras'),
    /^d\.keras: zip: record "model\.weights\.h5": CRC-32 mismatch/,
  );
  const weights = unzipSync(archive)['model.weights.h5'];
  await typedError(readKerasH5(weights, 'w.h5'), /^w\.h5: HDF5 object \/layers\/\S+ must be readable/);
});

test('h5: the checks before h5wasm accept every committed Keras .h5 fixture', async () => {
  for (const f of [
    'backwards_rnn',
    'bidir_modes',
    'embed_bidir',
    'functional_chain',
    'seq_lstm_gru',
    'stateful_lstm',
  ]) {
    const model = await readKerasH5(fx('keras', 'models', `${f}.h5`), `${f}.h5`);
    assert.ok(model.layers.length > 0, f);
  }
});

test('keras: a zip record whose declared sizes and CRC-32 do not match its bytes is a FormatError (was 2 GB RSS, accepted)', async () => {
  await typedError(
    readKerasArchive(fx('hostile', 'keras-bad-zip-sizes.keras'), 'z.keras'),
    /^z\.keras: zip: /,
  );
});

test('onnx: a STRING attribute without its bytes reads as empty text, not a TypeError', async () => {
  const codec = await loadOnnxCodec();
  const m = codec.decodeModel(fx('onnx', 'attributes', 'rnn_bidirectional_seq_lens_clip', 'model.onnx')) as {
    graph: { node: { attribute: { type: number; s?: unknown }[] }[] };
  };
  let dropped = 0;
  for (const n of m.graph.node)
    for (const a of n.attribute)
      if (a.type === 3) {
        delete a.s;
        dropped++;
      }
  assert.ok(dropped > 0, 'the fixture has a STRING attribute');
  // protobufjs leaves the absent bytes as its array default; they read as the empty string
  const model = await importOnnx(codec.encodeModel(m), { file: 's.onnx' });
  const strings = model.proto.graph.nodes.flatMap((n) =>
    [...n.attributes.values()].filter((v) => typeof v === 'string'),
  );
  assert.ok(strings.length >= dropped);
  assert.ok(strings.every((v) => v === ''));
});

test('tfjs: manifest entries without a name, or with a quantization that is not an object, are FormatErrors', () => {
  const dir = join(repoRoot, 'test', 'fixtures', 'tfjs', 'lstm_gru');
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    weightsManifest: { weights: Record<string, unknown>[] }[];
  };
  const weights = new Uint8Array(readFileSync(join(dir, 'weights.bin')));
  const edit = (f: (w: Record<string, unknown>) => void): unknown => {
    const j = structuredClone(json);
    f(j.weightsManifest[0].weights[1]);
    return j;
  };
  assert.throws(
    () =>
      readTfjsModel(
        edit((w) => delete w.name),
        weights,
        'model.json',
      ),
    (e: unknown) =>
      e instanceof FormatError &&
      /^model\.json: weightsManifest weight 1 must be an object with a string name/.test(e.message),
  );
  assert.throws(
    () =>
      readTfjsModel(
        edit((w) => (w.quantization = 3)),
        weights,
        'model.json',
      ),
    (e: unknown) =>
      e instanceof FormatError && /weight 1 \(.+\): quantization must be an object/.test(e.message),
  );
  assert.throws(
    () =>
      readTfjsModel(
        edit((w) => (w.quantization = { dtype: 'uint8', scale: '2' })),
        weights,
        'model.json',
      ),
    (e: unknown) => e instanceof FormatError && /quantization\.scale must be a number/.test(e.message),
  );
});
