/*
 * `longshort summary MODEL`: the Keras-style summary table of a model: a directory
 * saved with `model.save(dir)` (e.g. by `longshort textgen train`), or a Keras
 * `.keras` / `.h5` file.
 */
import { importModel } from '../../src/index.js';

export async function summaryCommand(path: string): Promise<void> {
  const model = await importModel(path);
  model.summary();
  if (model.epoch > 0) console.log(`trained epochs: ${model.epoch}`);
}
