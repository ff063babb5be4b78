/*
 * generateText: character-level sampling from a trained Sequential model, one character
 * at a time with the recurrent state carried, at batch 1 whatever batch the model was
 * trained with.
 */
import {
  checkFinite,
  checkNonNegativeInt,
  checkOptions,
  checkPositiveInt,
  showValue,
} from '../core/check.js';
import { ConfigError, StateError } from '../core/errors.js';
import { Generator } from '../core/rng.js';
import { formatShape } from '../core/shape.js';
import { noGrad, Tensor } from '../tensor/index.js';
import type { JsonValue, LayerJson } from './layer.js';
import { layerFromConfig } from './load-model.js';
import { SequentialModel } from './sequential-model.js';

/**
 * What `generateText` needs of a vocabulary (`CharVocab` has it all).
 *
 * @example
 * const vocab = CharVocab.fromText(corpus); // any { size, encode, decode } works
 * generateText(model, vocab, { prime: 'The ', length: 50 });
 */
export interface TextVocab {
  /** Number of symbols V. */
  readonly size: number;
  /** Whether `ch` is in the vocabulary. */
  has(ch: string): boolean;
  /** Text -> ids. */
  encode(text: string): Int32Array;
  /** Ids -> text. */
  decode(ids: readonly number[]): string;
}

/**
 * Options of `generateText`.
 *
 * @example
 * const text = generateText(model, vocab, { prime: 'ROMEO:', length: 200, temperature: 0.8, topK: 10, seed: 1 });
 */
export interface GenerateTextOptions {
  /** Text the sample starts from; it is fed first and returned at the start. Default a newline (if in the vocabulary). */
  prime?: string;
  /** Characters to generate after the prime. Default 200. */
  length?: number;
  /** Softmax temperature: below 1 more conservative, above 1 more varied, 0 takes the most likely character. Default 1. */
  temperature?: number;
  /** Draw only among the `topK` most likely characters. Default: all. */
  topK?: number;
  /** Seed of the draws (the same seed gives the same text). Default 0. */
  seed?: number;
}

const OPTION_KEYS = ['prime', 'length', 'temperature', 'topK', 'seed'];

/**
 * Generates text from a character-level Sequential model: `prime` is fed through the
 * model, then each drawn character is fed back, with the recurrent states carried from
 * step to step (so the cost is one step per character).
 *
 * The model is an `embedding` first layer taking ids `(N, L)`, or a recurrent first
 * layer taking one-hot rows `(N, L, V)`; recurrent layers (LSTM, GRU, SimpleRNN, stacked,
 * `returnSequences` or not) and a last `dense` of V units giving logits (or
 * probabilities with `activation: 'softmax'`). Sampling runs on a copy of the model at
 * batch 1 with stateful layers, so a model trained with a fixed batch (e.g. `stateful:
 * true, batchSize: 32`) generates unchanged, and the model's own carried states are not
 * touched. Bidirectional and `goBackwards` layers cannot generate left to right and are
 * rejected.
 *
 * @param model a built (trained or loaded) model whose output has V = `vocab.size` classes
 * @param vocab the vocabulary the model was trained with (a `CharVocab`)
 * @returns the prime followed by `length` generated characters
 * @throws ConfigError for a model that does not fit the vocabulary, bad options or a
 *   prime with characters outside the vocabulary; StateError for a model not yet built
 * @example
 * const vocab = CharVocab.fromText(text);
 * const model = await loadModel('out/shakespeare');   // trained by `longshort textgen train`
 * const sample = generateText(model, vocab, { prime: 'ROMEO:', length: 300, temperature: 0.8, topK: 10, seed: 1 });
 */
