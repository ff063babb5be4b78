/*
 * The saved-model format, both directions side by side: `saveModel` (behind
 * `SequentialModel.save`) and `readModelDir` (behind `loadModel`).
 *
 * A model directory holds `model.json` (architecture, compile config, epoch counter),
 * `weights.safetensors` (PyTorch keys) and, with an optimizer, `optimizer.safetensors`
 * + `optimizer.json`. All files carry one random checkpoint id. Saving writes a whole
 * new directory beside the old one and swaps it in by renames (see `model-files.ts`),
 * so `dir` always holds a complete checkpoint, old or new.
 *
 * Loading validates model.json, reads the weights (whose sizes the safetensors reader
 * checks against the file), bounds the architecture's sizes by the weights it has,
 * and only then builds the layers; nothing is assigned until every file has passed.
 */
import { FormatError, LongshortError, UnsupportedError } from '../core/errors.js';
import { formatShape, shapesEqual } from '../core/shape.js';
import type { LoadStateDictResult } from '../nn/module.js';
import type { OptimizerStateDict, ParamState } from '../optim/optimizer.js';
import { Tensor } from '../tensor/index.js';
import {
  DenseLayer,
  DropoutLayer,
  EmbeddingLayer,
  type DenseOptions,
  type DropoutLayerOptions,
  type EmbeddingLayerOptions,
} from './core-layers.js';
import type { JsonValue, Layer, ShapeSpec } from './layer.js';
import type { LossSpec, MetricName } from './losses.js';
import type { ModelFile, ModelFileSystem } from './model-files.js';
import type { OptimizerConfig } from './optimizers.js';
import { RecurrentLayer, type RecurrentKind, type SimpleRNNOptions } from './recurrent-layer.js';
import type { CompileOptions, ModelInternals } from './sequential-model-types.js';

type Json = { [k: string]: JsonValue };

/** The file names `save` writes into its directory. */
export const MODEL_FILES = Object.freeze({
  model: 'model.json',
  weights: 'weights.safetensors',
  optimizerTensors: 'optimizer.safetensors',
  optimizerState: 'optimizer.json',
});

/** The `format` field of `model.json`. */
export const MODEL_FORMAT = 'longshort-sequential';

const RECURRENT: Record<string, RecurrentKind> = { LSTM: 'lstm', GRU: 'gru', SimpleRNN: 'simpleRNN' };

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `bytes` random bytes as hex (Web Crypto: Node 20+ and browsers). */
function randomHex(bytes: number): string {
  const b = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('');
}

// ---------------------------------------------------------------- save

/** Splits an optimizer state dict into tensors (`state.<i>.<key>`) and JSON. */
function packOptimizerState(sd: OptimizerStateDict, id: string): [Record<string, Tensor>, Json] {
  const tensors: Record<string, Tensor> = {};
  const state: Json = {};
  for (const [i, entry] of Object.entries(sd.state)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(entry)) {
      if (v instanceof Tensor) {
        const key = `state.${i}.${k}`;
        tensors[key] = v;
        out[k] = { tensor: key };
      } else out[k] = v;
    }
    state[i] = out;
  }
  return [tensors, { checkpointId: id, param_groups: sd.param_groups as unknown as JsonValue, state }];
}

