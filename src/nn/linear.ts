import type { FloatDType } from '../core/dtype.js';
import { DTypeError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { linear, Tensor, zeros } from '../tensor/index.js';
import { linearInto } from '../tensor/ops/recurrent-step.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_, type InitOptions } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { checkSizedModule } from './sized-module.js';

/**
 * Options of `Linear`.
 *
 * @example
 * const head = new Linear(128, 10, { bias: false });
 */
export interface LinearOptions extends InitOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Parameter dtype (default `getDefaultDtype()`, float32). */
  dtype?: FloatDType;
}

/**
 * Applies an affine map y = x W^T + b, like `torch.nn.Linear`.
 *
 * Parameters: `weight` (out_features, in_features) and `bias` (out_features), both
 * initialised from U(-k, k) with k = 1 / sqrt(in_features) (PyTorch's
 * `kaiming_uniform_(a=sqrt(5))` for the weight). With `bias: false` there is no
 * `bias` parameter (it is not in the state dict).
 *
 * Shapes: input `(*, H_in)` with H_in = in_features, output `(*, H_out)` with
 * H_out = out_features; `*` is any number of leading dims (none included).
 *
 * @param inFeatures size of each input sample
 * @param outFeatures size of each output sample
 * @example
 * const fc = new Linear(20, 30);
 * fc.forward(randn([128, 20])).shape; // [128, 30]
 */
export class Linear extends Module {
  /** Learnable weight (out_features, in_features). */
  readonly weight: Parameter;
  /** Learnable bias (out_features), or null with `bias: false`. */
  readonly bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    const keys = ['bias', 'dtype', 'generator'];
    const dtype = checkSizedModule('Linear', options, keys, { inFeatures, outFeatures });
    const init: InitOptions = options.generator === undefined ? {} : { generator: options.generator };
    this.weight = this.registerParameter(
      'weight',
      new Parameter(zeros([outFeatures, inFeatures], { dtype })),
    );
    this.bias = this.registerParameter(
      'bias',
      (options.bias ?? true) ? new Parameter(zeros([outFeatures], { dtype })) : null,
    );
    this.resetParameters(init);
  }

  /** Re-draws the parameters with PyTorch's default initialisation. */
  resetParameters(options: InitOptions = {}): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5), ...options });
    if (this.bias !== null) {
      const { fanIn } = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound, options);
    }
  }

  /** (*, in_features) -> (*, out_features). */
  forward(input: Tensor): Tensor {
    if (!(input instanceof Tensor))
      throw new ShapeError(`Linear: input must be a Tensor; got ${typeof input}`);
    if (input.ndim === 0 || input.shape[input.ndim - 1] !== this.inFeatures) {
      throw new ShapeError(
        `Linear: input.size(-1) must equal inFeatures; expected ${this.inFeatures}, got ${input.ndim === 0 ? 'a 0-d tensor' : input.shape[input.ndim - 1]} (input shape ${formatShape(input.shape)})`,
      );
    }
    if (input.dtype !== this.weight.dtype) {
      throw new DTypeError(
        `Linear: input dtype must match the weight's; expected ${this.weight.dtype}, got ${input.dtype}`,
      );
    }
    return linear(input, this.weight, this.bias);
  }

  /**
   * `forward` into a preallocated `out` `(*, out_features)` (the input's leading dims),
   * without allocating: for a head in a streaming loop (`head.forwardInto(lstm.step(x, s), y)`).
   * Inference only: no autograd graph is recorded. Returns `out`.
   */
  forwardInto(input: Tensor, out: Tensor): Tensor {
    if (!(input instanceof Tensor) || !(out instanceof Tensor))
      throw new ShapeError('Linear.forwardInto: input and out must be Tensors');
    return linearInto(input, this.weight, this.bias, out, 'Linear.forwardInto');
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}
