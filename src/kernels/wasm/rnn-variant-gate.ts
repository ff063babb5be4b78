// Which cell variants the fused WebAssembly kernels run (the 'wasm-simd', 'wasm-relaxed'
// and 'native-blas' sets): PyTorch's equations with the gate activation sigmoid or hard
// sigmoid (Keras 2, TF.js, ONNX: alpha 0.2, beta 0.5; Keras 3: alpha 1/6), tanh cell and
// output activations, the reset-after and the reset-before GRU (`wasmResetBefore`), and
// the kind's own activation for RNN cells.
// Every other variant runs on the reference kernels.
import type { CellKind } from '../../core/cell-kind.js';
import type { RnnActivation, RnnVariant } from '../ref/rnn-variant-ref.js';

/** The gate activation the kernels run: sigmoid, or the hard sigmoid with alpha, beta. */
export interface WasmGate {
  readonly hard: boolean;
  readonly alpha: number;
  readonly beta: number;
}

const SIGMOID: WasmGate = { hard: false, alpha: 0, beta: 0 };

/** The fields of `RnnVariant` the kernels know; a variant with any other field set runs on the reference. */
const KNOWN = new Set(['gate', 'cell', 'out', 'resetAfter']);

const isPlain = (a: RnnActivation, name: 'tanh' | 'relu'): boolean => a.name === name;

/**
 * The gate the fused kernels run `v` with for `kind` (sigmoid for no variant), or null
 * where they cannot run it.
 */
export function wasmVariantGate(kind: CellKind, v: RnnVariant | undefined): WasmGate | null {
  if (v === undefined) return SIGMOID;
  for (const [key, value] of Object.entries(v)) if (!KNOWN.has(key) && value !== undefined) return null;
  if (kind === 'rnn_tanh' || kind === 'rnn_relu')
    return isPlain(v.cell, kind === 'rnn_relu' ? 'relu' : 'tanh') ? SIGMOID : null;
  if (!isPlain(v.cell, 'tanh')) return null;
  if (kind === 'lstm' && !isPlain(v.out, 'tanh')) return null;
  if (v.gate.name === 'sigmoid') return SIGMOID;
  if (v.gate.name !== 'hardSigmoid' || !Number.isFinite(v.gate.alpha) || !Number.isFinite(v.gate.beta))
    return null;
  return { hard: true, alpha: v.gate.alpha, beta: v.gate.beta };
}

/**
 * Whether `v` is the reset-before GRU (n = tanh(W_in x + b_in + b_hn + W_hn (r * h)): TF.js'
 * default GRU, ONNX linear_before_reset = 0, Keras reset_after = False), which the kernels
 * run as two half-steps around the GEMM on r * h.
 */
export function wasmResetBefore(kind: CellKind, v: RnnVariant | undefined): boolean {
  return kind === 'gru' && v !== undefined && !v.resetAfter;
}
