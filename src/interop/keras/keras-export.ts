/*
 * The Keras front's models -> Keras layer configs (Keras 3 spelling) and weights in
 * Keras' get_weights() order, the common part of the .keras and .h5 writers.
 */
import { StateError, UnsupportedError } from '../../core/errors.js';
import { DenseLayer, DropoutLayer, EmbeddingLayer } from '../../models/core-layers.js';
import type { Layer } from '../../models/layer.js';
import { RecurrentLayer } from '../../models/recurrent-layer.js';
import type { SequentialModel } from '../../models/sequential-model.js';
import type { Tensor } from '../../tensor/index.js';
import { kerasActivationName, type HardSigmoidFlavor } from './keras-activations.js';
import type { KerasArray } from './keras-config.js';
import { torchToKerasRecurrent, type KerasCell } from './keras-rnn-weights.js';

type Json = Record<string, unknown>;

/** One exported layer: its Keras JSON, its weights, and where they live. */
export interface KerasLayerOut {
  readonly className: string;
  readonly name: string;
  readonly json: Json;
  /** get_weights() order. */
  readonly arrays: KerasArray[];
  /** The paths of the arrays below the layer's group in a `.keras` weights file. */
  readonly varPaths: string[];
  /** Keras' weight names below the layer's group in a legacy `.h5` file. */
  readonly h5Names: string[];
}

const CELL_OF: Record<string, KerasCell> = { lstm: 'lstm', gru: 'gru', simpleRNN: 'rnn' };
const CLASS_OF: Record<string, string> = { lstm: 'LSTM', gru: 'GRU', simpleRNN: 'SimpleRNN' };
const CELL_NAME: Record<string, string> = {
  lstm: 'lstm_cell',
  gru: 'gru_cell',
  simpleRNN: 'simple_rnn_cell',
};

function f32(t: Tensor): Float32Array {
  return t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
}

function layerJson(className: string, config: Json, buildShape: Array<number | null> | null): Json {
  const j: Json = { module: 'keras.layers', class_name: className, config, registered_name: null };
  if (buildShape !== null) j.build_config = { input_shape: buildShape };
  return j;
}

function recurrentConfig(
  l: RecurrentLayer,
  name: string,
  flavor: HardSigmoidFlavor,
  goBackwards: boolean,
): Json {
  const w = `${l.className} layer '${name}'`;
  for (const [k, on] of [
    ['peepholes', l.peepholes],
    ['coupledInputForget', l.coupledInputForget],
    ['clip', l.clip !== undefined],
  ] as const) {
    if (on)
      throw new UnsupportedError(
        `exportKeras: ${w}: option '${k}' has no Keras equivalent; expected a layer without it`,
      );
  }
  const c: Json = {
    name,
    trainable: true,
    dtype: 'float32',
    units: l.units,
    activation: kerasActivationName(l.activation, 'tanh', flavor, w),
    use_bias: l.useBias,
    return_sequences: l.returnSequences,
    return_state: false,
    go_backwards: goBackwards,
    stateful: l.stateful,
    dropout: l.dropout,
    recurrent_dropout: 0,
    unroll: false,
  };
  if (l.kind !== 'simpleRNN')
    c.recurrent_activation = kerasActivationName(l.recurrentActivation, 'sigmoid', flavor, w);
  if (l.kind === 'gru') c.reset_after = l.resetAfter;
  if (l.bidirectional) c.zero_output_for_mask = true;
  return c;
}

