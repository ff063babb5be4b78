// Every option bag of the public API rejects a key it does not know with a ConfigError
// that names the key and lists the known ones (a typo is never silently ignored).
import { describe, it } from 'node:test';
import * as ls from '../../src/index.js';
import { ConfigError } from '../../src/core/errors.js';
import { throwsWith } from '../helpers/assert.js';

const BAD = { notAnOption: 1 };
const bag = <T>(known: T): T => ({ ...known, ...BAD });

const params = (): ls.Tensor[] => [ls.zeros([2], { requiresGrad: true })];
const t2 = (): ls.Tensor => ls.zeros([2, 3]);

/** [name, call with an unknown key, a key the message must list]. */
const CASES: Array<[string, () => unknown, string]> = [
  // tensor
  ['zeros', () => ls.zeros([2], bag({ dtype: 'float32' as const })), 'dtype'],
  ['ones', () => ls.ones([2], bag({})), 'dtype'],
  ['full', () => ls.full([2], 1, bag({})), 'dtype'],
  ['randn', () => ls.randn([2], bag({})), 'generator'],
  ['rand', () => ls.rand([2], bag({})), 'generator'],
  ['randint', () => ls.randint(0, 3, [2], bag({})), 'generator'],
  ['arange', () => ls.arange(0, 3, 1, bag({})), 'dtype'],
  ['linspace', () => ls.linspace(0, 1, 3, bag({})), 'dtype'],
  ['eye', () => ls.eye(2, bag({})), 'dtype'],
  ['zerosLike', () => ls.zerosLike(t2(), bag({})), 'dtype'],
  ['tensor', () => ls.tensor([1, 2], bag({})), 'dtype'],
  ['new Tensor', () => new ls.Tensor(new Float32Array(2), [2], bag({})), 'requiresGrad'],
  ['dropout', () => ls.dropout(t2(), 0.5, true, bag({})), 'generator'],
  ['backward', () => ls.zeros([1], { requiresGrad: true }).sum().backward(null, bag({})), 'retainGraph'],
  // nn
  ['Linear', () => new ls.Linear(2, 3, bag({})), 'bias'],
  ['Embedding', () => new ls.Embedding(4, 3, bag({})), 'paddingIdx'],
  ['Embedding.fromPretrained', () => ls.Embedding.fromPretrained(t2(), bag({})), 'freeze'],
  ['Dropout', () => new ls.Dropout(0.5, bag({})), 'generator'],
  ['LSTM', () => new ls.LSTM(2, 3, bag({})), 'numLayers'],
  ['GRU', () => new ls.GRU(2, 3, bag({})), 'numLayers'],
  ['RNN', () => new ls.RNN(2, 3, bag({})), 'nonlinearity'],
  ['LSTMCell', () => new ls.LSTMCell(2, 3, bag({})), 'bias'],
  ['RNNCell', () => new ls.RNNCell(2, 3, bag({})), 'nonlinearity'],
  ['LSTM.initState', () => new ls.LSTM(2, 3).initState(bag({})), 'batch'],
  [
    'loadStateDict',
    () => new ls.Linear(2, 3).loadStateDict(new ls.Linear(2, 3).stateDict(), bag({})),
    'strict',
  ],
  ['packPaddedSequence', () => ls.packPaddedSequence(ls.zeros([2, 1, 3]), [2], bag({})), 'batchFirst'],
  [
    'padPackedSequence',
    () => ls.padPackedSequence(ls.packSequence([ls.zeros([2, 3])]), bag({})),
    'batchFirst',
  ],
  ['padSequence', () => ls.padSequence([ls.zeros([2, 3])], bag({})), 'batchFirst'],
  ['packSequence', () => ls.packSequence([ls.zeros([2, 3])], bag({})), 'enforceSorted'],
  ['mseLoss', () => ls.mseLoss(t2(), t2(), bag({})), 'reduction'],
  ['l1Loss', () => ls.l1Loss(t2(), t2(), bag({})), 'reduction'],
  ['huberLoss', () => ls.huberLoss(t2(), t2(), bag({})), 'delta'],
  ['smoothL1Loss', () => ls.smoothL1Loss(t2(), t2(), bag({})), 'beta'],
  ['crossEntropy', () => ls.crossEntropy(t2(), ls.zeros([2], { dtype: 'int32' }), bag({})), 'ignoreIndex'],
  ['nllLoss', () => ls.nllLoss(t2(), ls.zeros([2], { dtype: 'int32' }), bag({})), 'ignoreIndex'],
  ['binaryCrossEntropy', () => ls.binaryCrossEntropy(t2(), t2(), bag({})), 'weight'],
  ['binaryCrossEntropyWithLogits', () => ls.binaryCrossEntropyWithLogits(t2(), t2(), bag({})), 'posWeight'],
  ['MSELoss', () => new ls.MSELoss(bag({})), 'reduction'],
  ['CrossEntropyLoss', () => new ls.CrossEntropyLoss(bag({})), 'labelSmoothing'],
  ['init.uniform_', () => ls.init.uniform_(t2(), 0, 1, bag({})), 'generator'],
  ['init.kaimingUniform_', () => ls.init.kaimingUniform_(t2(), bag({})), 'mode'],
  // optim
  ['SGD', () => new ls.SGD(params(), bag({})), 'momentum'],
  ['Adam', () => new ls.Adam(params(), bag({})), 'betas'],
  ['AdamW', () => new ls.AdamW(params(), bag({})), 'weightDecay'],
  ['RMSprop', () => new ls.RMSprop(params(), bag({})), 'alpha'],
  ['Adagrad', () => new ls.Adagrad(params(), bag({})), 'lrDecay'],
  ['clipGradNorm', () => ls.clipGradNorm(params(), 1, bag({})), 'normType'],
  ['StepLR', () => new ls.StepLR(new ls.SGD(params(), { lr: 0.1 }), bag({ stepSize: 1 })), 'stepSize'],
  [
    'ReduceLROnPlateau',
    () => new ls.ReduceLROnPlateau(new ls.SGD(params(), { lr: 0.1 }), bag({})),
    'patience',
  ],
  // data
  ['timeseriesWindows', () => ls.timeseriesWindows([1, 2, 3, 4], bag({ window: 2 })), 'window'],
  ['MinMaxScaler', () => new ls.MinMaxScaler(bag({})), 'featureRange'],
  [
    'StandardScaler',
    () => new (ls.StandardScaler as unknown as new (o: object) => unknown)(BAD),
    'no options',
  ],
  ['chronologicalSplit', () => ls.chronologicalSplit(10, bag({})), 'train'],
  ['parseCsvColumns', () => ls.parseCsvColumns('a\n1\n', bag({ columns: ['a'] })), 'columns'],
  ['batches', () => ls.batches(4, bag({ batchSize: 2 })), 'batchSize'],
  [
    'charRnnBatches',
    () => ls.charRnnBatches([1, 2, 3, 4, 5], bag({ batchSize: 1, seqLength: 2 })),
    'seqLength',
  ],
  // models
  ['sequential', () => ls.sequential([], bag({})), 'name'],
  ['layers.dense', () => ls.layers.dense(bag({ units: 1 })), 'units'],
  ['layers.lstm', () => ls.layers.lstm(bag({ units: 1 })), 'units'],
  ['callbacks.earlyStopping', () => ls.callbacks.earlyStopping(bag({})), 'patience'],
  ['callbacks.reduceLROnPlateau', () => ls.callbacks.reduceLROnPlateau(bag({})), 'factor'],
  ['callbacks.progressBar', () => ls.callbacks.progressBar(bag({})), 'print'],
];

describe('every option bag rejects unknown keys and lists the known ones', () => {
  for (const [name, call, known] of CASES) {
    it(name, () => {
      throwsWith(call, ConfigError, 'notAnOption', known);
    });
  }
});
