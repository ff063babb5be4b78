import { gateCount, type CellKind } from '../../core/cell-kind.js';
import type { FloatArray, FloatDType } from '../../core/dtype.js';
import { gemmRef } from './f-gemm-ref.js';
import {
  inputProjectionRef,
  rnnLayerStepRef,
  type RnnLayerStepBuffers,
  type RnnLayerWeights,
} from './rnn-layer-step-ref.js';
import { cellVariant, type RnnVariant } from './rnn-variant-ref.js';

/**
 * Sizes of one stacked recurrent network stepped one time step at a time (streaming
 * inference): `layers[l]` has input size I (layer 0: the network's input; later
 * layers: the previous layer's Hout), hidden size H and output size Hout (the LSTM
 * projection size, else H). Every layer has the same H and Hout.
 */
export interface RnnStepConfig {
  kind: CellKind;
  dtype: FloatDType;
  /** Batch rows N. */
  N: number;
  layers: ReadonlyArray<{ readonly I: number; readonly H: number; readonly Hout: number }>;
  /** A cell variant (reference kernel only), or undefined for PyTorch's equations. */
  variant?: RnnVariant;
}

/** One layer's parameters (the sequence kernels' `RnnLayerWeights`). */
export type RnnStepLayerWeights = RnnLayerWeights;

/**
 * A one-step kernel with its own buffers; every implementation (reference, wasm SIMD)
 * has this shape and is created by an `RnnStepFactory`. The caller writes the input
 * into `x`, calls `step()`, and reads `y` (or `h`, `c`); nothing is allocated per step.
 * Weights are handed over with `setWeights` (the reference keeps the arrays, a fast
 * kernel copies/packs them), so a caller must call it again after any weight change.
 */
export interface RnnStepKernel {
  /** The implementation, e.g. 'rnn-step-ref' or 'f32-rnn-step-wasmsimd'. */
  readonly name: string;
  /** (N, I0) the input of the next step. */
  readonly x: FloatArray;
  /** (numLayers, N, Hout) the hidden states, updated by every step. */
  readonly h: FloatArray;
  /** (numLayers, N, H) the LSTM cell states; zero-length for GRU and RNN. */
  readonly c: FloatArray;
  /** (N, Hout) the top layer's hidden state: a view of the end of `h`. */
  readonly y: FloatArray;
  /** Installs (reference) or copies (fast) layer `layer`'s weights. */
  setWeights(layer: number, w: RnnStepLayerWeights): void;
  /** One time step of every layer: x, h, c -> h, c. */
  step(): void;
}

/** Creates a step kernel for a configuration, or null where the implementation cannot run it. */
export type RnnStepFactory = (cfg: RnnStepConfig) => RnnStepKernel | null;

/** Implementation name of the reference step kernel. */
export const RNN_STEP_REF_NAME = 'rnn-step-ref';

function alloc(dtype: FloatDType, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/**
 * The reference one-step kernel: the per-step operations of `rnnSequenceForwardRef`
 * with one time step (`inputProjectionRef`, then `rnnLayerStepRef`: h W_hh^T, the
 * reference gate kernel, the projection GEMM), so it agrees with the full-sequence
 * reference bit for bit. Any float dtype; allocates only here.
 */
export function createRnnStepRef(cfg: RnnStepConfig): RnnStepKernel {
  return new RnnStepRef(cfg);
}

class RnnStepRef implements RnnStepKernel {
  readonly name = RNN_STEP_REF_NAME;
  readonly x: FloatArray;
  readonly h: FloatArray;
  readonly c: FloatArray;
  readonly y: FloatArray;
  private readonly cfg: RnnStepConfig;
  private readonly weights: Array<RnnStepLayerWeights | null>;
  /** per layer (N, Hout) views of h */
  private readonly hL: FloatArray[];
  /** per layer: the step's buffers, over its (N, H) view of c and shared scratch */
  private readonly bufs: RnnLayerStepBuffers[];
  private readonly bias: FloatArray; // (G*H)

  constructor(cfg: RnnStepConfig) {
    this.cfg = cfg;
    const { dtype, N, layers, kind } = cfg;
    const L = layers.length;
    const { H, Hout } = layers[0];
    const GH = gateCount(kind) * H;
    const isLstm = kind === 'lstm';
    this.x = alloc(dtype, N * layers[0].I);
    this.h = alloc(dtype, L * N * Hout);
    this.c = alloc(dtype, isLstm ? L * N * H : 0);
    this.weights = layers.map(() => null);
    this.bias = alloc(dtype, GH);
    const scratch = {
      gates: alloc(dtype, N * GH), // (N, G*H)
      gh: alloc(dtype, N * GH), // (N, G*H)
      cPrev: alloc(dtype, isLstm ? N * H : 0), // (N, H)
      cNew: alloc(dtype, isLstm ? N * H : 0), // (N, H)
      hRaw: alloc(dtype, N * H), // (N, H) lstm projection input
      ghn: alloc(dtype, N * H), // (N, H) gru
      bhn: alloc(dtype, H), // (H) gru b_hn
      out: alloc(dtype, N * Hout), // (N, Hout) h'
    };
    this.hL = [];
    this.bufs = [];
    for (let l = 0; l < L; l++) {
      this.hL.push(this.h.subarray(l * N * Hout, (l + 1) * N * Hout));
      const c = this.c.subarray(isLstm ? l * N * H : 0, isLstm ? (l + 1) * N * H : 0); // (N, H)
      this.bufs.push({ ...scratch, c });
    }
    this.y = this.hL[L - 1];
  }

  setWeights(layer: number, w: RnnStepLayerWeights): void {
    this.weights[layer] = w;
  }

  step(): void {
    const { kind, N, layers } = this.cfg;
    const v = cellVariant(kind, this.cfg.variant);
    for (let l = 0; l < layers.length; l++) {
      const { I, H, Hout } = layers[l];
      const w = this.weights[l] as RnnStepLayerWeights;
      const buf = this.bufs[l];
      const x = l === 0 ? this.x : this.hL[l - 1];
      inputProjectionRef(kind, v, H, I, N, x, w, this.bias, buf.bhn, buf.gates, gemmRef);
      rnnLayerStepRef(kind, v, H, Hout, w, N, 0, this.hL[l], buf, gemmRef);
    }
  }
}

/**
 * out (M, N) = x (M, K) W^T (W: (N, K)) + b (N, or none): a dense layer on a few rows
 * without allocation (the streaming head). Accumulates in double precision.
 */
export function linearRowsRef(
  M: number,
  N: number,
  K: number,
  x: FloatArray,
  w: FloatArray,
  b: FloatArray | null,
  out: FloatArray,
): void {
  for (let m = 0; m < M; m++) {
    const xr = m * K;
    for (let n = 0; n < N; n++) {
      const wr = n * K;
      let acc = 0;
      for (let k = 0; k < K; k++) acc += x[xr + k] * w[wr + k];
      out[m * N + n] = b === null ? acc : acc + b[n];
    }
  }
}
