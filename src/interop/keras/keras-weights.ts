/*
 * Keras 3 weights files (`model.save_weights('m.weights.h5')`, also the
 * model.weights.h5 inside a `.keras` archive): one group per layer under `layers/`,
 * keyed by the snake_case class name and a counter (`lstm`, `lstm_1`, `dense`), with the
 * layer's arrays in get_weights() order at `vars/0..n` (recurrent layers:
 * `cell/vars/0..n`; Bidirectional: `forward_layer/cell/vars` and
 * `backward_layer/cell/vars`; TimeDistributed: `layer/vars`). The file holds no
 * architecture: it is read into a model of the same one.
 */
import { FormatError } from '../../core/errors.js';
import type { SequentialModel } from '../../models/index.js';
import type { Tensor } from '../../tensor/index.js';
import { group, groupAt, memberAt, type H5Dataset, type H5Group } from './h5-tree.js';
import { writeH5 } from './h5-write.js';
import { readH5 } from './h5.js';
import { exportKerasModel, type KerasLayerOut } from './keras-export.js';
import type { KerasArray } from './keras-config.js';
import { planKerasModel } from './keras-import.js';

/** Keras' to_snake_case of a class name ('SimpleRNN' -> 'simple_rnn'). */
export function snakeCase(name: string): string {
  const a = name.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  return a.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** The group keys Keras gives layers of these classes in a weights file ('lstm', 'lstm_1', ...). */
export function kerasLayerKeys(classNames: readonly string[]): string[] {
  const counts = new Map<string, number>();
  return classNames.map((c) => {
    const s = snakeCase(c);
    const n = counts.get(s) ?? 0;
    counts.set(s, n + 1);
    return n === 0 ? s : `${s}_${n}`;
  });
}

/** The HDF5 tree of a Keras 3 weights file holding `layers`' arrays. */
export function kerasWeightsTree(layers: readonly KerasLayerOut[]): H5Group {
  const root = group();
  groupAt(root, 'vars');
  const keys = kerasLayerKeys(layers.map((l) => l.className));
  layers.forEach((l, j) => {
    const key = `layers/${keys[j]}`;
    groupAt(root, `${key}/vars`);
    if (l.className === 'Bidirectional') {
      for (const side of ['forward_layer', 'backward_layer']) groupAt(root, `${key}/${side}/vars`);
    }
    l.arrays.forEach((a, i) => {
      const path = l.varPaths[i];
      const cut = path.lastIndexOf('/');
      groupAt(root, `${key}/${path.slice(0, cut)}`).children.set(path.slice(cut + 1), {
        kind: 'dataset',
        shape: a.shape,
        data: a.data,
        attrs: {},
      });
    });
  });
  return root;
}

/**
 * A built SequentialModel's weights as a Keras 3 `.weights.h5` file, which
 * `keras_model.load_weights` reads into the same architecture.
 * @throws StateError for an unbuilt model; UnsupportedError for a layer Keras cannot express
 * @example writeFileSync('m.weights.h5', await writeKerasWeights(model));
 */
export async function writeKerasWeights(model: SequentialModel): Promise<Uint8Array> {
  return writeH5(kerasWeightsTree(exportKerasModel(model, 'keras3').layers));
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Reads a Keras 3 `.weights.h5` file (bytes) into `model`, whose architecture must be
 * the one the file was saved from: every layer's arrays are found and their shapes
 * checked, and the file may hold no weights for layers the model lacks, before any
 * weight changes (a failed read changes nothing).
 * @throws FormatError naming `file`, the layer, the array's path and the expected and actual shape
 * @throws StateError for an unbuilt model; UnsupportedError for a layer Keras cannot express
 * @example await readKerasWeights(model, readFileSync('m.weights.h5'), 'm.weights.h5');
 */
export async function readKerasWeights(
  model: SequentialModel,
  bytes: Uint8Array,
  file: string,
): Promise<void> {
  const { config, layers } = exportKerasModel(model, 'keras3');
  const root = await readH5(bytes, file);
  const keys = kerasLayerKeys(layers.map((l) => l.className));
  const fromFile = new Map<string, KerasArray[]>();
  layers.forEach((l, j) => {
    const arrays = l.varPaths.map((p, i) => {
      const path = `layers/${keys[j]}/${p}`;
      const d = memberAt(root, path);
      if (d === undefined || d.kind !== 'dataset')
        throw new FormatError(
          `${file}: layer '${l.name}' (${l.className}) needs the array ${path} of shape [${l.arrays[i].shape.join(', ')}]; the file has none`,
        );
      if (!sameShape(d.shape, l.arrays[i].shape))
        throw new FormatError(
          `${file}: layer '${l.name}' (${l.className}): ${path} must have the model's shape; expected [${l.arrays[i].shape.join(', ')}], got [${d.shape.join(', ')}]`,
        );
      return d;
    });
    fromFile.set(l.name, arrays);
  });
  const layersGroup = memberAt(root, 'layers');
  if (layersGroup === undefined || layersGroup.kind !== 'group')
    throw new FormatError(`${file}: a Keras weights file must have a group 'layers'; the file has none`);
  const used = new Set(keys);
  for (const [k, g] of layersGroup.children) {
    if (!used.has(k) && hasArrays(g))
      throw new FormatError(
        `${file}: the file holds weights for a layer '${k}' the model lacks; expected layers ${keys.join(', ')}`,
      );
  }
  const plan = planKerasModel(file, config, 'keras3');
  const state = new Map<string, Tensor>();
  for (const p of plan.plans) {
    if (p.weightCount === 0) continue;
    for (const [k, t] of p.toState(fromFile.get(p.name) ?? [])) state.set(k, t);
  }
  model.setWeights(state);
}

/** Whether `g` is, or holds at any depth, a dataset. */
function hasArrays(g: H5Group | H5Dataset): boolean {
  if (g.kind === 'dataset') return true;
  for (const c of g.children.values()) if (hasArrays(c)) return true;
  return false;
}
