/*
 * brain.js 1.x recurrent nets (`net.toJSON()`) as Keras-front SequentialModels, with
 * brain.js's own equations (docs/brainjs.md):
 * - `RNNTimeStep`, `GRUTimeStep`, `LSTMTimeStep` (numeric sequences): the hidden layers,
 *   then a dense head on the last step; `predict` on `(N, L, inputSize)` returns
 *   `(N, outputSize)`, what `net.run(sequence)` returns for each sequence.
 * - `RNN`, `GRU`, `LSTM` (characters through a vocabulary): an embedding of brain.js's
 *   token ids (0 = start/end, k + 1 = the k-th character of its dataFormatter), the hidden
 *   layers and a dense head on every step; `predict` on ids `(N, L)` returns the logits
 *   `(N, L, outputSize + 1)` of the next token, from which `run()`'s greedy decoding follows.
 * brain.js's RNN is relu(W x + U h + b), its GRU the reset-before GRU with one bias, and
 * its LSTM feeds the previous hidden output where a standard LSTM has the cell state
 * (`BrainjsLSTMLayer`).
 */
import { FormatError, UnsupportedError } from '../../core/errors.js';
import { dense, embedding } from '../../models/core-layers.js';
import type { Layer } from '../../models/layer.js';
import { gru, simpleRNN } from '../../models/recurrent-layer.js';
import { sequential, type SequentialModel } from '../../models/sequential-model.js';
import { Tensor } from '../../tensor/index.js';
import { BrainjsLSTMLayer } from './brainjs-lstm-layer.js';
import { BRAINJS_GATES, rememberBrainjsOptions, type BrainjsKind } from './brainjs-format.js';

type Json = { [key: string]: unknown };
type Kind = BrainjsKind;
const GATES = BRAINJS_GATES;

const TYPES: Record<string, { kind: Kind; timeStep: boolean }> = {
  LSTMTimeStep: { kind: 'lstm', timeStep: true },
  GRUTimeStep: { kind: 'gru', timeStep: true },
  RNNTimeStep: { kind: 'rnn', timeStep: true },
  LSTM: { kind: 'lstm', timeStep: false },
  GRU: { kind: 'gru', timeStep: false },
  RNN: { kind: 'rnn', timeStep: false },
};

/** The largest matrix a brain.js file may declare (elements). */
const MAX_ELEMENTS = 1 << 26;

function isObj(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Whether a parsed JSON value is a brain.js recurrent net's `toJSON()`: a `type` brain.js
 * names (LSTMTimeStep, GRUTimeStep, RNNTimeStep, LSTM, GRU, RNN) with `hiddenLayers`,
 * `outputConnector` and `output`.
 * @example isBrainjsJson(net.toJSON()) // true
 */
export function isBrainjsJson(json: unknown): boolean {
  return (
    isObj(json) &&
    typeof json.type === 'string' &&
    Object.hasOwn(TYPES, json.type) &&
    Array.isArray(json.hiddenLayers) &&
    isObj(json.outputConnector) &&
    isObj(json.output)
  );
}

/** A brain.js Matrix `{ rows, columns, weights }` (weights an array, or a Float32Array's JSON object). */
function matrix(file: string, where: string, v: unknown, rows: number, columns: number): Float32Array {
  if (!isObj(v))
    throw new FormatError(
      `${file}: ${where} must be a matrix { rows, columns, weights }; got ${JSON.stringify(v)?.slice(0, 80)}`,
    );
  if (v.rows !== rows || v.columns !== columns)
    throw new FormatError(
      `${file}: ${where} must be ${rows}x${columns}; expected rows ${rows}, columns ${columns}, got ${String(v.rows)}x${String(v.columns)}`,
    );
  const n = rows * columns;
  const w = v.weights;
  const values: unknown[] | null = Array.isArray(w) ? w : isObj(w) ? Object.values(w) : null;
  if (values === null || values.length !== n)
    throw new FormatError(
      `${file}: ${where}.weights must hold ${n} numbers; expected ${n}, got ${values === null ? typeof w : values.length}`,
    );
  if (isObj(w) && !Object.keys(w).every((k, i) => k === String(i)))
    throw new FormatError(`${file}: ${where}.weights must be indexed 0..${n - 1}; got keys out of order`);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new FormatError(
        `${file}: ${where}.weights[${i}] must be a finite number; got ${JSON.stringify(x)}`,
      );
    out[i] = x;
  }
  return out;
}

function size(file: string, where: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > MAX_ELEMENTS)
    throw new FormatError(`${file}: ${where} must be a positive integer; got ${JSON.stringify(v)}`);
  return v;
}

/** Row blocks stacked into one `(rows, cols)` tensor. */
function rowsOf(blocks: readonly Float32Array[], rows: number, cols: number): Tensor {
  const out = new Float32Array(rows * cols);
  let off = 0;
  for (const b of blocks) {
    out.set(b, off);
    off += b.length;
  }
  return new Tensor(out, [rows, cols]);
}

