/*
 * `exportModel(model, dest, { format })`: a SequentialModel written in another ecosystem's
 * format (or longshort's own directory); paths through model-io-files.ts (Node), bytes
 * everywhere.
 */
import { ConfigError } from '../core/errors.js';
import type { SequentialModel } from '../models/index.js';
import { writeBrainjsModel } from './brainjs/brainjs-write.js';
import { writeKerasArchive, writeKerasH5 } from './keras/keras-write.js';
import { checkFormat, checkKeys, formatFromName, type ModelFormat } from './model-format.js';
import { modelFiles } from './model-io.js';
import { exportOnnx } from './onnx/export-onnx.js';
import { writeTfjsModel } from './tfjs/tfjs-write.js';

/**
 * Options of `exportModel`.
 *
 * @example
 * await exportModel(model, 'model.h5', { format: 'h5' });
 */
export interface ExportModelOptions {
  /** The format; default: from `dest`'s extension. Required when `dest` is null. */
  format?: ModelFormat;
}

function siblingPath(path: string, name: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? name : `${path.slice(0, cut + 1)}${name}`;
}

/**
 * Writes a built `SequentialModel` in another ecosystem's format (or longshort's own
 * directory), or as ONNX (`format: 'onnx'` or a `.onnx` dest; see `exportOnnx`). With a
 * path (Node) the file is written atomically and nothing is returned; with `dest` null the
 * bytes come back. TF.js (`format: 'tfjs'`, or a dest ending `model.json`) writes
 * `weights.bin` beside it; brain.js (`format: 'brainjs'`, or any other `.json` dest) writes
 * the JSON of a brain.js time-step net (see `writeBrainjsModel` for the models it can express).
 *
 * @throws StateError for an unbuilt model; UnsupportedError for what the format cannot express
 *
 * @example
 * await exportModel(model, 'model.keras');           // keras.saving.load_model reads it
 * await exportModel(model, 'model.onnx');            // onnxruntime runs it
 * await exportModel(gruModel, 'net.json');            // brain.js's GRUTimeStep fromJSON reads it
 * const bytes = await exportModel(model, null, { format: 'h5' });
 */
export async function exportModel(
  model: SequentialModel,
  dest: string | null,
  options: ExportModelOptions = {},
): Promise<Uint8Array | undefined> {
  const op = 'exportModel';
  checkKeys(op, options, ['format']);
  const format =
    checkFormat(op, options.format) ?? (dest === null ? undefined : (formatFromName(dest) ?? undefined));
  if (format === undefined)
    throw new ConfigError(
      `${op}: cannot tell the format of ${dest ?? 'null'}; expected a .keras, .h5, .onnx, model.json or brain.js .json name, or { format }`,
    );
  if (format === 'longshort') {
    if (dest === null)
      throw new ConfigError(`${op}: format 'longshort' is a directory; expected a path, got null`);
    await model.save(dest);
    return undefined;
  }
  if (format === 'tfjs') {
    if (dest === null)
      throw new ConfigError(
        `${op}: format 'tfjs' is a model.json and a weight file; expected a path, got null (use writeTfjsModel for the objects)`,
      );
    const { modelJson, weightData } = writeTfjsModel(model);
    const { writeModelDest } = await modelFiles();
    await writeModelDest(siblingPath(dest, 'weights.bin'), weightData);
    await writeModelDest(dest, new TextEncoder().encode(JSON.stringify(modelJson)));
    return undefined;
  }
  const bytes =
    format === 'brainjs'
      ? new TextEncoder().encode(JSON.stringify(writeBrainjsModel(model)))
      : format === 'onnx'
        ? await exportOnnx(model)
        : format === 'keras'
          ? await writeKerasArchive(model)
          : await writeKerasH5(model);
  if (dest === null) return bytes;
  await (await modelFiles()).writeModelDest(dest, bytes);
  return undefined;
}
