/*
 * One entry point each way between longshort and other ecosystems' model files:
 * `importModel(source, { format? })` and `exportModel(model, dest, { format })`. The
 * format comes from the option, else the file name's extension, else the bytes.
 * Paths need Node (read and written through model-io-files.ts, imported on first use and
 * swapped by package.json's "browser" field for a stand-in, so the browser entry reaches
 * no `node:` module); bytes work everywhere.
 */
import { showValue } from '../core/check.js';
import { ConfigError, FormatError, UnsupportedError } from '../core/errors.js';
import type { SequentialModel } from '../models/index.js';
import { readBrainjsModel, isBrainjsJson } from './brainjs/brainjs-read.js';
import { writeBrainjsModel } from './brainjs/brainjs-write.js';
import { exportOnnx } from './onnx/export-onnx.js';
import { importOnnx, OnnxModel } from './onnx/onnx-model.js';
import { readKerasArchive, readKerasH5 } from './keras/keras-read.js';
import { writeKerasArchive, writeKerasH5 } from './keras/keras-write.js';
import { readTfjsModel, tfjsManifest } from './tfjs/tfjs-read.js';
import { writeTfjsModel } from './tfjs/tfjs-write.js';

/**
 * The file helpers (Node's fs behind them), imported on first use so that the browser
 * entry reaches no `node:` module.
 * @example const { readModelSource } = await modelFiles();
 */
export const modelFiles = (): Promise<typeof import('./model-io-files.js')> => import('./model-io-files.js');
const files = modelFiles;

/** Bytes a browser has: a Uint8Array or an ArrayBuffer. */
type Bytes = Uint8Array | ArrayBuffer;

/**
 * The model file formats:
 * - 'keras': a Keras 3 `.keras` archive; 'h5': a legacy Keras HDF5 model (`.h5`, `.hdf5`);
 * - 'tfjs': a TensorFlow.js layers model (`model.json` + weight shards);
 * - 'longshort': a directory written by `SequentialModel.save` (Node only);
 * - 'onnx': an ONNX file (`.onnx`), imported as an `OnnxModel`;
 * - 'brainjs': the JSON of a brain.js 1.x recurrent net's `toJSON()` (any other `.json` name);
 *   written for the models brain.js's time-step nets can express (`writeBrainjsModel`).
 *
 * @example
 * await exportModel(model, 'web/model.json', { format: 'tfjs' });
 */
export type ModelFormat = 'keras' | 'h5' | 'tfjs' | 'longshort' | 'onnx' | 'brainjs';

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
 * Options of `exportModel`.
 *
 * @example
 * await exportModel(model, 'model.h5', { format: 'h5' });
 */
export interface ExportModelOptions {
  /** The format; default: from `dest`'s extension. Required when `dest` is null. */
  format?: ModelFormat;
}

const FORMATS: readonly ModelFormat[] = ['keras', 'h5', 'tfjs', 'longshort', 'onnx', 'brainjs'];

/**
 * The bytes (and name, when given) of a source held in memory: bytes, an ArrayBuffer or
 * `{ bytes, name }`; null for a path or another kind of source.
 * @example inMemory({ bytes, name: 'm.h5' }) // { bytes, name: 'm.h5' }
 */
export function inMemory(source: unknown): { bytes: Uint8Array; name: string | undefined } | null {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer)
    return { bytes: asBytes(source), name: undefined };
  if (source === null || typeof source !== 'object' || !('bytes' in source)) return null;
  const s = source as { bytes: Uint8Array | ArrayBuffer; name?: unknown };
  return {
    bytes: asBytes(s.bytes),
    name: typeof s.name === 'string' ? s.name : undefined,
  };
}

/**
 * The format a file name's extension names, or null: `.keras`, `.h5` / `.hdf5`, a name
 * ending `model.json` (TF.js), any other `.json` (brain.js), `.onnx`.
 * @example formatFromName('model.keras') // 'keras'
 */
export function formatFromName(name: string): ModelFormat | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.keras')) return 'keras';
  if (lower.endsWith('.h5') || lower.endsWith('.hdf5')) return 'h5';
  if (lower.endsWith('model.json')) return 'tfjs';
  if (lower.endsWith('.json')) return 'brainjs';
  if (lower.endsWith('.onnx')) return 'onnx';
  return null;
}

/**
 * The format the first bytes of a file show (HDF5 signature: 'h5'; zip: 'keras'; an ONNX
 * ModelProto's leading `ir_version` field: 'onnx'; JSON with brain.js's fields: 'brainjs';
 * other JSON with a `modelTopology`: 'tfjs'), or null.
 * @example formatFromBytes(new Uint8Array(readFileSync('m.h5'))) // 'h5'
 */
export function formatFromBytes(bytes: Uint8Array): ModelFormat | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46)
    return 'h5';
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04)
    return 'keras';
  // ModelProto: field 1 (ir_version, varint, 3..20) then another top-level field's tag.
  if (bytes.length >= 3 && bytes[0] === 0x08 && bytes[1] >= 3 && bytes[1] <= 20) {
    if ([0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72].includes(bytes[2])) return 'onnx';
  }
  const json = parseJsonBytes(bytes);
  if (json !== undefined) {
    if (isBrainjsJson(json)) return 'brainjs';
    if (json !== null && typeof json === 'object' && 'modelTopology' in json) return 'tfjs';
  }
  return null;
}

/** The bytes as JSON when they start like a JSON object, else undefined. */
function parseJsonBytes(bytes: Uint8Array): unknown {
  let i = 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  if (bytes[i] !== 0x7b) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

function checkFormat(op: string, f: unknown): ModelFormat | undefined {
  if (f === undefined) return undefined;
  if (!FORMATS.includes(f as ModelFormat))
    throw new ConfigError(`${op}: format must be one of ${FORMATS.join(', ')}; got ${JSON.stringify(f)}`);
  return f as ModelFormat;
}

function checkKeys(op: string, options: object, allowed: readonly string[]): void {
  if (options === null || typeof options !== 'object')
    throw new ConfigError(`${op}: options must be an object; got ${String(options)}`);
  for (const k of Object.keys(options))
    if (!allowed.includes(k))
      throw new ConfigError(`${op}: unknown option '${k}'; expected one of ${allowed.join(', ')}`);
}

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
  switch (format) {
    case 'keras':
      return readKerasArchive(bytes, name);
    case 'h5':
      return readKerasH5(bytes, name);
    case 'onnx':
      return importOnnx(bytes, { file: name === 'model' ? 'ONNX model' : name });
    case 'brainjs': {
      const json = parseJsonBytes(bytes);
      if (json === undefined)
        throw new FormatError(
          `${op}: ${name}: a brain.js net must be a JSON object; got bytes that do not parse`,
        );
      return readBrainjsModel(json, name);
    }
    case 'tfjs':
      throw new UnsupportedError(
        `${op}: ${name}: a TF.js model is a model.json and its weight files; expected a path or { modelJson, weightData }, got bytes`,
      );
    default:
      throw new UnsupportedError(
        `${op}: ${name}: format 'longshort' is a directory; expected a path to it, got bytes`,
      );
  }
}

function asBytes(b: Bytes): Uint8Array {
  return b instanceof Uint8Array ? b : new Uint8Array(b);
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
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return readTfjsModel(modelJson, out, file);
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
    const { writeModelDest } = await files();
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
  await (await files()).writeModelDest(dest, bytes);
  return undefined;
}
