// The kernel backend contract: what every kernel set provides (see registry.ts).
import type { CellKind } from '../core/cell-kind.js';
import type { Gemm } from './ref/f-gemm-ref.js';
import type { RnnForwardOptions, RnnTeam } from './f32-rnn-sequence-wasmsimd.js';
import type {
  RnnSequenceInputGrads,
  RnnSequenceInputs,
  RnnSequenceOutputGrads,
  RnnSequenceOutputs,
  RnnSequenceSaved,
} from './ref/rnn-sequence-ref.js';
import type { RnnStepConfig, RnnStepKernel } from './ref/rnn-step-ref.js';
import type { RnnVariant } from './ref/rnn-variant-ref.js';
import type { WasmFlavor } from './wasm/relaxed-probe.js';

/**
 * The kernel sets: `'ref'` (the executable spec, float64 accumulation), `'js'` (an
 * optimized JS GEMM under the reference drivers, where WebAssembly SIMD is missing) and
 * `'wasm-simd'` (128-bit WebAssembly SIMD: deterministic, the same bits on every machine),
 * `'wasm-relaxed'` (relaxed SIMD GEMMs: f32x4.relaxed_madd, faster, rounding may differ by CPU)
 * and `'native-blas'` (Node: the machine's BLAS for the large GEMMs, wasm SIMD for the rest).
 *
 * @example
 * const previous = setKernelSet('wasm-simd'); // bit-identical results across machines
 * kernelSetName(); // 'wasm-simd'
 */
export type KernelSetName = 'ref' | 'js' | 'wasm-simd' | 'wasm-relaxed' | 'native-blas';

/** Every kernel set, fastest first: the probe picks the first that can run. */
export const KERNEL_SET_NAMES = [
  'native-blas',
  'wasm-relaxed',
  'wasm-simd',
  'js',
  'ref',
] as const satisfies readonly KernelSetName[];

/**
 * One kernel set: a float32 GEMM, the fused recurrent layer (forward and backward over
 * a whole sequence) and the streaming step kernel, with the reference's signatures and
 * semantics. Float64 always runs the reference set.
 *
 * @example
 * const { gemm } = activeKernelSet(); // C (2x2) = A (2x3) B (3x2)
 * gemm(false, false, 2, 2, 3, 1, A, 0, 3, B, 0, 2, 0, C, 0, 2);
 */
export interface KernelSet {
  readonly name: KernelSetName;
  /** Whether this set can run on this engine (probed once, cached by the loaders). */
  available(): boolean;
  /** The kernels it runs, e.g. 'f32-gemm-5x8-wasmsimd, f32-rnn-sequence-wasmsimd, ...'. */
  describe(): string;
  /** C = alpha op(A) op(B) + beta C (see `gemmRef`). */
  readonly gemm: Gemm;
  /** Whether the sequence kernels run on a team of threads (the caller passes one). */
  readonly threaded: boolean;
  /** The kernel build the team must run (`rnnTeam(teamFlavor)`). */
  readonly teamFlavor: WasmFlavor;
  /**
   * Whether the sequence kernels run this cell variant themselves (else the op runs the
   * reference set): the reference runs every variant, the wasm and native sets the
   * sigmoid or hard-sigmoid gates with tanh cells (see `wasmVariantGate`).
   */
  supportsVariant(kind: CellKind, v: RnnVariant): boolean;
  /** `rnnSequenceForwardRef`'s contract; `options.team` only where `threaded`. */
  rnnSequenceForward(
    p: RnnSequenceInputs,
    options: RnnForwardOptions,
  ): { out: RnnSequenceOutputs; saved: RnnSequenceSaved };
  /** `rnnSequenceBackwardRef`'s contract. */
  rnnSequenceBackward(
    p: RnnSequenceInputs,
    saved: RnnSequenceSaved,
    og: RnnSequenceOutputGrads,
    grads: RnnSequenceInputGrads,
    team: RnnTeam | null,
  ): void;
  /** Takes back the saved activations of a finished backward pass for reuse (or drops them). */
  recycleSaved(saved: RnnSequenceSaved): void;
  /** A streaming step kernel for `cfg` (`createRnnStepRef`'s contract). */
  createStep(cfg: RnnStepConfig): RnnStepKernel;
}
