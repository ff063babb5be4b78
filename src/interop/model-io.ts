/*
 * `importModel(source, { format? })`: other ecosystems' model files (and longshort's own
 * directory) into longshort. The format comes from the option, else the file name's
 * extension, else the bytes (model-format.ts). Paths need Node (read through
 * model-io-files.ts, imported on first use and swapped by package.json's "browser" field
 * for a stand-in, so the browser entry reaches no `node:` module); bytes work everywhere.
 * exportModel, the other way, is in model-export.ts.
 */
import { showValue } from '../core/check.js';
import { ConfigError, FormatError, UnsupportedError } from '../core/errors.js';
import type { SequentialModel } from '../models/index.js';
import { readBrainjsModel, isBrainjsJson } from './brainjs/brainjs-read.js';
import { concatBytes } from './concat-arrays.js';
import { readKerasArchive, readKerasH5 } from './keras/keras-read.js';
import {
  asBytes,
  checkFormat,
  checkKeys,
  formatFromBytes,
  formatFromName,
  inMemory,
  parseJsonBytes,
  type Bytes,
  type ModelFormat,
} from './model-format.js';
import { importOnnx, OnnxModel } from './onnx/onnx-model.js';
import { readTfjsModel, tfjsManifest } from './tfjs/tfjs-read.js';

/**
 * The file helpers (Node's fs behind them), imported on first use so that the browser
 * entry reaches no `node:` module.
 * @example const { readModelSource } = await modelFiles();
 */
export const modelFiles = (): Promise<typeof import('./model-io-files.js')> => import('./model-io-files.js');
const files = modelFiles;

/**
 * What `importModel` returns: a Keras-front model, or an `OnnxModel` for ONNX files.
 *
 * @example
 * const m: ImportedModel = await importModel(bytes);
 * if (isOnnxModel(m)) m.run({ [m.inputNames[0]]: x });
 * else m.predict(x);
 */
export type ImportedModel = SequentialModel | OnnxModel;

/**
 * Whether an imported model is an ONNX graph (`run`, `inputNames`, `outputNames`) rather
 * than a `SequentialModel`.
 * @example
 * const m = await importModel(path);
 * if (isOnnxModel(m)) m.run({ [m.inputNames[0]]: x }); else m.predict(x);
 */
export function isOnnxModel(model: unknown): model is OnnxModel {
  return model instanceof OnnxModel;
}

/**
 * What `importModel` reads: a path (Node); bytes (the format from the content: ONNX
 * protobuf, brain.js JSON, Keras zip, HDF5 signature); bytes with the file name they came
 * from; a TF.js model as its parsed model.json with its shards' bytes (`weightData`,
 * concatenated in manifest order, or `weights`, by the manifest's file names); a Map of
 * file name -> bytes (a TF.js model.json and its shards, or one file of any format, as
 * a file input or a set of fetches gives them); or a brain.js net's parsed JSON.
 *
 * @example
 * await importModel('model.keras'); // a path (Node)
 * await importModel({ bytes, name: 'model.h5' }); // bytes with a name to detect the format from
 * await importModel(new Map([['model.json', jsonBytes], ['group1-shard1of1.bin', shard]])); // TF.js
 */
export type ModelSource =
  | string
  | Uint8Array
  | ArrayBuffer
  | { readonly bytes: Bytes; readonly name?: string }
  | { readonly modelJson: unknown; readonly weightData: Bytes }
  | {
      readonly modelJson: unknown;
      readonly weights: ReadonlyMap<string, Bytes> | { readonly [file: string]: Bytes };
    }
  | ReadonlyMap<string, Bytes>
  | { readonly json: unknown; readonly name?: string };

/**
 * Options of `importModel`.
 *
 * @example
 * const model = await importModel(bytes, { format: 'keras' });
 */
export interface ImportModelOptions {
  /** The format; default: from the name's extension, else from the bytes. */
  format?: ModelFormat;
}

/**
 * How one file's bytes of each format become a model (`name` for errors). TF.js and
 * longshort models are several files, so bytes alone are refused for them.
 */
