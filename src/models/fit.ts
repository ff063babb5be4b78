/*
 * `SequentialModel.fit`: option checks, the validation split, then per epoch the
 * (seeded) shuffle, the mini-batch steps with the NaN guard, validation and callbacks.
 */
import { ConfigError } from '../core/errors.js';
import { checkFinite, checkOptions } from '../core/check.js';
import { defaultGenerator, Generator } from '../core/rng.js';
import { formatShape } from '../core/shape.js';
import { takeRows } from '../data/take-rows.js';
import type { Tensor } from '../tensor/index.js';
import { ProgressBar, type Callback, type Logs, type TrainingParams } from './callbacks.js';
import {
  accumulateMetrics,
  batchLoss,
  batchSizeOf,
  checkPair,
  evaluateTensors,
  forEachBatch,
  logsOf,
  toTensor,
} from './evaluate-predict.js';
import { firstNonFinite, TerminateOnNaN } from './fit-terminate-on-nan.js';
import { checkClassTargets } from './losses.js';
import { matchFloatDtype } from './float-data.js';
import { clipGradients } from './optimizers.js';
import {
  isOptimizer,
  type Data,
  type FitOptions,
  type History,
  type ModelInternals,
} from './sequential-model-types.js';

const FIT_KEYS = [
  'epochs',
  'batchSize',
  'validationSplit',
  'validationData',
  'shuffle',
  'seed',
  'callbacks',
  'verbose',
  'initialEpoch',
  'terminateOnNaN',
];

/** Mixed into `fit`'s seed for the dropout stream (distinct from the shuffle's). */
const DROPOUT_STREAM = 0x5bd1e995;

function epochSeed(seed: number, epoch: number): number {
  return ((Math.floor(seed) >>> 0) ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0;
}

function yieldToEventLoop(): Promise<void> {
  const si = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => {
    if (si !== undefined) si(resolve);
    else setTimeout(resolve, 0);
  });
}

/** ConfigError unless every element of a float tensor is finite (integer tensors pass). */
function checkFiniteData(what: string, t: Tensor): void {
  if (t.dtype === 'int32') return;
  const at = firstNonFinite(t.data);
  if (at >= 0)
    throw new ConfigError(
      `fit: ${what} must hold finite numbers; got ${t.data[at]} at flat index ${at} of ${formatShape(t.shape)}`,
    );
}

function checkCallbacks(cbs: unknown): Callback[] {
  if (cbs === undefined) return [];
  if (!Array.isArray(cbs))
    throw new ConfigError(
      `fit: callbacks must be an array of callbacks; got ${typeof cbs === 'string' ? JSON.stringify(cbs) : typeof cbs}`,
    );
  cbs.forEach((cb, i) => {
    if (cb === null || typeof cb !== 'object')
      throw new ConfigError(
        `fit: callbacks[${i}] must be a callback object; got ${JSON.stringify(cb) ?? typeof cb}`,
      );
  });
  return [...(cbs as Callback[])];
}

