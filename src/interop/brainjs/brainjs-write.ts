/*
 * Keras-front models as brain.js 1.x `RNNTimeStep` / `GRUTimeStep` / `LSTMTimeStep` JSON
 * (what `net.toJSON()` gives and `net.fromJSON()` reads), where brain.js's equations
 * (docs/brainjs.md) compute what the model computes:
 *   sequential([rec_1, ..., rec_k, dense]) on (N, L, F), every rec_i of one kind, all but
 *   the last with returnSequences, the dense head linear;
 *   rec = simpleRNN({ activation: 'relu' })         -> RNNTimeStep  (weight, transition, bias)
 *         gru({ resetAfter: false }) sigmoid / tanh -> GRUTimeStep  (one bias per gate)
 *         BrainjsLSTM (a net imported from brain.js) -> LSTMTimeStep
 * PyTorch's two biases are summed into brain.js's one (both add to the same pre-activation).
 * Everything else is an UnsupportedError naming the layer and what brain.js lacks.
 */
import { UnsupportedError } from '../../core/errors.js';
import { DenseLayer, EmbeddingLayer } from '../../models/core-layers.js';
import type { Layer } from '../../models/layer.js';
import { RecurrentLayer } from '../../models/recurrent-layer.js';
import type { SequentialModel } from '../../models/sequential-model.js';
import type { Tensor } from '../../tensor/index.js';
import { BRAINJS_GATES, brainjsOptionsOf, type BrainjsKind } from './brainjs-format.js';
import { BrainjsLSTMLayer } from './brainjs-lstm-layer.js';

type Json = { [key: string]: unknown };
type Kind = BrainjsKind;
const GATES = BRAINJS_GATES;

const TYPE_NAMES: Record<Kind, string> = { lstm: 'LSTMTimeStep', gru: 'GRUTimeStep', rnn: 'RNNTimeStep' };
const CHAR_TYPE_NAMES: Record<Kind, string> = { lstm: 'LSTM', gru: 'GRU', rnn: 'RNN' };

// The order brain.js's toJSON lists the gates in (indices into BRAINJS_GATES).
const JSON_ORDER: Record<Kind, readonly number[]> = { lstm: [0, 1, 3, 2], gru: [1, 0, 2], rnn: [0] };

/** brain.js's training options (`RNNTimeStep.defaults` of 1.6.1), written when the model carries none. */
const DEFAULT_OPTIONS = { decayRate: 0.999, smoothEps: 1e-8, regc: 0.000001, clipval: 5 };

/** A brain.js Matrix (row-major weights, JSON numbers that read back to the same float32). */
function matrix(rows: number, columns: number, data: ArrayLike<number>): Json {
  return { rows, columns, weights: Array.from(data) };
}

function fail(layer: Layer, what: string): never {
  throw new UnsupportedError(`writeBrainjsModel: layer '${layer.name}' (${layer.className}): ${what}`);
}

function isDefault(a: unknown, name: string): boolean {
  return a === name;
}

