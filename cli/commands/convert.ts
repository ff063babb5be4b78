/*
 * `longshort convert IN.pt OUT.safetensors`: a PyTorch checkpoint (torch.save) to a
 * safetensors file with the same keys, for `loadSafetensors` or any safetensors reader.
 */
import { FormatError, loadTorchCheckpoint, saveSafetensors, torchStateDict } from '../../src/index.js';

export interface ConvertCommandOptions {
  key?: string;
  stripPrefix?: string;
}

export async function convertCommand(input: string, output: string, opts: ConvertCommandOptions): Promise<void> {
  const ckpt = await loadTorchCheckpoint(input);
  let sd: ReturnType<typeof torchStateDict>;
  try {
    sd = torchStateDict(ckpt, { key: opts.key, stripPrefix: opts.stripPrefix });
  } catch (e) {
    // the library suggests its option ({ key: 'model' }); on the command line that is --key model
    const m = e instanceof FormatError ? /; pass \{ key: (.+) \}$/.exec(e.message) : null;
    if (m === null) throw e;
    const keys = m[1].split(' | ').map((k) => `--key ${k.replace(/^'|'$/g, '')}`);
    throw new FormatError(`${e instanceof Error ? e.message.slice(0, m.index) : ''}; pass ${keys.join(' or ')}`);
  }
  if (sd.size === 0) throw new Error(`${input}: the state dict is empty; nothing to write`);
  await saveSafetensors(output, sd, { metadata: { format: 'pt', source: input.split(/[\\/]/).pop() ?? input } });
  let params = 0;
  for (const t of sd.values()) params += t.numel();
  console.log(`${output}: ${sd.size} tensors, ${params.toLocaleString('en-US')} values`);
  for (const [k, t] of sd) console.log(`  ${k.padEnd(32)} ${t.dtype.padEnd(8)} [${t.shape.join(', ')}]`);
}
