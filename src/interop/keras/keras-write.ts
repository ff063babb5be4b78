/*
 * Writing Keras files from the Keras front's models: the Keras 3 `.keras` zip and the
 * legacy HDF5 `.h5`, both loadable by keras.saving.load_model.
 */
import { zipSync } from 'fflate';
import type { SequentialModel } from '../../models/index.js';
import { group, groupAt } from './h5-tree.js';
import { writeH5 } from './h5-write.js';
import { exportKerasModel } from './keras-export.js';
import { kerasWeightsTree } from './keras-weights.js';

/** The Keras version written into the files' metadata (the format longshort writes). */
export const KERAS_FORMAT_VERSION = '3.0.0';

/**
 * A built SequentialModel as a Keras 3 `.keras` archive (config.json, metadata.json,
 * model.weights.h5).
 * @throws StateError for an unbuilt model; UnsupportedError for what Keras cannot express
 * @example writeFileSync('m.keras', await writeKerasArchive(model));
 */
export async function writeKerasArchive(model: SequentialModel): Promise<Uint8Array> {
  const { config, layers } = exportKerasModel(model, 'keras3');
  const enc = new TextEncoder();
  const meta = {
    keras_version: KERAS_FORMAT_VERSION,
    date_saved: new Date().toISOString(),
    producer: 'longshort',
  };
  return zipSync({
    'metadata.json': enc.encode(JSON.stringify(meta)),
    'config.json': enc.encode(JSON.stringify(config)),
    'model.weights.h5': await writeH5(kerasWeightsTree(layers)),
  });
}

/**
 * A built SequentialModel as a legacy Keras HDF5 file (`model_config` attribute,
 * `model_weights/<layer>` groups with `weight_names`).
 * @throws StateError for an unbuilt model; UnsupportedError for what Keras cannot express
 * @example writeFileSync('m.h5', await writeKerasH5(model));
 */
export async function writeKerasH5(model: SequentialModel): Promise<Uint8Array> {
  const { config, layers } = exportKerasModel(model, 'keras3');
  const root = group({
    keras_version: KERAS_FORMAT_VERSION,
    backend: 'jax',
    model_config: JSON.stringify(config),
  });
  const mw = groupAt(root, 'model_weights');
  Object.assign(mw.attrs, {
    keras_version: KERAS_FORMAT_VERSION,
    backend: 'jax',
    layer_names: layers.map((l) => l.name),
  });
  for (const l of layers) {
    const g = groupAt(mw, l.name);
    g.attrs.weight_names = l.h5Names;
    l.arrays.forEach((a, i) => {
      const path = l.h5Names[i];
      const cut = path.lastIndexOf('/');
      groupAt(g, path.slice(0, cut)).children.set(path.slice(cut + 1), {
        kind: 'dataset',
        shape: a.shape,
        data: a.data,
        attrs: {},
      });
    });
  }
  groupAt(mw, 'top_level_model_weights').attrs.weight_names = [];
  return writeH5(root);
}
