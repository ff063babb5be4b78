// One time step of one recurrent layer in the reference kernels, written once for the
// sequence driver (rnn-sequence-ref.ts, a step at a time over the packed rows) and the
// streaming step kernel (rnn-step-ref.ts, one step of each layer per call): so the two
// agree bit for bit by construction.
import { gateCount, type CellKind } from '../../core/cell-kind.js';
import type { FloatArray } from '../../core/dtype.js';
import type { Gemm } from './f-gemm-ref.js';
import { gruResetBeforeStepRef, gruStepForwardRef } from './rnn-gru-ref.js';
import { lstmStepForwardRef } from './rnn-lstm-ref.js';
import { rnnStepForwardRef } from './rnn-simple-ref.js';
import type { RnnVariant } from './rnn-variant-ref.js';

/** One recurrent layer's parameters in one direction, PyTorch's shapes (G = gateCount(kind)). */
export interface RnnLayerWeights {
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
  /** (3H) LSTM peephole weights [p_i, p_f, p_o] with `variant.peepholes`; else absent or null. */
  wPh?: FloatArray | null;
}

/** Whether the layer is the GRU that applies its reset gate before the recurrent matmul. */
export function isResetBefore(kind: CellKind, v: RnnVariant): boolean {
  return kind === 'gru' && !v.resetAfter;
}

/**
 * gates (rows, G*H) = b_ih + b_hh + x (rows, I) W_ih^T for every row, through `bias`
 * (G*H, scratch). The reset-after GRU's b_hn (which the reset gate multiplies) is left
 * out and written to `bhn` (H) instead (zeros without it).
 */
export function inputProjectionRef(
  kind: CellKind,
  v: RnnVariant,
  H: number,
  I: number,
  rows: number,
  x: FloatArray,
  w: RnnLayerWeights,
  bias: FloatArray,
  bhn: FloatArray,
  gates: FloatArray,
  gemm: Gemm,
): void {
  const GH = gateCount(kind) * H;
  const { bIh, bHh } = w;
  const bhnApart = kind === 'gru' && !isResetBefore(kind, v);
  if (kind === 'gru') for (let j = 0; j < H; j++) bhn[j] = bHh === null || !bhnApart ? 0 : bHh[2 * H + j];
  const hasBias = bIh !== null || bHh !== null;
  if (hasBias) {
    for (let j = 0; j < GH; j++) bias[j] = bIh === null ? 0 : bIh[j];
    if (bHh !== null) {
      const upto = bhnApart ? 2 * H : GH;
      for (let j = 0; j < upto; j++) bias[j] += bHh[j];
    }
    for (let r = 0; r < rows; r++) for (let j = 0; j < GH; j++) gates[r * GH + j] = bias[j];
  }
  gemm(false, true, rows, GH, I, 1, x, 0, I, w.wIh, 0, I, hasBias ? 1 : 0, gates, 0, GH);
}

/**
 * The buffers of `rnnLayerStepRef` (`rows` = the rows the caller keeps, `B` = the most
 * active rows of a step); zero-length where a kind does not use one.
 */
export interface RnnLayerStepBuffers {
  /** (rows, G*H) in: the input projection; out: the activations (the gate kernels' `gates`). */
  readonly gates: FloatArray;
  /** (B, G*H) scratch: h W_hh^T of the step. */
  readonly gh: FloatArray;
  /** (B, H) lstm: the running cell state. */
  readonly c: FloatArray;
  /** (rows, H) lstm: the cell state before and after each step. */
  readonly cPrev: FloatArray;
  readonly cNew: FloatArray;
  /** (rows, H) lstm with projection: o * tanh(c') before the projection. */
  readonly hRaw: FloatArray;
  /** (rows, H) gru: gh_n + b_hn of each step (reset-before: r * h). */
  readonly ghn: FloatArray;
  /** (H) gru: b_hn (from `inputProjectionRef`). */
  readonly bhn: FloatArray;
  /** (rows, Hout) receives h' of each step. */
  readonly out: FloatArray;
}

/**
 * One time step of a layer over its `bs` active rows, which start at row `off` of the
 * row buffers: the recurrent GEMM h W_hh^T, the gate kernel of `kind` for the variant
 * `v` (from `cellVariant`), the LSTM projection GEMM; then h' is copied into the running state `h`
 * (B, Hout). The reset-before GRU runs its two half-steps around the GEMM (r*h) W_hn^T.
 */
export function rnnLayerStepRef(
  kind: CellKind,
  v: RnnVariant,
  H: number,
  Hout: number,
  w: RnnLayerWeights,
  bs: number,
  off: number,
  h: FloatArray,
  buf: RnnLayerStepBuffers,
  gemm: Gemm,
): void {
  const GH = gateCount(kind) * H;
  const { gates, gh, ghn, out } = buf;
  if (isResetBefore(kind, v)) {
    // r, z from h W_h{r,z}^T; then gh_n = (r*h) W_hn^T
    gemm(false, true, bs, 2 * H, H, 1, h, 0, H, w.wHh, 0, H, 0, gh, 0, GH);
    gruResetBeforeStepRef(1, bs, H, gates, off * GH, gh, 0, h, ghn, off * H, v);
    gemm(false, true, bs, H, H, 1, ghn, off * H, H, w.wHh, 2 * H * H, H, 0, gh, 2 * H, GH);
    gruResetBeforeStepRef(2, bs, H, gates, off * GH, gh, 0, h, out, off * H, v);
  } else {
    gemm(false, true, bs, GH, Hout, 1, h, 0, Hout, w.wHh, 0, Hout, 0, gh, 0, GH);
    if (kind === 'lstm') {
      const { c, cPrev, cNew, hRaw } = buf;
      const wHr = w.wHr;
      const hDst = wHr === null ? out : hRaw; // (rows, H)
      lstmStepForwardRef(
        bs,
        H,
        gates,
        off * GH,
        gh,
        0,
        c,
        cPrev,
        cNew,
        off * H,
        hDst,
        off * H,
        v,
        w.wPh ?? null,
      );
      if (wHr !== null)
        gemm(false, true, bs, Hout, H, 1, hRaw, off * H, H, wHr, 0, H, 0, out, off * Hout, Hout);
    } else if (kind === 'gru') {
      gruStepForwardRef(bs, H, gates, off * GH, gh, 0, buf.bhn, 0, h, ghn, off * H, out, off * H, v);
    } else {
      rnnStepForwardRef(bs, H, gates, off * H, gh, 0, out, off * H, v);
    }
  }
  for (let k = 0; k < bs * Hout; k++) h[k] = out[off * Hout + k];
}
