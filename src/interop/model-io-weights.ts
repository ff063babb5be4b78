/*
 * Weights only, in and out of a model of the Keras front, by file name: Keras 3's
 * `.weights.h5` (`model.save_weights` / `model.load_weights`). Paths need Node (through
 * model-io-files.ts, swapped for a stand-in in browsers); bytes work everywhere.
 */
import { showValue } from '../core/check.js';
import { ConfigError } from '../core/errors.js';
import type { SequentialModel } from '../models/index.js';
import { readKerasWeights, writeKerasWeights } from './keras/keras-weights.js';
import { inMemory } from './model-format.js';
import { modelFiles } from './model-io.js';

const WEIGHTS_SUFFIX = '.weights.h5';

function checkName(op: string, name: string): void {
  if (!name.toLowerCase().endsWith(WEIGHTS_SUFFIX))
    throw new ConfigError(
      `${op}: the weights format comes from the file name; expected a name ending ${WEIGHTS_SUFFIX} (Keras 3's save_weights), got ${JSON.stringify(name)}`,
    );
}

/**
 * Loads weights saved by Keras 3's `model.save_weights('m.weights.h5')` (or by
 * `saveWeights`) into `model`, which must have the architecture they were saved from
 * (the same layers in the same order, built: same input features and units). Every
 * array's shape is checked before any weight changes; a failed load changes nothing.
 * `source` is a path ending `.weights.h5` (Node), the file's bytes, or `{ bytes, name }`.
 *
 * @throws ConfigError for a name not ending `.weights.h5`
 * @throws FormatError naming the file, the layer, the array's path and the expected and actual shape
 * @throws StateError for an unbuilt model
 * @example
 * const model = sequential([lstm({ units: 8, inputShape: [7, 4] }), dense({ units: 1 })]);
 * await loadWeights(model, 'keras/model.weights.h5'); // from keras_model.save_weights
 */
export async function loadWeights(
  model: SequentialModel,
  source: string | Uint8Array | ArrayBuffer | { bytes: Uint8Array | ArrayBuffer; name?: string },
): Promise<void> {
  const op = 'loadWeights';
  let bytes: Uint8Array;
  let name = 'weights';
  if (typeof source === 'string') {
    checkName(op, source);
    name = source;
    const read = await (await modelFiles()).readModelSource(source, false);
    if (read.kind !== 'bytes')
      throw new ConfigError(`${op}: ${source} is a directory; expected a ${WEIGHTS_SUFFIX} file`);
    bytes = read.bytes;
  } else {
    const m = inMemory(source);
    if (m === null)
      throw new ConfigError(
        `${op}: source must be a path, bytes or { bytes, name }; got ${showValue(source)}`,
      );
    bytes = m.bytes;
    if (m.name !== undefined) {
      checkName(op, m.name);
      name = m.name;
    }
  }
  await readKerasWeights(model, bytes, name);
}

/**
 * Saves a built model's weights as a Keras 3 `.weights.h5` file, which Keras'
 * `load_weights` reads into a Keras model of the same architecture (the one
 * `exportModel(model, 'm.keras')` writes). With a path ending `.weights.h5` (Node) the
 * file is written atomically and nothing is returned; with `dest` null the bytes come back.
 *
 * @throws ConfigError for a name not ending `.weights.h5`
 * @throws StateError for an unbuilt model; UnsupportedError for a layer Keras cannot express
 * @example
 * await saveWeights(model, 'out/model.weights.h5'); // keras_model.load_weights reads it
 */
export async function saveWeights(
  model: SequentialModel,
  dest: string | null,
): Promise<Uint8Array | undefined> {
  const op = 'saveWeights';
  if (dest !== null) {
    if (typeof dest !== 'string')
      throw new ConfigError(`${op}: dest must be a path or null; got ${showValue(dest)}`);
    checkName(op, dest);
  }
  const bytes = await writeKerasWeights(model);
  if (dest === null) return bytes;
  await (await modelFiles()).writeModelDest(dest, bytes);
  return undefined;
}
