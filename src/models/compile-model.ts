/*
 * `model.compile`: the loss, metrics and optimizer checked and resolved (names to
 * configs, an Optimizer instance checked against the model's parameters), and the
 * compile configuration as `model.json` stores it.
 */
import { checkFinite, showValue } from '../core/check.js';
import { ConfigError } from '../core/errors.js';
import type { LrHyper, Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/index.js';
import { checkKeys, type JsonValue, type ShapeSpec } from './layer.js';
import { resolveLoss, resolveMetrics } from './losses.js';
import { describeOptimizer, normalizeOptimizer, optimizerConfigJson } from './optimizers.js';
import { isOptimizer, type Compiled, type CompileOptions } from './sequential-model-types.js';

/** What compile needs of the model. */
interface CompileTarget {
  requireBuilt(op: string): ShapeSpec;
  parameters(): Tensor[];
}

/**
 * Checks and resolves `compile` options; `instance` is the Optimizer passed in (over
 * exactly the model's parameters, so the model must be built), else null.
 */
export function resolveCompile(
  model: CompileTarget,
  options: CompileOptions,
): { compiled: Compiled; instance: Optimizer<LrHyper> | null } {
  if (options === null || typeof options !== 'object')
    throw new ConfigError(`compile: expected { loss, optimizer, metrics }; got ${showValue(options)}`);
  checkKeys('compile', options, ['loss', 'optimizer', 'metrics']);
  if (options.loss === undefined)
    throw new ConfigError('compile: loss is required; expected a loss name or config, got undefined');
  const loss = resolveLoss(options.loss);
  const metrics = resolveMetrics(options.metrics);
  const spec = options.optimizer ?? 'rmsprop';
  if (isOptimizer(spec)) {
    model.requireBuilt('compile (with an Optimizer instance)');
    const own = new Set(model.parameters());
    const theirs = spec.paramGroups.flatMap((g) => g.params);
    if (theirs.length !== own.size || !theirs.every((p) => own.has(p))) {
      throw new ConfigError(
        `compile: the optimizer must hold exactly this model's parameters; expected ${own.size} parameters, got ${theirs.length} (some not the model's)`,
      );
    }
    spec.paramGroups.forEach((g, i) => checkFinite('compile', `optimizer.paramGroups[${i}].lr`, g.lr));
    return { compiled: { loss, optimizer: spec, metrics }, instance: spec };
  }
  const optimizer = normalizeOptimizer(spec);
  for (const [k, v] of Object.entries(optimizer.options))
    if (typeof v === 'number') checkFinite('compile', `optimizer.${k}`, v);
  return { compiled: { loss, optimizer, metrics }, instance: null };
}

/** The compile configuration as JSON (for `model.json`). */
export function compileConfigJson(c: Compiled): { [k: string]: JsonValue } {
  const opt = isOptimizer(c.optimizer) ? describeOptimizer(c.optimizer) : c.optimizer;
  return {
    loss: c.loss.spec as JsonValue,
    optimizer: optimizerConfigJson(opt),
    metrics: [...c.metrics],
  };
}
