/*
 * loadModel: the inverse of SequentialModel.save (the format is in model-format.ts).
 */
import type { Layer } from './layer.js';
import { nodeModelFs } from './model-files.js';
import { readModelDir } from './model-format.js';
import { SequentialModel } from './sequential-model.js';

export { layerFromConfig } from './model-format.js';

/**
 * Loads a model written by `save(dir)`: architecture, weights (PyTorch keys), compile
 * configuration, epoch counter and optimizer state, so `fit(..., { initialEpoch:
 * model.epoch })` continues exactly where the saved run stopped. Every file and field
 * is checked (sizes the architecture states against the weights before anything is
 * built), and the files must share one checkpoint id; any problem is a FormatError
 * naming the file and the field. A directory left by a crash during a save is first
 * brought back to its complete checkpoint.
 *
 * @example
 * const model = await loadModel('checkpoints/run1');
 * await model.fit(x, y, { epochs: 20, initialEpoch: model.epoch, seed: 1 });
 */
export async function loadModel(dir: string): Promise<SequentialModel> {
  return readModelDir(
    dir,
    nodeModelFs,
    (layers: Layer[], name: string) => new SequentialModel(layers, { name }),
  );
}