/**
 * A brain.js 1.x recurrent net's `toJSON()` as a SequentialModel that computes what the
 * net's `run()` computes (see the module comment and docs/brainjs.md for shapes).
 * @throws FormatError naming `file` and the matrix for a malformed net
 * @example
 * const model = readBrainjsModel(net.toJSON(), 'net.json');
 * model.predict(x); // (N, outputSize) for an LSTMTimeStep, as net.run(x[i]) for each i
 */
export function readBrainjsModel(json: unknown, file: string): SequentialModel {
  if (!isBrainjsJson(json))
    throw new FormatError(
      `${file}: a brain.js net must be { type, options, hiddenLayers, outputConnector, output } with type one of ${Object.keys(TYPES).join(', ')}; got ${isObj(json) ? `type ${JSON.stringify(json.type)}` : typeof json}`,
    );
  const net = json as Json;
  const { kind, timeStep } = TYPES[net.type as string];
  const options = isObj(net.options) ? net.options : {};
  const hidden = net.hiddenLayers as unknown[];
  if (hidden.length === 0) throw new FormatError(`${file}: hiddenLayers must not be empty; got 0 layers`);
  const sizes = hidden.map((h, k) => {
    const first = isObj(h) ? h[GATES[kind][0][1]] : undefined;
    if (!isObj(h) || !isObj(first))
      throw new FormatError(
        `${file}: hiddenLayers[${k}] must hold the ${kind} matrices ${GATES[kind].flat().join(', ')}`,
      );
    return size(file, `hiddenLayers[${k}].${GATES[kind][0][1]}.rows`, first.rows);
  });
  const state = new Map<string, Tensor>();
  const layers: Layer[] = [];
  let inputSize: number;
  let outRows: number;
  if (timeStep) {
    inputSize = size(file, 'options.inputSize', options.inputSize);
    outRows = size(file, 'options.outputSize', options.outputSize);
  } else {
    if (!isObj(net.input))
      throw new FormatError(`${file}: a ${String(net.type)} net must have an input matrix; got none`);
    const vocab = size(file, 'input.rows', net.input.rows);
    inputSize = size(file, 'input.columns', net.input.columns);
    outRows = size(file, 'outputConnector.rows', (net.outputConnector as Json).rows);
    layers.push(embedding({ inputDim: vocab, outputDim: inputSize, name: 'embedding' }));
    state.set(
      'embedding.weight',
      new Tensor(matrix(file, 'input', net.input, vocab, inputSize), [vocab, inputSize]),
    );
  }
  let prev = inputSize;
  hidden.forEach((h, k) => {
    const hs = sizes[k];
    const name = `${kind}_${k + 1}`;
    const returnSequences = !timeStep || k < hidden.length - 1;
    const at = (key: string, r: number, c: number): Float32Array =>
      matrix(file, `hiddenLayers[${k}].${key}`, (h as Json)[key], r, c);
    const gates = GATES[kind];
    const extra = Object.keys(h as Json).filter((key) => !gates.some((g) => g.includes(key)));
    if (extra.length > 0)
      throw new UnsupportedError(
        `${file}: hiddenLayers[${k}] has matrices a ${kind} layer does not use; expected ${gates.flat().join(', ')}, got ${extra.join(', ')}`,
      );
    const g = gates.length;
    const wIh = rowsOf(
      gates.map(([w]) => at(w, hs, prev)),
      g * hs,
      prev,
    );
    const wHh = rowsOf(
      gates.map(([, u]) => at(u, hs, hs)),
      g * hs,
      hs,
    );
    const b = rowsOf(
      gates.map(([, , bias]) => at(bias, hs, 1)),
      1,
      g * hs,
    ).reshape([g * hs]);
    const inputShape = k === 0 && timeStep ? { inputShape: [null, inputSize] } : {};
    if (kind === 'lstm') {
      layers.push(new BrainjsLSTMLayer({ units: hs, returnSequences, name, ...inputShape }));
      state.set(`${name}.weight_ih`, wIh);
      state.set(`${name}.weight_hh`, wHh);
      state.set(`${name}.bias`, b);
    } else {
      const opts = { units: hs, returnSequences, name, ...inputShape };
      layers.push(
        kind === 'gru' ? gru({ ...opts, resetAfter: false }) : simpleRNN({ ...opts, activation: 'relu' }),
      );
      state.set(`${name}.weight_ih_l0`, wIh);
      state.set(`${name}.weight_hh_l0`, wHh);
      state.set(`${name}.bias_ih_l0`, b);
      state.set(`${name}.bias_hh_l0`, new Tensor(new Float32Array(g * hs), [g * hs]));
    }
    prev = hs;
  });
  const wOut = new Tensor(matrix(file, 'outputConnector', net.outputConnector, outRows, prev), [
    outRows,
    prev,
  ]);
  const bOut = new Tensor(matrix(file, 'output', net.output, outRows, 1), [outRows]);
  layers.push(dense({ units: outRows, name: 'output' }));
  state.set('output.weight', wOut);
  state.set('output.bias', bOut);
  const model = sequential(layers, { name: `brainjs_${String(net.type)}` });
  if (!timeStep) model.build([null]);
  model.setWeights(state);
  rememberBrainjsOptions(model, options);
  return model;
}
