// The browser stand-in for onnx-file.ts (package.json "browser" field): paths cannot be
// read or written there; pass bytes instead.
import { UnsupportedError } from '../../core/errors.js';

export function readOnnxFile(path: string): Promise<Uint8Array> {
  return Promise.reject(
    new UnsupportedError(`importOnnx: paths cannot be read in a browser; expected bytes, got '${path}'`),
  );
}

export function writeOnnxFile(path: string, _bytes: Uint8Array): Promise<void> {
  return Promise.reject(
    new UnsupportedError(
      `saveOnnx: paths cannot be written in a browser; got '${path}' (use exportOnnx for the bytes)`,
    ),
  );
}
