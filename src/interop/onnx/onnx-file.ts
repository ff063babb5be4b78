/*
 * The file side of the ONNX interop (Node): reading a model and writing one atomically.
 * `importOnnx` / `saveOnnx` import this module only when given a path, and package.json's
 * "browser" field swaps it for `onnx-file-browser.ts`, so a browser bundle reaches no
 * `node:` module.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../io/atomic-write.js';

export async function readOnnxFile(path: string): Promise<Uint8Array> {
  const buf = await readFile(path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export async function writeOnnxFile(path: string, bytes: Uint8Array): Promise<void> {
  await writeFileAtomic(path, bytes);
}
