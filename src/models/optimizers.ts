/*
 * Optimizers by name or config for `compile`, with Keras' default learning rates.
 */
import { showValue } from '../core/check.js';
import { ConfigError, UnsupportedError } from '../core/errors.js';
import { Adagrad } from '../optim/adagrad.js';
import { Adam } from '../optim/adam.js';
import { AdamW } from '../optim/adamw.js';
import { clipGradNorm, clipGradValue } from '../optim/clip-grad.js';
import type { LrHyper, Optimizer } from '../optim/optimizer.js';
import { RMSprop } from '../optim/rmsprop.js';
import { SGD } from '../optim/sgd.js';
import type { Tensor } from '../tensor/index.js';
import type { JsonValue } from './layer.js';

/**
 * Optimizer names.
 *
 * @example
 * model.compile({ loss: 'mse', optimizer: 'rmsprop' }); // adam, adamw, sgd, rmsprop, adagrad
 */
export type OptimizerName = 'adam' | 'sgd' | 'rmsprop' | 'adamw' | 'adagrad';

/**
 * An optimizer with options: `type` plus the options of its src/optim constructor
 * (`lr`, or Keras' `learningRate`; `momentum`, `betas`, `weightDecay`, ...), and at most
 * one of Keras' gradient clipping options, applied by `fit` before each step:
 * - `clipnorm`: each weight's gradient is scaled to an L2 norm of at most this;
 * - `globalClipnorm`: all gradients together (PyTorch's `clip_grad_norm_`);
 * - `clipvalue`: each gradient element is clamped to [-clipvalue, clipvalue].
 * Unknown options are a ConfigError.
 *
 * @example model.compile({ loss: 'mse', optimizer: { type: 'adam', lr: 0.01, clipnorm: 1 } })
 */
export interface OptimizerConfig {
  type: OptimizerName;
  lr?: number;
  learningRate?: number;
  clipnorm?: number;
  globalClipnorm?: number;
  clipvalue?: number;
  [option: string]: JsonValue | undefined;
}

/** Keras' gradient clipping options (see `OptimizerConfig`). */
export type ClipKind = 'clipnorm' | 'globalClipnorm' | 'clipvalue';
const CLIP_KINDS: readonly ClipKind[] = ['clipnorm', 'globalClipnorm', 'clipvalue'];

/** A gradient clipping rule of `compile`'s optimizer config. */
export interface GradientClip {
  kind: ClipKind;
  value: number;
}

/** What `compile` accepts: a name, a config, or an Optimizer over the model's parameters. */
export type OptimizerSpec = OptimizerName | OptimizerConfig | Optimizer<LrHyper>;

/** Keras' default learning rates; the other hyper-parameters are PyTorch's defaults. */
export const KERAS_DEFAULT_LR: Readonly<Record<OptimizerName, number>> = Object.freeze({
  adam: 0.001,
  sgd: 0.01,
  rmsprop: 0.001,
  adamw: 0.001,
  adagrad: 0.001,
});

const NAMES = Object.keys(KERAS_DEFAULT_LR) as OptimizerName[];

/** A checked optimizer config `{ type, ...options }` (options camelCase, `lr` resolved). */
export interface NormalizedOptimizerConfig {
  type: OptimizerName;
  options: { [k: string]: JsonValue };
  /** The gradient clipping rule, or null. */
  clip: GradientClip | null;
}

/** Validates an optimizer name or config (not an instance); ConfigError lists the valid names. */
export function normalizeOptimizer(spec: OptimizerName | OptimizerConfig): NormalizedOptimizerConfig {
  const type =
    typeof spec === 'string' ? spec : spec !== null && typeof spec === 'object' ? spec.type : undefined;
  if (typeof type !== 'string' || !NAMES.includes(type)) {
    throw new ConfigError(
      `compile: unknown optimizer ${type !== undefined ? JSON.stringify(type) : showValue(spec)}; expected one of ${NAMES.join(', ')}, a config { type, lr, ... } or an Optimizer`,
    );
  }
  const t = type;
  const options: { [k: string]: JsonValue } = {};
  let clip: GradientClip | null = null;
  if (typeof spec === 'object') {
    for (const [k, v] of Object.entries(spec)) {
      if (k === 'type' || v === undefined) continue;
      if ((CLIP_KINDS as readonly string[]).includes(k)) {
        if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
          throw new ConfigError(
            `compile: optimizer ${k} must be a positive finite number; got ${JSON.stringify(v)}`,
          );
        }
        if (clip !== null) {
          throw new ConfigError(
            `compile: only one of clipnorm, globalClipnorm and clipvalue can be set; got ${clip.kind} and ${k}`,
          );
        }
        clip = { kind: k as ClipKind, value: v };
      } else if (k === 'learningRate') {
        if (spec.lr !== undefined)
          throw new ConfigError('compile: optimizer lr and learningRate are the same option; give one');
        options.lr = v;
      } else options[k] = v;
    }
  }
  if (options.lr === undefined) options.lr = KERAS_DEFAULT_LR[t];
  return { type: t, options, clip };
}

/** Applies a clipping rule to the gradients of `params` (those without a gradient are skipped). */
export function clipGradients(clip: GradientClip, params: Tensor[]): void {
  if (clip.kind === 'clipvalue') clipGradValue(params, clip.value);
  else if (clip.kind === 'globalClipnorm') clipGradNorm(params, clip.value);
  else for (const p of params) if (p.grad !== null) clipGradNorm(p, clip.value);
}

/** The JSON form of a normalized config: `{ type, ...options, [clip kind]: value }`. */
export function optimizerConfigJson(cfg: NormalizedOptimizerConfig): { [k: string]: JsonValue } {
  const out: { [k: string]: JsonValue } = { type: cfg.type, ...cfg.options };
  if (cfg.clip !== null) out[cfg.clip.kind] = cfg.clip.value;
  return out;
}

/** Creates an optimizer over `params` from a normalized config (the constructor checks the options). */
export function createOptimizer(cfg: NormalizedOptimizerConfig, params: Tensor[]): Optimizer<LrHyper> {
  const o = cfg.options as Record<string, never>;
  switch (cfg.type) {
    case 'adam':
      return new Adam(params, o);
    case 'adamw':
      return new AdamW(params, o);
    case 'sgd':
      return new SGD(params, o);
    case 'rmsprop':
      return new RMSprop(params, o);
    case 'adagrad':
      return new Adagrad(params, o);
  }
}

/** The config that recreates an optimizer instance (its type and defaults), for `save`. */
export function describeOptimizer(opt: Optimizer<LrHyper>): NormalizedOptimizerConfig {
  const type: OptimizerName | null =
    opt instanceof AdamW
      ? 'adamw'
      : opt instanceof Adam
        ? 'adam'
        : opt instanceof SGD
          ? 'sgd'
          : opt instanceof RMSprop
            ? 'rmsprop'
            : opt instanceof Adagrad
              ? 'adagrad'
              : null;
  if (type === null) {
    throw new UnsupportedError(
      `save: cannot serialise an optimizer of class ${opt.constructor.name}; expected Adam, AdamW, SGD, RMSprop or Adagrad`,
    );
  }
  const options: { [k: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(opt.defaults)) options[k] = Array.isArray(v) ? [...(v as number[])] : v;
  return { type, options, clip: null };
}
