// Models exported by torch.onnx.export (LSTM/GRU/RNN, stacked, bidirectional, batch-first,
// with initial states, Embedding and Linear) give PyTorch's outputs through importModel, from
// the path and from the bytes, on batch 3 x sequence 7 and, through the dynamic axes,
// batch 2 x sequence 9. Fixtures: test/tools/gen_onnx_torch_cases.py, one folder per
// PyTorch version (torch-1.13 from Debian's python3-torch, torch-2.13 from the venv).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../helpers/fixtures.js';
import { importModel, isOnnxModel } from '../../../src/interop/index.js';
import { caseDirs, maxRelSeen, runCase } from './helpers.js';

const ROOT = join(repoRoot, 'test', 'fixtures', 'onnx');
const versions = existsSync(ROOT)
  ? readdirSync(ROOT)
      .filter((d) => d.startsWith('torch-'))
      .sort()
  : [];

test('torch.onnx.export fixtures are present', () => {
  assert.ok(
    versions.length >= 2,
    `expected test/fixtures/onnx/torch-*/ of two versions; got ${versions.join(', ')}`,
  );
});

for (const v of versions) {
  test(`${v}: exported recurrent models give PyTorch's outputs`, async (t) => {
    const cases = caseDirs(join(ROOT, v));
    assert.ok(cases.length >= 10, `${v}: expected at least 10 cases; got ${cases.length}`);
    for (const c of cases)
      await t.test(c, async () => {
        const file = join(ROOT, v, c, 'model.onnx');
        for (const model of [
          await importModel(file),
          await importModel(new Uint8Array(readFileSync(file))),
        ]) {
          assert.ok(isOnnxModel(model), `${file}: an OnnxModel`);
          await runCase(join(ROOT, v, c), undefined, undefined, model);
        }
      });
  });
}

test.after(() => console.log(`torch.onnx.export cases: max relative error ${maxRelSeen.toExponential(2)}`));
