/*
 * `longshort summary MODEL`: the Keras-style summary table of a model saved with
 * `model.save(dir)` (model.json + weights.safetensors), e.g. by `longshort textgen train`.
 */
import { loadModel } from '../../src/index.js';

export async function summaryCommand(dir: string): Promise<void> {
  const model = await loadModel(dir);
  model.summary();
  if (model.epoch > 0) console.log(`trained epochs: ${model.epoch}`);
}
