/*
 * TensorFlow.js layers models (model.json + weight shards) into a SequentialModel: the
 * topology is a Keras 2 config (TF.js's hard_sigmoid is clip(0.2x + 0.5), its GRU
 * applies the reset gate before the recurrent matmul), the weights come in manifest
 * order, float32 or quantized (uint8 / uint16 with scale and min, float16).
 */
import { FormatError, UnsupportedError } from '../../core/errors.js';
import { sequential, type SequentialModel } from '../../models/sequential-model.js';
import type { Tensor } from '../../tensor/index.js';
import type { KerasArray } from '../keras/keras-config.js';
import { planKerasModel } from '../keras/keras-import.js';

type Json = Record<string, unknown>;

/**
 * One entry of a TF.js weights manifest.
 *
 * @example
 * const { specs } = tfjsManifest(JSON.parse(text), 'model.json');
 * specs[0]; // { name, shape, dtype, quantization? }
 */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: {
    dtype: 'uint8' | 'uint16' | 'float16';
    scale?: number;
    min?: number;
    original_dtype?: string;
  };
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One manifest entry, its fields' types checked (sizes are checked by decodeTfjsWeights). */
function checkSpec(w: unknown, file: string, index: number): TfjsWeightSpec {
  const at = `${file}: weightsManifest weight ${index}`;
  if (!isObj(w) || typeof w.name !== 'string')
    throw new FormatError(
      `${at} must be an object with a string name; got ${JSON.stringify(w)?.slice(0, 80)}`,
    );
  if (!Array.isArray(w.shape))
    throw new FormatError(`${at} (${w.name}) must have a shape array; got ${JSON.stringify(w.shape)}`);
  const q = w.quantization;
  if (q !== undefined) {
    if (!isObj(q))
      throw new FormatError(`${at} (${w.name}): quantization must be an object; got ${JSON.stringify(q)}`);
    for (const k of ['scale', 'min'] as const)
      if (q[k] !== undefined && typeof q[k] !== 'number')
        throw new FormatError(
          `${at} (${w.name}): quantization.${k} must be a number; got ${JSON.stringify(q[k])}`,
        );
  }
  return w as unknown as TfjsWeightSpec;
}

/**
 * The weight specs of a model.json, in manifest order, with the shard paths.
 *
 * @example
 * const { paths, specs } = tfjsManifest(JSON.parse(text), 'model.json'); // shard paths and weight specs
 */
