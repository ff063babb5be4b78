// The mt19937 generator against PyTorch: test/fixtures/rng/torch_mt19937.json (from
// test/tools/gen_rng_fixtures.py) lists, per seed, what torch.manual_seed(seed) and then
// rand / uniform_ / randint / randperm / dropout and module constructors drew, in order. Replayed
// here after manualSeed(seed, { algorithm: 'mt19937' }), every value must be the same.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { setDefaultDtype } from '../../src/core/dtype.js';
import { FormatError } from '../../src/core/errors.js';
import { defaultGenerator, Generator, manualSeed } from '../../src/core/rng.js';
import { GRU, GRUCell, Linear, LSTM, RNN, type Module } from '../../src/nn/index.js';
import { uniform_ } from '../../src/nn/init.js';
import { dropout, rand, randint, tensor, zeros } from '../../src/tensor/index.js';
import { repoRoot } from '../helpers/fixtures.js';
import { throwsWith } from '../helpers/assert.js';

type Step =
  | { op: 'rand'; shape: number[]; dtype: 'float32' | 'float64'; values: number[] }
  | { op: 'uniform_'; shape: number[]; low: number; high: number; values: number[] }
  | { op: 'randint'; low: number; high: number; shape: number[]; values: number[] }
  | { op: 'randperm'; n: number; values: number[] }
  | { op: 'dropout'; input: number[]; p: number; values: number[] }
  | {
      op: 'module';
      kind: string;
      args: number[];
      kwargs: Record<string, unknown>;
      values: Array<[string, number[], number[]]>;
    };

const fixture = JSON.parse(
  readFileSync(join(repoRoot, 'test', 'fixtures', 'rng', 'torch_mt19937.json'), 'utf8'),
) as {
  torch: string;
  cases: Array<{ seed: number; steps: Step[] }>;
};

after(() => manualSeed(0, { algorithm: 'xoshiro128**' }));

function camel(k: string): string {
  return k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function makeModule(kind: string, args: number[], kwargs: Record<string, unknown>): Module {
  const { dtype, ...rest } = kwargs;
  const options = Object.fromEntries(Object.entries(rest).map(([k, v]) => [camel(k), v]));
  if (dtype === 'float64') setDefaultDtype('float64');
  try {
    const [a, b] = args;
    switch (kind) {
      case 'LSTM':
        return new LSTM(a, b, options);
      case 'GRU':
        return new GRU(a, b, options);
      case 'RNN':
        return new RNN(a, b, options);
      case 'GRUCell':
        return new GRUCell(a, b, options);
      case 'Linear':
        return new Linear(a, b, options);
      default:
        throw new Error(`fixture module kind ${kind} is not mapped`);
    }
  } finally {
    setDefaultDtype('float32');
  }
}

for (const { seed, steps } of fixture.cases) {
  test(`mt19937 seed ${seed} draws what PyTorch ${fixture.torch} draws after torch.manual_seed(${seed})`, () => {
    manualSeed(seed, { algorithm: 'mt19937' });
    for (const [i, step] of steps.entries()) {
      const at = `seed ${seed}, step ${i} (${step.op}${step.op === 'module' ? ` ${step.kind}` : ''})`;
      switch (step.op) {
        case 'rand':
          assert.deepEqual(Array.from(rand(step.shape, { dtype: step.dtype }).data), step.values, at);
          break;
        case 'uniform_':
          assert.deepEqual(
            Array.from(uniform_(zeros(step.shape), step.low, step.high).data),
            step.values,
            at,
          );
          break;
        case 'randint':
          assert.deepEqual(Array.from(randint(step.low, step.high, step.shape).data), step.values, at);
          break;
        case 'randperm':
          assert.deepEqual(defaultGenerator.permutation(step.n), step.values, at);
          break;
        case 'dropout':
          assert.deepEqual(Array.from(dropout(tensor(step.input), step.p, true).data), step.values, at);
          break;
        case 'module': {
          const m = makeModule(step.kind, step.args, step.kwargs);
          const sd = m.stateDict();
          assert.deepEqual(
            Object.keys(sd),
            step.values.map(([k]) => k),
            `${at}: keys`,
          );
          for (const [k, shape, values] of step.values) {
            assert.deepEqual(sd[k].shape, shape, `${at}: ${k} shape`);
            assert.deepEqual(Array.from(sd[k].data), values, `${at}: ${k}`);
          }
          break;
        }
      }
    }
  });
}

test('mt19937 state: getState / setState resume the stream; the algorithm sticks across seeds', () => {
  const g = new Generator(5, { algorithm: 'mt19937' });
  for (let i = 0; i < 700; i++) g.nextUint32(); // past a twist
  const st = g.getState();
  const next = [g.nextUint32(), g.uniform(), g.randint(10)];
  const h = new Generator(0);
  h.setState(st);
  assert.equal(h.algorithm, 'mt19937');
  assert.deepEqual([h.nextUint32(), h.uniform(), h.randint(10)], next);
  g.seed(9);
  assert.equal(g.algorithm, 'mt19937');
  assert.equal(new Generator(1).algorithm, 'xoshiro128**');
  throwsWith(
    () => h.setState({ algorithm: 'mt19937', s: [1, 2, 3, 4], spare: null }),
    FormatError,
    '624 unsigned 32-bit integers',
    '4 values',
  );
  throwsWith(
    () => h.setState({ algorithm: 'mt19937', s: st.s, index: 700, spare: null }),
    FormatError,
    'index',
    '0..624',
    '700',
  );
});
