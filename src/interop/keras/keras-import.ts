/*
 * Keras model configs (Keras 3 `.keras` config.json, legacy `.h5` model_config, Keras 2
 * and 3 spellings) -> the Keras front's layers, and each layer's weights (Keras'
 * get_weights() order) -> the front's PyTorch-named state dict. Nothing in a config is
 * executed: only the classes below are known, anything else is an UnsupportedError
 * naming its class.
 */
import { ConfigError, FormatError, UnsupportedError } from '../../core/errors.js';
import { dense, dropout, embedding } from '../../models/core-layers.js';
import type { Layer } from '../../models/layer.js';
import { bidirectional, gru, lstm, simpleRNN } from '../../models/recurrent-layer.js';
import { Tensor } from '../../tensor/index.js';
import type { HardSigmoidFlavor } from './keras-activations.js';
import {
  bool,
  checkArray,
  checkKeys,
  isObj,
  num,
  where,
  type Json,
  type KerasArray,
} from './keras-config.js';
import { RECURRENT, recurrentOptions, recurrentState } from './keras-recurrent-config.js';

/** One Keras layer turned into a front layer, with how to read its weights. */
export interface KerasLayerPlan {
  /** Keras' class name ('LSTM', 'Bidirectional', 'TimeDistributed', ...). */
  readonly className: string;
  /** The layer's name (also the front layer's name). */
  readonly name: string;
  /** The front layer (null for InputLayer). */
  readonly layer: Layer | null;
  /** The Keras weight count (get_weights() length). */
  readonly weightCount: number;
  /** The front's state-dict entries from the Keras weights, sizes checked. */
  toState(arrays: readonly KerasArray[]): Map<string, Tensor>;
}

/** The front layers of a Keras model config and the input spec. */
export interface KerasModelPlan {
  readonly modelClass: string;
  readonly name: string;
  readonly plans: KerasLayerPlan[];
  /** Input shape without batch (first layer), or null when the file gives none. */
  readonly inputShape: Array<number | null> | null;
  readonly batchSize: number | null;
}

/** Width of a layer's output features given its input features, for the weight shapes. */
type Feat = { features: number | null };

function denseOf(
  w: string,
  c: Json,
  name: string,
  feat: Feat,
  base: object,
): { layer: Layer; count: number; toState: KerasLayerPlan['toState'] } {
  checkKeys(w, c, ['units', 'activation', 'use_bias']);
  const units = num(w, c, 'units');
  const act = c.activation ?? 'linear';
  if (act !== 'linear' && act !== 'relu' && act !== 'sigmoid' && act !== 'tanh' && act !== 'softmax') {
    throw new UnsupportedError(
      `${w}: Dense activation must be one of linear, relu, sigmoid, tanh, softmax; got ${JSON.stringify(act)}`,
    );
  }
  const useBias = bool(w, c, 'use_bias', true);
  const F = feat.features;
  feat.features = units;
  return {
    layer: dense({ units, activation: act, useBias, ...base, name }),
    count: useBias ? 2 : 1,
    toState: (arrays) => {
      if (F === null)
        throw new FormatError(
          `${w}: the input features are unknown; expected a model with a known input shape`,
        );
      const k = checkArray(w, 'kernel', arrays[0], [F, units]);
      const wt = new Float32Array(units * F); // (units, F)
      for (let i = 0; i < F; i++) for (let j = 0; j < units; j++) wt[j * F + i] = k[i * units + j];
      const m = new Map<string, Tensor>([[`${name}.weight`, new Tensor(wt, [units, F])]]);
      if (useBias)
        m.set(
          `${name}.bias`,
          new Tensor(Float32Array.from(checkArray(w, 'bias', arrays[1], [units])), [units]),
        );
      return m;
    },
  };
}

/**
 * One Keras layer config to a plan. `feat` carries the feature width through the chain
 * (the weight shapes depend on it).
 */
