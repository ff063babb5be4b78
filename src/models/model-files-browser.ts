/*
 * The browser's stand-in for `model-files.ts` (package.json's "browser" field maps one
 * to the other for bundlers): a page has no directories to save into.
 */
import { UnsupportedError } from '../core/errors.js';
import type { ModelFile } from './model-files.js';

export type { ModelFile, ModelFileSystem } from './model-files.js';

/** Always throws: saving a model to a directory needs Node.js. */
export function writeModelFiles(dir: string, _files: readonly ModelFile[]): Promise<void> {
  return Promise.reject(
    new UnsupportedError(
      `save: writing the model to "${dir}" needs a file system (Node.js); in a browser, take the weights with model.stateDict() and serializeSafetensors()`,
    ),
  );
}