/** The files of a checkpoint of `model`, model.json last. */
export function checkpointFiles(model: ModelInternals): ModelFile[] {
  const id = randomHex(8);
  let opt: [Record<string, Tensor>, Json] | null = null;
  const o = model.optimizer;
  if (o !== null) {
    const own = model.parameters();
    const groups = o.paramGroups;
    if (
      groups.length !== 1 ||
      groups[0].params.length !== own.length ||
      !groups[0].params.every((p, i) => p === own[i])
    ) {
      throw new UnsupportedError(
        'save: the optimizer must have one parameter group over model.parameters() in order; got another layout',
      );
    }
    opt = packOptimizerState(o.stateDict(), id);
  }
  const modelJson: Json = {
    format: MODEL_FORMAT,
    version: 1,
    checkpointId: id,
    name: model.name,
    layers: model.layerConfigs() as unknown as JsonValue,
    inputShape: [...(model.inputShape as ShapeSpec)],
    compile: model.compileConfig(),
    epoch: model.epoch,
    optimizerState: opt !== null,
  };
  const files: ModelFile[] = [
    {
      name: MODEL_FILES.weights,
      tensors: { ...model.stateDict() },
      metadata: { format: 'pt', checkpointId: id },
    },
  ];
  if (opt !== null) {
    files.push({ name: MODEL_FILES.optimizerTensors, tensors: opt[0], metadata: { checkpointId: id } });
    files.push({ name: MODEL_FILES.optimizerState, text: `${JSON.stringify(opt[1], null, 2)}\n` });
  }
  files.push({ name: MODEL_FILES.model, text: `${JSON.stringify(modelJson, null, 2)}\n` });
  return files;
}

// ---------------------------------------------------------------- load

/** Layer classes defined above src/models (interop's brain.js LSTM), by class name. */
const LAYER_CLASSES = new Map<string, (config: Json) => Layer>();

/**
 * @internal Lets `loadModel` rebuild a layer class defined outside src/models from its
 * saved `{ className, config }` (the dependency rule keeps src/models from importing it).
 */
export function registerLayerClass(className: string, create: (config: Json) => Layer): void {
  LAYER_CLASSES.set(className, create);
}

/**
 * Creates a layer from its `{ className, config }` JSON (as in `model.json`).
 * @throws ConfigError for an unknown class or bad options.
 * @example layerFromConfig({ className: 'Dense', config: { units: 1 } })
 */
export function layerFromConfig(json: { className: string; config: Json }): Layer {
  const { className, config } = json;
  if (Object.hasOwn(RECURRENT, className))
    return new RecurrentLayer(RECURRENT[className], config as unknown as SimpleRNNOptions);
  switch (className) {
    case 'Bidirectional': {
      const { layer, ...wrapper } = config;
      if (
        !isObject(layer) ||
        typeof layer.className !== 'string' ||
        !Object.hasOwn(RECURRENT, layer.className) ||
        !isObject(layer.config)
      ) {
        throw new FormatError(
          'layerFromConfig: Bidirectional needs config.layer = { className: LSTM | GRU | SimpleRNN, config }',
        );
      }
      return new RecurrentLayer(
        RECURRENT[layer.className],
        layer.config as unknown as SimpleRNNOptions,
        wrapper,
      );
    }
    case 'Dense':
      return new DenseLayer(config as unknown as DenseOptions);
    case 'Dropout':
      return new DropoutLayer(config as unknown as DropoutLayerOptions);
    case 'Embedding':
      return new EmbeddingLayer(config as unknown as EmbeddingLayerOptions);
    default: {
      const create = LAYER_CLASSES.get(className);
      if (create !== undefined) return create(config);
      throw new FormatError(
        `layerFromConfig: unknown layer class ${JSON.stringify(className)}; expected LSTM, GRU, SimpleRNN, Bidirectional, Dense, Dropout, Embedding${[...LAYER_CLASSES.keys()].map((k) => ` or ${k}`).join('')}`,
      );
    }
  }
}

function rewrap(file: string, field: string, e: unknown): never {
  if (e instanceof LongshortError) throw new FormatError(`loadModel: ${file}: ${field}: ${e.message}`);
  throw e;
}

/** The sizes a layer config states that its parameters must at least hold (units, ...). */
const SIZE_FIELDS = ['units', 'inputDim', 'outputDim', 'projSize'];

function statedSizes(config: JsonValue, path: string, out: Array<[string, number]>, depth = 0): void {
  if (!isObject(config) || depth > 4) return;
  for (const [k, v] of Object.entries(config)) {
    if (typeof v === 'number' && SIZE_FIELDS.includes(k)) out.push([`${path}.${k}`, v]);
    else if (isObject(v)) statedSizes(v, `${path}.${k}`, out, depth + 1);
  }
}

