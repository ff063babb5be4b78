/*
 * Recurrent weights between Keras' layout and PyTorch's (longshort's).
 *
 * Keras: `kernel` (I, G*H), `recurrent_kernel` (H, G*H), `bias` (G*H), GRU with
 * `reset_after=True`: `bias` (2, G*H) = [input bias; recurrent bias]. Gate order LSTM
 * i,f,c,o (PyTorch's i,f,g,o); GRU z,r,h (PyTorch's r,z,n).
 * PyTorch: `weight_ih` (G*H, I), `weight_hh` (G*H, H), `bias_ih`, `bias_hh` (G*H).
 */
import { ShapeError } from '../../core/errors.js';

/** The cell of a Keras recurrent layer. */
export type KerasCell = 'lstm' | 'gru' | 'rnn';

/** One direction of a recurrent layer in PyTorch's layout (float32, row-major). */
export interface TorchRecurrentArrays {
  /** (G*H, I) */
  weightIh: Float32Array;
  /** (G*H, H) */
  weightHh: Float32Array;
  /** (G*H) or null without bias */
  biasIh: Float32Array | null;
  /** (G*H) or null without bias */
  biasHh: Float32Array | null;
}

/** One direction of a recurrent layer in Keras' layout. */
export interface KerasRecurrentArrays {
  /** (I, G*H) */
  kernel: Float32Array;
  /** (H, G*H) */
  recurrentKernel: Float32Array;
  /** (G*H), (2, G*H) for a reset-after GRU, or null */
  bias: Float32Array | null;
}

function gates(cell: KerasCell): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

/** PyTorch gate block g is Keras gate block PERM[g] (GRU: r<-r, z<-z swapped). */
function perm(cell: KerasCell): readonly number[] {
  return cell === 'gru' ? [1, 0, 2] : cell === 'lstm' ? [0, 1, 2, 3] : [0];
}

/** (K, G*H) Keras -> (G*H, K) PyTorch, reordering the gate blocks. */
function toTorchMatrix(cell: KerasCell, H: number, K: number, m: Float32Array): Float32Array {
  const G = gates(cell);
  const p = perm(cell);
  const out = new Float32Array(G * H * K); // (G*H, K)
  for (let g = 0; g < G; g++) {
    const kg = p[g];
    for (let j = 0; j < H; j++)
      for (let k = 0; k < K; k++) out[(g * H + j) * K + k] = m[k * G * H + kg * H + j];
  }
  return out;
}

/** (G*H, K) PyTorch -> (K, G*H) Keras. */
function toKerasMatrix(cell: KerasCell, H: number, K: number, m: Float32Array): Float32Array {
  const G = gates(cell);
  const p = perm(cell);
  const out = new Float32Array(K * G * H); // (K, G*H)
  for (let g = 0; g < G; g++) {
    const kg = p[g];
    for (let j = 0; j < H; j++)
      for (let k = 0; k < K; k++) out[k * G * H + kg * H + j] = m[(g * H + j) * K + k];
  }
  return out;
}

function permVector(
  cell: KerasCell,
  H: number,
  v: Float32Array,
  off: number,
  toTorch: boolean,
): Float32Array {
  const G = gates(cell);
  const p = perm(cell);
  const out = new Float32Array(G * H);
  for (let g = 0; g < G; g++) {
    for (let j = 0; j < H; j++) {
      if (toTorch) out[g * H + j] = v[off + p[g] * H + j];
      else out[p[g] * H + j] = v[off + g * H + j];
    }
  }
  return out;
}

/**
 * Keras weights of one direction to PyTorch's layout. A Keras bias lands in `biasIh`
 * with a zero `biasHh`, except for the reset-after GRU's (2, 3H) bias, whose rows are
 * the two PyTorch biases.
 * @throws ShapeError naming `where` when a size does not fit (I, H)
 */
export function kerasToTorchRecurrent(
  cell: KerasCell,
  I: number,
  H: number,
  w: KerasRecurrentArrays,
  resetAfter: boolean,
  where: string,
): TorchRecurrentArrays {
  const G = gates(cell);
  const GH = G * H;
  const check = (name: string, got: number, want: number): void => {
    if (got !== want)
      throw new ShapeError(`${where}: ${name} must hold ${want} values; expected ${want}, got ${got}`);
  };
  check('kernel', w.kernel.length, I * GH);
  check('recurrent_kernel', w.recurrentKernel.length, H * GH);
  const twoBiases = cell === 'gru' && resetAfter;
  if (w.bias !== null) check('bias', w.bias.length, twoBiases ? 2 * GH : GH);
  const weightIh = toTorchMatrix(cell, H, I, w.kernel);
  const weightHh = toTorchMatrix(cell, H, H, w.recurrentKernel);
  if (w.bias === null) return { weightIh, weightHh, biasIh: null, biasHh: null };
  const biasIh = permVector(cell, H, w.bias, 0, true);
  const biasHh = twoBiases ? permVector(cell, H, w.bias, GH, true) : new Float32Array(GH);
  return { weightIh, weightHh, biasIh, biasHh };
}

/**
 * PyTorch-layout weights of one direction to Keras' layout: the two biases are summed
 * into Keras' one (exact for LSTM, SimpleRNN and the reset-before GRU, where both only
 * ever appear added), or become the (2, 3H) rows of a reset-after GRU.
 */
export function torchToKerasRecurrent(
  cell: KerasCell,
  I: number,
  H: number,
  w: TorchRecurrentArrays,
  resetAfter: boolean,
): KerasRecurrentArrays {
  const GH = gates(cell) * H;
  const kernel = toKerasMatrix(cell, H, I, w.weightIh);
  const recurrentKernel = toKerasMatrix(cell, H, H, w.weightHh);
  if (w.biasIh === null && w.biasHh === null) return { kernel, recurrentKernel, bias: null };
  const bih = w.biasIh ?? new Float32Array(GH);
  const bhh = w.biasHh ?? new Float32Array(GH);
  if (cell === 'gru' && resetAfter) {
    const bias = new Float32Array(2 * GH);
    bias.set(permVector(cell, H, bih, 0, false), 0);
    bias.set(permVector(cell, H, bhh, 0, false), GH);
    return { kernel, recurrentKernel, bias };
  }
  const sum = new Float32Array(GH);
  for (let k = 0; k < GH; k++) sum[k] = bih[k] + bhh[k];
  return { kernel, recurrentKernel, bias: permVector(cell, H, sum, 0, false) };
}