export function generateText(
  model: SequentialModel,
  vocab: TextVocab,
  options: GenerateTextOptions = {},
): string {
  const op = 'generateText';
  checkOptions(op, options, OPTION_KEYS);
  const length = options.length === undefined ? 200 : checkNonNegativeInt(op, 'length', options.length);
  const temperature =
    options.temperature === undefined ? 1 : checkFinite(op, 'temperature', options.temperature);
  if (temperature < 0) throw new ConfigError(`${op}: temperature must be >= 0; got ${temperature}`);
  const topK = options.topK === undefined ? null : checkPositiveInt(op, 'topK', options.topK);
  const seed = options.seed === undefined ? 0 : checkNonNegativeInt(op, 'seed', options.seed);
  if (options.prime !== undefined && typeof options.prime !== 'string') {
    throw new ConfigError(`${op}: prime must be a string; got ${typeof options.prime}`);
  }
  const prime = options.prime ?? (vocab.has('\n') ? '\n' : vocab.decode([0]));
  if (prime.length === 0)
    throw new ConfigError(`${op}: prime must not be empty; expected at least one character`);
  const unknown = [...new Set(Array.from(prime).filter((ch) => !vocab.has(ch)))];
  if (unknown.length > 0) {
    throw new ConfigError(
      `${op}: the prime has characters outside the vocabulary; expected only known characters, got ${JSON.stringify(unknown.join(''))}`,
    );
  }
  const { sampler, oneHot, probabilities } = samplerFor(model, vocab.size);

  const V = vocab.size;
  const input = (ids: readonly number[]): Tensor => {
    if (!oneHot) return new Tensor(Int32Array.from(ids), [1, ids.length]); // (1, L)
    const x = new Float32Array(ids.length * V); // (1, L, V)
    ids.forEach((id, t) => (x[t * V + id] = 1));
    return new Tensor(x, [1, ids.length, V]);
  };
  /** The scores of the next character after feeding `ids`: (V) logits. */
  const step = (ids: readonly number[]): Float64Array => {
    const y = noGrad(() => sampler.forward(input(ids))); // (1, L, V) or (1, V)
    if (y.shape[y.ndim - 1] !== V || y.shape[0] !== 1 || y.ndim > 3) {
      throw new ConfigError(
        `${op}: the model's output must be (N, L, V) or (N, V) with V = vocab.size; expected V = ${V}, got ${formatShape(y.shape)}`,
      );
    }
    const last = y.data.subarray(y.numel() - V);
    const scores = new Float64Array(V);
    for (let i = 0; i < V; i++) scores[i] = probabilities ? Math.log(Math.max(last[i], 1e-30)) : last[i];
    return scores;
  };
  const g = new Generator(seed);
  const out: number[] = [];
  let scores = step(Array.from(vocab.encode(prime)));
  for (let i = 0; i < length; i++) {
    const id = drawNext(scores, temperature, topK, g);
    out.push(id);
    if (i + 1 < length) scores = step([id]);
  }
  return prime + vocab.decode(out);
}

/**
 * Draws an index from softmax(scores / temperature) restricted to the `topK` largest
 * scores (all when null); the argmax (the first on ties) when temperature is 0.
 */
export function drawNext(
  scores: ArrayLike<number>,
  temperature: number,
  topK: number | null,
  g: Generator,
): number {
  const V = scores.length;
  let best = 0;
  for (let i = 1; i < V; i++) if (scores[i] > scores[best]) best = i;
  if (temperature === 0 || topK === 1) return best;
  let keep: number[] | null = null;
  if (topK !== null && topK < V) {
    keep = Array.from({ length: V }, (_, i) => i)
      .sort((a, b) => scores[b] - scores[a] || a - b)
      .slice(0, topK)
      .sort((a, b) => a - b);
  }
  const idx = keep ?? Array.from({ length: V }, (_, i) => i);
  const p = new Float64Array(idx.length);
  let z = 0;
  for (let j = 0; j < idx.length; j++) z += p[j] = Math.exp((scores[idx[j]] - scores[best]) / temperature);
  let u = g.uniform() * z;
  for (let j = 0; j < idx.length; j++) {
    u -= p[j];
    if (u < 0) return idx[j];
  }
  return idx[idx.length - 1];
}

/** A batch-1 copy of `model` with every recurrent layer stateful, and how to feed and read it. */
function samplerFor(
  model: SequentialModel,
  V: number,
): { sampler: SequentialModel; oneHot: boolean; probabilities: boolean } {
  const op = 'generateText';
  const shape = model.inputShape;
  if (shape === null) {
    throw new StateError(
      `${op}: the model must be built first (trained, loaded, or built with model.build(inputShape)); got an unbuilt model`,
    );
  }
  const configs: LayerJson[] = model.layerConfigs();
  for (const c of configs) {
    if (c.className === 'Bidirectional' || c.config.goBackwards === true) {
      throw new ConfigError(
        `${op}: layers must run left to right to generate text; expected no Bidirectional or goBackwards layer, got ${c.className}${typeof c.config.name === 'string' ? ` "${c.config.name}"` : ''}`,
      );
    }
  }
  const firstClass = configs[0].className;
  const oneHot = firstClass !== 'Embedding';
  if (oneHot && shape[shape.length - 1] !== V) {
    throw new ConfigError(
      `${op}: the model's input must be ids (an embedding first layer) or one-hot rows of the vocabulary's size; expected an input shape (L, ${V}), got ${JSON.stringify(shape)}`,
    );
  }
  const head = configs[configs.length - 1];
  if (head.className !== 'Dense') {
    throw new ConfigError(
      `${op}: the last layer must be a dense layer over the vocabulary; expected Dense, got ${head.className}`,
    );
  }
  const probabilities = head.config.activation === 'softmax';
  if (head.config.activation !== undefined && !probabilities) {
    throw new ConfigError(
      `${op}: the last dense layer must give logits or softmax probabilities; expected activation 'linear' or 'softmax', got ${showValue(head.config.activation)}`,
    );
  }
  const layers = configs.map((c, i) => {
    const config: { [k: string]: JsonValue } = { ...c.config };
    if (i === 0) {
      delete config.batchInputShape;
      config.batchSize = 1;
    }
    if (c.className === 'LSTM' || c.className === 'GRU' || c.className === 'SimpleRNN')
      config.stateful = true;
    return layerFromConfig({ className: c.className, config });
  });
  const sampler = new SequentialModel(layers, { name: model.name });
  sampler.build(shape);
  sampler.setWeights(model.getWeights());
  sampler.eval();
  return { sampler, oneHot, probabilities };
}
