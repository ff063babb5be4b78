/*
 * PyTorch checkpoints from files (Node); see torch-format.ts for the format.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseTorchCheckpoint, type TorchValue } from './torch-format.js';

export { parseTorchCheckpoint, torchStateDict, PickleGlobal, PickleObject, type TorchValue, type TorchStateDictOptions } from './torch-format.js';

/**
 * Reads a `torch.save` file (`.pt`, `.pth`, `.bin`): see `parseTorchCheckpoint`.
 * @example
 * const lstm = new LSTM(28, 128, { numLayers: 2, batchFirst: true });
 * lstm.loadStateDict(torchStateDict(await loadTorchCheckpoint('lstm.pt')));
 */
export async function loadTorchCheckpoint(path: string): Promise<TorchValue> {
  return parseTorchCheckpoint(await readFile(path), `loadTorchCheckpoint: ${path}`);
}

/** `loadTorchCheckpoint`, synchronously. */
export function loadTorchCheckpointSync(path: string): TorchValue {
  return parseTorchCheckpoint(readFileSync(path), `loadTorchCheckpointSync: ${path}`);
}