function planLayer(
  file: string,
  json: Json,
  flavor: HardSigmoidFlavor,
  feat: Feat,
  base: { inputShape?: Array<number | null>; batchSize?: number },
): KerasLayerPlan {
  const cls = json.class_name;
  const c = json.config;
  if (typeof cls !== 'string' || !isObj(c))
    throw new FormatError(
      `${file}: a layer must be { class_name, config }; got ${JSON.stringify(json).slice(0, 120)}`,
    );
  const name = typeof c.name === 'string' ? c.name : String(json.name ?? cls);
  if (name.includes('.'))
    throw new UnsupportedError(`${file}: layer names with '.' are not supported; got '${name}'`);
  const w = where(file, cls, name);
  const none = (): Map<string, Tensor> => new Map();
  if (cls in RECURRENT) {
    const cell = RECURRENT[cls];
    const o = recurrentOptions(w, cell, c, flavor, false);
    const I = feat.features;
    feat.features = o.units;
    const make = cell === 'lstm' ? lstm : cell === 'gru' ? gru : simpleRNN;
    return {
      className: cls,
      name,
      layer: make({ ...o, ...base, name }),
      weightCount: o.useBias === false ? 2 : 3,
      toState: (arrays) => {
        if (I === null)
          throw new FormatError(
            `${w}: the input features are unknown; expected a model with a known input shape`,
          );
        return recurrentState(w, cell, name, '', I, o, arrays, 0);
      },
    };
  }
  switch (cls) {
    case 'Bidirectional': {
      checkKeys(w, c, ['layer', 'backward_layer', 'merge_mode']);
      const inner = c.layer;
      if (
        !isObj(inner) ||
        typeof inner.class_name !== 'string' ||
        !(inner.class_name in RECURRENT) ||
        !isObj(inner.config)
      ) {
        throw new UnsupportedError(
          `${w}: the wrapped layer must be LSTM, GRU or SimpleRNN; got ${isObj(inner) ? String(inner.class_name) : JSON.stringify(inner)}`,
        );
      }
      const cell = RECURRENT[inner.class_name];
      const iw = where(file, inner.class_name, inner.config.name);
      const o = recurrentOptions(iw, cell, inner.config, flavor, true);
      if (o.goBackwards === true)
        throw new UnsupportedError(
          `${iw}: a Bidirectional's forward layer must not go backwards; got go_backwards true`,
        );
      if (isObj(c.backward_layer) && isObj(c.backward_layer.config)) {
        const b = recurrentOptions(
          where(file, String(c.backward_layer.class_name), c.backward_layer.config.name),
          cell,
          c.backward_layer.config,
          flavor,
          true,
        );
        const same =
          b.units === o.units &&
          b.goBackwards === true &&
          JSON.stringify(b.activation) === JSON.stringify(o.activation) &&
          b.useBias === o.useBias &&
          b.returnSequences === o.returnSequences &&
          JSON.stringify(b.recurrentActivation) === JSON.stringify(o.recurrentActivation) &&
          b.resetAfter === o.resetAfter;
        if (c.backward_layer.class_name !== inner.class_name || !same)
          throw new UnsupportedError(
            `${w}: the backward layer must mirror the forward one (going backwards); got a different configuration`,
          );
      }
      const mm = c.merge_mode ?? 'concat';
      if (mm !== 'concat' && mm !== 'sum' && mm !== 'mul' && mm !== 'ave')
        throw new UnsupportedError(
          `${w}: merge_mode must be concat, sum, mul or ave; got ${JSON.stringify(mm)}`,
        );
      const { returnState: _rs, ...innerOpts } = o;
      const make = cell === 'lstm' ? lstm : cell === 'gru' ? gru : simpleRNN;
      const I = feat.features;
      feat.features = mm === 'concat' ? 2 * o.units : o.units;
      const per = o.useBias === false ? 2 : 3;
      return {
        className: cls,
        name,
        layer: bidirectional(make({ ...innerOpts, returnState: o.returnState }), {
          mergeMode: mm,
          ...base,
          name,
        }),
        weightCount: 2 * per,
        toState: (arrays) => {
          if (I === null) throw new FormatError(`${w}: the input features are unknown`);
          return new Map([
            ...recurrentState(w, cell, name, '', I, o, arrays, 0),
            ...recurrentState(w, cell, name, '_reverse', I, o, arrays, per),
          ]);
        },
      };
    }
    case 'Dense': {
      const d = denseOf(w, c, name, feat, base);
      return { className: cls, name, layer: d.layer, weightCount: d.count, toState: d.toState };
    }
    case 'TimeDistributed': {
      checkKeys(w, c, ['layer']);
      const inner = c.layer;
      if (!isObj(inner) || inner.class_name !== 'Dense' || !isObj(inner.config)) {
        throw new UnsupportedError(
          `${w}: only TimeDistributed(Dense) is supported; got TimeDistributed(${isObj(inner) ? String(inner.class_name) : '?'})`,
        );
      }
      const d = denseOf(where(file, 'Dense', inner.config.name), inner.config, name, feat, base);
      return { className: cls, name, layer: d.layer, weightCount: d.count, toState: d.toState };
    }
    case 'Embedding': {
      checkKeys(w, c, ['input_dim', 'output_dim', 'mask_zero', 'input_length']);
      const inputDim = num(w, c, 'input_dim');
      const outputDim = num(w, c, 'output_dim');
      feat.features = outputDim;
      return {
        className: cls,
        name,
        layer: embedding({ inputDim, outputDim, maskZero: bool(w, c, 'mask_zero', false), ...base, name }),
        weightCount: 1,
        toState: (arrays) =>
          new Map([
            [
              `${name}.weight`,
              new Tensor(Float32Array.from(checkArray(w, 'embeddings', arrays[0], [inputDim, outputDim])), [
                inputDim,
                outputDim,
              ]),
            ],
          ]),
      };
    }
    case 'Dropout': {
      checkKeys(w, c, ['rate']);
      if (c.noise_shape !== undefined && c.noise_shape !== null)
        throw new UnsupportedError(
          `${w}: noise_shape is not supported; expected null, got ${JSON.stringify(c.noise_shape)}`,
        );
      return {
        className: cls,
        name,
        layer: dropout({ rate: num(w, c, 'rate'), ...base, name }),
        weightCount: 0,
        toState: none,
      };
    }
    case 'InputLayer': {
      const { dtype, ...rest } = c;
      if (dtype !== 'int32' && dtype !== 'int64') rest.dtype = dtype; // ids for an Embedding
      checkKeys(w, rest, ['input_shape']);
      return { className: cls, name, layer: null, weightCount: 0, toState: none };
    }
    default:
      throw new UnsupportedError(
        `${w}: unknown layer class '${cls}'; expected one of LSTM, GRU, SimpleRNN, Bidirectional, Dense, TimeDistributed(Dense), Embedding, Dropout, InputLayer`,
      );
  }
}

