/*
 * The playground's character model: Embedding(V, E) -> LSTM(E, H) -> Linear(H, V) on
 * every step (PyTorch keys `embed.weight`, `lstm.weight_ih_l0`, ..., `decoder.weight`),
 * trained as char-rnn is (streams of contiguous text, state carried across batches and
 * detached, RMSprop, gradients clamped to [-5, 5]). The site ships one trained on
 * tiny Shakespeare by `npm run site:train-char`; the page trains others on pasted text.
 * Files: `<name>.json` ({@link CharModelMeta}: vocabulary and sizes) + `<name>.safetensors`.
 */
import {
  CharVocab,
  ConfigError,
  Embedding,
  Generator,
  LSTM,
  Linear,
  Module,
  RMSprop,
  Tensor,
  charRnnBatches,
  clipGradValue,
  crossEntropy,
  manualSeed,
  noGrad,
  parseSafetensors,
  serializeSafetensors,
  type CharVocabJSON,
} from 'longshort';

/** Sizes and vocabulary of a character model (its `.json` file). */
export interface CharModelMeta {
  format: 'longshort-playground-char';
  vocab: CharVocabJSON;
  embedding: number;
  hidden: number;
  layers: number;
  /** What it was trained on and how far (for the page). */
  trainedOn: string;
  steps: number;
  loss: number;
}

export class CharModel extends Module {
  readonly embed: Embedding;
  readonly lstm: LSTM;
  readonly decoder: Linear;
  constructor(
    readonly vocab: CharVocab,
    readonly embedding: number,
    readonly hidden: number,
    readonly layers: number,
  ) {
    super();
    this.embed = this.registerModule('embed', new Embedding(vocab.size, embedding));
    this.lstm = this.registerModule(
      'lstm',
      new LSTM(embedding, hidden, { numLayers: layers, batchFirst: true }),
    );
    this.decoder = this.registerModule('decoder', new Linear(hidden, vocab.size));
  }

  /** ids int32 (B, T), state -> logits (B*T, V) and the next state. */
  step(ids: Tensor, state: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const [B, T] = ids.shape;
    const [out, next] = this.lstm.forward(this.embed.forward(ids), state); // (B, T, H)
    return [this.decoder.forward(out.reshape([B * T, this.hidden])), next];
  }
}

/** Training settings of {@link trainCharModel}. */
export interface CharTrainOptions {
  embedding: number;
  hidden: number;
  layers: number;
  batchSize: number;
  seqLength: number;
  /** Optimizer steps in all (the text is walked again as often as needed). */
  steps: number;
  lr: number;
  seed: number;
}

/** Trains a new model on `text`; `onStep` sees each step's loss, returning true stops training. */
export function trainCharModel(
  text: string,
  o: CharTrainOptions,
  onStep: (step: number, loss: number) => boolean | void = () => {},
): { model: CharModel; loss: number; steps: number } {
  const vocab = CharVocab.fromText(text);
  const ids = vocab.encode(text);
  if (ids.length < o.batchSize * o.seqLength + 1) {
    throw new ConfigError(
      `trainCharModel: text must hold at least batchSize * seqLength + 1 = ${o.batchSize * o.seqLength + 1} characters; got ${ids.length} (paste more text)`,
    );
  }
  manualSeed(o.seed);
  const model = new CharModel(vocab, o.embedding, o.hidden, o.layers);
  const data = charRnnBatches(ids, { batchSize: o.batchSize, seqLength: o.seqLength });
  const opt = new RMSprop(model.parameters(), { lr: o.lr, alpha: 0.95, eps: 1e-8 });
  let step = 0;
  let smooth = NaN;
  while (step < o.steps) {
    let state: [Tensor, Tensor] | null = null;
    for (const { x, y } of data) {
      const [logits, next] = model.step(x, state);
      const loss = crossEntropy(logits, y.reshape([y.numel()]));
      opt.zeroGrad();
      loss.backward();
      clipGradValue(model.parameters(), 5);
      opt.step();
      state = [next[0].detach(), next[1].detach()];
      const l = loss.item();
      smooth = Number.isNaN(smooth) ? l : 0.95 * smooth + 0.05 * l;
      step++;
      if (onStep(step, l) === true || step >= o.steps) return { model, loss: smooth, steps: step };
    }
  }
  return { model, loss: smooth, steps: step };
}

/** Draws an id from softmax(logits / temperature); argmax at temperature 0. */
export function pick(logits: ArrayLike<number>, temperature: number, g: Generator): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (temperature === 0) return best;
  const p = new Float64Array(logits.length);
  let z = 0;
  for (let i = 0; i < logits.length; i++) z += p[i] = Math.exp((logits[i] - logits[best]) / temperature);
  let u = g.uniform() * z;
  for (let i = 0; i < p.length; i++) {
    u -= p[i];
    if (u < 0) return i;
  }
  return p.length - 1;
}

/**
 * Samples `length` characters after `prime`, one at a time (a generator, so a page can
 * stream them). Characters of the prime outside the vocabulary are a ConfigError.
 */
export function* sampleChars(
  model: CharModel,
  prime: string,
  length: number,
  temperature: number,
  seed: number,
): IterableIterator<string> {
  const unknown = Array.from(new Set(Array.from(prime).filter((ch) => !model.vocab.has(ch))));
  if (unknown.length > 0) {
    throw new ConfigError(
      `sample: the prime must use the model's characters; got ${JSON.stringify(unknown.join(''))} outside its vocabulary`,
    );
  }
  const g = new Generator(seed);
  model.eval();
  const primeIds = model.vocab.encode(prime.length > 0 ? prime : '\n');
  let [logits, state] = noGrad(() =>
    model.step(new Tensor(Int32Array.from(primeIds), [1, primeIds.length]), null),
  );
  let last = logits.select(0, primeIds.length - 1); // (V)
  for (let i = 0; i < length; i++) {
    const id = pick(last.data, temperature, g);
    yield model.vocab.decode([id]);
    [logits, state] = noGrad(() => model.step(new Tensor(Int32Array.of(id), [1, 1]), state));
    last = logits.select(0, 0);
  }
}

/** The model's two files: meta JSON text and safetensors bytes. */
export function charModelFiles(
  model: CharModel,
  trainedOn: string,
  steps: number,
  loss: number,
): { meta: string; weights: Uint8Array } {
  const meta: CharModelMeta = {
    format: 'longshort-playground-char',
    vocab: model.vocab.toJSON(),
    embedding: model.embedding,
    hidden: model.hidden,
    layers: model.layers,
    trainedOn,
    steps,
    loss,
  };
  return {
    meta: `${JSON.stringify(meta)}\n`,
    weights: serializeSafetensors(model.stateDict(), { metadata: { format: 'pt' } }),
  };
}

/** Rebuilds a model from its two files (the state dict's keys and shapes are checked). */
export function charModelFromFiles(
  metaText: string,
  weights: Uint8Array,
): { model: CharModel; meta: CharModelMeta } {
  const meta = JSON.parse(metaText) as CharModelMeta;
  if (meta.format !== 'longshort-playground-char') {
    throw new ConfigError(
      `charModelFromFiles: format must be "longshort-playground-char"; got ${JSON.stringify(meta.format)}`,
    );
  }
  const model = new CharModel(CharVocab.fromJSON(meta.vocab), meta.embedding, meta.hidden, meta.layers);
  model.loadStateDict(parseSafetensors(weights).tensors);
  return { model, meta };
}
