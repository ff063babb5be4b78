// The ONNX backend node tests for LSTM, GRU and RNN: Debian's libonnx-testdata (when
// installed) and the cases the onnx wheel's generators write (committed fixtures, by
// test/tools/gen_onnx_backend_cases.py), every one through importOnnx.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/fixtures.js';
import { caseDirs, maxRelSeen, runCase } from './helpers.js';

const DEBIAN = '/usr/share/libonnx-testdata/data/node';
const WHEEL = join(repoRoot, 'test', 'fixtures', 'onnx', 'backend-node');
const PREFIXES = ['test_lstm_', 'test_gru_', 'test_rnn_', 'test_simple_rnn_'];

const debianCases = caseDirs(DEBIAN, PREFIXES);
test(
  'Debian libonnx-testdata: LSTM/GRU/RNN node tests',
  { skip: debianCases.length === 0 ? `${DEBIAN} not installed` : false },
  async (t) => {
    for (const c of debianCases) await t.test(c, async () => void (await runCase(join(DEBIAN, c))));
  },
);

const wheelCases = caseDirs(WHEEL, PREFIXES);
test('onnx wheel case generators: LSTM/GRU/RNN node tests', async (t) => {
  if (wheelCases.length < 18)
    throw new Error(`expected the 18 committed cases in ${WHEEL}; got ${wheelCases.length}`);
  for (const c of wheelCases) await t.test(c, async () => void (await runCase(join(WHEEL, c))));
});

test.after(() => console.log(`onnx backend node tests: max relative error ${maxRelSeen.toExponential(2)}`));

test('every node runs on the fused op: PyTorch-standard ones without a variant (the fast kernels), others with one', async () => {
  const { onnxRecurrentRuns } = await import('../../../src/interop/onnx/recurrent-fast.js');
  const before = { ...onnxRecurrentRuns };
  await runCase(join(WHEEL, 'test_lstm_defaults'));
  assert.deepEqual(onnxRecurrentRuns, { fast: before.fast + 1, variant: before.variant }, 'lstm defaults');
  await runCase(join(WHEEL, 'test_gru_with_initial_bias')); // linear_before_reset = 0: a variant
  assert.deepEqual(
    onnxRecurrentRuns,
    { fast: before.fast + 1, variant: before.variant + 1 },
    'gru reset-before',
  );
});