export function tfjsManifest(modelJson: unknown, file: string): { paths: string[]; specs: TfjsWeightSpec[] } {
  if (!isObj(modelJson) || !isObj(modelJson.modelTopology) || !Array.isArray(modelJson.weightsManifest)) {
    throw new FormatError(
      `${file}: a TF.js layers model.json needs modelTopology and weightsManifest; got ${isObj(modelJson) ? Object.keys(modelJson).join(', ') : typeof modelJson}`,
    );
  }
  const paths: string[] = [];
  const specs: TfjsWeightSpec[] = [];
  for (const group of modelJson.weightsManifest as unknown[]) {
    if (!isObj(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights))
      throw new FormatError(`${file}: a weightsManifest entry needs paths and weights`);
    paths.push(...group.paths.map(String));
    for (const w of group.weights as unknown[]) specs.push(checkSpec(w, file, specs.length));
  }
  return { paths, specs };
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f === 0 ? s * Infinity : NaN;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/**
 * Splits the concatenated shard bytes into float32 arrays, checking every size first.
 *
 * @example
 * const { paths, specs } = tfjsManifest(modelJson, 'model.json');
 * const arrays = decodeTfjsWeights(specs, shardBytes, 'model.json'); // one array per spec, dequantized
 */
export function decodeTfjsWeights(
  specs: readonly TfjsWeightSpec[],
  data: Uint8Array,
  file: string,
): KerasArray[] {
  let need = 0;
  const sizes = specs.map((s) => {
    if (!Array.isArray(s.shape) || s.shape.some((d) => !Number.isInteger(d) || d < 0))
      throw new FormatError(`${file}: weight ${s.name} has a bad shape ${JSON.stringify(s.shape)}`);
    const n = s.shape.reduce((a, b) => a * b, 1);
    const q = s.quantization;
    if (q !== undefined && q.dtype !== 'uint8' && q.dtype !== 'uint16' && q.dtype !== 'float16')
      throw new UnsupportedError(
        `${file}: weight ${s.name}: quantization dtype must be uint8, uint16 or float16; got ${String(q.dtype)}`,
      );
    if (q === undefined && s.dtype !== 'float32' && s.dtype !== 'int32')
      throw new UnsupportedError(
        `${file}: weight ${s.name}: dtype must be float32 or int32; got ${String(s.dtype)}`,
      );
    const bytes = q === undefined ? 4 : q.dtype === 'uint8' ? 1 : 2;
    need += n * bytes;
    return { n, bytes };
  });
  if (need !== data.length)
    throw new FormatError(
      `${file}: the weight shards must hold ${need} bytes for the manifest; expected ${need}, got ${data.length}`,
    );
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: KerasArray[] = [];
  let off = 0;
  specs.forEach((s, i) => {
    const { n, bytes } = sizes[i];
    const a = new Float32Array(n);
    const q = s.quantization;
    for (let k = 0; k < n; k++) {
      const p = off + k * bytes;
      if (q === undefined) a[k] = s.dtype === 'int32' ? view.getInt32(p, true) : view.getFloat32(p, true);
      else if (q.dtype === 'float16') a[k] = halfToFloat(view.getUint16(p, true));
      else
        a[k] =
          (q.dtype === 'uint8' ? view.getUint8(p) : view.getUint16(p, true)) * (q.scale ?? 1) + (q.min ?? 0);
    }
    off += n * bytes;
    out.push({ shape: s.shape, data: a });
  });
  return out;
}

/**
 * A TF.js layers model (the parsed model.json and its shards' bytes, concatenated in
 * manifest path order) as a SequentialModel.
 * @throws FormatError / UnsupportedError naming `file`, the layer or weight and what was expected
 * @example const model = readTfjsModel(JSON.parse(readFileSync('model.json', 'utf8')), readFileSync('weights.bin'), 'model.json');
 */
export function readTfjsModel(modelJson: unknown, weightData: Uint8Array, file: string): SequentialModel {
  const { specs } = tfjsManifest(modelJson, file);
  const arrays = decodeTfjsWeights(specs, weightData, file);
  const topo = (modelJson as Json).modelTopology as Json;
  const config = isObj(topo.model_config) ? topo.model_config : topo;
  const plan = planKerasModel(file, config, 'keras2');
  const layers = plan.plans.filter((p) => p.layer !== null);
  const model = sequential(
    layers.map((p) => p.layer as NonNullable<typeof p.layer>),
    { name: plan.name },
  );
  const state = new Map<string, Tensor>();
  const used = new Set<number>();
  for (const p of plan.plans) {
    if (p.weightCount === 0) continue;
    const mine: KerasArray[] = [];
    specs.forEach((s, i) => {
      if (s.name.startsWith(`${p.name}/`)) {
        mine.push(arrays[i]);
        used.add(i);
      }
    });
    if (mine.length !== p.weightCount)
      throw new FormatError(
        `${file}: layer '${p.name}' must have ${p.weightCount} weights in the manifest; expected ${p.weightCount}, got ${mine.length}`,
      );
    for (const [k, t] of p.toState(mine)) state.set(k, t);
  }
  const extra = specs.filter((_, i) => !used.has(i)).map((s) => s.name);
  if (extra.length > 0)
    throw new FormatError(
      `${file}: the manifest has weights of no layer; expected none, got ${extra.join(', ')}`,
    );
  model.setWeights(state);
  return model;
}
