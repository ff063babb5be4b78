import { gateCount, type CellKind } from '../../core/cell-kind.js';
import type { FloatArray, FloatDType } from '../../core/dtype.js';
import { gemmRef } from './f-gemm-ref.js';
import { gruResetBeforeGatesRef, gruResetBeforeOutRef, gruStepForwardRef } from './rnn-gru-ref.js';
import { lstmStepForwardRef } from './rnn-lstm-ref.js';
import { rnnStepForwardRef } from './rnn-simple-ref.js';
import type { RnnVariant } from './rnn-variant-ref.js';

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

/** One layer's parameters, PyTorch's shapes (G = gateCount(kind)). */
export interface RnnStepLayerWeights {
  /** (G*H, I) */
  wIh: FloatArray;
  /** (G*H, Hout) */
  wHh: FloatArray;
  /** (G*H) or null */
  bIh: FloatArray | null;
  /** (G*H) or null */
  bHh: FloatArray | null;
  /** (Hout, H) LSTM projection or null */
  wHr: FloatArray | null;
  /** (3H) LSTM peephole weights with `variant.peepholes`; else absent or null */
  wPh?: FloatArray | null;
}

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
 * The reference one-step kernel: exactly the per-step operations of
 * `rnnSequenceForwardRef` with one time step (bias, one GEMM for the input projection,
 * one for h W_hh^T, the reference gate kernel, the projection GEMM), so it agrees with
 * the full-sequence reference bit for bit. Any float dtype; allocates only here.
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
  /** per layer (N, Hout) views of h and (N, H) views of c */
  private readonly hL: FloatArray[];
  private readonly cL: FloatArray[];
  private readonly gates: FloatArray; // (N, G*H)
  private readonly gh: FloatArray; // (N, G*H)
  private readonly bias: FloatArray; // (G*H)
  private readonly bhn: FloatArray; // (H) gru b_hn
  private readonly cPrev: FloatArray; // (N, H) lstm scratch
  private readonly cNew: FloatArray; // (N, H) lstm scratch
  private readonly hRaw: FloatArray; // (N, H) lstm projection input
  private readonly ghn: FloatArray; // (N, H) gru scratch
  private readonly hNew: FloatArray; // (N, Hout)

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
    this.hL = [];
    this.cL = [];
    for (let l = 0; l < L; l++) {
      this.hL.push(this.h.subarray(l * N * Hout, (l + 1) * N * Hout));
      this.cL.push(this.c.subarray(isLstm ? l * N * H : 0, isLstm ? (l + 1) * N * H : 0));
    }
    this.y = this.hL[L - 1];
    this.weights = layers.map(() => null);
    this.gates = alloc(dtype, N * GH);
    this.gh = alloc(dtype, N * GH);
    this.bias = alloc(dtype, GH);
    this.bhn = alloc(dtype, H);
    this.cPrev = alloc(dtype, isLstm ? N * H : 0);
    this.cNew = alloc(dtype, isLstm ? N * H : 0);
    this.hRaw = alloc(dtype, N * H);
    this.ghn = alloc(dtype, N * H);
    this.hNew = alloc(dtype, N * Hout);
  }

  setWeights(layer: number, w: RnnStepLayerWeights): void {
    this.weights[layer] = w;
  }

  step(): void {
    const { kind, N, layers, variant: v } = this.cfg;
    const isLstm = kind === 'lstm';
    const isGru = kind === 'gru';
    const resetBefore = isGru && v !== undefined && !v.resetAfter;
    const { gates, gh, bias, bhn, hNew } = this;
    for (let l = 0; l < layers.length; l++) {
      const { I, H, Hout } = layers[l];
      const GH = gateCount(kind) * H;
      const w = this.weights[l] as RnnStepLayerWeights;
      const x = l === 0 ? this.x : this.hL[l - 1];
      const h = this.hL[l];
      // gates = b_ih + b_hh (gru: without b_hn) + x W_ih^T, as the sequence reference
      const hasBias = w.bIh !== null || w.bHh !== null;
      if (hasBias) {
        for (let j = 0; j < GH; j++) bias[j] = 0;
        if (w.bIh !== null) for (let j = 0; j < GH; j++) bias[j] = w.bIh[j];
        if (w.bHh !== null) {
          const upto = isGru && !resetBefore ? 2 * H : GH;
          for (let j = 0; j < upto; j++) bias[j] += w.bHh[j];
        }
        for (let r = 0; r < N; r++) for (let j = 0; j < GH; j++) gates[r * GH + j] = bias[j];
      }
      if (isGru) for (let j = 0; j < H; j++) bhn[j] = w.bHh === null || resetBefore ? 0 : w.bHh[2 * H + j];
      gemmRef(false, true, N, GH, I, 1, x, 0, I, w.wIh, 0, I, hasBias ? 1 : 0, gates, 0, GH);
      if (resetBefore) {
        gemmRef(false, true, N, 2 * H, H, 1, h, 0, H, w.wHh, 0, H, 0, gh, 0, GH);
        gruResetBeforeGatesRef(N, H, gates, 0, gh, 0, h, this.ghn, 0, v);
        gemmRef(false, true, N, H, H, 1, this.ghn, 0, H, w.wHh, 2 * H * H, H, 0, gh, 2 * H, GH);
        gruResetBeforeOutRef(N, H, gates, 0, gh, 0, h, hNew, 0, v);
        h.set(hNew);
        continue;
      }
      gemmRef(false, true, N, GH, Hout, 1, h, 0, Hout, w.wHh, 0, Hout, 0, gh, 0, GH);
      if (isLstm) {
        const ph = w.wPh ?? null; // (3H) or null
        if (w.wHr !== null) {
          lstmStepForwardRef(
            N,
            H,
            gates,
            0,
            gh,
            0,
            this.cL[l],
            this.cPrev,
            this.cNew,
            0,
            this.hRaw,
            0,
            v,
            ph,
          );
          gemmRef(false, true, N, Hout, H, 1, this.hRaw, 0, H, w.wHr, 0, H, 0, hNew, 0, Hout);
        } else {
          lstmStepForwardRef(N, H, gates, 0, gh, 0, this.cL[l], this.cPrev, this.cNew, 0, hNew, 0, v, ph);
        }
      } else if (isGru) {
        gruStepForwardRef(N, H, gates, 0, gh, 0, bhn, 0, h, this.ghn, 0, hNew, 0, v);
      } else {
        rnnStepForwardRef(N, H, kind === 'rnn_relu', gates, 0, gh, 0, hNew, 0, v);
      }
      h.set(hNew);
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
