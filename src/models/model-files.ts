/*
 * The file side of `SequentialModel.save` (Node): writes a saved model's files into a
 * directory, each atomically (temporary name, then rename), in the order given.
 * `sequential-model.ts` imports this module only when `save` runs, and package.json's
 * "browser" field swaps it for `model-files-browser.ts`, so a bundle for the browser
 * reaches no `node:` module.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { saveSafetensors } from '../io/safetensors.js';
import type { Tensor } from '../tensor/index.js';

/** One file of a saved model: safetensors (with metadata) or text. */
export type ModelFile =
  | { name: string; tensors: Record<string, Tensor>; metadata: Record<string, string> }
  | { name: string; text: string };

/** Creates `dir` (with parents) and writes `files` into it, in order. */
export async function writeModelFiles(dir: string, files: readonly ModelFile[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const f of files) {
    const path = join(dir, f.name);
    if ('text' in f) await writeFileAtomic(path, f.text);
    else await saveSafetensors(path, f.tensors, { metadata: f.metadata });
  }
}
