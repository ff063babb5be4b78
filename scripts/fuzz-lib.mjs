// The loaders scripts/fuzz.mjs fuzzes, their seed inputs, and the seeded mutator.
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { interopLoaders } from './fuzz-interop.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => import(join(root, 'dist', p));

/** A small, fast PRNG (mulberry32) seeded by (run seed, input index). */
export function rng(seed, index) {
  let a = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), index };
}

const INTERESTING32 = [
  0,
  1,
  -1,
  0x7f,
  0x80,
  0xff,
  0x7fff,
  0x8000,
  0xffff,
  0x7fffffff,
  -0x80000000,
  0x40000000,
  1e6 | 0,
  20000,
];
const INTERESTING8 = [0, 1, 0x7f, 0x80, 0xff, 0x28, 0x2e, 0x5b, 0x7b, 0x30, 0x39, 0x2d];

/** One input: a seed with 1-8 random mutations (bit flips, interesting values, splices, cuts). */
export function mutate(seeds, r) {
  let b = Uint8Array.from(seeds[r.int(seeds.length)]);
  const rounds = 1 + r.int(8);
  for (let k = 0; k < rounds; k++) {
    const n = b.length;
    const at = n === 0 ? 0 : r.int(n);
    switch (r.int(9)) {
      case 0:
        if (n > 0) b[at] ^= 1 << r.int(8);
        break;
      case 1:
        if (n > 0) b[at] = INTERESTING8[r.int(INTERESTING8.length)];
        break;
      case 2:
        if (n >= 4)
          new DataView(b.buffer).setInt32(
            Math.min(at, n - 4),
            INTERESTING32[r.int(INTERESTING32.length)],
            r.next() < 0.5,
          );
        break;
      case 3:
        if (n > 0) b[at] = r.int(256);
        break;
      case 4: {
        // delete a run
        const len = 1 + r.int(Math.min(16, Math.max(1, n - at)));
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + len)]);
        break;
      }
      case 5: {
        // duplicate a run (grows nesting and repetition)
        const len = 1 + r.int(32);
        const piece = b.subarray(at, at + len);
        const times = 1 + r.int(r.next() < 0.1 ? 2000 : 4);
        const parts = [b.subarray(0, at)];
        for (let t = 0; t < times; t++) parts.push(piece);
        parts.push(b.subarray(at));
        b = concat(parts);
        break;
      }
      case 6:
        b = b.subarray(0, at).slice();
        break;
      case 7: {
        // splice in a piece of another seed
        const o = seeds[r.int(seeds.length)];
        const from = r.int(Math.max(1, o.length));
        const piece = o.subarray(from, from + 1 + r.int(64));
        b = concat([b.subarray(0, at), piece, b.subarray(at + r.int(8))]);
        break;
      }
      default:
        if (n >= 8)
          new DataView(b.buffer).setBigInt64(
            Math.min(at, n - 8),
            BigInt.asIntN(64, BigInt(r.int(2 ** 31)) << BigInt(r.int(33))),
            true,
          );
    }
  }
  return b;
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function ptSeeds() {
  const { serializeTorchStateDict } = await dist('src/io/torch-file.js');
  const { LSTM, Linear } = await dist('src/nn/index.js');
  const { manualSeed } = await dist('src/core/rng.js');
  const { tensor } = await dist('src/tensor/index.js');
  manualSeed(1);
  const out = [
    serializeTorchStateDict(new LSTM(3, 2).stateDict(), 'archive'),
    serializeTorchStateDict(new Linear(2, 2).stateDict(), 'm'),
    serializeTorchStateDict(
      { a: tensor([1, 2, 3], { dtype: 'int32' }), b: tensor([[0.5]], { dtype: 'float64' }) },
      'x',
    ),
  ];
  const fx = join(root, 'test', 'fixtures', 'pt');
  if (existsSync(fx))
    for (const f of readdirSync(fx).sort())
      if (f.endsWith('.pt')) out.push(new Uint8Array(readFileSync(join(fx, f))));
  return out;
}

