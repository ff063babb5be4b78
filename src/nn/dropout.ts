import { checkOptions } from '../core/check.js';
import type { Generator } from '../core/rng.js';
import { dropout, type Tensor } from '../tensor/index.js';
import { checkDropoutP } from '../tensor/ops/dropout.js';
import { Module } from './module.js';

/**
 * Options of `Dropout`.
 *
 * @example
 * const drop = new Dropout(0.2, { generator: new Generator(0) });
 */
export interface DropoutModuleOptions {
  /** Seeded generator for the masks; the default generator (see `manualSeed`) otherwise. */
  generator?: Generator;
}

/**
 * Randomly zeroes elements with probability `p` during training and scales the rest
 * by 1 / (1 - p), like `torch.nn.Dropout`; the identity in evaluation mode
 * (`model.eval()`). Masks come from the seeded default generator unless a
 * `generator` is given.
 *
 * Shapes: input `(*)`, output `(*)` (same shape).
 *
 * @param p probability of an element being zeroed, in [0, 1] (default 0.5)
 * @example
 * const drop = new Dropout(0.2);
 * drop.forward(x);        // training mode: some zeros, the rest scaled by 1.25
 * drop.eval().forward(x); // x
 */
export class Dropout extends Module {
  private readonly generator: Generator | undefined;

  constructor(
    readonly p = 0.5,
    options: DropoutModuleOptions = {},
  ) {
    super();
    checkDropoutP(p, 'Dropout');
    checkOptions('Dropout', options, ['generator']);
    this.generator = options.generator;
  }

  /** (*) -> (*). */
  forward(input: Tensor): Tensor {
    return dropout(
      input,
      this.p,
      this.training,
      this.generator === undefined ? {} : { generator: this.generator },
    );
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}
