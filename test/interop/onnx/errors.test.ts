// Bad ONNX files and bad calls get typed errors that name the file, the node and the
// expected and actual values; declared sizes are checked against the bytes before any
// allocation; nothing is run at import.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ConfigError,
  DTypeError,
  FormatError,
  ShapeError,
  UnsupportedError,
} from '../../../src/core/errors.js';
import { importOnnx, parseOnnx } from '../../../src/interop/onnx/index.js';
import { loadOnnxCodec } from '../../../src/interop/onnx/proto.js';
import { randn, Tensor } from '../../../src/tensor/index.js';
import { repoRoot } from '../../helpers/fixtures.js';

const LSTM_DEFAULTS = join(
  repoRoot,
  'test',
  'fixtures',
  'onnx',
  'backend-node',
  'test_lstm_defaults',
  'model.onnx',
);
const f32 = (n: number): Uint8Array => new Uint8Array(n * 4);

/** A one-node model: X (2, 3) float -> op -> Y, with extra initializers. */
async function model(
  opts: {
    op?: string;
    nodeName?: string;
    inputs?: string[];
    inits?: object[];
    opset?: number;
    graph?: boolean;
  } = {},
): Promise<Uint8Array> {
  const codec = await loadOnnxCodec();
  const vi = (name: string, dims: number[]) => ({
    name,
    type: { tensor_type: { elem_type: 1, shape: { dim: dims.map((d) => ({ dim_value: d })) } } },
  });
  const graph = {
    name: 'g',
    node: [
      { name: opts.nodeName ?? 'n1', op_type: opts.op ?? 'Relu', input: opts.inputs ?? ['X'], output: ['Y'] },
    ],
    initializer: opts.inits ?? [],
    input: [vi('X', [2, 3])],
    output: [vi('Y', [2, 3])],
  };
  return codec.encodeModel({
    ir_version: 8,
    opset_import: [{ domain: '', version: opts.opset ?? 17 }],
    ...(opts.graph === false ? {} : { graph }),
  });
}

test('a well-formed tiny model runs', async () => {
  const m = await importOnnx(await model(), { file: 'tiny.onnx' });
  const y = m.run({ X: new Tensor(Float32Array.of(-1, 2, -3, 4, 0, 1), [2, 3]) }).Y;
  assert.deepEqual(y.toArray(), [0, 2, 0, 4, 0, 1]);
});

test('bytes that are not a ModelProto: FormatError naming the file', async () => {
  const garbage = Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 13) & 255);
  await assert.rejects(
    parseOnnx(garbage, 'garbage.onnx'),
    (e: Error) => e instanceof FormatError && e.message.includes('garbage.onnx'),
  );
  const good = new Uint8Array(readFileSync(LSTM_DEFAULTS));
  await assert.rejects(
    parseOnnx(good.subarray(0, good.length - 7), 'cut.onnx'),
    (e: Error) => e instanceof FormatError && e.message.includes('cut.onnx'),
  );
  await assert.rejects(
    parseOnnx(await model({ graph: false }), 'empty.onnx'),
    (e: Error) => e instanceof FormatError && /graph/.test(e.message),
  );
  await assert.rejects(parseOnnx('x' as never), FormatError);
});

test('declared tensor sizes are checked against the bytes before allocating', async () => {
  const huge = { name: 'W', data_type: 1, dims: [1_000_000, 1_000_000], raw_data: f32(2) };
  await assert.rejects(
    parseOnnx(await model({ inits: [huge] }), 'huge.onnx'),
    (e: Error) =>
      e instanceof FormatError && e.message.includes("initializer 'W'") && e.message.includes('elements'),
  );
  const short = { name: 'W', data_type: 1, dims: [3, 4], raw_data: f32(2) };
  await assert.rejects(
    parseOnnx(await model({ inits: [short] }), 'short.onnx'),
    (e: Error) => e instanceof FormatError && /expected 48 bytes, got 8/.test(e.message),
  );
  const fields = { name: 'W', data_type: 1, dims: [5], float_data: [1, 2] };
  await assert.rejects(
    parseOnnx(await model({ inits: [fields] })),
    (e: Error) => e instanceof FormatError && /expected 5, got 2/.test(e.message),
  );
  const negative = { name: 'W', data_type: 1, dims: [-2, 3] };
  await assert.rejects(parseOnnx(await model({ inits: [negative] })), FormatError);
});

test('external data, unsupported element types: UnsupportedError naming the tensor', async () => {
  const ext = {
    name: 'W',
    data_type: 1,
    dims: [2],
    data_location: 1,
    external_data: [{ key: 'location', value: 'w.bin' }],
  };
  await assert.rejects(
    parseOnnx(await model({ inits: [ext] }), 'ext.onnx'),
    (e: Error) =>
      e instanceof UnsupportedError &&
      e.message.includes("ext.onnx initializer 'W'") &&
      /external/.test(e.message),
  );
  const str = { name: 'S', data_type: 8, dims: [1], string_data: [new Uint8Array([65])] };
  await assert.rejects(
    parseOnnx(await model({ inits: [str] })),
    (e: Error) => e instanceof UnsupportedError && /STRING/.test(e.message),
  );
});

test('an unsupported op names itself and its node; a dangling input names the node', async () => {
  await assert.rejects(
    importOnnx(await model({ op: 'NonMaxSuppression', nodeName: 'nms_7' }), { file: 'det.onnx' }),
    (e: Error) => {
      return (
        e instanceof UnsupportedError &&
        e.message.includes('det.onnx') &&
        e.message.includes('NonMaxSuppression') &&
        e.message.includes("'nms_7'")
      );
    },
  );
  await assert.rejects(
    importOnnx(await model({ inputs: ['nowhere'] })),
    (e: Error) =>
      e instanceof FormatError && e.message.includes("node 'n1' (Relu)") && e.message.includes("'nowhere'"),
  );
  await assert.rejects(
    importOnnx(await model({ opset: 3 })),
    (e: Error) => e instanceof UnsupportedError && /opset/.test(e.message),
  );
});

test('importOnnx from a path names the path; options are checked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'longshort-onnx-'));
  try {
    const p = join(dir, 'bad.onnx');
    writeFileSync(p, Uint8Array.of(255, 255, 255, 255, 255));
    await assert.rejects(importOnnx(p), (e: Error) => e instanceof FormatError && e.message.includes(p));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(importOnnx(new Uint8Array(0), { strict: true } as never), ConfigError);
  await assert.rejects(importOnnx(42 as never), FormatError);
});

test('run checks its feeds: names, dtype and declared shape', async () => {
  const m = await importOnnx(await model(), { file: 'tiny.onnx' });
  assert.throws(
    () => m.run({}),
    (e: Error) => e instanceof ConfigError && e.message.includes("'X'"),
  );
  assert.throws(
    () => m.run({ X: randn([2, 3]), Z: randn([1]) }),
    (e: Error) => e instanceof ConfigError && e.message.includes("'Z'"),
  );
  assert.throws(
    () => m.run({ X: randn([2, 4]) }),
    (e: Error) => e instanceof ShapeError && /\[2, 3\].*\[2, 4\]/.test(e.message),
  );
  assert.throws(() => m.run({ X: new Tensor(new Int32Array(6), [2, 3]) }), DTypeError);
  // the LSTM's W and R must agree with hidden_size: ShapeError naming the node
  const lstm = await importOnnx(LSTM_DEFAULTS);
  assert.throws(
    () => lstm.run({ X: randn([1, 3, 2]), W: randn([1, 12, 3]), R: randn([1, 12, 3]) }),
    (e: Error) => e instanceof ShapeError || e instanceof ConfigError,
  );
});