/** What `readModelDir` needs of the model it creates. */
export interface LoadTarget extends ModelInternals {
  compile(options: CompileOptions): void;
  loadStateDict(dict: Map<string, Tensor>): LoadStateDictResult;
}

/** `loadModel` (see there), with the model class given by `create`. */
export async function readModelDir<M extends LoadTarget>(
  dir: string,
  fs: ModelFileSystem,
  create: (layers: Layer[], name: string) => M,
): Promise<M> {
  await fs.recover(dir);
  const modelPath = fs.join(dir, MODEL_FILES.model);
  const mj = await fs.readJson(modelPath);
  const bad = (field: string, expected: string): never => {
    throw new FormatError(
      `loadModel: ${modelPath}: field "${field}" must be ${expected}; got ${JSON.stringify(mj[field.split(/[.[]/)[0]])}`.slice(
        0,
        600,
      ),
    );
  };
  if (mj.format !== MODEL_FORMAT) bad('format', JSON.stringify(MODEL_FORMAT));
  if (mj.version !== 1) bad('version', '1');
  if (typeof mj.checkpointId !== 'string') bad('checkpointId', 'a string');
  if (typeof mj.name !== 'string' || mj.name === '') bad('name', 'a non-empty string');
  if (!Array.isArray(mj.layers) || mj.layers.length === 0)
    bad('layers', 'a non-empty array of { className, config }');
  const shape = mj.inputShape;
  if (
    !Array.isArray(shape) ||
    shape.length === 0 ||
    !shape.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d > 0))
  ) {
    bad('inputShape', 'an array of positive integers or nulls');
  }
  if (typeof mj.epoch !== 'number' || !Number.isInteger(mj.epoch) || mj.epoch < 0)
    bad('epoch', 'a non-negative integer');
  if (typeof mj.optimizerState !== 'boolean') bad('optimizerState', 'a boolean');
  if (mj.compile !== null && !isObject(mj.compile)) bad('compile', 'null or { loss, optimizer, metrics }');
  const id = mj.checkpointId as string;

  // layer configs (no parameters exist yet)
  const layers: Layer[] = (mj.layers as JsonValue[]).map((lj, i) => {
    if (!isObject(lj) || typeof lj.className !== 'string' || !isObject(lj.config)) {
      throw new FormatError(
        `loadModel: ${modelPath}: field "layers[${i}]" must be { className, config }; got ${JSON.stringify(lj)?.slice(0, 200)}`,
      );
    }
    try {
      return layerFromConfig({ className: lj.className, config: lj.config });
    } catch (e) {
      return rewrap(modelPath, `layers[${i}]`, e);
    }
  });

  // weights, before anything is built: every size the architecture states must fit in them
  const weightsPath = fs.join(dir, MODEL_FILES.weights);
  const w = await fs.readSafetensors(weightsPath);
  if (w.metadata.checkpointId !== id) {
    throw new FormatError(
      `loadModel: ${weightsPath}: __metadata__.checkpointId must match model.json's; expected ${id}, got ${String(w.metadata.checkpointId)} (a save was interrupted)`,
    );
  }
  let stored = 0;
  for (const t of w.tensors.values()) stored += t.numel();
  const sizes: Array<[string, number]> = [];
  (mj.layers as JsonValue[]).forEach((lj, i) =>
    statedSizes((lj as Json).config, `layers[${i}].config`, sizes),
  );
  if (!(layers[0] instanceof EmbeddingLayer)) {
    const last = (shape as Array<number | null>)[(shape as unknown[]).length - 1];
    if (last !== null) sizes.push(['inputShape[-1]', last]);
  }
  for (const [field, v] of sizes) {
    if (v > stored) {
      throw new FormatError(
        `loadModel: ${modelPath}: field "${field}" states a size the weights cannot hold; expected at most ${stored} (the parameters in ${MODEL_FILES.weights}), got ${v}`,
      );
    }
  }

  let model: M;
  try {
    model = create(layers, mj.name as string);
    model.build(shape as ShapeSpec);
  } catch (e) {
    return rewrap(modelPath, 'layers', e);
  }
  const own = model.stateDict();
  const problems: string[] = [];
  for (const [k, t] of Object.entries(own)) {
    const src = w.tensors.get(k);
    if (src === undefined) problems.push(`missing "${k}"`);
    else if (!shapesEqual(src.shape, t.shape))
      problems.push(`"${k}" has shape ${formatShape(src.shape)}, expected ${formatShape(t.shape)}`);
    else if (src.dtype === 'int32') problems.push(`"${k}" is int32, expected a float tensor`);
  }
  for (const k of w.tensors.keys()) if (!(k in own)) problems.push(`unexpected "${k}"`);
  if (problems.length > 0)
    throw new FormatError(
      `loadModel: ${weightsPath}: tensors do not match the architecture: ${problems.slice(0, 8).join('; ')}`,
    );

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

  if (mj.optimizerState === true) await loadOptimizerState(model, dir, id, fs);

  // everything checked: assign
  model.loadStateDict(w.tensors);
  model.epoch = mj.epoch as number;
  return model;
}

