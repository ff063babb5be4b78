/*
 * The Keras front's models as TensorFlow.js layers models: a Keras 2 style topology
 * (TF.js's own spelling: no InputLayer, batch_input_shape on the first layer) and one
 * weight buffer, float32 or quantized. TF.js's GRU applies the reset gate before the
 * recurrent matmul only, so a reset-after GRU cannot be written.
 */
import { UnsupportedError } from '../../core/errors.js';
import type { SequentialModel } from '../../models/index.js';
import { concatBytes } from '../concat-arrays.js';
import { exportKerasModel } from '../keras/keras-export.js';
import type { TfjsWeightSpec } from './tfjs-read.js';

type Json = Record<string, unknown>;

/**
 * Options of `writeTfjsModel`.
 *
 * @example
 * await exportModel(model, 'web/model.json', { format: 'tfjs' });
 */
export interface WriteTfjsOptions {
  /** Store the weights quantized (TF.js's affine uint8 / uint16, or float16). Default: float32. */
  quantize?: 'uint8' | 'uint16' | 'float16';
  /** The weight file name in the manifest. Default 'weights.bin'. */
  weightsPath?: string;
}

const DROP = new Set(['module', 'registered_name', 'build_config']);
const DROP_CONFIG = new Set(['zero_output_for_mask', 'reset_after']);

function clean(j: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(j)) {
    if (DROP.has(k)) continue;
    out[k] = v;
  }
  if (typeof out.config === 'object' && out.config !== null) {
    const c: Json = {};
    for (const [k, v] of Object.entries(out.config as Json)) {
      if (DROP_CONFIG.has(k) || k === 'backward_layer') continue;
      c[k] =
        typeof v === 'object' && v !== null && !Array.isArray(v) && 'class_name' in v ? clean(v as Json) : v;
    }
    out.config = c;
  }
  return out;
}

function floatToHalf(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (exp >= 31) return sign | 0x7c00 | (((x >>> 23) & 0xff) === 0xff && mant !== 0 ? 0x200 : 0);
  if (exp <= 0) {
    if (exp < -10) return sign;
    const m = (mant | 0x800000) >> (1 - exp);
    return sign | ((m + 0x1000) >> 13);
  }
  return sign | (exp << 10) | ((mant + 0x1000) >> 13);
}

/**
 * A built SequentialModel as a TF.js layers model: the model.json object and the bytes
 * of its one weight file (`weightsPath`).
 * @throws StateError for an unbuilt model; UnsupportedError for a reset-after GRU or
 *   anything else TF.js cannot express
 * @example
 * const { modelJson, weightData } = writeTfjsModel(model);
 * // tf.loadLayersModel(tf.io.fromMemory({ ...modelJson, weightSpecs, weightData }))
 */
export function writeTfjsModel(
  model: SequentialModel,
  options: WriteTfjsOptions = {},
): { modelJson: Json; weightData: Uint8Array } {
  for (const l of model.layers) {
    const r = l as unknown as { kind?: string; resetAfter?: boolean; name: string };
    if (r.kind === 'gru' && r.resetAfter === true) {
      throw new UnsupportedError(
        `writeTfjsModel: layer '${r.name}': TF.js's GRU applies the reset gate before the recurrent matmul; expected resetAfter false, got true`,
      );
    }
  }
  const { config, layers } = exportKerasModel(model, 'keras2');
  const mc = (config.config as Json).layers as Json[];
  const input = mc[0].config as Json;
  const tl = layers.map((l) => {
    const j = clean(l.json);
    if (l.className === 'Bidirectional')
      ((j.config as Json).layer as Json).config = {
        ...(((j.config as Json).layer as Json).config as Json),
        name: `${l.name}_inner`,
      };
    return j;
  });
  (tl[0].config as Json).batch_input_shape = input.batch_shape;
  const specs: TfjsWeightSpec[] = [];
  const values: Float32Array[] = [];
  for (const l of layers) {
    const names =
      l.className === 'Bidirectional'
        ? l.h5Names.map(
            (n, i) =>
              `${l.name}/${i < l.arrays.length / 2 ? 'forward' : 'backward'}_${l.name}_inner/${n.split('/').pop() as string}`,
          )
        : l.h5Names.map((n) => `${l.name}/${n.split('/').pop() as string}`);
    l.arrays.forEach((a, i) => {
      specs.push({ name: names[i], shape: [...a.shape], dtype: 'float32' });
      values.push(a.data);
    });
  }
  const q = options.quantize;
  const parts: Uint8Array[] = values.map((v, i) => {
    if (q === undefined) return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
    if (q === 'float16') {
      specs[i].quantization = { dtype: 'float16' };
      return new Uint8Array(Uint16Array.from(v, floatToHalf).buffer);
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of v) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    const levels = q === 'uint8' ? 255 : 65535;
    const scale = hi > lo ? (hi - lo) / levels : 1;
    specs[i].quantization = { dtype: q, scale, min: lo };
    const qs = Array.from(v, (x) => Math.min(levels, Math.max(0, Math.round((x - lo) / scale))));
    return q === 'uint8' ? Uint8Array.from(qs) : new Uint8Array(Uint16Array.from(qs).buffer);
  });
  const weightData = concatBytes(parts);
  const modelJson: Json = {
    modelTopology: {
      class_name: 'Sequential',
      config: { name: model.name, layers: tl },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    format: 'layers-model',
    generatedBy: 'longshort',
    convertedBy: null,
    weightsManifest: [{ paths: [options.weightsPath ?? 'weights.bin'], weights: specs }],
  };
  return { modelJson, weightData };
}
