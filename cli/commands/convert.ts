/*
 * `longshort convert IN OUT`, by extension:
 * - a PyTorch checkpoint (torch.save .pt/.pth) to a safetensors file with the same keys;
 * - between model files: Keras `.keras` / `.h5`, TF.js `model.json`, brain.js `.json`
 *   (IN only) and longshort's saved model directory (any OUT without a model extension),
 *   through importModel / exportModel; any of them converts to `.onnx`. An ONNX file is a
 *   graph, not a layer model: it converts to nothing else.
 */
import {
  exportModel,
  formatFromName,
  FormatError,
  importModel,
  isOnnxModel,
  loadTorchCheckpoint,
  saveSafetensors,
  torchStateDict,
} from '../../src/index.js';

export interface ConvertCommandOptions {
  key?: string;
  stripPrefix?: string;
}

function isTorch(path: string): boolean {
  return /\.(pt|pth)$/i.test(path);
}

export async function convertCommand(
  input: string,
  output: string,
  opts: ConvertCommandOptions,
): Promise<void> {
  if (isTorch(input)) {
    if (!/\.safetensors$/i.test(output))
      throw new Error(
        `convert: a PyTorch checkpoint converts to .safetensors; expected OUT ending .safetensors, got ${output}`,
      );
    const ckpt = await loadTorchCheckpoint(input);
    let sd: ReturnType<typeof torchStateDict>;
    try {
      sd = torchStateDict(ckpt, { key: opts.key, stripPrefix: opts.stripPrefix });
    } catch (e) {
      // the library suggests its option ({ key: 'model' }); on the command line that is --key model
      const m = e instanceof FormatError ? /; pass \{ key: (.+) \}$/.exec(e.message) : null;
      if (m === null) throw e;
      const keys = m[1].split(' | ').map((k) => `--key ${k.replace(/^'|'$/g, '')}`);
      throw new FormatError(
        `${e instanceof Error ? e.message.slice(0, m.index) : ''}; pass ${keys.join(' or ')}`,
      );
    }
    if (sd.size === 0) throw new Error(`${input}: the state dict is empty; nothing to write`);
    await saveSafetensors(output, sd, {
      metadata: { format: 'pt', source: input.split(/[\\/]/).pop() ?? input },
    });
    let params = 0;
    for (const t of sd.values()) params += t.numel();
    console.log(`${output}: ${sd.size} tensors, ${params.toLocaleString('en-US')} values`);
    for (const [k, t] of sd) console.log(`  ${k.padEnd(32)} ${t.dtype.padEnd(8)} [${t.shape.join(', ')}]`);
    return;
  }
  if (opts.key !== undefined || opts.stripPrefix !== undefined)
    throw new Error('convert: --key and --strip-prefix apply to PyTorch checkpoints only');
  if (/\.(pt|pth|safetensors)$/i.test(output) || /\.safetensors$/i.test(input))
    throw new Error(
      `convert: a state dict (.pt/.pth/.safetensors) holds tensors, not a model; expected a .pt IN with a .safetensors OUT, got ${input} -> ${output}`,
    );
  const model = await importModel(input);
  if (isOnnxModel(model))
    throw new Error(
      `convert: an ONNX graph converts to no other format; expected IN to be a .keras, .h5, model.json, brain.js .json or saved directory, got ${input}`,
    );
  const format = formatFromName(output) ?? 'longshort';
  await exportModel(model, output, { format });
  console.log(
    `${output}: ${format} model "${model.name}", ${model.layers.length} layers, ${model.countParams().toLocaleString('en-US')} parameters`,
  );
}
