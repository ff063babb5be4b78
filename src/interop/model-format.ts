/*
 * Which model file format a source is, from the option, the file name's extension or the
 * first bytes, and the checks importModel and exportModel share.
 */
import { ConfigError } from '../core/errors.js';
import { isBrainjsJson } from './brainjs/brainjs-read.js';

/** Bytes a browser has: a Uint8Array or an ArrayBuffer. */
export type Bytes = Uint8Array | ArrayBuffer;

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
export function parseJsonBytes(bytes: Uint8Array): unknown {
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

/** `f` when it is a ModelFormat (or undefined), else a ConfigError listing them. */
export function checkFormat(op: string, f: unknown): ModelFormat | undefined {
  if (f === undefined) return undefined;
  if (!FORMATS.includes(f as ModelFormat))
    throw new ConfigError(`${op}: format must be one of ${FORMATS.join(', ')}; got ${JSON.stringify(f)}`);
  return f as ModelFormat;
}

/** Refuses an options argument that is not an object or has a key outside `allowed`. */
export function checkKeys(op: string, options: object, allowed: readonly string[]): void {
  if (options === null || typeof options !== 'object')
    throw new ConfigError(`${op}: options must be an object; got ${String(options)}`);
  for (const k of Object.keys(options))
    if (!allowed.includes(k))
      throw new ConfigError(`${op}: unknown option '${k}'; expected one of ${allowed.join(', ')}`);
}

/** The bytes of a Uint8Array or an ArrayBuffer as a Uint8Array (no copy). */
export function asBytes(b: Bytes): Uint8Array {
  return b instanceof Uint8Array ? b : new Uint8Array(b);
}
