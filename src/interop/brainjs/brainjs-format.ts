/*
 * What brain.js's reader and writer share: the matrix names of each kind of hidden layer,
 * and the training options of the net a model was imported from (so they travel back out).
 */
import type { SequentialModel } from '../../models/index.js';

/** @internal A brain.js hidden layer's kind. */
export type BrainjsKind = 'lstm' | 'gru' | 'rnn';

/**
 * @internal Each kind's matrices per hidden layer: [input weight, hidden weight, bias] per
 * gate, in longshort's gate order (LSTM i, f, g, o; GRU r, z, n; RNN one).
 */
export const BRAINJS_GATES: Record<BrainjsKind, readonly (readonly [string, string, string])[]> = {
  lstm: [
    ['inputMatrix', 'inputHidden', 'inputBias'],
    ['forgetMatrix', 'forgetHidden', 'forgetBias'],
    ['cellActivationMatrix', 'cellActivationHidden', 'cellActivationBias'],
    ['outputMatrix', 'outputHidden', 'outputBias'],
  ],
  gru: [
    ['resetGateInputMatrix', 'resetGateHiddenMatrix', 'resetGateBias'],
    ['updateGateInputMatrix', 'updateGateHiddenMatrix', 'updateGateBias'],
    ['cellWriteInputMatrix', 'cellWriteHiddenMatrix', 'cellWriteBias'],
  ],
  rnn: [['weight', 'transition', 'bias']],
};

const origins = new WeakMap<SequentialModel, { [key: string]: unknown }>();

/** @internal Remembers the brain.js options a model was imported with. */
export function rememberBrainjsOptions(model: SequentialModel, options: { [key: string]: unknown }): void {
  origins.set(model, options);
}

/** @internal The brain.js options a model was imported with, or an empty object. */
export function brainjsOptionsOf(model: SequentialModel): { [key: string]: unknown } {
  return origins.get(model) ?? {};
}