function batchShapeOf(c: Json): Array<number | null> | null {
  const s = c.batch_shape ?? c.batch_input_shape;
  if (!Array.isArray(s)) return null;
  return s.map((d) => (typeof d === 'number' ? d : null));
}

/** The layer names feeding a functional layer (Keras 3 and Keras 2 inbound_nodes). */
function inboundNames(layer: Json): string[] {
  const nodes = layer.inbound_nodes;
  if (!Array.isArray(nodes)) return [];
  const names: string[] = [];
  for (const node of nodes) {
    if (isObj(node)) {
      const visit = (v: unknown): void => {
        if (isObj(v)) {
          if (isObj(v.config) && Array.isArray(v.config.keras_history))
            names.push(String(v.config.keras_history[0]));
          else Object.values(v).forEach(visit);
        } else if (Array.isArray(v)) v.forEach(visit);
      };
      visit(node.args);
    } else if (Array.isArray(node)) {
      for (const e of node) if (Array.isArray(e) && typeof e[0] === 'string') names.push(e[0]);
    }
  }
  return names;
}

/**
 * Plans a Keras model config: Sequential, or a Functional model that is a chain (every
 * layer fed by the one before, one input, one output).
 * @throws UnsupportedError for other model classes, branching graphs and unknown layers;
 *   FormatError for malformed configs
 */
export function planKerasModel(file: string, config: unknown, flavor: HardSigmoidFlavor): KerasModelPlan {
  if (!isObj(config) || typeof config.class_name !== 'string' || !isObj(config.config)) {
    throw new FormatError(
      `${file}: the model config must be { class_name, config }; got ${JSON.stringify(config).slice(0, 120)}`,
    );
  }
  const cls = config.class_name;
  const mc = config.config;
  const layers = mc.layers;
  if (!Array.isArray(layers))
    throw new FormatError(`${file}: ${cls} config needs a layers array; got ${JSON.stringify(layers)}`);
  if (cls === 'Functional' || cls === 'Model') {
    let prev: string | null = null;
    for (const l of layers as Json[]) {
      const ins = inboundNames(l);
      const nm = isObj(l.config) ? String(l.config.name) : String(l.name);
      const ok = prev === null ? ins.length === 0 : ins.length === 1 && ins[0] === prev;
      if (!ok)
        throw new UnsupportedError(
          `${file}: only chain-shaped functional models are supported; layer '${nm}' takes [${ins.join(', ')}], expected [${prev ?? ''}]`,
        );
      prev = nm;
    }
  } else if (cls !== 'Sequential') {
    throw new UnsupportedError(
      `${file}: unknown model class '${cls}'; expected Sequential or a chain-shaped Functional model`,
    );
  }
  let inputShape: Array<number | null> | null = null;
  let batchSize: number | null = null;
  const first = layers[0] as Json | undefined;
  if (isObj(first) && isObj(first.config)) {
    const bs = batchShapeOf(first.config);
    if (bs !== null) {
      inputShape = bs.slice(1);
      batchSize = bs[0];
    }
  }
  const feat: Feat = { features: inputShape === null ? null : inputShape[inputShape.length - 1] };
  let firstDone = false;
  const plans = (layers as Json[]).map((l) => {
    const isInput = isObj(l) && l.class_name === 'InputLayer';
    const base: { inputShape?: Array<number | null>; batchSize?: number } = {};
    if (!isInput && !firstDone) {
      firstDone = true;
      if (inputShape !== null) base.inputShape = inputShape;
      if (batchSize !== null) base.batchSize = batchSize;
    }
    return planLayer(file, l, flavor, feat, base);
  });
  if (plans.filter((p) => p.layer !== null).length === 0)
    throw new ConfigError(`${file}: the model has no layers`);
  return {
    modelClass: cls,
    name: typeof mc.name === 'string' ? mc.name : 'model',
    plans,
    inputShape,
    batchSize,
  };
}
