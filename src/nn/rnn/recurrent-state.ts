import type { FloatArray } from '../../core/dtype.js';
import type { Tensor } from '../../tensor/index.js';
import type { RecurrentStep } from '../../tensor/ops/recurrent-step.js';

/**
 * Options of `initState` on `LSTM`, `GRU` and `RNN`.
 *
 * @example
 * const state = lstm.initState({ batch: 4 }); // zeros: h (numLayers, 4, H), c likewise
 */
export interface RecurrentStateOptions {
  /** Batch rows N. Default: h0's size(1) when given, else 1. */
  batch?: number;
  /** Initial hidden states `(numLayers, N, H_out)`; zeros when omitted. */
  h0?: Tensor | null;
  /** Initial cell states `(numLayers, N, H_cell)` (LSTM only, given together with h0); zeros when omitted. */
  c0?: Tensor | null;
}

/**
 * The running state of a recurrent layer stepped one time step at a time
 * (`layer.step(x, state)`), created by `layer.initState()`: the hidden (and cell)
 * states of every layer plus all the buffers a step needs, allocated once, so a step
 * allocates nothing. `h` `(numLayers, N, H_out)` and `c` `(numLayers, N, H_cell)`
 * (LSTM; null otherwise) are live views of the states, laid out like h_n / c_n; they
 * and the tensor `step` returns change with every step (copy with `clone()` to keep a
 * value). A state belongs to the layer that created it.
 *
 * @example
 * const lstm = new LSTM(1, 64);
 * const s = lstm.initState({ batch: 1 });
 * const x = new Float32Array(1);
 * for (const v of series) { x[0] = v; const y = lstm.step(x, s); use(y.data[0]); }
 * s.reset(); // back to the initial state
 */
export class RecurrentState {
  /** Batch rows N. */
  readonly batch: number;
  /** @internal the layer that created this state */
  readonly owner: object;
  /** @internal the tensor-level stepper */
  readonly stepper: RecurrentStep;
  private readonly h0: FloatArray | null;
  private readonly c0: FloatArray | null;

  /** @internal created by `initState` */
  constructor(owner: object, stepper: RecurrentStep, h0: FloatArray | null, c0: FloatArray | null) {
    this.owner = owner;
    this.stepper = stepper;
    this.batch = stepper.batch;
    this.h0 = h0;
    this.c0 = c0;
    this.reset();
  }

  /** (numLayers, N, H_out) the hidden state of every layer (a live view). */
  get h(): Tensor {
    return this.stepper.h;
  }

  /** (numLayers, N, H_cell) the LSTM cell state of every layer (a live view); null for GRU and RNN. */
  get c(): Tensor | null {
    return this.stepper.c;
  }

  /** The kernel that runs the steps, e.g. 'f32-rnn-step-wasmsimd' (float32 fast path) or 'rnn-step-ref'. */
  get implementation(): string {
    return this.stepper.implementation;
  }

  /** Back to the initial state: zeros, or the h0/c0 given to `initState` (copied then). */
  reset(): void {
    this.stepper.load(this.h0, this.c0);
  }
}
