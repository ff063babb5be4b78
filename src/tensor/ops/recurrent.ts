import { CELL_KINDS, gateCount, type CellKind } from '../../core/cell-kind.js';
import { allocateFloat, type FloatArray, type FloatDType } from '../../core/dtype.js';
import { ConfigError, DTypeError, ShapeError } from '../../core/errors.js';
import { formatShape, shapesEqual, type Shape } from '../../core/shape.js';
import type { RnnSequenceInputGrads, RnnSequenceInputs } from '../../kernels/ref/rnn-sequence-ref.js';
import type { RnnVariant } from '../../kernels/ref/rnn-variant-ref.js';
import { kernelsFor, REF_KERNELS } from '../../kernels/registry.js';
import { rnnTeam } from '../../parallel/index.js';
import { needsGrad, recordMulti } from '../record.js';
import { Tensor } from '../tensor.js';

/**
 * The cell of a recurrent layer: LSTM (gates i,f,g,o), GRU (r,z,n), or a tanh/relu RNN.
 * @deprecated the same union as `CellKind` (src/core/cell-kind.ts): use that.
 */
export type RecurrentMode = CellKind;

/**
 * The parameters of one recurrent layer in one direction, with PyTorch's shapes.
 * G = 4 (lstm), 3 (gru), 1 (rnn); H = hidden size; Hout = projSize with `wHr`, else H.
 *
 * @example
 * const weights: RecurrentWeights = { wIh: lstm.weight_ih_l0, wHh: lstm.weight_hh_l0, bIh: lstm.bias_ih_l0, bHh: lstm.bias_hh_l0, wHr: null };
 */
export interface RecurrentWeights {
  /** (G*H, I) weight_ih_l{k} */
  wIh: Tensor;
  /** (G*H, Hout) weight_hh_l{k} */
  wHh: Tensor;
  /** (G*H) bias_ih_l{k}, or null */
  bIh: Tensor | null;
  /** (G*H) bias_hh_l{k}, or null */
  bHh: Tensor | null;
  /** (Hout, H) LSTM projection weight_hr_l{k}; null otherwise (always null for gru/rnn) */
  wHr: Tensor | null;
  /**
   * (3H) LSTM peephole weights weight_ph_l{k} = [p_i, p_f, p_o], given exactly when the
   * variant has `peepholes`; absent or null otherwise.
   */
  wPh?: Tensor | null;
}

/**
 * The outputs of `recurrentLayer`.
 *
 * @example
 * const { output, hN, cN } = recurrentLayer('lstm', x, batchSizes, h0, c0, weights);
 */
export interface RecurrentResult {
  /** (rows, Hout): the hidden state after each step, in the input's packed layout. */
  output: Tensor;
  /** (B, Hout): each batch entry's final hidden state. */
  hN: Tensor;
  /** (B, H): each batch entry's final cell state (lstm); null otherwise. */
  cN: Tensor | null;
}

const MODES = Object.keys(CELL_KINDS) as CellKind[];
const OP = 'recurrentLayer';

function checkShapeIs(t: Tensor, name: string, expected: Shape): void {
  if (!shapesEqual(t.shape, expected)) {
    throw new ShapeError(
      `${OP}: ${name} must have shape ${formatShape(expected)}; expected ${formatShape(expected)}, got ${formatShape(t.shape)}`,
    );
  }
}

function checkRank(t: Tensor, name: string, rank: number, what: string): void {
  if (t.ndim !== rank) {
    throw new ShapeError(
      `${OP}: ${name} must be ${rank}-D ${what}; expected ${rank} dimensions, got ${t.ndim} (shape ${formatShape(t.shape)})`,
    );
  }
}