/** Each loader: `seeds(seedDir)` (deterministic for a run) and `run(input, workDir)`. */
export const LOADERS = {
  safetensors: {
    async seeds() {
      const { serializeSafetensors } = await dist('src/io/safetensors.js');
      const { tensor } = await dist('src/tensor/index.js');
      return [
        serializeSafetensors(
          {
            w: tensor([
              [1, 2],
              [3, 4],
            ]),
            b: tensor([0.5]),
          },
          { metadata: { format: 'pt' } },
        ),
        serializeSafetensors({
          x: tensor([1, 2, 3], { dtype: 'float64' }),
          i: tensor([7], { dtype: 'int32' }),
        }),
        serializeSafetensors({}),
      ];
    },
    async run(input) {
      const { parseSafetensors } = await dist('src/io/safetensors.js');
      parseSafetensors(input);
    },
  },
  pt: {
    seeds: ptSeeds,
    async run(input) {
      const { parseTorchCheckpoint, torchStateDict } = await dist('src/io/torch-file.js');
      const v = parseTorchCheckpoint(input, 'fuzz.pt');
      torchStateDict(v);
    },
  },
  pickle: {
    // the pickle inside a valid archive (CRC recomputed), so mutations reach the reader and torch's rebuild
    async seeds() {
      const { readZip } = await dist('src/io/zip-read.js');
      const out = [];
      for (const f of await ptSeeds()) {
        try {
          const files = readZip(f, () => true, 'seed');
          const pkl = [...files.keys()].find((k) => k.endsWith('data.pkl'));
          if (pkl === undefined) continue;
          const prefix = pkl.slice(0, -'data.pkl'.length);
          const storages = [...files.keys()]
            .filter((k) => k.startsWith(`${prefix}data/`))
            .map((k) => [k.slice(prefix.length + 5), files.get(k)]);
          out.push(encodeBundle(files.get(pkl), storages));
        } catch {
          // a seed that is not a zip (the legacy fixture)
        }
      }
      return out;
    },
    async run(input) {
      const { ptArchive } = await dist('test/io/hostile-builders.js');
      const { parseTorchCheckpoint, torchStateDict, torchOptimizerState } =
        await dist('src/io/torch-file.js');
      const [pkl, storages] = decodeBundle(input);
      const v = parseTorchCheckpoint(ptArchive(pkl, Object.fromEntries(storages)), 'fuzz.pt');
      try {
        torchStateDict(v);
      } finally {
        if (v instanceof Map && v.has('optimizer')) torchOptimizerState(v, { key: 'optimizer' });
      }
    },
  },
  zip: {
    seeds: ptSeeds,
    async run(input) {
      const { readZip } = await dist('src/io/zip-read.js');
      readZip(input, () => true, 'fuzz.zip');
    },
  },
  csv: {
    async seeds() {
      const enc = (s) => new TextEncoder().encode(s);
      return [
        enc('date,x,y\n2020-01-01,1,2.5\n2020-01-02,,3e2\n2020-01-03,4,-1\n'),
        enc('"a","b"\n1,2\n3,4\n5,"6"\n'),
        enc('x\n1\nNA\n3\n'),
      ];
    },
    async run(input, _work, r) {
      const { parseCsvColumns } = await dist('src/data/index.js');
      const text = new TextDecoder().decode(input);
      const first = text
        .split('\n')[0]
        .split(',')
        .map((c) => c.replace(/"/g, ''));
      const columns = first.length > 1 && r.next() < 0.8 ? first.slice(1) : [first[0] ?? 'x'];
      const missing = ['error', 'skip', 'interpolate'][r.int(3)];
      parseCsvColumns(text, { columns, missing, ...(r.next() < 0.5 ? { dateColumn: first[0] } : {}) });
    },
  },
  model: {
    // the three files of a saved model in one input; mutations hit model.json, the weights or the optimizer
    async seeds(seedDir) {
      const out = [];
      for (const d of readdirSync(seedDir).sort()) {
        const files = ['model.json', 'weights.safetensors', 'optimizer.json', 'optimizer.safetensors'].map(
          (f) => [
            f,
            existsSync(join(seedDir, d, f)) ? new Uint8Array(readFileSync(join(seedDir, d, f))) : null,
          ],
        );
        out.push(
          encodeBundle(
            new Uint8Array(0),
            files.filter(([, v]) => v !== null),
          ),
        );
      }
      return out;
    },
    async run(input, work) {
      const { loadModel } = await dist('src/models/index.js');
      const [, files] = decodeBundle(input);
      const dir = join(work, 'm');
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      for (const [name, data] of files) if (/^[a-z.]+$/.test(name)) writeFileSync(join(dir, name), data);
      await loadModel(dir);
    },
  },
};

Object.assign(LOADERS, interopLoaders({ encodeBundle, decodeBundle }));

// Loaders that misbehave on purpose (input 3 of each run), so tests can check that the
// watchdog sees hangs, crashes, untyped errors and memory overruns. Not run by default.
const one = async () => [Uint8Array.of(1)];
LOADERS._hang = {
  seeds: one,
  run: async (_i, _w, r) => {
    if (r.index === 3) for (;;);
  },
};
LOADERS._crash = {
  seeds: one,
  run: async (_i, _w, r) => {
    if (r.index === 3) process.kill(process.pid, 'SIGSEGV');
  },
};
LOADERS._untyped = {
  seeds: one,
  run: async (_i, _w, r) => {
    if (r.index === 3) throw new TypeError('boom');
  },
};
LOADERS._memory = {
  seeds: one,
  run: async (_i, _w, r) => {
    if (r.index !== 3) return;
    const hold = [];
    for (;;) hold.push(new Float64Array(1 << 20).fill(1));
  },
};

/** Writes the model-loader seeds: a few saved models, one per subdirectory of `dir`. */
export async function writeModelSeeds(dir) {
  const { sequential, lstm, gru, dense, embedding, dropout, bidirectional } =
    await dist('src/models/index.js');
  const { manualSeed } = await dist('src/core/rng.js');
  const { tensor } = await dist('src/tensor/index.js');
  manualSeed(3);
  const a = sequential([lstm({ units: 3, inputShape: [4, 2] }), dense({ units: 1 })]);
  const b = sequential([
    embedding({ inputDim: 5, outputDim: 2, inputShape: [3] }),
    gru({ units: 2 }),
    dropout({ rate: 0.1 }),
    dense({ units: 2, activation: 'softmax' }),
  ]);
  b.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'adam', metrics: ['accuracy'] });
  await b.fit(
    tensor(
      [
        [1, 2, 3],
        [0, 4, 1],
      ],
      { dtype: 'int32' },
    ),
    tensor([0, 1], { dtype: 'int32' }),
    { epochs: 1, verbose: 0, seed: 1 },
  );
  const c = sequential([
    bidirectional(lstm({ units: 2, returnSequences: true }), { inputShape: [3, 1] }),
    dense({ units: 1 }),
  ]);
  c.compile({ loss: 'mse', optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 } });
  await c.fit(tensor([[[1], [2], [3]]]), tensor([[[1], [0], [1]]]), { epochs: 1, verbose: 0, seed: 2 });
  for (const [k, m] of [
    ['a', a],
    ['b', b],
    ['c', c],
  ])
    await m.save(join(dir, k));
}

/** [bytes, [name, bytes][]] in one buffer: little-endian lengths before each piece. */
function encodeBundle(head, entries) {
  const enc = new TextEncoder();
  const parts = [];
  const len = (n) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    return b;
  };
  parts.push(len(head.length), head);
  for (const [name, data] of entries) {
    const nb = enc.encode(name);
    parts.push(len(nb.length), nb, len(data.length), data);
  }
  return concat(parts);
}

/** The inverse of encodeBundle; a mutated length is clipped to the bytes left. */
function decodeBundle(b) {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 0;
  const piece = () => {
    if (at + 4 > b.length) return null;
    const n = Math.min(dv.getUint32(at, true), b.length - at - 4);
    const out = b.subarray(at + 4, at + 4 + n);
    at += 4 + n;
    return out;
  };
  const head = piece() ?? new Uint8Array(0);
  const entries = [];
  const dec = new TextDecoder();
  for (;;) {
    const name = piece();
    const data = piece();
    if (name === null || data === null) break;
    entries.push([dec.decode(name), data]);
  }
  return [head, entries];
}