const FROM_BYTES: Record<ModelFormat, (bytes: Uint8Array, name: string) => Promise<ImportedModel>> = {
  keras: readKerasArchive,
  h5: readKerasH5,
  onnx: (bytes, name) => importOnnx(bytes, { file: name === 'model' ? 'ONNX model' : name }),
  brainjs: (bytes, name) => {
    const json = parseJsonBytes(bytes);
    if (json === undefined)
      throw new FormatError(
        `importModel: ${name}: a brain.js net must be a JSON object; got bytes that do not parse`,
      );
    return Promise.resolve(readBrainjsModel(json, name));
  },
  tfjs: (_, name) => {
    throw new UnsupportedError(
      `importModel: ${name}: a TF.js model is a model.json and its weight files; expected a path or { modelJson, weightData }, got bytes`,
    );
  },
  longshort: (_, name) => {
    throw new UnsupportedError(
      `importModel: ${name}: format 'longshort' is a directory; expected a path to it, got bytes`,
    );
  },
};

/**
 * Reads a model file of another ecosystem (or longshort's own saved directory). Keras,
 * TF.js, brain.js and longshort files come back as a `SequentialModel` of the Keras front
 * (`predict`, `summary`, `fit` to fine-tune, `save`); ONNX files as an `OnnxModel`
 * (`run({ [inputName]: tensor })`, `inputNames`, `outputNames`). The return type follows
 * the source where TypeScript can see it (a `.onnx` path or `{ format: 'onnx' }`: an
 * `OnnxModel`; another `format`: a `SequentialModel`); otherwise it is the union
 * `ImportedModel`, narrowed with `isOnnxModel`.
 *
 * Keras `.keras` / `.h5` (Keras 2 and 3): LSTM, GRU (reset_after both ways),
 * SimpleRNN, Bidirectional (every merge_mode), Dense, TimeDistributed(Dense),
 * Embedding (mask_zero), Dropout, InputLayer; Sequential and chain-shaped functional
 * models. brain.js: the `LSTMTimeStep` / `GRUTimeStep` / `RNNTimeStep` nets (docs/brainjs.md).
 * ONNX: see `importOnnx`. Nothing in a file is executed.
 *
 * @param source a path (Node), bytes, `{ bytes, name }`, TF.js objects or `{ json }` (brain.js)
 * @throws FormatError / UnsupportedError naming the file, the layer and what was expected
 * @example
 * const model = await importModel('model.keras');
 * model.predict(x); // (N, ...) as Keras predicts
 * const graph = await importModel('lstm.onnx');
 * graph.run({ [graph.inputNames[0]]: x });
 */
export async function importModel(
  source: `${string}.onnx` | { readonly bytes: Uint8Array | ArrayBuffer; readonly name: `${string}.onnx` },
  options?: ImportModelOptions,
): Promise<OnnxModel>;
export async function importModel(
  source: `${string}.keras` | `${string}.h5` | `${string}.hdf5` | `${string}.json`,
  options?: ImportModelOptions & { format?: Exclude<ModelFormat, 'onnx'> },
): Promise<SequentialModel>;
export async function importModel(
  source: ModelSource,
  options: ImportModelOptions & { format: 'onnx' },
): Promise<OnnxModel>;
export async function importModel(
  source: ModelSource,
  options: ImportModelOptions & { format: Exclude<ModelFormat, 'onnx'> },
): Promise<SequentialModel>;
export async function importModel(source: ModelSource, options?: ImportModelOptions): Promise<ImportedModel>;
export async function importModel(
  source: ModelSource,
  options: ImportModelOptions = {},
): Promise<ImportedModel> {
  const op = 'importModel';
  checkKeys(op, options, ['format']);
  let format = checkFormat(op, options.format);
  let name = 'model';
  let bytes: Uint8Array;
  if (source instanceof Map) return importFiles(source as ReadonlyMap<string, Bytes>, options);
  if (source !== null && typeof source === 'object' && 'modelJson' in source) {
    if ('weights' in source) return readTfjsFiles(source.modelJson, source.weights, 'model.json');
    return readTfjsModel(source.modelJson, asBytes(source.weightData), 'model.json');
  }
  if (source !== null && typeof source === 'object' && 'json' in source) {
    const file = typeof source.name === 'string' ? source.name : 'brain.js JSON';
    if (format !== undefined && format !== 'brainjs')
      throw new UnsupportedError(
        `${op}: ${file}: { json } holds a brain.js net; expected format 'brainjs', got '${format}'`,
      );
    return readBrainjsModel(source.json, file);
  }
  if (typeof source === 'string') {
    name = source;
    const named = formatFromName(source);
    if (format === undefined && named !== 'brainjs') format = named ?? undefined;
    if (format === 'onnx') return importOnnx(source);
    if (format === undefined && named === 'brainjs') {
      const read = await (await files()).readModelSource(source, false);
      if (read.kind === 'model')
        throw new FormatError(`${op}: ${source}: expected a JSON file, got a directory`);
      bytes = read.bytes;
      format = isBrainjsJson(parseJsonBytes(bytes)) ? 'brainjs' : 'tfjs';
    }
    if (format === 'tfjs') {
      const { readModelSource, readSiblings } = await files();
      const read = await readModelSource(source, false);
      if (read.kind === 'model')
        throw new FormatError(`${op}: ${source}: expected a model.json file, got a directory`);
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(read.bytes));
      } catch (e) {
        throw new FormatError(
          `${op}: ${source}: a TF.js model.json must be JSON; got ${(e as Error).message}`,
        );
      }
      return readTfjsModel(json, await readSiblings(source, tfjsManifest(json, source).paths), source);
    }
    const read = await (
      await files()
    ).readModelSource(source, format === undefined || format === 'longshort');
    if (read.kind === 'model') return read.model;
    bytes = read.bytes;
  } else {
    const m = inMemory(source);
    if (m === null)
      throw new ConfigError(
        `${op}: source must be a path, bytes, { bytes, name }, { modelJson, weightData | weights }, a Map of file name -> bytes or { json }; got ${showValue(source)}`,
      );
    bytes = m.bytes;
    if (m.name !== undefined) {
      name = m.name;
      const named = formatFromName(m.name);
      if (named !== 'brainjs') format ??= named ?? undefined; // other .json: by content
    }
  }
  format ??= formatFromBytes(bytes) ?? undefined;
  if (format === undefined) {
    throw new FormatError(
      `${op}: ${name}: cannot tell the format; expected a .keras archive, an HDF5 .h5 file, an .onnx file or brain.js JSON (or pass { format }), got bytes starting ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}`,
    );
  }
  return FROM_BYTES[format](bytes, name);
}

