/*
 * Optimizers by name or config for `compile`, with Keras' default learning rates.
 */
import { ConfigError, UnsupportedError } from '../core/errors.js';
import { Adagrad } from '../optim/adagrad.js';
import { Adam } from '../optim/adam.js';
import { AdamW } from '../optim/adamw.js';
import type { LrHyper, Optimizer } from '../optim/optimizer.js';
import { RMSprop } from '../optim/rmsprop.js';
import { SGD } from '../optim/sgd.js';
import type { Tensor } from '../tensor/index.js';
import type { JsonValue } from './layer.js';

/** Optimizer names. */
export type OptimizerName = 'adam' | 'sgd' | 'rmsprop' | 'adamw' | 'adagrad';

/**
 * An optimizer with options: `type` plus the options of its src/optim constructor
 * (`lr`, or Keras' `learningRate`; `momentum`, `betas`, `weightDecay`, ...).
 * Unknown options are a ConfigError.
 */
export interface OptimizerConfig {
  type: OptimizerName;
  lr?: number;
  learningRate?: number;
  [option: string]: JsonValue | undefined;
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
}

/** Validates an optimizer name or config (not an instance); ConfigError lists the valid names. */
export function normalizeOptimizer(spec: OptimizerName | OptimizerConfig): NormalizedOptimizerConfig {
  const type = typeof spec === 'string' ? spec : spec !== null && typeof spec === 'object' ? spec.type : undefined;
  if (typeof type !== 'string' || !NAMES.includes(type as OptimizerName)) {
    throw new ConfigError(`compile: unknown optimizer ${JSON.stringify(type ?? String(spec))}; expected one of ${NAMES.join(', ')}, a config { type, lr, ... } or an Optimizer`);
  }
  const t = type as OptimizerName;
  const options: { [k: string]: JsonValue } = {};
  if (typeof spec === 'object') {
    for (const [k, v] of Object.entries(spec)) {
      if (k === 'type' || v === undefined) continue;
      if (k === 'learningRate') {
        if (spec.lr !== undefined) throw new ConfigError('compile: optimizer lr and learningRate are the same option; give one');
        options.lr = v;
      } else options[k] = v;
    }
  }
  if (options.lr === undefined) options.lr = KERAS_DEFAULT_LR[t];
  return { type: t, options };
}

/** Creates an optimizer over `params` from a normalized config (the constructor checks the options). */
export function createOptimizer(cfg: NormalizedOptimizerConfig, params: Tensor[]): Optimizer<LrHyper> {
  const o = cfg.options as Record<string, never>;
  switch (cfg.type) {
    case 'adam':
      return new Adam(params, o) as unknown as Optimizer<LrHyper>;
    case 'adamw':
      return new AdamW(params, o) as unknown as Optimizer<LrHyper>;
    case 'sgd':
      return new SGD(params, o) as unknown as Optimizer<LrHyper>;
    case 'rmsprop':
      return new RMSprop(params, o) as unknown as Optimizer<LrHyper>;
    case 'adagrad':
      return new Adagrad(params, o) as unknown as Optimizer<LrHyper>;
  }
}

/** The config that recreates an optimizer instance (its type and defaults), for `save`. */
export function describeOptimizer(opt: Optimizer<LrHyper>): NormalizedOptimizerConfig {
  const type: OptimizerName | null =
    opt instanceof AdamW ? 'adamw' : opt instanceof Adam ? 'adam' : opt instanceof SGD ? 'sgd' : opt instanceof RMSprop ? 'rmsprop' : opt instanceof Adagrad ? 'adagrad' : null;
  if (type === null) {
    throw new UnsupportedError(`save: cannot serialise an optimizer of class ${opt.constructor.name}; expected Adam, AdamW, SGD, RMSprop or Adagrad`);
  }
  const options: { [k: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(opt.defaults)) options[k] = Array.isArray(v) ? [...(v as number[])] : (v as JsonValue);
  return { type, options };
}
