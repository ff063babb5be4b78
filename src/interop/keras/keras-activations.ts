/*
 * Keras activation names <-> longshort's recurrent activation options. Keras 2 and
 * TF.js define hard_sigmoid as clip(0.2x + 0.5, 0, 1), Keras 3 as relu6(x + 3) / 6 =
 * clip(x / 6 + 0.5, 0, 1): the file's Keras version decides which one a name means.
 */
import { UnsupportedError } from '../../core/errors.js';
import type { ActivationOption } from '../../nn/index.js';

/** Which definition of Keras' `hard_sigmoid` a file means. */
export type HardSigmoidFlavor = 'keras2' | 'keras3';

const SIMPLE: Record<string, ActivationOption> = {
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'relu',
  linear: 'linear',
  softsign: 'softsign',
  softplus: 'softplus',
  elu: 'elu',
  selu: 'selu',
  relu6: 'relu6',
  exponential: 'exponential',
};

/**
 * The longshort activation of a Keras activation name (`'hard_sigmoid'` by `flavor`).
 * @throws UnsupportedError naming the activation for one longshort cannot run in a cell
 * @example kerasActivation('hard_sigmoid', 'keras3', 'LSTM lstm_1') // { name: 'hardSigmoid', alpha: 1/6, beta: 0.5 }
 */
export function kerasActivation(name: unknown, flavor: HardSigmoidFlavor, where: string): ActivationOption {
  if (name === 'hard_sigmoid')
    return flavor === 'keras2' ? 'hardSigmoid' : { name: 'hardSigmoid', alpha: 1 / 6, beta: 0.5 };
  if (typeof name === 'string' && Object.hasOwn(SIMPLE, name)) return SIMPLE[name];
  throw new UnsupportedError(
    `${where}: activation must be one of ${[...Object.keys(SIMPLE), 'hard_sigmoid'].join(', ')}; got ${JSON.stringify(name) ?? String(name)}`,
  );
}

/**
 * The Keras name of a longshort activation option, for writing a file of `flavor`
 * (`'hard_sigmoid'` only for that flavor's definition).
 * @throws UnsupportedError for an activation Keras has no name for
 */
export function kerasActivationName(
  a: ActivationOption | undefined,
  fallback: string,
  flavor: HardSigmoidFlavor,
  where: string,
): string {
  if (a === undefined) return fallback;
  const name = typeof a === 'string' ? a : a.name;
  if (name === 'hardSigmoid') {
    const alpha = typeof a === 'string' ? 0.2 : (a.alpha ?? 0.2);
    const beta = typeof a === 'string' ? 0.5 : (a.beta ?? 0.5);
    const want = flavor === 'keras2' ? 0.2 : 1 / 6;
    if (Math.abs(alpha - want) < 1e-12 && beta === 0.5) return 'hard_sigmoid';
    throw new UnsupportedError(
      `${where}: this file format's hard_sigmoid is clip(${flavor === 'keras2' ? '0.2' : 'x/6'}x + 0.5); expected alpha ${want}, beta 0.5, got alpha ${alpha}, beta ${beta}`,
    );
  }
  if (typeof a === 'string' && Object.hasOwn(SIMPLE, name)) return name;
  if (typeof a !== 'string' && Object.hasOwn(SIMPLE, name) && a.alpha === undefined && a.beta === undefined)
    return name;
  throw new UnsupportedError(`${where}: Keras has no activation for ${JSON.stringify(a)}`);
}