/** The kind of brain.js hidden layer `layer` is, or an UnsupportedError saying why none. */
function kindOf(layer: Layer): Kind {
  if (layer instanceof BrainjsLSTMLayer) return 'lstm';
  if (layer instanceof EmbeddingLayer)
    fail(
      layer,
      "brain.js's character nets (LSTM, GRU, RNN) look characters up through a dataFormatter that a longshort model does not hold; longshort writes the time-step nets (numeric sequences) only, expected recurrent layers first, got Embedding",
    );
  if (!(layer instanceof RecurrentLayer))
    fail(
      layer,
      `brain.js's time-step nets hold recurrent layers and one dense head only; expected simpleRNN, gru or BrainjsLSTM, got ${layer.className}`,
    );
  if (layer.bidirectional) fail(layer, 'brain.js has no bidirectional layers; expected one direction');
  if (layer.goBackwards) fail(layer, 'brain.js runs forward only; expected goBackwards false, got true');
  if (layer.stateful) fail(layer, 'brain.js keeps no state between runs; expected stateful false, got true');
  if (layer.dropout > 0) fail(layer, `brain.js has no dropout; expected dropout 0, got ${layer.dropout}`);
  if (layer.kind === 'lstm')
    fail(
      layer,
      "brain.js's LSTM carries no cell state from step to step (c = f ⊙ h_prev + i ⊙ g, docs/brainjs.md); expected a BrainjsLSTM layer (a net imported from brain.js), gru or simpleRNN, got a standard LSTM",
    );
  if (layer.kind === 'gru') {
    if (layer.resetAfter)
      fail(
        layer,
        "brain.js's GRU applies the reset gate before the recurrent matmul; expected resetAfter false, got true",
      );
    if (!isDefault(layer.recurrentActivation, 'sigmoid') || !isDefault(layer.activation, 'tanh'))
      fail(
        layer,
        `brain.js's GRU has sigmoid gates and a tanh candidate; expected recurrentActivation 'sigmoid' and activation 'tanh', got ${JSON.stringify(layer.recurrentActivation)} and ${JSON.stringify(layer.activation)}`,
      );
    return 'gru';
  }
  if (!isDefault(layer.activation, 'relu'))
    fail(
      layer,
      `brain.js's RNN is relu(W x + U h + b); expected activation 'relu', got ${JSON.stringify(layer.activation)}`,
    );
  return 'rnn';
}

/**
 * A built Keras-front model as the JSON of a brain.js 1.x time-step net (`RNNTimeStep`,
 * `GRUTimeStep` or `LSTMTimeStep`), which brain.js's `net.fromJSON(json)` reads and whose
 * `net.run(sequence)` then returns what `model.predict` returns for that sequence:
 * `(L, F)` in, `(outputSize)` out. The model must be `sequential([rec, ..., rec, dense])`
 * on `(N, L, F)` input: recurrent layers of one kind (`simpleRNN({ activation: 'relu' })`,
 * `gru({ resetAfter: false })` with sigmoid gates and a tanh candidate, or the
 * `BrainjsLSTM` layer of a net imported from brain.js), all but the last with
 * `returnSequences`, and a linear `dense` head. A model imported from brain.js keeps its
 * training options (`decayRate`, `clipval`, ...); others get brain.js's defaults.
 *
 * @throws StateError for an unbuilt model; UnsupportedError naming the layer and what
 *   brain.js lacks (a standard LSTM's cell state, a reset-after GRU, tanh RNNs, embeddings,
 *   bidirectional layers, ...)
 * @example
 * const model = sequential([gru({ units: 8, resetAfter: false, inputShape: [null, 1] }), dense({ units: 1 })]);
 * const json = writeBrainjsModel(model);
 * // new brain.recurrent.GRUTimeStep().fromJSON(json); net.run([0.1, 0.2, 0.3])
 */
