import type { CellKind } from '../../core/cell-kind.js';
import { checkPositiveInt } from '../../core/check.js';
import type { RnnVariant } from '../../tensor/index.js';
import { Module } from '../module.js';
import { chooseCell, type CellFamily } from './cell-family.js';
import { checkRecurrentOptions } from './rnn-options.js';

/**
 * Base of `RNNBase` (the layers) and `RNNCellBase` (the cells): the class name their
 * messages use, the sizes, and what the family's options choose (see `chooseCell`),
 * checked in this order: the family options, the option keys (the `sharedKeys` of the
 * layers or the cells plus the family's), `inputSize`, `hiddenSize`.
 *
 * @example
 * const modules: RecurrentBase[] = [new LSTM(8, 16), new GRUCell(8, 16)];
 * for (const m of modules) console.log(m.cellKind, m.inputSize, m.hiddenSize);
 */
export abstract class RecurrentBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** The cell kind the fused op runs ('lstm', 'gru', 'rnn_tanh', 'rnn_relu'). */
  readonly cellKind: CellKind;
  /** The cell variant (other activations, the reset-before GRU), or undefined for PyTorch's equations. */
  readonly cellVariant: RnnVariant | undefined;
  /** The class name used in messages. */
  protected readonly opName: string;
  /** The family of the class (LSTM, GRU, RNN and their cells). */
  protected readonly family: CellFamily;

  protected constructor(
    opName: string,
    inputSize: number,
    hiddenSize: number,
    options: object,
    family: CellFamily,
    sharedKeys: readonly string[],
  ) {
    super();
    const { kind, keys, variant } = chooseCell(opName, family, options);
    this.opName = opName;
    this.family = family;
    this.cellKind = kind;
    this.cellVariant = variant;
    checkRecurrentOptions(opName, options, [...sharedKeys, ...keys]);
    this.inputSize = checkPositiveInt(opName, 'inputSize', inputSize);
    this.hiddenSize = checkPositiveInt(opName, 'hiddenSize', hiddenSize);
  }
}
