// PyTorch checkpoints (torch.save files) read without Python. The fixtures in
// test/fixtures/pt come from test/tools/gen_torch_pt.py (PyTorch 1.13) and, protocol0/1.pt,
// from test/tools/gen_pickle_fixtures.py; every X.pt there
// is checked against its X.json (the tree torch.save was given, the outputs of a model
// loaded from it, a pickled module's state_dict(), or the error expected).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';

import { ConfigError, FormatError, UnsupportedError } from '../../src/core/errors.js';
import { manualSeed } from '../../src/core/rng.js';
import {
  loadTorchCheckpoint,
  loadTorchCheckpointSync,
  parseTorchCheckpoint,
  PickleObject,
  saveTorchStateDict,
  serializeTorchStateDict,
  torchOptimizerState,
  torchStateDict,
} from '../../src/io/torch-file.js';
import { unpickle } from '../../src/io/pickle.js';
import { Linear, LSTM, Module } from '../../src/nn/index.js';
import { Adam } from '../../src/optim/index.js';
import { Tensor, tensor } from '../../src/tensor/index.js';
import { repoRoot } from '../helpers/fixtures.js';
import { runPython, torchSkipReason } from '../helpers/python.js';
import { assertPySequence, throwsWith } from '../helpers/assert.js';

const dir = join(repoRoot, 'test', 'fixtures', 'pt');

type Expected =
  | { __tensor__: true; dtype: string; shape: number[]; values: number[] }
  | { __dict__: Array<[unknown, Expected]> }
  | { __list__: Expected[] }
  | { __tuple__: Expected[] }
  | { __object__: string; state: Expected }
  | number
  | string
  | boolean
  | null;

const DTYPES: Record<string, string> = {
  float32: 'float32',
  float16: 'float32',
  bfloat16: 'float32',
  float64: 'float64',
  int64: 'int32',
  int32: 'int32',
  bool: 'int32',
};

function toTensor(e: { shape: number[]; values: number[] }): Tensor {
  return tensor(e.values, { shape: e.shape, dtype: 'float32' });
}

/** Checks a value read from a checkpoint against the generator's description of it. */
function same(actual: unknown, e: Expected, at: string): void {
  if (e === null || typeof e !== 'object') return assert.equal(actual, e, at);
  if ('__tensor__' in e) {
    assert.ok(actual instanceof Tensor, `${at}: a tensor`);
    assert.equal(actual.dtype, DTYPES[e.dtype], `${at}: dtype for ${e.dtype}`);
    assert.deepEqual(actual.shape, e.shape, `${at}: shape`);
    assert.deepEqual(Array.from(actual.data, Number), e.values, `${at}: values`);
  } else if ('__dict__' in e) {
    assert.ok(actual instanceof Map, `${at}: a dict`);
    assert.deepEqual(
      [...actual.keys()],
      e.__dict__.map(([k]) => k),
      `${at}: keys in order`,
    );
    for (const [k, v] of e.__dict__) same(actual.get(k), v, `${at}/${String(k)}`);
  } else if ('__list__' in e || '__tuple__' in e) {
    const items = '__list__' in e ? e.__list__ : e.__tuple__;
    assertPySequence(actual, items, '__tuple__' in e, at, same);
  } else if ('__object__' in e) {
    assert.ok(actual instanceof PickleObject, `${at}: an object`);
    assert.equal(actual.className, e.__object__);
    same(actual.state, e.state, `${at}.state`);
  }
}

class Net extends Module {
  readonly lstm = this.registerModule('lstm', new LSTM(3, 4, { numLayers: 2, bidirectional: true }));
  readonly fc = this.registerModule('fc', new Linear(8, 2));
}

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

test('the fixture folder holds checkpoints to read', () => {
  assert.ok(files.length >= 4, `${files.length} fixtures in ${dir}`);
});

