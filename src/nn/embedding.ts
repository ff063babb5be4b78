import { checkOptions } from '../core/check.js';
import type { FloatDType } from '../core/dtype.js';
import { ConfigError, DTypeError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { embedding, noGrad, Tensor, zeros } from '../tensor/index.js';
import { normal_, type InitOptions } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { checkSizedModule } from './sized-module.js';

/**
 * Options of `Embedding`.
 *
 * @example
 * const embed = new Embedding(65, 32, { paddingIdx: 0 });
 */
export interface EmbeddingOptions extends InitOptions {
  /**
   * Row that does not contribute to the gradient (a padding token): initialised to
   * zeros and never updated by training. Negative values count from the end, as in
   * PyTorch (-1 is the last row). Default: none.
   */
  paddingIdx?: number | null;
  /** Weight dtype (default `getDefaultDtype()`, float32). */
  dtype?: FloatDType;
}

/**
 * Options of `Embedding.fromPretrained`.
 *
 * @example
 * const embed = Embedding.fromPretrained(vectors, { freeze: true, paddingIdx: 0 });
 */
export interface FromPretrainedOptions {
  /** Keep the weight fixed (`requiresGrad` false), as PyTorch does by default (true). */
  freeze?: boolean;
  /** As in the constructor; the pretrained padding row is kept as given, not zeroed. */
  paddingIdx?: number | null;
}

/**
 * A lookup table from integer ids to dense vectors, like `torch.nn.Embedding`.
 *
 * Parameter: `weight` (num_embeddings, embedding_dim), initialised from N(0, 1), with
 * row `paddingIdx` (if given) zeroed.
 *
 * Shapes: input int32 `(*)` of any rank, output `(*, H)` with H = embedding_dim.
 * Ids outside [0, num_embeddings) are a ShapeError, float ids a DTypeError.
 *
 * @param numEmbeddings size of the vocabulary
 * @param embeddingDim size of each vector
 * @example
 * const emb = new Embedding(10, 3, { paddingIdx: 0 });
 * emb.forward(tensor([[1, 2, 4, 5], [4, 3, 2, 9]], { dtype: 'int32' })).shape; // [2, 4, 3]
 */
export class Embedding extends Module {
  /** Learnable table (num_embeddings, embedding_dim). */
  readonly weight: Parameter;
  /** The padding row as a non-negative index, or null. */
  readonly paddingIdx: number | null;
  /** The table `fromPretrained` hands to the constructor (null otherwise). */
  private static adopting: Tensor | null = null;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    const keys = ['paddingIdx', 'dtype', 'generator'];
    const dtype = checkSizedModule('Embedding', options, keys, { numEmbeddings, embeddingDim });
    this.paddingIdx = normalizePaddingIdx(options.paddingIdx ?? null, numEmbeddings);
    const pretrained = Embedding.adopting;
    Embedding.adopting = null;
    if (pretrained !== null) {
      // fromPretrained: copy the given table; draw nothing, zero nothing (PyTorch's `_weight`)
      this.weight = this.registerParameter('weight', new Parameter(pretrained));
    } else {
      this.weight = this.registerParameter(
        'weight',
        new Parameter(zeros([numEmbeddings, embeddingDim], { dtype })),
      );
      this.resetParameters(options.generator === undefined ? {} : { generator: options.generator });
    }
  }

  /**
   * An Embedding holding a copy of `weights` (num_embeddings, embedding_dim), like
   * `nn.Embedding.from_pretrained`; frozen unless `freeze: false`.
   *
   * @example Embedding.fromPretrained(tensor([[1, 2.3, 3], [4, 5.1, 6.3]])).forward(tensor([1], { dtype: 'int32' }))
   */
  static fromPretrained(weights: Tensor, options: FromPretrainedOptions = {}): Embedding {
    checkOptions('Embedding.fromPretrained', options, ['freeze', 'paddingIdx']);
    if (!(weights instanceof Tensor) || weights.ndim !== 2) {
      throw new ShapeError(
        `Embedding.fromPretrained: embeddings must be 2-dimensional; expected (num_embeddings, embedding_dim), got ${weights instanceof Tensor ? formatShape(weights.shape) : typeof weights}`,
      );
    }
    if (weights.dtype === 'int32') {
      throw new DTypeError(
        'Embedding.fromPretrained: embeddings must be a float tensor; expected float32 or float64, got int32',
      );
    }
    const [n, d] = weights.shape;
    Embedding.adopting = weights;
    let emb: Embedding;
    try {
      emb = new Embedding(n, d, { paddingIdx: options.paddingIdx ?? null, dtype: weights.dtype });
    } finally {
      Embedding.adopting = null;
    }
    emb.weight.requiresGrad = !(options.freeze ?? true);
    return emb;
  }

  /** Re-draws the weight from N(0, 1) and zeroes the padding row. */
  resetParameters(options: InitOptions = {}): void {
    normal_(this.weight, 0, 1, options);
    this.zeroPaddingRow();
  }

  private zeroPaddingRow(): void {
    const p = this.paddingIdx;
    if (p === null) return;
    noGrad(() => {
      this.weight.data.fill(0, p * this.embeddingDim, (p + 1) * this.embeddingDim);
      this.weight.markModified();
    });
  }

  /** int32 (*) -> (*, embedding_dim). */
  forward(input: Tensor): Tensor {
    if (!(input instanceof Tensor))
      throw new DTypeError(`Embedding: input must be an int32 Tensor; got ${typeof input}`);
    if (input.dtype !== 'int32') {
      throw new DTypeError(
        `Embedding: input must be an int32 tensor of ids; expected int32, got ${input.dtype}`,
      );
    }
    const ids = input.data;
    for (const i of ids) {
      if (i < 0 || i >= this.numEmbeddings) {
        throw new ShapeError(
          `Embedding: index out of range; expected ids in [0, ${this.numEmbeddings - 1}], got ${i}`,
        );
      }
    }
    return embedding(input, this.weight, this.paddingIdx);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}

function normalizePaddingIdx(p: number | null, n: number): number | null {
  if (p === null) return null;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < -n || p >= n) {
    throw new ConfigError(
      `Embedding: paddingIdx must be within numEmbeddings; expected an integer in [${-n}, ${n - 1}], got ${String(p)}`,
    );
  }
  return p < 0 ? p + n : p;
}
