/*
 * The file side of importModel / exportModel (Node). package.json's "browser" field
 * swaps this module for model-io-files-browser.ts, so a browser bundle reaches no
 * `node:` module.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { loadModel, type SequentialModel } from '../models/index.js';
import { concatBytes } from './concat-arrays.js';

/** A file's bytes, or a longshort model read from a saved directory. */
export type ModelRead = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'model'; model: SequentialModel };

/**
 * Reads `path`: a directory is a longshort saved model, a file its bytes. `dirLike`
 * (no model file extension): a missing path is read as a directory, so the error is
 * loadModel's.
 */
export async function readModelSource(path: string, dirLike: boolean): Promise<ModelRead> {
  const s = await stat(path).catch(() => null);
  if (s === null ? dirLike : s.isDirectory()) return { kind: 'model', model: await loadModel(path) };
  return { kind: 'bytes', bytes: new Uint8Array(await readFile(path)) };
}

/** The files `names` (relative to `path`'s directory) concatenated, in order. */
export async function readSiblings(path: string, names: readonly string[]): Promise<Uint8Array> {
  const parts = await Promise.all(
    names.map(async (n) => new Uint8Array(await readFile(join(dirname(path), n)))),
  );
  return concatBytes(parts);
}

/** Writes `bytes` to `path` atomically, creating its directory (as `model.save` does). */
export async function writeModelDest(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, bytes);
}
