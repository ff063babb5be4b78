/*
 * A trained Sequential model as the two files `loadModel(dir)` reads, made without a
 * file system (a page offers them as downloads): `model.json` (architecture, compile
 * configuration, epoch; no optimizer state) and `weights.safetensors` (PyTorch keys),
 * sharing one checkpoint id as `model.save(dir)` writes them.
 */
import { serializeSafetensors, type SequentialModel } from 'longshort';

export interface SequentialFiles {
  /** `model.json`'s text. */
  modelJson: string;
  /** `weights.safetensors`'s bytes. */
  weights: Uint8Array;
}

function randomId(): string {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export function sequentialModelFiles(model: SequentialModel): SequentialFiles {
  const checkpointId = randomId();
  const json = {
    format: 'longshort-sequential',
    version: 1,
    checkpointId,
    name: model.name,
    layers: model.layerConfigs(),
    inputShape: model.inputShape === null ? null : [...model.inputShape],
    compile: model.compileConfig(),
    epoch: model.epoch,
    optimizerState: false,
  };
  const weights = serializeSafetensors(model.stateDict(), { metadata: { format: 'pt', checkpointId } });
  return { modelJson: `${JSON.stringify(json, null, 2)}\n`, weights };
}