for (const file of files) {
  const name = file.slice(0, -'.json'.length);
  test(`torch.save fixture ${name}.pt`, async () => {
    const spec = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      value?: Expected;
      error?: { name: string; match: string };
      model?: { input: { shape: number[]; values: number[] }; output: { shape: number[]; values: number[] } };
      stateDict?: Expected;
      resume?: {
        input: { shape: number[]; values: number[] };
        after: { __dict__: Array<[string, { shape: number[]; values: number[] }]> };
      };
    };
    const path = join(dir, `${name}.pt`);
    if (spec.error !== undefined) {
      const err = spec.error;
      await assert.rejects(
        loadTorchCheckpoint(path),
        (e: Error) => e.name === err.name && e.message.includes(err.match) && e.message.includes(path),
      );
      return;
    }
    const value = await loadTorchCheckpoint(path);
    assert.deepEqual(loadTorchCheckpointSync(path), value);
    if (spec.value !== undefined) same(value, spec.value, name);
    if (spec.stateDict !== undefined) same(torchStateDict(value), spec.stateDict, `${name} state dict`);
    if (spec.resume !== undefined) {
      // training saved by PyTorch (model + Adam state) continues here with PyTorch's next step
      const net = new Net();
      net.loadStateDict(torchStateDict(value, { key: 'model' }));
      const opt = new Adam(net.parameters(), { lr: 0.01 });
      opt.loadStateDict(torchOptimizerState(value, { key: 'optimizer' }));
      const [o] = net.lstm.forward(toTensor(spec.resume.input));
      net.fc.forward(o).sum().backward();
      opt.step();
      const sd = net.stateDict();
      for (const [k, e] of spec.resume.after.__dict__) {
        sd[k]
          .toArray()
          .forEach((v, i) =>
            assert.ok(
              Math.abs(v - e.values[i]) <= 1e-6,
              `${k}[${i}] after the resumed step: ${v} vs PyTorch ${e.values[i]}`,
            ),
          );
      }
    }
    if (spec.model !== undefined) {
      // the PyTorch model's weights load unchanged and compute PyTorch's output
      const net = new Net();
      net.loadStateDict(torchStateDict(value));
      const [o] = net.lstm.forward(toTensor(spec.model.input));
      const y = net.fc.forward(o);
      assert.deepEqual(y.shape, spec.model.output.shape);
      y.toArray().forEach((v, i) =>
        assert.ok(
          Math.abs(v - spec.model!.output.values[i]) <= 1e-5,
          `output[${i}]: ${v} vs PyTorch ${spec.model!.output.values[i]}`,
        ),
      );
    }
  });
}

test('torchStateDict: picks a checkpoint entry, strips a prefix, says what to pass', () => {
  const ckpt = loadTorchCheckpointSync(join(dir, 'checkpoint.pt')) as Map<string, unknown>;
  throwsWith(
    () => torchStateDict(ckpt),
    FormatError,
    'expected a dict of tensors',
    'epoch',
    "pass { key: 'model' }",
  );
  const sd = torchStateDict(ckpt, { key: 'model' });
  assert.equal(sd.get('fc.bias')?.shape[0], 2);
  const lstmOnly = torchStateDict(ckpt, { key: 'model', stripPrefix: 'lstm.' });
  const lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true });
  const r = lstm.loadStateDict(lstmOnly, { strict: false });
  assert.deepEqual(r.missingKeys, []);
  assert.deepEqual(r.unexpectedKeys, ['fc.weight', 'fc.bias']);
  throwsWith(() => torchStateDict(ckpt, { key: 'nope' }), FormatError, "no entry 'nope'", 'epoch, model');
  throwsWith(
    () => torchStateDict(ckpt, { key: 'epoch' }),
    FormatError,
    'expected a dict of tensors',
    'a number',
  );
  throwsWith(() => torchStateDict(ckpt.get('args')), FormatError, 'argparse.Namespace', 'state_dict()');
  throwsWith(
    () => torchOptimizerState(ckpt, { key: 'model' }),
    FormatError,
    'expected an optimizer state dict',
    'lstm.weight_ih_l0',
  );
  throwsWith(() => torchOptimizerState(ckpt, { key: 'opt' }), FormatError, "no entry 'opt'", 'optimizer');
});

test('malformed files are FormatErrors naming the source; other formats are UnsupportedErrors', () => {
  throwsWith(
    () => parseTorchCheckpoint(new Uint8Array([1, 2, 3, 4, 5]), 'x.pt'),
    FormatError,
    'x.pt',
    'expected a zip archive',
    '01 02 03 04',
  );
  const good = readFileSync(join(dir, 'protocol4.pt'));
  throwsWith(
    () => parseTorchCheckpoint(good.subarray(0, good.length - 30), 'cut.pt'),
    FormatError,
    'cut.pt',
    'zip',
  );
  const pkl = Object.entries(unzipSync(good)).find(([n]) => n.endsWith('data.pkl'))!;
  throwsWith(
    () => parseTorchCheckpoint(zipSync({ [pkl[0]]: pkl[1] }), 'nostorage.pt'),
    FormatError,
    'storage 0 is missing',
  );
  throwsWith(
    () => parseTorchCheckpoint(zipSync({ 'a/other.txt': new Uint8Array(1) }), 'empty.pt'),
    FormatError,
    'no data.pkl',
  );
  throwsWith(
    () =>
      parseTorchCheckpoint(
        zipSync({ 'm/constants.pkl': new Uint8Array(1), 'm/code/x.py': new Uint8Array(1) }),
        'ts.pt',
      ),
    UnsupportedError,
    'TorchScript',
  );
  throwsWith(
    () => parseTorchCheckpoint(zipSync({ 'a/data.pkl': new Uint8Array([0x80, 2, 0xff]) }), 'op.pt'),
    FormatError,
    'unknown opcode 0xff',
  );
  throwsWith(
    () =>
      parseTorchCheckpoint(
        zipSync({ 'a/data.pkl': new Uint8Array([0x80, 2, 0x58, 9, 0, 0, 0, 0x41]) }),
        'trunc.pt',
      ),
    FormatError,
    'truncated',
  );
});

