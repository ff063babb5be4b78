/*
 * Evaluation and prediction of a Sequential model, and the batch helpers `fit` shares
 * with them: one batching loop (`forEachBatch`), the masked loss and the metric sums.
 */
import { ConfigError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { takeRows } from '../data/take-rows.js';
import { cat, mul, noGrad, Tensor, tensor } from '../tensor/index.js';
import type { Logs } from './callbacks.js';
import { checkKeys } from './layer.js';
import { matchFloatDtype } from './float-data.js';
import { lossValues, metricValues } from './losses.js';
import type { Compiled, Data, EvaluateOptions, ModelInternals, RunResult } from './sequential-model-types.js';

/** `x` as a Tensor (nested arrays are converted); ShapeError for anything else. */
export function toTensor(x: Data, what: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number' || Array.isArray(x)) return tensor(x);
  throw new ShapeError(
    `${what} must be a Tensor or nested arrays of numbers; got ${x === null ? 'null' : typeof x}`,
  );
}

/**
 * Calls `body(rows, start)` for each run of `batchSize` consecutive sample indices of
 * `order` (the identity when omitted), the last run shorter.
 */
export function forEachBatch(
  n: number,
  batchSize: number,
  body: (rows: number[], index: number) => void,
  order?: readonly number[],
): void {
  for (let s = 0, b = 0; s < n; s += batchSize, b++) {
    const end = Math.min(s + batchSize, n);
    const rows = order !== undefined ? order.slice(s, end) : Array.from({ length: end - s }, (_, i) => s + i);
    body(rows, b);
  }
}

function maskFor(r: RunResult, v: Tensor): Tensor | null {
  const m = r.mask;
  if (m === null || m.shape.join() !== v.shape.join()) return null;
  return m.dtype === v.dtype ? m : m.to(v.dtype);
}

/** The mean loss of a batch result (masked mean over steps when the output carries a mask). */
export function batchLoss(c: Compiled, r: RunResult, y: Tensor): Tensor {
  const v = lossValues(c.loss, r.output, y, r.logits);
  const m = maskFor(r, v);
  if (m === null) return v.mean();
  return mul(v, m).sum().div(Math.max(m.sum().item(), 1e-7));
}

/** Accumulates [sum, count] of each metric for a batch. */
export function accumulateMetrics(
  c: Compiled,
  r: RunResult,
  y: Tensor,
  acc: Map<string, [number, number]>,
): void {
  noGrad(() => {
    for (const name of c.metrics) {
      const v = metricValues(name, c.loss, r.output.detach(), y);
      const m = maskFor(r, v);
      const s = m === null ? v.sum().item() : mul(v, m).sum().item();
      const cnt = m === null ? v.numel() : m.sum().item();
      const cur = acc.get(name) ?? [0, 0];
      acc.set(name, [cur[0] + s, cur[1] + cnt]);
    }
  });
}

/** `{ loss, <metric>... }` from the sums of an epoch or an evaluation. */
export function logsOf(lossSum: number, n: number, acc: Map<string, [number, number]>): Logs {
  const logs: Logs = { loss: lossSum / n };
  for (const [k, [s, cnt]] of acc) logs[k] = s / Math.max(cnt, 1e-7);
  return logs;
}

/** The batch size to use: the requested one (checked), the fixed one, or 32. */
export function batchSizeOf(model: ModelInternals, op: string, requested: number | undefined): number {
  const fixed = model.fixedBatchSize;
  if (requested === undefined) return fixed ?? 32;
  if (typeof requested !== 'number' || !Number.isInteger(requested) || requested <= 0) {
    throw new ConfigError(`${op}: batchSize must be a positive integer; got ${String(requested)}`);
  }
  if (fixed !== null && requested !== fixed) {
    throw new ConfigError(
      `${op}: the model has a fixed batch size (first layer's batchSize); expected ${fixed}, got ${requested}`,
    );
  }
  return requested;
}

/** Checks that x and y hold the same (non-zero, fixed-batch-compatible) number of samples. */
export function checkPair(model: ModelInternals, op: string, x: Tensor, y: Tensor): void {
  if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
    throw new ShapeError(
      `${op}: x and y must hold the same number of samples (dim 0); got x ${formatShape(x.shape)} and y ${formatShape(y.shape)}`,
    );
  }
  if (x.shape[0] === 0)
    throw new ShapeError(`${op}: x and y must hold at least one sample; got x ${formatShape(x.shape)}`);
  const fixed = model.fixedBatchSize;
  if (fixed !== null && x.shape[0] % fixed !== 0) {
    throw new ShapeError(
      `${op}: with a fixed batch size of ${fixed} the sample count must be a multiple of it; got ${x.shape[0]} samples`,
    );
  }
}

/** Runs `body` in evaluation mode without a graph, restoring the training flag after. */
function inEvalMode<T>(model: ModelInternals, body: () => T): T {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(body);
  } finally {
    model.train(wasTraining);
  }
}

/** The loss and metrics of (x, y), batch by batch, in evaluation mode. */
export function evaluateTensors(
  model: ModelInternals,
  c: Compiled,
  x: Tensor,
  y: Tensor,
  batchSize: number,
): Logs {
  return inEvalMode(model, () => {
    const n = x.shape[0];
    let lossSum = 0;
    const acc = new Map<string, [number, number]>();
    forEachBatch(n, batchSize, (rows) => {
      const yb = takeRows(y, rows);
      const r = model.run(takeRows(x, rows), false);
      lossSum += batchLoss(c, r, yb).item() * rows.length;
      accumulateMetrics(c, r, yb, acc);
    });
    return logsOf(lossSum, n, acc);
  });
}

/** `SequentialModel.evaluate`. */
export function evaluateModel(
  model: ModelInternals,
  xData: Data,
  yData: Data,
  options: EvaluateOptions,
): Logs {
  const c = model.requireCompiled('evaluate');
  checkKeys('evaluate', options, ['batchSize']);
  const x = matchFloatDtype(toTensor(xData, 'evaluate: x'), model.parameters());
  const y = matchFloatDtype(toTensor(yData, 'evaluate: y'), model.parameters());
  checkPair(model, 'evaluate', x, y);
  return evaluateTensors(model, c, x, y, batchSizeOf(model, 'evaluate', options.batchSize));
}

/** `SequentialModel.predict`. */
export function predictModel(model: ModelInternals, xData: Data, options: EvaluateOptions): Tensor {
  checkKeys('predict', options, ['batchSize']);
  const x = matchFloatDtype(toTensor(xData, 'predict: x'), model.parameters());
  if (x.ndim === 0) throw new ShapeError(`predict: x must have a batch dim; got a 0-d tensor`);
  const batchSize = batchSizeOf(model, 'predict', options.batchSize);
  return inEvalMode(model, () => {
    const outs: Tensor[] = [];
    forEachBatch(x.shape[0], batchSize, (rows) => outs.push(model.run(takeRows(x, rows), false).output));
    return outs.length === 1 ? outs[0] : cat(outs, 0);
  });
}
