/*
 * The input side and the output side of the sequence driver (RNNBase.forward): checks
 * the input and the initial states against the layer, lays the input out as the fused
 * op's time-major rows (sum(batchSizes), H_in), and shapes the results back into the
 * caller's layout (padded, batch-first, unbatched or packed).
 */
import type { DType } from '../../core/dtype.js';
import { DTypeError, ShapeError } from '../../core/errors.js';
import { formatShape, shapesEqual } from '../../core/shape.js';
import { indexSelect, reshape, squeeze, transpose, unsqueeze, zeros, Tensor } from '../../tensor/index.js';
import { PackedSequence } from './packed-sequence.js';

/** What the driver knows of the layer. */
export interface SequenceLayout {
  /** The class name for messages. */
  op: string;
  inputSize: number;
  hiddenSize: number;
  /** Width of h: projSize, else hiddenSize. */
  hOut: number;
  numLayers: number;
  /** Directions (2 when bidirectional). */
  D: number;
  batchFirst: boolean;
  /** The parameters' dtype. */
  pdtype: DType;
}

/** The checked input as the fused op reads it. */
export interface PreparedSequence {
  /** (sum(batchSizes), H_in) time-major rows. */
  rows: Tensor;
  /** (L) active entries per step. */
  batchSizes: Int32Array;
  /** Batch size N. */
  N: number;
  /** Sequence length L (0 for packed input). */
  L: number;
  unbatched: boolean;
  /** The packed input, or null for a padded tensor. */
  packed: PackedSequence | null;
  /** (numLayers*D, N, H_out), sorted like the packed batch. */
  h0: Tensor;
  /** (numLayers*D, N, H_cell) for LSTM; null otherwise. */
  c0: Tensor | null;
}

/** The driver's results in the caller's layout. */
export interface DriverResult {
  output: Tensor | PackedSequence;
  hN: Tensor;
  cN: Tensor | null;
}

/**
 * Checks `input` and the initial states (`hx`, and `cx` when `isLstm`; messages say
 * `hidden[0]`/`hidden[1]`, or `hidden`) as PyTorch does, and lays them out for the
 * fused op.
 */