/** The variant's LSTM-only options against the mode, its clip, and `wPh` against `peepholes`. */
function checkVariant(mode: CellKind, v: RnnVariant | undefined, wPh: Tensor | null): void {
  const peep = v?.peepholes === true;
  if ((peep || v?.coupledInputForget === true) && mode !== 'lstm') {
    throw new ConfigError(
      `${OP}: peepholes and coupledInputForget are LSTM variants; expected mode 'lstm', got '${mode}'`,
    );
  }
  if (peep !== (wPh !== null)) {
    throw new ConfigError(
      `${OP}: weights.wPh must be given exactly when the variant has peepholes; expected ${peep ? 'a (3H) tensor' : 'null'}, got ${wPh === null ? 'null' : 'a tensor'}`,
    );
  }
  const clip = v?.clip;
  if (clip !== undefined && !(typeof clip === 'number' && clip > 0)) {
    throw new ConfigError(`${OP}: variant.clip must be a positive number; got ${String(clip)}`);
  }
}

/**
 * One recurrent layer in one direction, fused: the input projection of every step is
 * one GEMM, each step one recurrent GEMM plus one gate kernel, and the backward pass one
 * GEMM per step plus one each for dX, dW_ih and dW_hh (DESIGN.md section 3).
 *
 * Equations (PyTorch's; x_t input row, h, c state):
 * - lstm: i,f,g,o = split(x W_ih^T + b_ih + h W_hh^T + b_hh); i,f,o sigmoid, g tanh;
 *   c' = f*c + i*g; h' = o*tanh(c'), then h' = h' W_hr^T with a projection.
 * - gru: r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 *   n = tanh(W_in x + b_in + r*(W_hn h + b_hn)), h' = (1-z)*n + z*h.
 * - rnn_tanh / rnn_relu: h' = act(W_ih x + b_ih + W_hh h + b_hh).
 *
 * Layout (PyTorch's PackedSequence): `x` is (rows, I), rows = sum(batchSizes); the
 * rows of step t are contiguous from batchSizes[0] + ... + batchSizes[t-1] and hold
 * batch entries 0..batchSizes[t]-1 (sequences sorted by decreasing length). A padded
 * time-major (L, N, I) input is the same layout with all batchSizes N (reshape to
 * (L*N, I)). The forward direction visits t = 0..L-1, the reverse one t = L-1..0; only
 * the active rows of the state are updated, so hN[b] is entry b's state after its last
 * valid step (reverse: after t = 0, starting from h0[b] at its last valid step).
 *
 * Gradients flow to x, h0, c0 and every weight and bias that requires grad.
 *
 * @param mode 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu'
 * @param x (rows, I) float32 or float64
 * @param batchSizes (L) non-increasing, all >= 1, batchSizes[0] = B, sum = rows (copied)
 * @param h0 (B, Hout)
 * @param c0 (B, H) for lstm; null otherwise
 * @param weights see `RecurrentWeights`; all tensors share x's dtype
 * @param reverse run from the last step to the first
 * @param variant a cell variant (other activations, the reset-before GRU, LSTM
 *   peepholes (with `weights.wPh`) and coupled input-forget gate, clip; see
 *   `RnnVariant`), run by the active kernel set where it can (hard-sigmoid gates:
 *   `KernelSet.supportsVariant`), else by the reference; undefined for PyTorch's equations
 * @throws ShapeError for wrong ranks/sizes or bad batchSizes, DTypeError for non-float
 *   or mixed dtypes, ConfigError for an unknown mode or c0/wHr given to a non-LSTM mode
 *   (or c0 missing for lstm)
 * @example
 * const { output, hN, cN } = recurrentLayer('lstm', x.reshape([L * N, I]),
 *   new Int32Array(L).fill(N), h0, c0, { wIh, wHh, bIh, bHh, wHr: null }, false);
 */
