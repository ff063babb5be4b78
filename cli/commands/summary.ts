/*
 * `longshort summary MODEL`: the Keras-style summary table of a model: a directory
 * saved with `model.save(dir)` (e.g. by `longshort textgen train`), or a Keras
 * `.keras` / `.h5` file, a TF.js model.json, a brain.js .json; for an `.onnx` file its
 * inputs, outputs (name, type, shape) and nodes; for a state dict (torch.save `.pt` /
 * `.pth`, `.safetensors`) its tensors (key, dtype, shape) and their total size.
 */
import { readStateDict } from './convert.js';
import {
  importModel,
  isOnnxModel,
  type OnnxModel,
  type OnnxValueInfo,
  type Tensor,
} from '../../src/index.js';

const ELEM_TYPES: Record<number, string> = { 1: 'float32', 6: 'int32', 7: 'int64', 9: 'bool', 11: 'float64' };

function valueInfo(v: OnnxValueInfo): string {
  const shape = v.shape === null ? '?' : `[${v.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
  return `  ${v.name.padEnd(24)} ${(ELEM_TYPES[v.elemType] ?? `type ${v.elemType}`).padEnd(8)} ${shape}`;
}

function onnxSummary(path: string, model: OnnxModel): void {
  const { graph, irVersion, opsetImports, producerName, producerVersion } = model.proto;
  const opset = opsetImports.map((o) => `${o.domain === '' ? 'ai.onnx' : o.domain} ${o.version}`).join(', ');
  console.log(`${path}: ONNX graph "${graph.name}", IR ${irVersion}, opset ${opset}`);
  if (producerName !== '') console.log(`producer: ${producerName} ${producerVersion}`);
  console.log(`inputs (${model.inputNames.length}):`);
  for (const name of model.inputNames) console.log(valueInfo(graph.inputs.find((i) => i.name === name)!));
  console.log(`outputs (${graph.outputs.length}):`);
  for (const o of graph.outputs) console.log(valueInfo(o));
  console.log(`nodes (${graph.nodes.length}):`);
  for (const n of graph.nodes)
    console.log(
      `  ${n.opType.padEnd(16)} ${n.name.padEnd(24)} (${n.inputs.join(', ')}) -> (${n.outputs.join(', ')})`,
    );
  let params = 0;
  for (const v of graph.initializers.values()) params += v.shape.reduce((a, b) => a * b, 1);
  console.log(`initializers: ${graph.initializers.size}, ${params.toLocaleString('en-US')} values`);
}

function stateDictSummary(path: string, sd: Map<string, Tensor>): void {
  let values = 0;
  for (const t of sd.values()) values += t.numel();
  console.log(`${path}: state dict, ${sd.size} tensors, ${values.toLocaleString('en-US')} values`);
  for (const [k, t] of sd) console.log(`  ${k.padEnd(32)} ${t.dtype.padEnd(8)} [${t.shape.join(', ')}]`);
}

export async function summaryCommand(path: string): Promise<void> {
  if (/\.(pt|pth|safetensors)$/i.test(path)) {
    stateDictSummary(path, await readStateDict(path));
    return;
  }
  const model = await importModel(path);
  if (isOnnxModel(model)) {
    onnxSummary(path, model);
    return;
  }
  model.summary();
  if (model.epoch > 0) console.log(`trained epochs: ${model.epoch}`);
}
