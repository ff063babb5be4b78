// Child process of save-load.test.ts's cross-process resume test (not a test file itself):
//   node dist/test/models/resume-child.js whole <epochs>       -> trains from scratch
//   node dist/test/models/resume-child.js first <epochs> <dir> -> trains, then saves to dir
//   node dist/test/models/resume-child.js resume <epochs> <dir> -> loads dir, trains on to <epochs>
// and prints the history as JSON on its last line. The model has dropout (a Dropout
// layer and the recurrent layer's input dropout), so resuming must also redraw the masks.
import { manualSeed } from '../../src/core/rng.js';
import { randn, type Tensor } from '../../src/tensor/index.js';
import {
  dense,
  dropout,
  gru,
  loadModel,
  lstm,
  sequential,
  type SequentialModel,
} from '../../src/models/index.js';

function data(): [Tensor, Tensor] {
  manualSeed(123);
  const x = randn([24, 5, 3]);
  return [x, x.sum(1).narrow(1, 0, 2).tanh()];
}

function build(): SequentialModel {
  return sequential([
    lstm({ units: 6, returnSequences: true, dropout: 0.2, inputShape: [5, 3] }),
    dropout({ rate: 0.3 }),
    gru({ units: 4 }),
    dense({ units: 2 }),
  ]);
}

const [mode, epochsArg, dir] = process.argv.slice(2);
const epochs = Number(epochsArg);
const [x, y] = data();
const fitOptions = { batchSize: 8, verbose: 0 as const, seed: 9, validationSplit: 0.25 };
let model: SequentialModel;
if (mode === 'resume') {
  manualSeed(Date.now() % 100000); // whatever state a new process happens to be in
  model = await loadModel(dir);
} else {
  manualSeed(0);
  model = build();
  model.compile({ loss: 'mse', optimizer: 'adam', metrics: ['mae'] });
}
const h = await model.fit(x, y, { ...fitOptions, epochs, initialEpoch: model.epoch });
if (mode === 'first') await model.save(dir);
console.log(JSON.stringify({ epoch: h.epoch, history: h.history, prediction: model.predict(x).toArray() }));
