/**
 * safetensors files on disk (Node.js). The byte format itself, usable in the browser,
 * is in `safetensors-format.ts` and re-exported here.
 *
 * Saving never leaves half a file: the bytes are built in memory first (so bad input
 * throws before the disk is touched), written and fsync'ed to a temporary file in the
 * same directory, and renamed over the target; on failure the temporary file is removed.
 */
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';
import { readLoaderFile, readLoaderFileSync } from './read-file.js';
import type { SafetensorsContents, SerializeSafetensorsOptions, TensorDict } from './safetensors-common.js';
import { parseSafetensorsAs } from './safetensors-read.js';
import { serializeSafetensorsAs } from './safetensors-write.js';

export * from './safetensors-format.js';

/**
 * Reads a safetensors file (e.g. one written by Python's `safetensors.torch.save_file`).
 * The whole file is validated before anything is returned; see `parseSafetensors` for
 * the dtype conversions (F16/BF16 -> float32, I64 -> int32, F64 stays float64).
 *
 * @param path the file to read.
 * @returns the tensors in file order and the header's `__metadata__` ({} when absent).
 * @throws FormatError (message `loadSafetensors: <path>: ...`) for a malformed file, and
 *   for one that cannot be read (missing, a directory: Node's error is its `cause`).
 *
 * @example
 * const { tensors, metadata } = await loadSafetensors('lstm.safetensors');
 * tensors.get('weight_ih_l0')?.shape; // [512, 28]
 */
export async function loadSafetensors(path: string): Promise<SafetensorsContents> {
  const bytes = await readLoaderFile('loadSafetensors', path);
  return parseSafetensorsAs(bytes, 'loadSafetensors', path);
}

/**
 * Synchronous `loadSafetensors`, for scripts and the CLI.
 *
 * @example
 * const { tensors, metadata } = loadSafetensorsSync('model.safetensors');
 */
export function loadSafetensorsSync(path: string): SafetensorsContents {
  return parseSafetensorsAs(readLoaderFileSync('loadSafetensorsSync', path), 'loadSafetensorsSync', path);
}

/**
 * Writes named tensors to a safetensors file that PyTorch's `safetensors` reads.
 * float32 -> F32, float64 -> F64 (F32 with `{ dtype: 'F32' }`), int32 -> I32. The file
 * is written to `${path}.tmp-<pid>-<random>` and renamed into place, so an existing file
 * at `path` is replaced whole or not at all.
 *
 * @param path the target file (its directory must exist).
 * @param tensors a `Map` or plain object from name to tensor.
 * @param options `metadata` (string to string, stored as `__metadata__`) and `dtype: 'F32'`.
 * @throws FormatError / ConfigError for bad input (nothing is written); Node errors for I/O.
 *
 * @example
 * await saveSafetensors('lstm.safetensors', { weight_ih_l0: w }, { metadata: { format: 'pt' } });
 */
export async function saveSafetensors(
  path: string,
  tensors: TensorDict,
  options: SerializeSafetensorsOptions = {},
): Promise<void> {
  const bytes = serializeSafetensorsAs(tensors, options, 'saveSafetensors');
  await writeFileAtomic(path, bytes);
}

/**
 * Synchronous `saveSafetensors` (same temporary-file-then-rename guarantee).
 *
 * @example
 * saveSafetensorsSync('weights.safetensors', { w: tensor([[1, 2], [3, 4]]) });
 */
export function saveSafetensorsSync(
  path: string,
  tensors: TensorDict,
  options: SerializeSafetensorsOptions = {},
): void {
  const bytes = serializeSafetensorsAs(tensors, options, 'saveSafetensorsSync');
  writeFileAtomicSync(path, bytes);
}
