/*
 * Reading a whole file for a loader (Node): a file that cannot be read (missing, a
 * directory, no permission) is a FormatError naming the loader and the path, with
 * Node's error kept as `cause`.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { FormatError } from '../core/errors.js';

function cannotRead(op: string, path: string, e: unknown): FormatError {
  const code = (e as { code?: unknown } | null)?.code;
  const why = typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
  const err = new FormatError(`${op}: ${path}: cannot read the file; expected a readable file, got ${why}`);
  (err as { cause?: unknown }).cause = e;
  return err;
}

/** The bytes of `path`, or a FormatError `op: path: cannot read the file; expected a readable file, got ENOENT`. */
export async function readLoaderFile(op: string, path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw cannotRead(op, path, e);
  }
}

/** `readLoaderFile`, synchronously. */
export function readLoaderFileSync(op: string, path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw cannotRead(op, path, e);
  }
}
