/*
 * Reading Keras files: the Keras 3 `.keras` zip (config.json, metadata.json,
 * model.weights.h5) and the legacy HDF5 `.h5` (Keras 2 and Keras 3 layouts, with a
 * model_config attribute and model_weights/<layer>/weight_names), into a
 * SequentialModel of the Keras front.
 */
import { FormatError, UnsupportedError } from '../../core/errors.js';
import { readZip } from '../../io/zip-read.js';
import { sequential, type SequentialModel } from '../../models/sequential-model.js';
import type { Tensor } from '../../tensor/index.js';
import { memberAt, type H5Dataset, type H5Group } from './h5-tree.js';
import { readH5 } from './h5.js';
import type { HardSigmoidFlavor } from './keras-activations.js';
import type { KerasArray } from './keras-config.js';
import { planKerasModel, type KerasLayerPlan, type KerasModelPlan } from './keras-import.js';
import { kerasLayerKeys } from './keras-weights.js';

function parseJson(file: string, what: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch (e) {
    throw new FormatError(`${file}: ${what} must be JSON; got a parse error: ${(e as Error).message}`);
  }
}

function flavorOf(version: unknown): HardSigmoidFlavor {
  return typeof version === 'string' && /^[12]\./.test(version) ? 'keras2' : 'keras3';
}

export { snakeCase } from './keras-weights.js';

function build(
  plan: KerasModelPlan,
  weightsOf: (p: KerasLayerPlan, index: number) => KerasArray[],
): SequentialModel {
  const layers = plan.plans.filter((p) => p.layer !== null);
  const model = sequential(
    layers.map((p) => p.layer as NonNullable<KerasLayerPlan['layer']>),
    { name: plan.name },
  );
  const state = new Map<string, Tensor>();
  plan.plans.forEach((p, i) => {
    if (p.weightCount === 0) return;
    for (const [k, t] of p.toState(weightsOf(p, i))) state.set(k, t);
  });
  model.setWeights(state);
  return model;
}

function datasets(
  file: string,
  g: H5Group | H5Dataset | undefined,
  path: string,
  count: number,
): KerasArray[] {
  if (g === undefined || g.kind !== 'group')
    throw new FormatError(`${file}: the weights file has no group ${path}; expected ${count} weights there`);
  const keys = [...g.children.keys()].filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b));
  const out: KerasArray[] = [];
  for (const k of keys) {
    const d = g.children.get(k);
    if (d?.kind === 'dataset') out.push(d);
  }
  return out;
}

/** The weights of one layer in a Keras 3 model.weights.h5, in get_weights() order. */
function kerasVars(file: string, root: H5Group, key: string, p: KerasLayerPlan): KerasArray[] {
  const base = `layers/${key}`;
  let arrays: KerasArray[];
  if (p.className === 'Bidirectional') {
    arrays = [
      ...datasets(
        file,
        memberAt(root, `${base}/forward_layer/cell/vars`),
        `${base}/forward_layer/cell/vars`,
        p.weightCount / 2,
      ),
      ...datasets(
        file,
        memberAt(root, `${base}/backward_layer/cell/vars`),
        `${base}/backward_layer/cell/vars`,
        p.weightCount / 2,
      ),
    ];
  } else if (p.className === 'TimeDistributed')
    arrays = datasets(file, memberAt(root, `${base}/layer/vars`), `${base}/layer/vars`, p.weightCount);
  else if (p.className === 'LSTM' || p.className === 'GRU' || p.className === 'SimpleRNN')
    arrays = datasets(file, memberAt(root, `${base}/cell/vars`), `${base}/cell/vars`, p.weightCount);
  else arrays = datasets(file, memberAt(root, `${base}/vars`), `${base}/vars`, p.weightCount);
  if (arrays.length !== p.weightCount)
    throw new FormatError(
      `${file}: layer '${p.name}' must have ${p.weightCount} weights; expected ${p.weightCount}, got ${arrays.length}`,
    );
  return arrays;
}

