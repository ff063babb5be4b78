/*
 * Keras-style losses and metrics by name, over src/nn's losses. Every loss first
 * gives one value per sample (and per time step for sequence outputs), reducing the
 * last axis as Keras does; the model then takes the (masked) mean.
 */
import { showValue } from '../core/check.js';
import { ConfigError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { warn } from '../core/warn.js';
import { binaryCrossEntropyWithLogits } from '../nn/losses/classification.js';
import { crossEntropy, nllLoss } from '../nn/losses/classification.js';
import { huberLoss, l1Loss, mseLoss } from '../nn/losses/regression.js';
import {
  argmax,
  clamp,
  div,
  eq,
  gt,
  log,
  logSoftmax,
  mul,
  neg,
  reshape,
  sub,
  sum,
  Tensor,
  add,
} from '../tensor/index.js';

/**
 * Loss names (Keras' camelCase and snake_case spellings).
 *
 * @example
 * model.compile({ loss: 'mse', optimizer: 'adam' }); // or 'mean_squared_error', 'sparseCategoricalCrossentropy', ...
 */
export type LossName =
  | 'mse'
  | 'meanSquaredError'
  | 'mean_squared_error'
  | 'mae'
  | 'meanAbsoluteError'
  | 'mean_absolute_error'
  | 'huber'
  | 'binaryCrossentropy'
  | 'binary_crossentropy'
  | 'categoricalCrossentropy'
  | 'categorical_crossentropy'
  | 'sparseCategoricalCrossentropy'
  | 'sparse_categorical_crossentropy';

/** A loss with options, e.g. `{ type: 'sparseCategoricalCrossentropy', fromLogits: true }`. */
export interface LossConfig {
  type: LossName;
  /**
   * Crossentropies: the predictions are logits rather than probabilities. Default false
   * (Keras' default): predictions are probabilities, clipped to [1e-7, 1 - 1e-7]. When
   * the last layer is `dense` with a 'softmax' (or 'sigmoid') activation, the loss is
   * computed from that layer's logits with logSoftmax (or the stable sigmoid form),
   * which is the same value without the clipping and never gives NaN or Infinity.
   */
  fromLogits?: boolean;
  /** Huber: the threshold between the quadratic and the linear part. Default 1. */
  delta?: number;
}

/** What `compile` accepts as a loss. */
export type LossSpec = LossName | LossConfig;

/** Canonical loss names. */
export type CanonicalLoss =
  | 'mse'
  | 'mae'
  | 'huber'
  | 'binaryCrossentropy'
  | 'categoricalCrossentropy'
  | 'sparseCategoricalCrossentropy';

const ALIASES: Record<LossName, CanonicalLoss> = {
  mse: 'mse',
  meanSquaredError: 'mse',
  mean_squared_error: 'mse',
  mae: 'mae',
  meanAbsoluteError: 'mae',
  mean_absolute_error: 'mae',
  huber: 'huber',
  binaryCrossentropy: 'binaryCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  categoricalCrossentropy: 'categoricalCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
};

const EPS = 1e-7;

/** The last layer's pre-activation, when it is a dense softmax or sigmoid. */
export interface Logits {
  kind: 'softmax' | 'sigmoid';
  logits: Tensor;
}

/** A loss resolved from its name or config. */
export interface ResolvedLoss {
  name: CanonicalLoss;
  fromLogits: boolean;
  delta: number;
  /** The config as given to `compile`, for `model.json`. */
  spec: LossSpec;
}

/**
 * Resolves a loss name or config; a ConfigError lists the valid names.
 * @example resolveLoss('mse').name // 'mse'
 */
export function resolveLoss(spec: LossSpec): ResolvedLoss {
  const type =
    typeof spec === 'string' ? spec : spec !== null && typeof spec === 'object' ? spec.type : undefined;
  const name =
    typeof type === 'string' && Object.prototype.hasOwnProperty.call(ALIASES, type)
      ? ALIASES[type]
      : undefined;
  if (name === undefined) {
    throw new ConfigError(
      `compile: unknown loss ${JSON.stringify(type ?? spec)}; expected one of ${Object.keys(ALIASES).join(', ')} (or { type, fromLogits, delta })`,
    );
  }
  let fromLogits = false;
  let delta = 1;
  if (typeof spec === 'object') {
    for (const k of Object.keys(spec)) {
      const allowed =
        name === 'huber'
          ? ['type', 'delta']
          : name.endsWith('rossentropy')
            ? ['type', 'fromLogits']
            : ['type'];
      if (!allowed.includes(k))
        throw new ConfigError(
          `compile: loss option '${k}' does not apply to ${name}; expected ${allowed.join(', ')}`,
        );
    }
    if (spec.fromLogits !== undefined) {
      if (typeof spec.fromLogits !== 'boolean')
        throw new ConfigError(`compile: loss fromLogits must be a boolean; got ${String(spec.fromLogits)}`);
      fromLogits = spec.fromLogits;
    }
    if (spec.delta !== undefined) {
      if (typeof spec.delta !== 'number' || !(spec.delta > 0))
        throw new ConfigError(`compile: huber delta must be a positive number; got ${String(spec.delta)}`);
      delta = spec.delta;
    }
  }
  return { name, fromLogits, delta, spec: typeof spec === 'string' ? spec : { ...spec } };
}

function floatLike(y: Tensor, pred: Tensor, loss: string): Tensor {
  let t = y;
  if (t.dtype !== pred.dtype) t = t.to(pred.dtype);
  if (t.numel() === pred.numel() && t.shape.join() !== pred.shape.join()) t = reshape(t, pred.shape);
  if (t.shape.join() !== pred.shape.join()) {
    throw new ShapeError(
      `${loss}: targets must have the predictions' shape; expected ${formatShape(pred.shape)}, got ${formatShape(y.shape)}`,
    );
  }
  return t;
}

/** Class ids with the predictions' shape minus the class axis, as int32. */
function classIds(y: Tensor, pred: Tensor, loss: string): Tensor {
  const want = pred.shape.slice(0, -1);
  const C = pred.shape[pred.ndim - 1];
  if (y.numel() !== want.reduce((a, b) => a * b, 1)) {
    throw new ShapeError(
      `${loss}: targets must hold one class id per prediction row; expected shape ${formatShape(want)}, got ${formatShape(y.shape)}`,
    );
  }
  const d = new Int32Array(y.numel());
  const s = y.data;
  for (let i = 0; i < d.length; i++) {
    const v = s[i];
    if (!Number.isInteger(v) || v < 0 || v >= C)
      throw new ShapeError(
        `${loss}: class ids must be integers in [0, ${C - 1}]; got ${v} at flat index ${i}`,
      );
    d[i] = v;
  }
  return new Tensor(d, want);
}

const warned = new WeakSet<ResolvedLoss>();

/**
 * Warns (once per compiled loss) when a probability loss (fromLogits false) gets
 * predictions outside [0, 1]: logits from a last layer without softmax / sigmoid.
 */
function checkProbabilities(loss: ResolvedLoss, pred: Tensor): void {
  if (warned.has(loss)) return;
  const d = pred.data;
  for (let i = 0; i < d.length; i++) {
    if (d[i] < 0 || d[i] > 1) {
      warned.add(loss);
      const act = loss.name === 'binaryCrossentropy' ? 'sigmoid' : 'softmax';
      warn(
        `${loss.name}: the predictions must be probabilities in [0, 1] with fromLogits false; got ${d[i]} (logits?): ` +
          `compile with { type: '${loss.name}', fromLogits: true }, or end the model with dense({ units, activation: '${act}' })`,
      );
      return;
    }
  }
}

/**
 * Checks the class ids of a whole target tensor `y` (N, ...) for the sparse
 * crossentropy before training, so that a bad label is reported at its row of the data
 * (not at its place in a shuffled batch). A no-op for other losses.
 * @internal used by `fit`.
 */
export function checkClassTargets(
  op: string,
  loss: ResolvedLoss,
  y: Tensor,
  classes: number | null,
  what = 'y',
): void {
  if (loss.name !== 'sparseCategoricalCrossentropy' || classes === null) return;
  const perRow = y.ndim === 0 ? 1 : y.numel() / Math.max(1, y.shape[0]);
  const s = y.data;
  for (let i = 0; i < s.length; i++) {
    const v = s[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      const row = Math.floor(i / perRow);
      const at = perRow > 1 ? `row ${row} (element ${i - row * perRow} of the row)` : `row ${row}`;
      throw new ShapeError(
        `${op}: sparseCategoricalCrossentropy class ids must be integers in [0, ${classes - 1}] (the model has ${classes} outputs); got ${v} at ${what} ${at}`,
      );
    }
  }
}

/**
 * Per-sample (and per-step) loss values, shape `pred.shape.slice(0, -1)`.
 * @internal used by the model.
 */
export function lossValues(loss: ResolvedLoss, pred: Tensor, y: Tensor, logits: Logits | null): Tensor {
  const lead = pred.shape.slice(0, -1);
  const C = pred.shape[pred.ndim - 1];
  switch (loss.name) {
    case 'mse':
      return mseLoss(pred, floatLike(y, pred, 'mse'), { reduction: 'none' }).mean(-1);
    case 'mae':
      return l1Loss(pred, floatLike(y, pred, 'mae'), { reduction: 'none' }).mean(-1);
    case 'huber':
      return huberLoss(pred, floatLike(y, pred, 'huber'), { reduction: 'none', delta: loss.delta }).mean(-1);
    case 'binaryCrossentropy': {
      const t = floatLike(y, pred, 'binaryCrossentropy');
      if (loss.fromLogits) return binaryCrossEntropyWithLogits(pred, t, { reduction: 'none' }).mean(-1);
      if (logits !== null && logits.kind === 'sigmoid')
        return binaryCrossEntropyWithLogits(logits.logits, t, { reduction: 'none' }).mean(-1);
      checkProbabilities(loss, pred);
      const p = clamp(pred, EPS, 1 - EPS);
      const l = neg(add(mul(t, log(p)), mul(sub(1, t), log(sub(1, p)))));
      return l.mean(-1);
    }
    case 'categoricalCrossentropy': {
      const t = floatLike(y, pred, 'categoricalCrossentropy');
      let logp: Tensor;
      if (loss.fromLogits) logp = logSoftmax(pred, -1);
      else if (logits !== null && logits.kind === 'softmax') logp = logSoftmax(logits.logits, -1);
      else {
        checkProbabilities(loss, pred);
        logp = log(clamp(div(pred, sum(pred, -1, true)), EPS, 1 - EPS));
      }
      return neg(sum(mul(t, logp), -1));
    }
    case 'sparseCategoricalCrossentropy': {
      const ids = reshape(classIds(y, pred, 'sparseCategoricalCrossentropy'), [-1]);
      const rows = (x: Tensor): Tensor => reshape(x, [-1, C]);
      let l: Tensor;
      if (loss.fromLogits) l = crossEntropy(rows(pred), ids, { reduction: 'none' });
      else if (logits !== null && logits.kind === 'softmax')
        l = crossEntropy(rows(logits.logits), ids, { reduction: 'none' });
      else {
        checkProbabilities(loss, pred);
        l = nllLoss(log(clamp(div(rows(pred), sum(rows(pred), -1, true)), EPS, 1 - EPS)), ids, {
          reduction: 'none',
        });
      }
      return reshape(l, lead);
    }
  }
}

/** Metric names. 'accuracy' (or 'acc') picks binary/categorical/sparse accuracy from the loss, as Keras does. */
export type MetricName = 'accuracy' | 'acc' | 'mae' | 'mse';
const METRICS: readonly MetricName[] = ['accuracy', 'acc', 'mae', 'mse'];

/** Checks metric names; a ConfigError lists the valid ones. */
export function resolveMetrics(metrics: readonly MetricName[] | undefined): MetricName[] {
  if (metrics === undefined) return [];
  const given: unknown = metrics; // checked as unknown: Array.isArray would narrow metrics to any[]
  if (!Array.isArray(given))
    throw new ConfigError(`compile: metrics must be an array of names; got ${showValue(given)}`);
  for (const m of metrics) {
    if (!METRICS.includes(m))
      throw new ConfigError(
        `compile: unknown metric ${JSON.stringify(m)}; expected one of ${METRICS.join(', ')}`,
      );
  }
  if (new Set(metrics).size !== metrics.length)
    throw new ConfigError(`compile: metrics must not repeat; got ${metrics.join(', ')}`);
  return [...metrics];
}

/**
 * Per-sample (and per-step) metric values, shape `pred.shape.slice(0, -1)`; no graph.
 * @internal used by the model.
 */
export function metricValues(metric: MetricName, loss: ResolvedLoss, pred: Tensor, y: Tensor): Tensor {
  if (metric === 'mae') return l1Loss(pred, floatLike(y, pred, 'mae'), { reduction: 'none' }).mean(-1);
  if (metric === 'mse') return mseLoss(pred, floatLike(y, pred, 'mse'), { reduction: 'none' }).mean(-1);
  const C = pred.shape[pred.ndim - 1];
  const kind =
    loss.name === 'sparseCategoricalCrossentropy'
      ? 'sparse'
      : loss.name === 'categoricalCrossentropy'
        ? 'categorical'
        : loss.name === 'binaryCrossentropy' || C === 1
          ? 'binary'
          : 'categorical';
  if (kind === 'sparse') {
    const ids = classIds(y, pred, 'accuracy');
    return eq(argmax(pred, -1), ids).to(pred.dtype);
  }
  if (kind === 'categorical') {
    const t = floatLike(y, pred, 'accuracy');
    return eq(argmax(pred, -1), argmax(t, -1)).to(pred.dtype);
  }
  const t = floatLike(y, pred, 'accuracy');
  const threshold = loss.fromLogits ? 0 : 0.5;
  return eq(gt(pred, threshold).to(pred.dtype), gt(t, 0.5).to(pred.dtype)).to(pred.dtype).mean(-1);
}
