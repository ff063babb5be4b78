import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/fixtures.js';
import { Tensor } from '../../src/tensor/index.js';
import { linear } from '../../src/tensor/ops/matmul.js';
import { Adagrad, Adam, AdamW, Optimizer, RMSprop, SGD, type LrHyper } from '../../src/optim/index.js';

/** A fixture tensor. */
export interface FxTensor {
  shape: number[];
  data: number[];
}

export interface OptStep {
  loss: number;
  clip_norm?: number;
  params: number[][];
}

export interface OptCase {
  name: string;
  optimizer: string;
  options: Record<string, unknown>;
  groups?: Array<{ params: number[]; options: Record<string, unknown> }>;
  clip?:
    { type: 'norm'; maxNorm: number; normType?: number | 'Infinity' } | { type: 'value'; clipValue: number };
  unused_param?: boolean;
  steps: OptStep[];
  steps32: OptStep[];
  state_layout: Record<string, Record<string, { tensor: number[]; value: number | null } | number | null>>;
}

export interface OptFile {
  kind: 'optimizer';
  init: FxTensor[];
  x: FxTensor;
  y: FxTensor;
  cases: OptCase[];
}

export interface SchedCase {
  name: string;
  scheduler: string;
  options?: Record<string, unknown>;
  group_lrs: number[];
  factors?: number[][];
  per_group?: boolean;
  metrics?: number[];
  lrs: number[][];
}

export interface SchedFile {
  kind: 'scheduler';
  epochs: number;
  cases: SchedCase[];
}

export const optimFixtureDir = join(repoRoot, 'test', 'fixtures', 'optim');

/** Every fixture file in test/fixtures/optim, parsed. */
export function loadOptimFixtures(): Array<{ file: string; doc: OptFile | SchedFile }> {
  return readdirSync(optimFixtureDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      doc: JSON.parse(readFileSync(join(optimFixtureDir, file), 'utf8')) as OptFile | SchedFile,
    }));
}

export function fxTensor(t: FxTensor, dtype: 'float32' | 'float64', requiresGrad = false): Tensor {
  const data = dtype === 'float64' ? Float64Array.from(t.data) : Float32Array.from(t.data);
  return new Tensor(data, t.shape, { requiresGrad });
}

/** The fixture model: Linear(4,3) -> tanh -> Linear(3,2), MSE. params = [w1, b1, w2, b2, ...]. */
export function mseLossOf(params: Tensor[], x: Tensor, y: Tensor): Tensor {
  const h = linear(x, params[0], params[1]).tanh();
  const pred = linear(h, params[2], params[3]);
  return pred.sub(y).square().mean();
}

type AnyOptimizerClass = new (params: never, options: never) => Optimizer<LrHyper>;

export const OPTIMIZERS: Record<string, AnyOptimizerClass> = {
  SGD: SGD,
  Adam: Adam,
  AdamW: AdamW,
  RMSprop: RMSprop,
  Adagrad: Adagrad,
};

/** Builds the case's optimizer over `params` (groups by index when the case has them). */
export function makeOptimizer(c: OptCase, params: Tensor[]): Optimizer<LrHyper> {
  const cls = OPTIMIZERS[c.optimizer];
  if (cls === undefined) throw new Error(`unknown optimizer in fixture: ${c.optimizer}`);
  const ctor = cls as unknown as new (p: unknown, o: unknown) => Optimizer<LrHyper>;
  if (c.groups !== undefined && c.groups !== null) {
    return new ctor(
      c.groups.map((g) => ({ params: g.params.map((i) => params[i]), ...g.options })),
      c.options,
    );
  }
  return new ctor(params, c.options);
}
