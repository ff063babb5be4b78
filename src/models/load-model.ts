/*
 * loadModel: the inverse of SequentialModel.save, validating every file first.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError, LongshortError } from '../core/errors.js';
import { formatShape, shapesEqual } from '../core/shape.js';
import { loadSafetensors } from '../io/safetensors.js';
import type { OptimizerStateDict, ParamState } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/index.js';
import { DenseLayer, DropoutLayer, EmbeddingLayer, type DenseOptions, type DropoutLayerOptions, type EmbeddingLayerOptions } from './core-layers.js';
import type { JsonValue, Layer, ShapeSpec } from './layer.js';
import type { LossSpec, MetricName } from './losses.js';
import type { OptimizerConfig } from './optimizers.js';
import { RecurrentLayer, type BidirectionalOptions, type RecurrentKind, type SimpleRNNOptions } from './recurrent-layer.js';
import { MODEL_FILES, MODEL_FORMAT, SequentialModel } from './sequential-model.js';

type Json = { [k: string]: JsonValue };

const RECURRENT: Record<string, RecurrentKind> = { LSTM: 'lstm', GRU: 'gru', SimpleRNN: 'simpleRNN' };

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Creates a layer from its `{ className, config }` JSON (as in `model.json`).
 * @throws ConfigError for an unknown class or bad options.
 * @example layerFromConfig({ className: 'Dense', config: { units: 1 } })
 */
export function layerFromConfig(json: { className: string; config: Json }): Layer {
  const { className, config } = json;
  if (className in RECURRENT) return new RecurrentLayer(RECURRENT[className], config as unknown as SimpleRNNOptions);
  switch (className) {
    case 'Bidirectional': {
      const { layer, ...wrapper } = config;
      if (!isObject(layer) || typeof layer.className !== 'string' || !(layer.className in RECURRENT) || !isObject(layer.config)) {
        throw new FormatError('layerFromConfig: Bidirectional needs config.layer = { className: LSTM | GRU | SimpleRNN, config }');
      }
      return new RecurrentLayer(RECURRENT[layer.className], layer.config as unknown as SimpleRNNOptions, wrapper as unknown as BidirectionalOptions);
    }
    case 'Dense':
      return new DenseLayer(config as unknown as DenseOptions);
    case 'Dropout':
      return new DropoutLayer(config as unknown as DropoutLayerOptions);
    case 'Embedding':
      return new EmbeddingLayer(config as unknown as EmbeddingLayerOptions);
    default:
      throw new FormatError(`layerFromConfig: unknown layer class ${JSON.stringify(className)}; expected LSTM, GRU, SimpleRNN, Bidirectional, Dense, Dropout or Embedding`);
  }
}

async function readJson(path: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new FormatError(`loadModel: ${path}: cannot read the file (${(e as Error).message})`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new FormatError(`loadModel: ${path}: invalid JSON (${(e as Error).message})`);
  }
  if (!isObject(v)) throw new FormatError(`loadModel: ${path}: expected a JSON object at the top level`);
  return v;
}

function rewrap(file: string, field: string, e: unknown): never {
  if (e instanceof LongshortError) throw new FormatError(`loadModel: ${file}: ${field}: ${e.message}`);
  throw e;
}

/**
 * Loads a model written by `save(dir)`: architecture, weights (PyTorch keys), compile
 * configuration, epoch counter and optimizer state, so `fit(..., { initialEpoch:
 * model.epoch })` continues exactly where the saved run stopped. Every file and field
 * is checked, and the files must share one checkpoint id; any problem is a
 * FormatError naming the file and the field.
 *
 * @example
 * const model = await loadModel('checkpoints/run1');
 * await model.fit(x, y, { epochs: 20, initialEpoch: model.epoch, seed: 1 });
 */
