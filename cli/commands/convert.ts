/*
 * `longshort convert IN.pt OUT.safetensors`: a PyTorch checkpoint (torch.save) to a
 * safetensors file with the same keys, for `loadSafetensors` or any safetensors reader.
 */
import { loadTorchCheckpoint, saveSafetensors, torchStateDict } from '../../src/index.js';

export interface ConvertCommandOptions {
  key?: string;
  stripPrefix?: string;
}

export async function convertCommand(input: string, output: string, opts: ConvertCommandOptions): Promise<void> {
  const sd = torchStateDict(await loadTorchCheckpoint(input), { key: opts.key, stripPrefix: opts.stripPrefix });
  if (sd.size === 0) throw new Error(`${input}: the state dict is empty; nothing to write`);
  await saveSafetensors(output, sd, { metadata: { format: 'pt', source: input.split(/[\\/]/).pop() ?? input } });
  let params = 0;
  for (const t of sd.values()) params += t.numel();
  console.log(`${output}: ${sd.size} tensors, ${params.toLocaleString('en-US')} values`);
  for (const [k, t] of sd) console.log(`  ${k.padEnd(32)} ${t.dtype.padEnd(8)} [${t.shape.join(', ')}]`);
}
