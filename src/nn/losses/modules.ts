import { checkOptions } from '../../core/check.js';
import type { Tensor } from '../../tensor/index.js';
import { Module } from '../module.js';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  nllLoss,
  type BCELossOptions,
  type BCEWithLogitsLossOptions,
  type CrossEntropyOptions,
  type NLLLossOptions,
} from './classification.js';
import { resolveReduction, type Reduction, type ReductionOptions, LOSS_KEYS } from './reduction.js';
import {
  checkHuberDelta,
  checkSmoothL1Beta,
  huberLoss,
  l1Loss,
  mseLoss,
  smoothL1Loss,
  type HuberLossOptions,
  type SmoothL1LossOptions,
} from './regression.js';

/*
 * Loss modules, after torch.nn's: each holds its options (a class weight is a buffer
 * named 'weight', BCEWithLogitsLoss's positive weight 'pos_weight', as in PyTorch's
 * state dicts) and its `forward(input, target)` calls the function of the same name.
 */

/** Base of the loss modules: the reduction, checked at construction. */
abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(op: string, options: ReductionOptions, keys: readonly string[]) {
    super();
    checkOptions(op, options, keys);
    this.reduction = resolveReduction(op, options.reduction);
  }
  abstract forward(input: Tensor, target: Tensor): Tensor;
  override extraRepr(): string {
    return this.reduction === 'mean' ? '' : `reduction=${this.reduction}`;
  }
}

/** `mseLoss` as a module, like `torch.nn.MSELoss`. @example new MSELoss().forward(pred, y) */
export class MSELoss extends Loss {
  constructor(options: ReductionOptions = {}) {
    super('MSELoss', options, LOSS_KEYS.reduction);
  }
  /** input (*), target (*) -> scalar, or (*) with reduction 'none'. */
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** `l1Loss` as a module, like `torch.nn.L1Loss`. @example new L1Loss({ reduction: 'sum' }) */
export class L1Loss extends Loss {
  constructor(options: ReductionOptions = {}) {
    super('L1Loss', options, LOSS_KEYS.reduction);
  }
  /** input (*), target (*) -> scalar, or (*) with reduction 'none'. */
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/** `huberLoss` as a module, like `torch.nn.HuberLoss`. @example new HuberLoss({ delta: 0.5 }) */
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(options: HuberLossOptions = {}) {
    super('HuberLoss', options, LOSS_KEYS.huber);
    this.delta = checkHuberDelta('HuberLoss', options.delta ?? 1);
  }
  /** input (*), target (*) -> scalar, or (*) with reduction 'none'. */
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** `smoothL1Loss` as a module, like `torch.nn.SmoothL1Loss`. @example new SmoothL1Loss({ beta: 0.1 }) */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(options: SmoothL1LossOptions = {}) {
    super('SmoothL1Loss', options, LOSS_KEYS.smoothL1);
    this.beta = checkSmoothL1Beta('SmoothL1Loss', options.beta ?? 1);
  }
  /** input (*), target (*) -> scalar, or (*) with reduction 'none'. */
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/**
 * `nllLoss` as a module, like `torch.nn.NLLLoss`; the class weight is the buffer 'weight'.
 * @example new NLLLoss({ ignoreIndex: 0 }).forward(logSoftmax(logits, 1), labels)
 */
export class NLLLoss extends Loss {
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;
  constructor(options: NLLLossOptions = {}) {
    super('NLLLoss', options, LOSS_KEYS.nll);
    this.weight = this.registerBuffer('weight', options.weight ?? null);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }
  /** input (N, C), (C) or (N, C, d1, ...); int32 target (N), () or (N, d1, ...). */
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, {
      reduction: this.reduction,
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
    });
  }
}

/**
 * `crossEntropy` as a module, like `torch.nn.CrossEntropyLoss`; the class weight is the
 * buffer 'weight'.
 * @example new CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(logits, labels)
 */
export class CrossEntropyLoss extends Loss {
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(options: CrossEntropyOptions = {}) {
    super('CrossEntropyLoss', options, LOSS_KEYS.crossEntropy);
    this.weight = this.registerBuffer('weight', options.weight ?? null);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }
  /** input (N, C), (C) or (N, C, d1, ...); target int32 ids or float probabilities. */
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      reduction: this.reduction,
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

/** `binaryCrossEntropy` as a module, like `torch.nn.BCELoss`. @example new BCELoss().forward(probs, y) */
export class BCELoss extends Loss {
  readonly weight: Tensor | null;
  constructor(options: BCELossOptions = {}) {
    super('BCELoss', options, LOSS_KEYS.bce);
    this.weight = this.registerBuffer('weight', options.weight ?? null);
  }
  /** input (*) probabilities, target (*) -> scalar, or (*) with reduction 'none'. */
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { reduction: this.reduction, weight: this.weight });
  }
}

/**
 * `binaryCrossEntropyWithLogits` as a module, like `torch.nn.BCEWithLogitsLoss`; buffers
 * 'weight' and 'pos_weight'.
 * @example new BCEWithLogitsLoss({ posWeight: full([3], 2) }).forward(logits, y)
 */
export class BCEWithLogitsLoss extends Loss {
  readonly weight: Tensor | null;
  readonly posWeight: Tensor | null;
  constructor(options: BCEWithLogitsLossOptions = {}) {
    super('BCEWithLogitsLoss', options, LOSS_KEYS.bceWithLogits);
    this.weight = this.registerBuffer('weight', options.weight ?? null);
    this.posWeight = this.registerBuffer('pos_weight', options.posWeight ?? null);
  }
  /** input (*) logits, target (*) -> scalar, or (*) with reduction 'none'. */
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, {
      reduction: this.reduction,
      weight: this.weight,
      posWeight: this.posWeight,
    });
  }
}