test('the pickle reader builds values only: a call to os.system stays an inert object', () => {
  // cos\nsystem\n(S'echo pwned'\ntR.  (protocol 0: os.system('echo pwned'))
  const evil = new TextEncoder().encode("cos\nsystem\n(S'echo pwned'\ntR.");
  const v = unpickle(evil);
  assert.ok(v instanceof PickleObject);
  assert.equal(v.className, 'os.system');
  assert.deepEqual(v.args, ['echo pwned']);
});

test('serializeTorchStateDict / saveTorchStateDict: what is written reads back as written', async () => {
  const dict = new Map<string, Tensor>([
    [
      'lstm.weight_ih_l0',
      tensor([
        [1.5, -2],
        [3, 4.25],
        [0, 1e-30],
      ]),
    ],
    ['scalar', tensor(7.5, { dtype: 'float64' })],
    ['ids', tensor([1, -2, 2147483647], { dtype: 'int32' })],
    ['empty', tensor([], { shape: [0, 3] })],
  ]);
  const back = torchStateDict(parseTorchCheckpoint(serializeTorchStateDict(dict)));
  assert.deepEqual([...back.keys()], [...dict.keys()]);
  for (const [k, t] of dict) {
    assert.equal(back.get(k)!.dtype, t.dtype, k);
    assert.deepEqual(back.get(k)!.shape, t.shape, k);
    assert.deepEqual(back.get(k)!.toArray(), t.toArray(), k);
  }
  const dirPath = mkdtempSync(join(tmpdir(), 'longshort-pt-'));
  try {
    const path = join(dirPath, 'model.pt');
    await saveTorchStateDict(path, dict);
    assert.deepEqual([...torchStateDict(loadTorchCheckpointSync(path)).keys()], [...dict.keys()]);
    assert.deepEqual(readdirSync(dirPath), ['model.pt'], 'no temporary file left');
  } finally {
    rmSync(dirPath, { recursive: true, force: true });
  }
  throwsWith(
    () => serializeTorchStateDict({ a: 3 as unknown as Tensor }),
    ConfigError,
    '"a" must be a Tensor',
  );
});

test('torch.load in Python reads what saveTorchStateDict wrote (also with weights_only=True)', async (t) => {
  const skip = torchSkipReason();
  if (skip !== null) return t.skip(skip);
  const dirPath = mkdtempSync(join(tmpdir(), 'longshort-pt-'));
  try {
    manualSeed(3);
    const lstm = new LSTM(3, 4, { numLayers: 2, projSize: 2, bidirectional: true });
    const path = join(dirPath, 'lstm.pt');
    await saveTorchStateDict(path, lstm.stateDict());
    const x = tensor(
      Array.from({ length: 15 }, (_, i) => Math.sin(i)),
      { shape: [5, 1, 3] },
    );
    const [o] = lstm.forward(x);
    const out = runPython(
      [
        'import json, sys, torch',
        'sd = torch.load(sys.argv[1], weights_only=True)',
        'm = torch.nn.LSTM(3, 4, num_layers=2, proj_size=2, bidirectional=True)',
        'm.load_state_dict(sd)',
        'x = torch.tensor(json.loads(sys.argv[2])).reshape(5, 1, 3)',
        'print(json.dumps({"keys": list(sd.keys()), "out": m(x)[0].reshape(-1).tolist()}))',
      ].join('\n'),
      path,
      JSON.stringify(x.toArray()),
    );
    const r = JSON.parse(out) as { keys: string[]; out: number[] };
    assert.deepEqual(r.keys, Object.keys(lstm.stateDict()));
    o.toArray().forEach((v, i) =>
      assert.ok(Math.abs(v - r.out[i]) <= 1e-5, `output[${i}]: ${v} vs PyTorch ${r.out[i]}`),
    );
  } finally {
    rmSync(dirPath, { recursive: true, force: true });
  }
});
