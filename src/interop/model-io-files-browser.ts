/*
 * The browser's stand-in for model-io-files.ts: a page has no paths; importModel and
 * exportModel take and give bytes there.
 */
import { UnsupportedError } from '../core/errors.js';

export type { ModelRead } from './model-io-files.js';

/** Always throws: reading a path needs Node.js. */
export async function readModelSource(path: string, _dirLike: boolean): Promise<never> {
  throw new UnsupportedError(
    `importModel: reading "${path}" needs a file system (Node.js); in a browser, pass the bytes (e.g. from fetch or a file input)`,
  );
}

/** Always throws: reading files needs Node.js. */
export async function readSiblings(path: string, _names: readonly string[]): Promise<never> {
  throw new UnsupportedError(
    `importModel: reading the weight files of "${path}" needs a file system (Node.js); in a browser, pass { modelJson, weightData }`,
  );
}

/** Always throws: writing a path needs Node.js. */
export async function writeModelDest(path: string, _bytes: Uint8Array): Promise<never> {
  throw new UnsupportedError(
    `exportModel: writing "${path}" needs a file system (Node.js); in a browser, pass dest null to get the bytes`,
  );
}