/** The base name of a path or URL-ish file name (`a/b/model.json` -> `model.json`). */
function baseName(name: string): string {
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
}

/** A TF.js model.json with its shards by file name, concatenated in manifest order. */
function readTfjsFiles(
  modelJson: unknown,
  weights: ReadonlyMap<string, Bytes> | { readonly [file: string]: Bytes },
  file: string,
): SequentialModel {
  const byName = new Map<string, Bytes>();
  const entries: Array<[string, Bytes]> =
    weights instanceof Map
      ? [...(weights as ReadonlyMap<string, Bytes>)]
      : Object.entries(weights as { readonly [file: string]: Bytes });
  for (const [k, v] of entries) byName.set(baseName(k), v);
  const parts = tfjsManifest(modelJson, file).paths.map((p) => {
    const b = byName.get(baseName(p));
    if (b === undefined)
      throw new FormatError(
        `importModel: ${file}: the weightsManifest names the shard '${p}'; expected it among the files given, got ${[...byName.keys()].join(', ') || 'none'}`,
      );
    return asBytes(b);
  });
  return readTfjsModel(modelJson, concatBytes(parts), file);
}

/** A Map of file name -> bytes: a TF.js model.json with its shards, or one file of any format. */
async function importFiles(
  source: ReadonlyMap<string, Bytes>,
  options: ImportModelOptions,
): Promise<ImportedModel> {
  const names = [...source.keys()];
  const jsonName =
    names.find((n) => n.toLowerCase().endsWith('model.json')) ??
    names.find((n) => {
      if (!n.toLowerCase().endsWith('.json')) return false;
      const j = parseJsonBytes(asBytes(source.get(n)!));
      return j !== null && typeof j === 'object' && 'modelTopology' in j;
    });
  if (jsonName !== undefined && (options.format === undefined || options.format === 'tfjs')) {
    const json = parseJsonBytes(asBytes(source.get(jsonName)!));
    if (json === undefined)
      throw new FormatError(`importModel: ${jsonName}: a TF.js model.json must be a JSON object`);
    return readTfjsFiles(json, source, jsonName);
  }
  if (source.size !== 1)
    throw new ConfigError(
      `importModel: a Map of files holds a TF.js model.json and its shards, or one model file; expected a model.json or one entry, got ${names.join(', ') || 'none'}`,
    );
  return importModel({ bytes: source.get(names[0])!, name: names[0] }, options);
}
