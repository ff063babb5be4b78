// Shared by the ONNX tests: run a folder in the ONNX backend-test layout (model.onnx +
// test_data_set_N/{input,output}_K.pb) through importOnnx and compare with tolerances.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importOnnx, type OnnxModel } from '../../../src/interop/onnx/index.js';
import { parseOnnxTensor } from '../../../src/interop/onnx/model.js';
import { toTensor } from '../../../src/interop/onnx/value.js';
import type { Tensor } from '../../../src/tensor/index.js';

export const RTOL = 1e-5;
export const ATOL = 1e-6;

/** Largest |a - b| / |b| over the elements with |b| > 1e-3 (the figure reported). */
export let maxRelSeen = 0;

/** Asserts |a - b| <= RTOL |b| + ATOL everywhere, and same shapes. */
export function assertClose(
  actual: Tensor,
  expected: Tensor,
  what: string,
  rtol = RTOL,
  atol = ATOL,
): number {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  let worst = 0;
  const a = actual.data;
  const b = expected.data;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= rtol * Math.abs(b[i]) + atol))
      assert.fail(`${what}: element ${i} is ${a[i]}, expected ${b[i]} (|diff| ${d})`);
    if (Math.abs(b[i]) > 1e-3) worst = Math.max(worst, d / Math.abs(b[i]));
  }
  maxRelSeen = Math.max(maxRelSeen, worst);
  return worst;
}

export async function readPb(path: string): Promise<Tensor> {
  return toTensor(await parseOnnxTensor(new Uint8Array(readFileSync(path)), path), path);
}

/** The case folders (each with a model.onnx) under a root, sorted; [] when it is missing. */
export function caseDirs(root: string, prefixes: readonly string[] = ['']): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => prefixes.some((p) => d.startsWith(p)) && existsSync(join(root, d, 'model.onnx')))
    .sort();
}

/**
 * Runs every data set of one case folder through `model` (default: importOnnx of its
 * model.onnx); returns the worst relative error.
 */
export async function runCase(dir: string, rtol = RTOL, atol = ATOL, model?: OnnxModel): Promise<number> {
  model ??= await importOnnx(join(dir, 'model.onnx'));
  let worst = 0;
  const sets = readdirSync(dir)
    .filter((d) => d.startsWith('test_data_set_'))
    .sort();
  assert.ok(sets.length > 0, `${dir}: no test_data_set_*`);
  for (const s of sets) {
    const files = readdirSync(join(dir, s));
    const feeds: Record<string, Tensor> = {};
    const inputs = files
      .filter((f) => /^input_\d+\.pb$/.test(f))
      .sort((x, y) => parseInt(x.slice(6)) - parseInt(y.slice(6)));
    const outputs = files
      .filter((f) => /^output_\d+\.pb$/.test(f))
      .sort((x, y) => parseInt(x.slice(7)) - parseInt(y.slice(7)));
    for (let i = 0; i < inputs.length; i++)
      feeds[model.inputNames[i]] = await readPb(join(dir, s, inputs[i]));
    const got = model.run(feeds);
    assert.equal(outputs.length, model.outputNames.length, `${dir}: output count`);
    for (let i = 0; i < outputs.length; i++) {
      const name = model.outputNames[i];
      worst = Math.max(
        worst,
        assertClose(got[name], await readPb(join(dir, s, outputs[i])), `${dir} ${s} ${name}`, rtol, atol),
      );
    }
  }
  return worst;
}