export async function loadModel(dir: string): Promise<SequentialModel> {
  const modelPath = join(dir, MODEL_FILES.model);
  const mj = await readJson(modelPath);
  const bad = (field: string, expected: string): never => {
    throw new FormatError(`loadModel: ${modelPath}: field "${field}" must be ${expected}; got ${JSON.stringify(mj[field.split(/[.[]/)[0]])}`);
  };
  if (mj.format !== MODEL_FORMAT) bad('format', JSON.stringify(MODEL_FORMAT));
  if (mj.version !== 1) bad('version', '1');
  if (typeof mj.checkpointId !== 'string') bad('checkpointId', 'a string');
  if (typeof mj.name !== 'string' || mj.name === '') bad('name', 'a non-empty string');
  if (!Array.isArray(mj.layers) || mj.layers.length === 0) bad('layers', 'a non-empty array of { className, config }');
  const shape = mj.inputShape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d > 0))) {
    bad('inputShape', 'an array of positive integers or nulls');
  }
  if (typeof mj.epoch !== 'number' || !Number.isInteger(mj.epoch) || mj.epoch < 0) bad('epoch', 'a non-negative integer');
  if (typeof mj.optimizerState !== 'boolean') bad('optimizerState', 'a boolean');
  if (mj.compile !== null && !isObject(mj.compile)) bad('compile', 'null or { loss, optimizer, metrics }');
  const id = mj.checkpointId as string;

  // architecture
  const layers: Layer[] = (mj.layers as JsonValue[]).map((lj, i) => {
    if (!isObject(lj) || typeof lj.className !== 'string' || !isObject(lj.config)) {
      throw new FormatError(`loadModel: ${modelPath}: field "layers[${i}]" must be { className, config }; got ${JSON.stringify(lj)}`);
    }
    try {
      return layerFromConfig({ className: lj.className, config: lj.config });
    } catch (e) {
      return rewrap(modelPath, `layers[${i}]`, e);
    }
  });
  let model: SequentialModel;
  try {
    model = new SequentialModel(layers, { name: mj.name as string });
    model.build(shape as ShapeSpec);
  } catch (e) {
    return rewrap(modelPath, 'layers', e);
  }

  // weights
  const weightsPath = join(dir, MODEL_FILES.weights);
  const w = await loadSafetensors(weightsPath);
  if (w.metadata.checkpointId !== id) {
    throw new FormatError(`loadModel: ${weightsPath}: __metadata__.checkpointId must match model.json's; expected ${id}, got ${String(w.metadata.checkpointId)} (a save was interrupted)`);
  }
  const own = model.stateDict();
  const problems: string[] = [];
  for (const [k, t] of Object.entries(own)) {
    const src = w.tensors.get(k);
    if (src === undefined) problems.push(`missing "${k}"`);
    else if (!shapesEqual(src.shape, t.shape)) problems.push(`"${k}" has shape ${formatShape(src.shape)}, expected ${formatShape(t.shape)}`);
    else if (src.dtype === 'int32') problems.push(`"${k}" is int32, expected a float tensor`);
  }
  for (const k of w.tensors.keys()) if (!(k in own)) problems.push(`unexpected "${k}"`);
  if (problems.length > 0) throw new FormatError(`loadModel: ${weightsPath}: tensors do not match the architecture: ${problems.join('; ')}`);

  // compile
  const cj = mj.compile as Json | null;
  if (cj !== null) {
    if (cj.optimizer !== null && !isObject(cj.optimizer)) bad('compile.optimizer', 'an object { type, ... }');
    if (cj.metrics !== undefined && !Array.isArray(cj.metrics)) bad('compile.metrics', 'an array of names');
    try {
      model.compile({
        loss: cj.loss as unknown as LossSpec,
        optimizer: cj.optimizer as unknown as OptimizerConfig,
        metrics: (cj.metrics ?? []) as unknown as MetricName[],
      });
    } catch (e) {
      rewrap(modelPath, 'compile', e);
    }
  } else if (mj.optimizerState === true) {
    bad('optimizerState', 'false when compile is null');
  }

  // optimizer state
  if (mj.optimizerState === true) {
    const osPath = join(dir, MODEL_FILES.optimizerState);
    const otPath = join(dir, MODEL_FILES.optimizerTensors);
    const oj = await readJson(osPath);
    const ot = await loadSafetensors(otPath);
    if (oj.checkpointId !== id) throw new FormatError(`loadModel: ${osPath}: field "checkpointId" must match model.json's; expected ${id}, got ${JSON.stringify(oj.checkpointId)}`);
    if (ot.metadata.checkpointId !== id) throw new FormatError(`loadModel: ${otPath}: __metadata__.checkpointId must match model.json's; expected ${id}, got ${String(ot.metadata.checkpointId)}`);
    if (!Array.isArray(oj.param_groups) || !oj.param_groups.every(isObject)) throw new FormatError(`loadModel: ${osPath}: field "param_groups" must be an array of objects`);
    if (!isObject(oj.state)) throw new FormatError(`loadModel: ${osPath}: field "state" must be an object`);
    const state: Record<number, ParamState> = {};
    for (const [i, entry] of Object.entries(oj.state)) {
      if (!/^\d+$/.test(i) || !isObject(entry)) throw new FormatError(`loadModel: ${osPath}: field "state.${i}" must be an object under a parameter index`);
      const ps: ParamState = {};
      for (const [k, v] of Object.entries(entry)) {
        if (v === null || typeof v === 'number') ps[k] = v;
        else if (isObject(v) && typeof v.tensor === 'string') {
          const t: Tensor | undefined = ot.tensors.get(v.tensor);
          if (t === undefined) throw new FormatError(`loadModel: ${otPath}: tensor "${v.tensor}" (named by optimizer.json state.${i}.${k}) is missing`);
          ps[k] = t;
        } else throw new FormatError(`loadModel: ${osPath}: field "state.${i}.${k}" must be a number, null or { tensor }; got ${JSON.stringify(v)}`);
      }
      state[Number(i)] = ps;
    }
    const optDict: OptimizerStateDict = { state, param_groups: oj.param_groups as unknown as OptimizerStateDict['param_groups'] };
    const opt = model.optimizer;
    if (opt === null) throw new FormatError(`loadModel: ${modelPath}: field "compile.optimizer" is missing but optimizer state was saved`);
    try {
      opt.loadStateDict(optDict);
    } catch (e) {
      rewrap(osPath, 'state', e);
    }
  }

  // everything checked: assign
  model.loadStateDict(w.tensors);
  model.epoch = mj.epoch as number;
  return model;
}
