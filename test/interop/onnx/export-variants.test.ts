// LSTM/GRU/RNN modules and Keras-front models with cell variants (peepholes, coupled input-forget gate, clip,
// other activations, the reset-before GRU) exported by exportOnnx and run by onnxruntime:
// test/fixtures/onnx/export-variants, written by test/tools/gen_onnx_export_cases.py
// (onnx.checker full check, onnxruntime's outputs), batch 3 x sequence 7. The rebuilt
// module gives onnxruntime's outputs, exports the same bytes, and importOnnx runs the
// committed file to the same outputs. (The Keras-front cases: the model rebuilt from its
// layer configs and seed.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { manualSeed } from '../../../src/core/rng.js';
import { exportOnnx } from '../../../src/interop/onnx/index.js';
import { layerFromConfig, sequential, type SequentialModel } from '../../../src/models/index.js';
import { GRU, LSTM, RNN, type RNNBase } from '../../../src/nn/index.js';
import type { Tensor } from '../../../src/tensor/index.js';
import { repoRoot } from '../../helpers/fixtures.js';
import { assertClose, caseDirs, maxRelSeen, readPb, runCase } from './helpers.js';

const ROOT = join(repoRoot, 'test', 'fixtures', 'onnx', 'export-variants');
const CLASSES = { LSTM, GRU, RNN } as const;

interface SequentialSpec {
  class: 'Sequential';
  layers: Array<Parameters<typeof layerFromConfig>[0]>;
  seed: number;
}

interface CaseSpec {
  class: keyof typeof CLASSES;
  inputSize: number;
  hiddenSize: number;
  options: Record<string, unknown>;
  seed: number;
  initialStates: boolean;
}

function build(spec: CaseSpec): RNNBase {
  manualSeed(spec.seed);
  return new CLASSES[spec.class](spec.inputSize, spec.hiddenSize, spec.options);
}

function buildSequential(spec: SequentialSpec): SequentialModel {
  manualSeed(spec.seed);
  return sequential(spec.layers.map((l) => layerFromConfig(l)));
}

test("exported cell variants: the module gives onnxruntime's outputs and exports the committed file", async (t) => {
  const cases = caseDirs(ROOT);
  if (cases.length < 14) throw new Error(`expected the 14 committed cases in ${ROOT}; got ${cases.length}`);
  for (const c of cases) {
    await t.test(c, async () => {
      const dir = join(ROOT, c);
      const raw = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseSpec | SequentialSpec;
      const set = join(dir, 'test_data_set_0');
      if (raw.class === 'Sequential') {
        const model = buildSequential(raw);
        const bytes = await exportOnnx(model);
        assert.ok(
          Buffer.from(bytes).equals(readFileSync(join(dir, 'model.onnx'))),
          `${c}: the committed file`,
        );
        const x = await readPb(join(set, 'input_0.pb'));
        assertClose(model.predict(x), await readPb(join(set, 'output_0.pb')), `${c} output`);
        await runCase(dir);
        return;
      }
      const spec = raw;
      const m = build(spec);
      const bytes = await exportOnnx(m, spec.initialStates ? { initialStates: true } : {});
      assert.ok(
        Buffer.from(bytes).equals(readFileSync(join(dir, 'model.onnx'))),
        `${c}: exportOnnx writes the committed model.onnx`,
      );
      const x = await readPb(join(set, 'input_0.pb'));
      assert.ok(x.shape.includes(3) && x.shape.includes(7), `${c}: batch 3, sequence 7`);
      const h0 = spec.initialStates ? await readPb(join(set, 'input_1.pb')) : null;
      const c0 = spec.initialStates && spec.class === 'LSTM' ? await readPb(join(set, 'input_2.pb')) : null;
      let got: Tensor[];
      if (m instanceof LSTM) {
        const [o, [h, cc]] = m.forward(x, h0 === null ? null : [h0, c0 as Tensor]);
        got = [o, h, cc];
      } else {
        const [o, h] = (m as GRU | RNN).forward(x, h0);
        got = [o, h];
      }
      for (let k = 0; k < got.length; k++)
        assertClose(got[k], await readPb(join(set, `output_${k}.pb`)), `${c} output ${k}`);
      await runCase(dir);
    });
  }
});

test.after(() =>
  console.log(`exported cell variants vs onnxruntime: max relative error ${maxRelSeen.toExponential(2)}`),
);
