// Child process of scripts/kill-saves.mjs (not a test file itself):
//   node dist/test/models/kill-child.js <dir> <epochs>
// trains a small model to <epochs>, saving a checkpoint into <dir> after every epoch
// (modelCheckpoint), resuming from <dir> when it holds one; prints the final
// predictions and weights as JSON on its last line. The parent SIGKILLs it at random
// moments, many of them during a save.
import { existsSync } from 'node:fs';
import { manualSeed } from '../../src/core/rng.js';
import {
  dense,
  loadModel,
  lstm,
  modelCheckpoint,
  sequential,
  type SequentialModel,
} from '../../src/models/index.js';
import { randn } from '../../src/tensor/index.js';

const [dir, epochsArg] = process.argv.slice(2);
const epochs = Number(epochsArg);
manualSeed(5);
const x = randn([8, 4, 2]);
const y = x.sum(1).tanh();
let model: SequentialModel;
try {
  manualSeed(Date.now() % 1000); // whatever state a new process happens to be in
  model = await loadModel(dir); // also brings back a checkpoint a kill left mid-swap
} catch (e) {
  if (existsSync(dir)) throw e; // a checkpoint that does not load: the failure this test is for
  manualSeed(0);
  model = sequential([lstm({ units: 8, dropout: 0.1, inputShape: [4, 2] }), dense({ units: 2 })]);
  model.compile({ loss: 'mse', optimizer: 'adam' });
}
process.send?.({ resumedAt: model.epoch });
await model.fit(x, y, {
  epochs,
  initialEpoch: model.epoch,
  batchSize: 4,
  verbose: 0,
  seed: 3,
  callbacks: [modelCheckpoint(dir)],
});
const weights = [...model.getWeights()].map(([k, t]) => [k, Array.from(t.data)]);
console.log(JSON.stringify({ epoch: model.epoch, prediction: Array.from(model.predict(x).data), weights }));