async function loadOptimizerState(
  model: LoadTarget,
  dir: string,
  id: string,
  fs: ModelFileSystem,
): Promise<void> {
  const osPath = fs.join(dir, MODEL_FILES.optimizerState);
  const otPath = fs.join(dir, MODEL_FILES.optimizerTensors);
  const oj = await fs.readJson(osPath);
  const ot = await fs.readSafetensors(otPath);
  if (oj.checkpointId !== id)
    throw new FormatError(
      `loadModel: ${osPath}: field "checkpointId" must match model.json's; expected ${id}, got ${JSON.stringify(oj.checkpointId)}`,
    );
  if (ot.metadata.checkpointId !== id)
    throw new FormatError(
      `loadModel: ${otPath}: __metadata__.checkpointId must match model.json's; expected ${id}, got ${String(ot.metadata.checkpointId)}`,
    );
  if (!Array.isArray(oj.param_groups) || !oj.param_groups.every(isObject))
    throw new FormatError(`loadModel: ${osPath}: field "param_groups" must be an array of objects`);
  if (!isObject(oj.state)) throw new FormatError(`loadModel: ${osPath}: field "state" must be an object`);
  const state: Record<number, ParamState> = {};
  for (const [i, entry] of Object.entries(oj.state)) {
    if (!/^\d{1,9}$/.test(i) || !isObject(entry))
      throw new FormatError(
        `loadModel: ${osPath}: field "state.${i}" must be an object under a parameter index`,
      );
    const ps: ParamState = {};
    for (const [k, v] of Object.entries(entry)) {
      if (v === null || typeof v === 'number') ps[k] = v;
      else if (isObject(v) && typeof v.tensor === 'string') {
        const t: Tensor | undefined = ot.tensors.get(v.tensor);
        if (t === undefined)
          throw new FormatError(
            `loadModel: ${otPath}: tensor "${v.tensor}" (named by optimizer.json state.${i}.${k}) is missing`,
          );
        ps[k] = t;
      } else
        throw new FormatError(
          `loadModel: ${osPath}: field "state.${i}.${k}" must be a number, null or { tensor }; got ${JSON.stringify(v)?.slice(0, 100)}`,
        );
    }
    state[Number(i)] = ps;
  }
  const optDict: OptimizerStateDict = {
    state,
    param_groups: oj.param_groups as unknown as OptimizerStateDict['param_groups'],
  };
  const opt = model.optimizer;
  const modelPath = fs.join(dir, MODEL_FILES.model);
  if (opt === null)
    throw new FormatError(
      `loadModel: ${modelPath}: field "compile.optimizer" is missing but optimizer state was saved`,
    );
  try {
    opt.loadStateDict(optDict);
  } catch (e) {
    rewrap(osPath, 'state', e);
  }
}
