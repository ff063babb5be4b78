/*
 * The NaN guard of `fit`: Keras' TerminateOnNaN, checked before the optimizer step so
 * a non-finite loss or gradient never reaches the weights.
 */
import { StateError } from '../core/errors.js';
import type { Tensor } from '../tensor/index.js';
import type { Callback } from './callbacks.js';

/**
 * Training produced a NaN or an infinity (the loss, a gradient, or weights about to be
 * checkpointed). `epoch` and `batch` are 0-based; `batch` is -1 when not in a batch.
 *
 * @example
 * try { await model.fit(x, y, { epochs: 8 }) } catch (e) { if (e instanceof NonFiniteError) console.log(e.epoch, e.batch) }
 */
export class NonFiniteError extends StateError {
  constructor(
    message: string,
    readonly epoch: number,
    readonly batch: number,
  ) {
    super(message);
  }
}

/** The index of the first non-finite element of `data`, or -1. */
export function firstNonFinite(data: ArrayLike<number>): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

/**
 * Stops `fit` with a `NonFiniteError` naming the epoch and batch when a batch's loss or
 * any gradient is NaN or infinite, before the optimizer step (so the weights stay
 * finite). `fit` adds one unless `terminateOnNaN: false` is passed or the callbacks
 * already hold one.
 *
 * @example await model.fit(x, y, { callbacks: [terminateOnNaN()], terminateOnNaN: false })
 */
export class TerminateOnNaN implements Callback {
  onBatchGradients(epoch: number, batch: number, loss: number, params: readonly Tensor[]): void {
    const where = `epoch ${epoch}, batch ${batch} (0-based: "Epoch ${epoch + 1}" in the progress lines)`;
    if (!Number.isFinite(loss)) {
      throw new NonFiniteError(
        `fit: the loss must be finite; got ${loss} at ${where} (lower the learning rate, clip gradients, or check the data)`,
        epoch,
        batch,
      );
    }
    params.forEach((p, i) => {
      const g = p.grad;
      if (g === null) return;
      const at = firstNonFinite(g.data);
      if (at >= 0) {
        throw new NonFiniteError(
          `fit: gradients must be finite; got ${g.data[at]} in parameter ${i} (element ${at}) at ${where} (clip gradients or lower the learning rate)`,
          epoch,
          batch,
        );
      }
    });
  }
}

/** Creates a `TerminateOnNaN` callback. @example terminateOnNaN() */
export function terminateOnNaN(): TerminateOnNaN {
  return new TerminateOnNaN();
}