/**
 * Reads a Keras 3 `.keras` archive (bytes) into a SequentialModel.
 * @throws FormatError / UnsupportedError naming `file`, the layer and what was expected
 * @example const model = await readKerasArchive(readFileSync('m.keras'), 'm.keras');
 */
export async function readKerasArchive(bytes: Uint8Array, file: string): Promise<SequentialModel> {
  // longshort's own zip reader: sizes bounded by the bytes and MAX_INFLATED_BYTES before
  // inflating (fflate's unzipSync allocates what a record declares), CRC-32 checked
  const files = readZip(
    bytes,
    (name) => name === 'config.json' || name === 'metadata.json' || name === 'model.weights.h5',
    file,
  );
  const entries: Record<string, Uint8Array> = Object.fromEntries(files);
  for (const need of ['config.json', 'model.weights.h5']) {
    if (entries[need] === undefined)
      throw new FormatError(
        `${file}: a .keras archive must contain ${need}; got ${Object.keys(entries).join(', ') || 'none of its files'}`,
      );
  }
  const meta =
    entries['metadata.json'] === undefined ? {} : parseJson(file, 'metadata.json', entries['metadata.json']);
  const flavor = flavorOf((meta as { keras_version?: unknown }).keras_version);
  const plan = planKerasModel(file, parseJson(file, 'config.json', entries['config.json']), flavor);
  const root = await readH5(entries['model.weights.h5'], `${file}:model.weights.h5`);
  const keys = kerasLayerKeys(plan.plans.map((p) => p.className));
  return build(plan, (p, i) => kerasVars(`${file}:model.weights.h5`, root, keys[i], p));
}

function strings(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return [v];
  if (ArrayBuffer.isView(v)) return [];
  return [];
}

/**
 * Reads a legacy Keras HDF5 model file (`model.save('m.h5')`, Keras 2 or 3) into a
 * SequentialModel. `hard_sigmoid` means Keras 2's definition when the file's
 * keras_version is 2.x, Keras 3's otherwise.
 * @throws FormatError / UnsupportedError naming `file`, the layer and what was expected
 * @example const model = await readKerasH5(readFileSync('m.h5'), 'm.h5');
 */
export async function readKerasH5(bytes: Uint8Array, file: string): Promise<SequentialModel> {
  const root = await readH5(bytes, file);
  const cfg = root.attrs.model_config;
  if (typeof cfg !== 'string') {
    const layers = memberAt(root, 'layers');
    throw new UnsupportedError(
      layers !== undefined && layers.kind === 'group'
        ? `${file}: a Keras weights file (save_weights) holds no architecture; expected a whole model saved with model.save('*.h5'), or load it into a model of its architecture with loadWeights(model, '*.weights.h5')`
        : `${file}: the HDF5 file has no model_config attribute (a weights-only file?); expected a whole model saved with model.save('*.h5')`,
    );
  }
  const flavor = flavorOf(root.attrs.keras_version);
  const plan = planKerasModel(file, parseJson(file, 'model_config', new TextEncoder().encode(cfg)), flavor);
  const mw = memberAt(root, 'model_weights');
  const weights = mw !== undefined && mw.kind === 'group' ? mw : root;
  return build(plan, (p) => {
    const g = weights.children.get(p.name);
    if (g === undefined || g.kind !== 'group')
      throw new FormatError(
        `${file}: model_weights has no group for layer '${p.name}'; expected ${p.weightCount} weights`,
      );
    const names = strings(g.attrs.weight_names);
    if (names.length !== p.weightCount)
      throw new FormatError(
        `${file}: layer '${p.name}' must have ${p.weightCount} weights; expected ${p.weightCount}, got ${names.length}`,
      );
    return names.map((n) => {
      const d = memberAt(g, n);
      if (d === undefined || d.kind !== 'dataset')
        throw new FormatError(`${file}: layer '${p.name}' names weight ${n}, which the file lacks`);
      return d;
    });
  });
}