/** `SequentialModel.fit` (see there). */
export async function fitModel(
  model: ModelInternals,
  xData: Data,
  yData: Data,
  options: FitOptions,
): Promise<History> {
  const c = model.requireCompiled('fit');
  checkOptions('fit', options, FIT_KEYS);
  const x = matchFloatDtype(toTensor(xData, 'fit: x'), model.parameters());
  const y = matchFloatDtype(toTensor(yData, 'fit: y'), model.parameters());
  checkPair(model, 'fit', x, y);
  const epochs = options.epochs ?? 1;
  const initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new ConfigError(`fit: epochs must be a non-negative integer; got ${String(epochs)}`);
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0)
    throw new ConfigError(`fit: initialEpoch must be a non-negative integer; got ${String(initialEpoch)}`);
  const batchSize = batchSizeOf(model, 'fit', options.batchSize);
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== 'boolean')
    throw new ConfigError(`fit: shuffle must be a boolean; got ${String(shuffle)}`);
  const seed = options.seed === undefined ? undefined : checkFinite('fit', 'seed', options.seed);
  const verbose = options.verbose ?? 1;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2)
    throw new ConfigError(`fit: verbose must be 0, 1 or 2; got ${String(verbose)}`);
  const split = options.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1))
    throw new ConfigError(`fit: validationSplit must be in [0, 1); got ${String(split)}`);
  const guard = options.terminateOnNaN ?? true;
  if (typeof guard !== 'boolean')
    throw new ConfigError(`fit: terminateOnNaN must be a boolean; got ${String(guard)}`);
  const userCallbacks = checkCallbacks(options.callbacks);
  checkFiniteData('x', x);
  checkFiniteData('y', y);

  let xTrain = x;
  let yTrain = y;
  let val: [Tensor, Tensor] | null = null;
  if (options.validationData !== undefined) {
    const vd = options.validationData;
    if (!Array.isArray(vd) || vd.length !== 2) throw new ConfigError('fit: validationData must be [x, y]');
    val = [
      matchFloatDtype(toTensor(vd[0], 'fit: validationData x'), model.parameters()),
      matchFloatDtype(toTensor(vd[1], 'fit: validationData y'), model.parameters()),
    ];
    checkPair(model, 'fit (validationData)', val[0], val[1]);
    checkFiniteData('validationData x', val[0]);
    checkFiniteData('validationData y', val[1]);
  } else if (split > 0) {
    const n = x.shape[0];
    const at = Math.floor(n * (1 - split));
    if (at === 0 || at === n) {
      throw new ConfigError(
        `fit: validationSplit ${split} of ${n} samples leaves ${at === 0 ? 'no training' : 'no validation'} samples; use a larger dataset or another split`,
      );
    }
    const idx = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
    xTrain = takeRows(x, idx(0, at));
    yTrain = takeRows(y, idx(0, at));
    val = [takeRows(x, idx(at, n)), takeRows(y, idx(at, n))];
  }
  model.buildFrom(xTrain);
  const classes = model.outputShapes().at(-1)?.at(-1) ?? null; // labels checked at their rows of the data
  checkClassTargets('fit', c.loss, y, classes);
  if (options.validationData !== undefined && val !== null)
    checkClassTargets('fit', c.loss, val[1], classes, 'validationData y');
  const opt = model.ensureOptimizer();
  const clip = isOptimizer(c.optimizer) ? null : c.optimizer.clip;
  const n = xTrain.shape[0];
  const steps = Math.ceil(n / batchSize);
  const callbacks: Callback[] = [...userCallbacks];
  if (guard && !callbacks.some((cb) => cb instanceof TerminateOnNaN)) callbacks.unshift(new TerminateOnNaN());
  if (verbose === 1) callbacks.push(new ProgressBar({ mode: 'bar' }));
  if (verbose === 2) callbacks.push(new ProgressBar({ mode: 'epoch' }));
  for (const cb of callbacks) cb.setModel?.(model);
  const params: TrainingParams = { epochs, initialEpoch, steps, samples: n, verbose };
  const history: History = { history: {}, epoch: [] };
  const weights = model.parameters();
  model.stopTraining = false;
  for (const cb of callbacks) await cb.onTrainBegin?.(params);
  let lastLogs: Logs = {};
  for (let epoch = initialEpoch; epoch < epochs; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch);
    let order: number[];
    if (!shuffle) order = Array.from({ length: n }, (_, i) => i);
    else
      order =
        seed !== undefined
          ? new Generator(epochSeed(seed, epoch)).permutation(n)
          : defaultGenerator.permutation(n);
    // with a seed, the epoch's dropout masks come from their own stream too
    const masks = seed !== undefined ? new Generator(epochSeed(seed ^ DROPOUT_STREAM, epoch)) : undefined;
    let lossSum = 0;
    const acc = new Map<string, [number, number]>();
    model.train();
    const batches: number[][] = [];
    forEachBatch(n, batchSize, (rows) => batches.push(rows), order);
    for (let b = 0; b < steps; b++) {
      const idx = batches[b];
      const xb = takeRows(xTrain, idx);
      const yb = takeRows(yTrain, idx);
      const r = model.run(xb, true, masks);
      const loss = batchLoss(c, r, yb);
      opt.zeroGrad();
      loss.backward();
      if (clip !== null) clipGradients(clip, weights);
      const lv = loss.item();
      for (const cb of callbacks) cb.onBatchGradients?.(epoch, b, lv, weights);
      opt.step();
      lossSum += lv * idx.length;
      accumulateMetrics(c, r, yb, acc);
      for (const cb of callbacks) await cb.onBatchEnd?.(b, { loss: lv, size: idx.length });
      await yieldToEventLoop();
    }
    const logs = logsOf(lossSum, n, acc);
    if (val !== null) {
      const vl = evaluateTensors(model, c, val[0], val[1], batchSize);
      for (const [k, v] of Object.entries(vl)) logs[`val_${k}`] = v;
    }
    model.epoch = epoch + 1;
    history.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
    lastLogs = logs;
    if (model.stopTraining) break;
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(lastLogs);
  model.eval();
  return history;
}
