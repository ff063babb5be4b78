/*
 * PyTorch checkpoints from files (Node); see torch-format.ts for the format.
 */
import { writeFileAtomic } from './atomic-write.js';
import { readLoaderFile, readLoaderFileSync } from './read-file.js';
import type { TensorDict } from './safetensors-format.js';
import { parseTorchCheckpoint, type TorchValue } from './torch-format.js';
import { serializeTorchStateDict } from './torch-write.js';

export { serializeTorchStateDict } from './torch-write.js';
export * from './torch-format.js';

/**
 * Reads a `torch.save` file (`.pt`, `.pth`, `.bin`): see `parseTorchCheckpoint`. A file
 * that cannot be read is a FormatError naming it (Node's error is its `cause`).
 * @example
 * const lstm = new LSTM(28, 128, { numLayers: 2, batchFirst: true });
 * lstm.loadStateDict(torchStateDict(await loadTorchCheckpoint('lstm.pt')));
 */
export async function loadTorchCheckpoint(path: string): Promise<TorchValue> {
  return parseTorchCheckpoint(
    await readLoaderFile('loadTorchCheckpoint', path),
    `loadTorchCheckpoint: ${path}`,
  );
}

/**
 * `loadTorchCheckpoint`, synchronously.
 *
 * @example
 * const sd = torchStateDict(loadTorchCheckpointSync('lstm.pt'));
 */
export function loadTorchCheckpointSync(path: string): TorchValue {
  return parseTorchCheckpoint(
    readLoaderFileSync('loadTorchCheckpointSync', path),
    `loadTorchCheckpointSync: ${path}`,
  );
}

/**
 * Writes a state dict as a `torch.save` file that `torch.load(path)` reads in Python
 * (an OrderedDict of tensors), atomically (temporary file, then rename).
 * @example await saveTorchStateDict('lstm.pt', lstm.stateDict()); // model.load_state_dict(torch.load('lstm.pt'))
 */
export async function saveTorchStateDict(path: string, dict: TensorDict): Promise<void> {
  const stem =
    (path.split(/[\\/]/).pop() ?? 'archive').replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_.-]/g, '_') ||
    'archive';
  await writeFileAtomic(path, serializeTorchStateDict(dict, stem));
}