export function prepareSequence(
  lay: SequenceLayout,
  input: Tensor | PackedSequence,
  hx: Tensor | null,
  cx: Tensor | null,
  isLstm: boolean,
): PreparedSequence {
  const { op, D, hOut, pdtype } = lay;
  const packed = input instanceof PackedSequence ? input : null;
  // --- input ---
  let x: Tensor;
  let batchSizes: Int32Array;
  let N: number;
  let L = 0;
  let unbatched = false;
  if (packed !== null) {
    x = packed.data;
    if (x.ndim !== 2)
      throw new ShapeError(`${op}: packed input data must have 2 dimensions; expected 2, got ${x.ndim}`);
    batchSizes = packed.batchSizes.data as Int32Array;
    N = packed.batchSize;
  } else {
    if (!(input instanceof Tensor))
      throw new ShapeError(`${op}: input must be a Tensor or a PackedSequence; got ${String(input)}`);
    x = input;
    if (x.ndim !== 2 && x.ndim !== 3) {
      throw new ShapeError(
        `${op}: input must have 3 dimensions (batched) or 2 (unbatched); expected 2 or 3, got ${x.ndim} (shape ${formatShape(x.shape)})`,
      );
    }
    unbatched = x.ndim === 2;
    N = unbatched ? 1 : lay.batchFirst ? x.shape[0] : x.shape[1];
    L = unbatched ? x.shape[0] : lay.batchFirst ? x.shape[1] : x.shape[0];
    batchSizes = new Int32Array(L).fill(N);
  }
  if (x.dtype === 'int32')
    throw new DTypeError(`${op}: input must be a float tensor; expected ${pdtype}, got int32`);
  if (x.shape[x.ndim - 1] !== lay.inputSize) {
    throw new ShapeError(
      `${op}: input.size(-1) must be equal to input_size; expected ${lay.inputSize}, got ${x.shape[x.ndim - 1]}`,
    );
  }
  if (x.dtype !== pdtype) {
    throw new DTypeError(
      `${op}: input dtype must match the parameters'; expected ${pdtype}, got ${x.dtype} (convert the input or call .to('${x.dtype}') on the module)`,
    );
  }

  // --- states ---
  const stateRank = unbatched ? 2 : 3;
  const states: Array<[Tensor | null, string, number]> = isLstm
    ? [
        [hx, 'hidden[0]', hOut],
        [cx, 'hidden[1]', lay.hiddenSize],
      ]
    : [[hx, 'hidden', hOut]];
  if (hx !== null || cx !== null) {
    const given = states.map(([t]) => t);
    for (const t of given) {
      if (!(t instanceof Tensor))
        throw new ShapeError(`${op}: initial states must be Tensors; got ${String(t)}`);
    }
    const ranks = given.map((t) => (t as Tensor).ndim);
    if (ranks.some((r) => r !== stateRank)) {
      const what = isLstm ? 'hx and cx' : 'hx';
      const got = isLstm ? `(${ranks.map((r) => `${r}-D`).join(', ')}) tensors` : `${ranks[0]}-D tensor`;
      throw new ShapeError(
        packed !== null
          ? `${op}: for packed input, ${what} should be 3-D; got ${got}`
          : `${op}: For ${unbatched ? 'unbatched 2-D' : 'batched 3-D'} input, ${what} should also be ${stateRank}-D but got ${got}`,
      );
    }
  }
  for (const [t, name, width] of states) {
    if (t === null) continue;
    const expected = unbatched ? [lay.numLayers * D, width] : [lay.numLayers * D, N, width];
    if (!shapesEqual(t.shape, expected)) {
      throw new ShapeError(
        `${op}: Expected ${name} size (${expected.join(', ')}), got ${formatShape(t.shape)}`,
      );
    }
    if (t.dtype !== x.dtype)
      throw new DTypeError(
        `${op}: ${name} dtype must match the input's; expected ${x.dtype}, got ${t.dtype}`,
      );
  }
  const prepState = (t: Tensor | null, width: number): Tensor => {
    if (t === null) return zeros([lay.numLayers * D, N, width], { dtype: x.dtype });
    let s = unbatched ? unsqueeze(t, 1) : t;
    if (packed !== null && packed.sortedIndices !== null) s = indexSelect(s, 1, packed.sortedIndices);
    return s;
  };
  const h0 = prepState(hx, hOut);
  const c0 = isLstm ? prepState(cx, lay.hiddenSize) : null;

  // --- time-major rows (sum(batchSizes), H_in) ---
  let rows: Tensor;
  if (packed !== null) rows = x;
  else {
    let tm = unbatched ? unsqueeze(x, 1) : x;
    if (lay.batchFirst && !unbatched) tm = transpose(tm, 0, 1);
    rows = reshape(tm, [L * N, lay.inputSize]);
  }

  return { rows, batchSizes, N, L, unbatched, packed, h0, c0 };
}

/** Shapes the top layer's rows `layerOutput` (rows, D*H_out) and the stacked final states for the caller. */
export function finishSequence(
  lay: SequenceLayout,
  prep: PreparedSequence,
  layerOutput: Tensor,
  hNStacked: Tensor,
  cNStacked: Tensor | null,
): DriverResult {
  const { D, hOut } = lay;
  const { packed, L, N, unbatched } = prep;
  let hN = hNStacked;
  let cN = cNStacked;
  // --- back to the caller's layout ---
  if (packed !== null) {
    if (packed.unsortedIndices !== null) {
      hN = indexSelect(hN, 1, packed.unsortedIndices);
      if (cN !== null) cN = indexSelect(cN, 1, packed.unsortedIndices);
    }
    return { output: packed.withData(layerOutput), hN, cN };
  }
  let output = reshape(layerOutput, [L, N, D * hOut]);
  if (unbatched) {
    output = squeeze(output, 1);
    hN = squeeze(hN, 1);
    if (cN !== null) cN = squeeze(cN, 1);
  } else if (lay.batchFirst) output = transpose(output, 0, 1);
  return { output, hN, cN };
}