export function writeBrainjsModel(model: SequentialModel): Json {
  const spec = model.requireBuilt('writeBrainjsModel');
  const layers = model.layers;
  const head = layers[layers.length - 1];
  if (!(head instanceof DenseLayer))
    fail(head, `a brain.js net ends in its dense output layer; expected Dense, got ${head.className}`);
  if (head.activation !== 'linear')
    fail(head, `brain.js's output layer is linear; expected activation 'linear', got '${head.activation}'`);
  // brain.js's character nets: an imported one (its dataFormatter remembered) goes back out
  const origin = brainjsOptionsOf(model);
  const emb = layers[0] instanceof EmbeddingLayer ? layers[0] : null;
  if (emb !== null) {
    const df = origin.dataFormatter as { characters?: unknown } | undefined;
    if (df === undefined || !Array.isArray(df.characters))
      fail(
        emb,
        "brain.js's character nets (LSTM, GRU, RNN) look characters up through a dataFormatter, which only a net imported from brain.js carries (in memory); expected recurrent layers first (a time-step net), got Embedding",
      );
    const v = df.characters.length + 1;
    if (emb.inputDim !== v || head.units !== v || emb.maskZero)
      fail(
        emb,
        `a brain.js character net reads and writes ${v} token ids (its ${v - 1} characters and the end token); expected inputDim ${v}, output units ${v}, maskZero false, got ${emb.inputDim}, ${head.units}, ${String(emb.maskZero)}`,
      );
  }
  const hidden = layers.slice(emb === null ? 0 : 1, -1);
  if (hidden.length === 0)
    fail(head, 'a brain.js net needs at least one recurrent layer before the dense head; got none');
  const kinds = hidden.map(kindOf);
  const kind = kinds[0];
  hidden.forEach((l, k) => {
    if (kinds[k] !== kind)
      fail(
        l,
        `a brain.js net has one kind of hidden layer; expected ${kind} like the first, got ${kinds[k]}`,
      );
    const rs = (l as RecurrentLayer | BrainjsLSTMLayer).returnSequences;
    if (emb !== null && !rs)
      fail(l, 'a brain.js character net predicts after every step; expected returnSequences true, got false');
    if (emb === null && rs !== k < hidden.length - 1)
      fail(
        l,
        k < hidden.length - 1
          ? 'a hidden layer below another feeds it every step; expected returnSequences true, got false'
          : 'brain.js time-step nets output after the last step; expected returnSequences false on the last recurrent layer, got true',
      );
  });
  if (emb === null && (spec.length !== 2 || spec[1] === null))
    throw new UnsupportedError(
      `writeBrainjsModel: a brain.js time-step net reads sequences (N, L, F) with F known; got input shape (N, ${spec.map(String).join(', ')})`,
    );
  const w = model.getWeights();
  const get = (key: string): Tensor | undefined => w.get(key);
  const inputSize = emb === null ? (spec[1] as number) : emb.outputDim;
  let prev = inputSize;
  const hiddenLayers = hidden.map((l) => {
    const hs = (l as RecurrentLayer | BrainjsLSTMLayer).units;
    const g = GATES[kind].length;
    const lstm = kind === 'lstm';
    const wih = get(`${l.name}.${lstm ? 'weight_ih' : 'weight_ih_l0'}`)!.data; // (G*H, prev)
    const whh = get(`${l.name}.${lstm ? 'weight_hh' : 'weight_hh_l0'}`)!.data; // (G*H, H)
    const bias = new Float32Array(g * hs); // (G*H)
    for (const key of lstm ? ['bias'] : ['bias_ih_l0', 'bias_hh_l0']) {
      const b = get(`${l.name}.${key}`)?.data;
      if (b !== undefined) for (let i = 0; i < bias.length; i++) bias[i] += b[i];
    }
    const out: Json = {};
    for (const gate of JSON_ORDER[kind]) {
      const [wn, un, bn] = GATES[kind][gate];
      out[wn] = matrix(hs, prev, wih.subarray(gate * hs * prev, (gate + 1) * hs * prev));
      out[un] = matrix(hs, hs, whh.subarray(gate * hs * hs, (gate + 1) * hs * hs));
      out[bn] = matrix(hs, 1, bias.subarray(gate * hs, (gate + 1) * hs));
    }
    prev = hs;
    return out;
  });
  const outputSize = head.units;
  const bOut = get(`${head.name}.bias`)?.data ?? new Float32Array(outputSize);
  const outputConnector = matrix(outputSize, prev, get(`${head.name}.weight`)!.data);
  const output = matrix(outputSize, 1, bOut);
  const hiddenSizes = hidden.map((l) => (l as RecurrentLayer | BrainjsLSTMLayer).units);
  if (emb !== null) {
    const e = emb;
    return {
      type: CHAR_TYPE_NAMES[kind],
      options: { ...origin, hiddenLayers: hiddenSizes },
      input: matrix(e.inputDim, e.outputDim, get(`${e.name}.weight`)!.data),
      hiddenLayers,
      outputConnector,
      output,
    };
  }
  const train = Object.fromEntries(
    Object.entries(DEFAULT_OPTIONS).map(([k, d]) => [k, typeof origin[k] === 'number' ? origin[k] : d]),
  );
  return {
    type: TYPE_NAMES[kind],
    options: {
      inputSize,
      hiddenLayers: hiddenSizes,
      outputSize,
      ...train,
    },
    hiddenLayers,
    outputConnector,
    output,
  };
}