export function recurrentLayer(
  mode: CellKind,
  x: Tensor,
  batchSizes: Int32Array,
  h0: Tensor,
  c0: Tensor | null,
  weights: RecurrentWeights,
  reverse: boolean,
  variant?: RnnVariant,
): RecurrentResult {
  // ---- checks
  if (!MODES.includes(mode)) {
    throw new ConfigError(
      `${OP}: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}; got ${String(mode)}`,
    );
  }
  const isLstm = mode === 'lstm';
  const { wIh, wHh, bIh, bHh, wHr } = weights;
  const wPh = weights.wPh ?? null;
  checkVariant(mode, variant, wPh);
  if (!isLstm && c0 !== null)
    throw new ConfigError(
      `${OP}: c0 is only used by mode 'lstm'; expected null for mode '${mode}', got a tensor`,
    );
  if (isLstm && c0 === null)
    throw new ConfigError(`${OP}: mode 'lstm' needs c0; expected a (B, H) tensor, got null`);
  if (!isLstm && wHr !== null)
    throw new ConfigError(
      `${OP}: wHr (projection) is only used by mode 'lstm'; expected null for mode '${mode}', got a tensor`,
    );
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new DTypeError(`${OP}: x must be a float tensor; expected float32 or float64, got ${x.dtype}`);
  }
  const dtype: FloatDType = x.dtype;
  const named: Array<[string, Tensor | null]> = [
    ['h0', h0],
    ['c0', c0],
    ['wIh', wIh],
    ['wHh', wHh],
    ['bIh', bIh],
    ['bHh', bHh],
    ['wHr', wHr],
    ['wPh', wPh],
  ];
  for (const [name, t] of named) {
    if (t !== null && t.dtype !== dtype)
      throw new DTypeError(`${OP}: ${name} must have x's dtype; expected ${dtype}, got ${t.dtype}`);
  }
  checkRank(x, 'x', 2, '(rows, inputSize)');
  checkRank(wIh, 'wIh', 2, '(G*hiddenSize, inputSize)');
  const G = gateCount(mode);
  const rows = x.shape[0];
  const I = x.shape[1];
  if (wIh.shape[0] % G !== 0 || wIh.shape[0] === 0) {
    throw new ShapeError(
      `${OP}: wIh.size(0) must be a positive multiple of ${G} (${G} gates for '${mode}'); expected a multiple of ${G}, got ${wIh.shape[0]}`,
    );
  }
  const H = wIh.shape[0] / G;
  const GH = G * H;
  if (wIh.shape[1] !== I)
    throw new ShapeError(
      `${OP}: wIh.size(1) must equal x.size(1) (inputSize); expected ${I}, got ${wIh.shape[1]}`,
    );
  let Hout = H;
  if (wHr !== null) {
    checkRank(wHr, 'wHr', 2, '(projSize, hiddenSize)');
    if (wHr.shape[1] !== H)
      throw new ShapeError(`${OP}: wHr.size(1) must equal hiddenSize; expected ${H}, got ${wHr.shape[1]}`);
    if (wHr.shape[0] === 0)
      throw new ShapeError(`${OP}: wHr.size(0) (projSize) must be positive; expected at least 1, got 0`);
    Hout = wHr.shape[0];
  }
  checkShapeIs(wHh, 'wHh', [GH, Hout]);
  if (bIh !== null) checkShapeIs(bIh, 'bIh', [GH]);
  if (bHh !== null) checkShapeIs(bHh, 'bHh', [GH]);
  if (wPh !== null) checkShapeIs(wPh, 'wPh', [3 * H]);
  if (!(batchSizes instanceof Int32Array)) {
    throw new ConfigError(
      `${OP}: batchSizes must be an Int32Array; got ${Object.prototype.toString.call(batchSizes)}`,
    );
  }
  const L = batchSizes.length;
  if (L === 0)
    throw new ShapeError(
      `${OP}: batchSizes must be non-empty (sequence length > 0); expected at least 1 step, got 0`,
    );
  let sum = 0;
  for (let t = 0; t < L; t++) {
    const b = batchSizes[t];
    if (b < 1)
      throw new ShapeError(`${OP}: batchSizes must be positive; expected batchSizes[${t}] >= 1, got ${b}`);
    if (t > 0 && b > batchSizes[t - 1]) {
      throw new ShapeError(
        `${OP}: batchSizes must be non-increasing (sequences sorted by decreasing length); expected batchSizes[${t}] <= ${batchSizes[t - 1]}, got ${b}`,
      );
    }
    sum += b;
  }
  if (sum !== rows)
    throw new ShapeError(`${OP}: sum(batchSizes) must equal x.size(0); expected ${rows}, got ${sum}`);
  const B = batchSizes[0];
  checkShapeIs(h0, 'h0', [B, Hout]);
  if (c0 !== null) checkShapeIs(c0, 'c0', [B, H]);

  // ---- forward
  const fd = (t: Tensor): FloatArray => t.data as FloatArray;
  const p: RnnSequenceInputs = {
    kind: mode,
    I,
    H,
    Hout,
    batchSizes: Int32Array.from(batchSizes),
    reverse,
    x: fd(x),
    h0: fd(h0),
    c0: c0 === null ? null : fd(c0),
    wIh: fd(wIh),
    wHh: fd(wHh),
    bIh: bIh === null ? null : fd(bIh),
    bHh: bHh === null ? null : fd(bHh),
    wHr: wHr === null ? null : fd(wHr),
  };
  if (variant !== undefined) p.variant = variant;
  if (wPh !== null) p.wPh = fd(wPh);
  const inputs: Tensor[] = [x, h0];
  if (c0 !== null) inputs.push(c0);
  inputs.push(wIh, wHh);
  if (bIh !== null) inputs.push(bIh);
  if (bHh !== null) inputs.push(bHh);
  if (wHr !== null) inputs.push(wHr);
  if (wPh !== null) inputs.push(wPh);
  const grad = needsGrad(...inputs);
  // the active kernel set for float32 (the reference for float64, and for a cell variant
  // the active set does not run)
  const fast = kernelsFor(dtype);
  const set = variant === undefined || fast.supportsVariant(mode, variant) ? fast : REF_KERNELS;
  const team = set.threaded ? rnnTeam(set.teamFlavor) : null; // worker threads over shared memory, or null: this thread
  const { out, saved } = set.rnnSequenceForward(p, { saved: grad, team });
  const output = new Tensor(out.output, [rows, Hout]);
  const hN = new Tensor(out.hN, [B, Hout]);
  const cN = isLstm ? new Tensor(out.cN, [B, H]) : null;

  // ---- backward
  if (!grad) return { output, hN, cN };
  const outputs = cN === null ? [output, hN] : [output, hN, cN];
  recordMulti(
    OP,
    inputs,
    outputs,
    inputs.slice(),
    (g) => {
      const want = (t: Tensor | null): FloatArray | null =>
        t !== null && t.requiresGrad ? allocateFloat(dtype, t.numel()) : null;
      const grads: RnnSequenceInputGrads = {
        dX: want(x),
        dh0: want(h0),
        dc0: want(c0),
        dWIh: want(wIh),
        dWHh: want(wHh),
        dBIh: want(bIh),
        dBHh: want(bHh),
        dWHr: want(wHr),
        dWPh: want(wPh),
      };
      const gd = (k: number): FloatArray | null => {
        const t = g[k];
        return t === undefined || t === null ? null : (t.data as FloatArray);
      };
      const og = { dOutput: gd(0), dhN: gd(1), dcN: gd(2) };
      set.rnnSequenceBackward(p, saved, og, grads, team);
      const wrap = (d: FloatArray | null, t: Tensor): Tensor | null =>
        d === null ? null : new Tensor(d, t.shape);
      const res: Array<Tensor | null> = [wrap(grads.dX, x), wrap(grads.dh0, h0)];
      if (c0 !== null) res.push(wrap(grads.dc0, c0));
      res.push(wrap(grads.dWIh, wIh), wrap(grads.dWHh, wHh));
      if (bIh !== null) res.push(wrap(grads.dBIh, bIh));
      if (bHh !== null) res.push(wrap(grads.dBHh, bHh));
      if (wHr !== null) res.push(wrap(grads.dWHr, wHr));
      if (wPh !== null) res.push(wrap(grads.dWPh ?? null, wPh));
      return res;
    },
    () => set.recycleSaved(saved),
  );
  return { output, hN, cN };
}

export {
  RNN_ACTIVATIONS,
  type RnnActivation,
  type RnnActivationName,
  type RnnVariant,
} from '../../kernels/ref/rnn-variant-ref.js';
