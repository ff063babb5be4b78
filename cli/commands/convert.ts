/*
 * `longshort convert IN OUT`, by extension:
 * - between state dicts: torch.save `.pt`/`.pth` and `.safetensors`, keys kept
 *   (`--key` picks the entry of a checkpoint, `--strip-prefix` drops a key prefix);
 * - a model file to a state dict: its weights under PyTorch's keys (`lstm_1.weight_ih_l0`);
 * - between model files: Keras `.keras` / `.h5`, TF.js `model.json`, brain.js (any other
 *   `.json`: a time-step net, for the models brain.js can express) and longshort's saved
 *   model directory (any OUT without a model extension), through importModel /
 *   exportModel; any of them converts to `.onnx`. An ONNX file is a
 *   graph, not a layer model: it converts to nothing else.
 */
import {
  exportModel,
  formatFromName,
  FormatError,
  importModel,
  isOnnxModel,
  loadTorchCheckpoint,
  loadSafetensors,
  saveSafetensors,
  saveTorchStateDict,
  torchStateDict,
  type Tensor,
} from '../../src/index.js';

export interface ConvertCommandOptions {
  key?: string;
  stripPrefix?: string;
}

const TORCH = /\.(pt|pth)$/i;
const SAFETENSORS = /\.safetensors$/i;
const isStateDictFile = (path: string): boolean => TORCH.test(path) || SAFETENSORS.test(path);

/** Reads the state dict of a torch.save or safetensors file; `--key` / `--strip-prefix` apply to torch files. */
export async function readStateDict(
  input: string,
  opts: ConvertCommandOptions = {},
): Promise<Map<string, Tensor>> {
  if (SAFETENSORS.test(input)) {
    if (opts.key !== undefined)
      throw new Error(
        'convert: --key applies to torch.save checkpoints; a safetensors file is one flat state dict',
      );
    const { tensors } = await loadSafetensors(input);
    if (opts.stripPrefix === undefined) return tensors;
    const prefix = opts.stripPrefix;
    return new Map([...tensors].map(([k, t]) => [k.startsWith(prefix) ? k.slice(prefix.length) : k, t]));
  }
  const ckpt = await loadTorchCheckpoint(input);
  try {
    return torchStateDict(ckpt, { key: opts.key, stripPrefix: opts.stripPrefix });
  } catch (e) {
    // the library suggests its option ({ key: 'model' }); on the command line that is --key model
    const m = e instanceof FormatError ? /; pass \{ key: (.+) \}$/.exec(e.message) : null;
    if (m === null) throw e;
    const keys = m[1].split(' | ').map((k) => `--key ${k.replace(/^'|'$/g, '')}`);
    throw new FormatError(
      `${e instanceof Error ? e.message.slice(0, m.index) : ''}; pass ${keys.join(' or ')}`,
    );
  }
}

/** Writes a state dict as safetensors or torch.save (by OUT's extension) and lists it. */
async function writeStateDict(output: string, sd: Map<string, Tensor>, source: string): Promise<void> {
  if (sd.size === 0) throw new Error(`${source}: the state dict is empty; nothing to write`);
  if (SAFETENSORS.test(output))
    await saveSafetensors(output, sd, {
      metadata: { format: 'pt', source: source.split(/[\\/]/).pop() ?? source },
    });
  else await saveTorchStateDict(output, sd);
  let params = 0;
  for (const t of sd.values()) params += t.numel();
  console.log(`${output}: ${sd.size} tensors, ${params.toLocaleString('en-US')} values`);
  for (const [k, t] of sd) console.log(`  ${k.padEnd(32)} ${t.dtype.padEnd(8)} [${t.shape.join(', ')}]`);
}

export async function convertCommand(
  input: string,
  output: string,
  opts: ConvertCommandOptions,
): Promise<void> {
  if (isStateDictFile(input)) {
    if (!isStateDictFile(output))
      throw new Error(
        `convert: a state dict (.pt/.pth/.safetensors) holds tensors, not an architecture; expected OUT ending .safetensors, .pt or .pth, got ${output} (to build a model from it, load it into a model with the same layers: see the README's "Bringing a PyTorch model")`,
      );
    await writeStateDict(output, await readStateDict(input, opts), input);
    return;
  }
  if (opts.key !== undefined || opts.stripPrefix !== undefined)
    throw new Error(
      'convert: --key and --strip-prefix apply to state-dict files (.pt, .pth, .safetensors) only',
    );
  const model = await importModel(input);
  if (isOnnxModel(model))
    throw new Error(
      `convert: an ONNX graph converts to no other format; expected IN to be a .keras, .h5, model.json, brain.js .json or saved directory, got ${input}`,
    );
  if (isStateDictFile(output)) {
    // the weights under PyTorch's keys (`lstm_1.weight_ih_l0`), for a PyTorch model of the same structure
    await writeStateDict(output, model.getWeights(), input);
    return;
  }
  const format = formatFromName(output) ?? 'longshort';
  await exportModel(model, output, { format });
  console.log(
    `${output}: ${format} model "${model.name}", ${model.layers.length} layers, ${model.countParams().toLocaleString('en-US')} parameters`,
  );
}
