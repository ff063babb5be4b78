// Every attribute of the ONNX LSTM/GRU/RNN ops against onnxruntime: single-node models
// written by test/tools/gen_onnx_attr_cases.py (activations with alpha/beta, clip,
// input_forget, linear_before_reset, layout 1, sequence_lens with reverse and
// bidirectional, a batch entry of length 0, initial states, peepholes, a lone Y_c
// output), batch 3, sequence 7.
import { test } from 'node:test';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/fixtures.js';
import { caseDirs, maxRelSeen, runCase } from './helpers.js';

const ROOT = join(repoRoot, 'test', 'fixtures', 'onnx', 'attributes');

test('ONNX recurrent attributes match onnxruntime', async (t) => {
  const cases = caseDirs(ROOT);
  if (cases.length < 27) throw new Error(`expected the 27 committed cases in ${ROOT}; got ${cases.length}`);
  for (const c of cases) await t.test(c, async () => void (await runCase(join(ROOT, c))));
});

test.after(() => console.log(`onnx attribute cases: max relative error ${maxRelSeen.toExponential(2)}`));