function exportLayer(
  l: Layer,
  state: Record<string, Tensor>,
  inShape: Array<number | null>,
  flavor: HardSigmoidFlavor,
): KerasLayerOut {
  const name = l.name as string;
  const p = (k: string): Tensor => {
    const t = state[`${name}.${k}`];
    if (t === undefined) throw new StateError(`exportKeras: layer '${name}' has no parameter ${k}`);
    return t;
  };
  const build = [null, ...inShape];
  if (l instanceof RecurrentLayer) {
    const cell = CELL_OF[l.kind];
    const H = l.units;
    const I = p('weight_ih_l0').shape[1];
    const dir = (sfx: string): KerasArray[] => {
      const k = torchToKerasRecurrent(
        cell,
        I,
        H,
        {
          weightIh: f32(p(`weight_ih_l0${sfx}`)),
          weightHh: f32(p(`weight_hh_l0${sfx}`)),
          biasIh: l.useBias ? f32(p(`bias_ih_l0${sfx}`)) : null,
          biasHh: l.useBias ? f32(p(`bias_hh_l0${sfx}`)) : null,
        },
        l.resetAfter,
      );
      const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
      const out: KerasArray[] = [
        { shape: [I, G * H], data: k.kernel },
        { shape: [H, G * H], data: k.recurrentKernel },
      ];
      if (k.bias !== null)
        out.push({ shape: cell === 'gru' && l.resetAfter ? [2, G * H] : [G * H], data: k.bias });
      return out;
    };
    const wn = (prefix: string, n: number): string[] =>
      ['kernel', 'recurrent_kernel', 'bias'].slice(0, n).map((w) => `${prefix}/${CELL_NAME[l.kind]}/${w}`);
    if (!l.bidirectional) {
      const arrays = dir('');
      return {
        className: CLASS_OF[l.kind],
        name,
        json: layerJson(CLASS_OF[l.kind], recurrentConfig(l, name, flavor, l.goBackwards), build),
        arrays,
        varPaths: arrays.map((_, i) => `cell/vars/${i}`),
        h5Names: wn(`${name}/${name}`, arrays.length),
      };
    }
    const fw = dir('');
    const bw = dir('_reverse');
    const fname = `forward_${name}`;
    const bname = `backward_${name}`;
    const config: Json = {
      name,
      trainable: true,
      dtype: 'float32',
      merge_mode: l.mergeMode,
      layer: layerJson(CLASS_OF[l.kind], recurrentConfig(l, fname, flavor, false), build),
      backward_layer: layerJson(CLASS_OF[l.kind], recurrentConfig(l, bname, flavor, true), build),
    };
    return {
      className: 'Bidirectional',
      name,
      json: layerJson('Bidirectional', config, build),
      arrays: [...fw, ...bw],
      varPaths: [
        ...fw.map((_, i) => `forward_layer/cell/vars/${i}`),
        ...bw.map((_, i) => `backward_layer/cell/vars/${i}`),
      ],
      h5Names: [...wn(`${name}/${fname}`, fw.length), ...wn(`${name}/${bname}`, bw.length)],
    };
  }
  if (l instanceof DenseLayer) {
    const wt = p('weight');
    const [U, F] = wt.shape;
    const k = new Float32Array(F * U); // (F, U)
    const d = f32(wt);
    for (let i = 0; i < F; i++) for (let j = 0; j < U; j++) k[i * U + j] = d[j * F + i];
    const arrays: KerasArray[] = [{ shape: [F, U], data: k }];
    if (l.useBias) arrays.push({ shape: [U], data: f32(p('bias')) });
    const config = {
      name,
      trainable: true,
      dtype: 'float32',
      units: U,
      activation: l.activation,
      use_bias: l.useBias,
    };
    return {
      className: 'Dense',
      name,
      json: layerJson('Dense', config, build),
      arrays,
      varPaths: arrays.map((_, i) => `vars/${i}`),
      h5Names: ['kernel', 'bias'].slice(0, arrays.length).map((w) => `${name}/${name}/${w}`),
    };
  }
  if (l instanceof EmbeddingLayer) {
    const config = {
      name,
      trainable: true,
      dtype: 'float32',
      input_dim: l.inputDim,
      output_dim: l.outputDim,
      mask_zero: l.maskZero,
    };
    return {
      className: 'Embedding',
      name,
      json: layerJson('Embedding', config, build),
      arrays: [{ shape: [l.inputDim, l.outputDim], data: f32(p('weight')) }],
      varPaths: ['vars/0'],
      h5Names: [`${name}/${name}/embeddings`],
    };
  }
  if (l instanceof DropoutLayer) {
    return {
      className: 'Dropout',
      name,
      json: layerJson('Dropout', { name, trainable: true, dtype: 'float32', rate: l.rate }, build),
      arrays: [],
      varPaths: [],
      h5Names: [],
    };
  }
  throw new UnsupportedError(
    `exportKeras: layer '${name}' (${l.className}) has no Keras equivalent here; expected LSTM, GRU, SimpleRNN, Bidirectional, Dense, Embedding or Dropout`,
  );
}

/**
 * A built SequentialModel as a Keras 3 Sequential config (with an InputLayer) and its
 * layers' weights.
 * @throws StateError for a model that is not built; UnsupportedError for an option Keras cannot express
 */
export function exportKerasModel(
  model: SequentialModel,
  flavor: HardSigmoidFlavor = 'keras3',
): { config: Json; layers: KerasLayerOut[] } {
  const spec = model.inputShape;
  if (spec === null)
    throw new StateError(
      `exportKeras: the model must be built (give the first layer an inputShape, or call it once); got an unbuilt model`,
    );
  const state = model.stateDict();
  const shapes = model.outputShapes();
  const first = model.layers[0];
  const isIds = first instanceof EmbeddingLayer;
  const layers = model.layers.map((l, i) =>
    exportLayer(l, state, [...(i === 0 ? spec : shapes[i - 1])], flavor),
  );
  const input = {
    module: 'keras.layers',
    class_name: 'InputLayer',
    config: {
      batch_shape: [first.batchSize, ...spec],
      dtype: isIds ? 'int32' : 'float32',
      sparse: false,
      ragged: false,
      name: 'input_layer',
    },
    registered_name: null,
  };
  const config = {
    module: 'keras',
    class_name: 'Sequential',
    config: {
      name: model.name,
      trainable: true,
      dtype: 'float32',
      layers: [input, ...layers.map((l) => l.json)],
    },
    registered_name: null,
    build_config: { input_shape: [first.batchSize, ...spec] },
  };
  return { config, layers };
}
