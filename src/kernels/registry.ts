// The kernel registry: every kernel set (the reference, the optimized JS fallback,
// WebAssembly SIMD, the native BLAS) is one value of the `KernelSet` interface, and the ops
// ask this module which one runs. Sets are chosen at first use by probing (the fastest
// that can run here), overridden by `LONGSHORT_KERNELS` in the environment or by
// `setKernelSet`.
import { ConfigError, UnsupportedError } from '../core/errors.js';
import type { CellKind } from '../core/cell-kind.js';
import type { FloatDType } from '../core/dtype.js';
import { f32Gemm4x4Js } from './f32-gemm-4x4-js.js';
import {
  F32_GEMM_JS_NAME,
  f32GemmWasmRelaxed,
  f32GemmWasmSimd,
  F32_GEMM_WASMRELAXED_NAME,
  F32_GEMM_WASMSIMD_NAME,
} from './f32-gemm-5x8-wasmsimd.js';
import {
  F32_RNN_SEQUENCE_WASMRELAXED_NAME,
  F32_RNN_SEQUENCE_WASMSIMD_NAME,
  recycleRnnSaved,
  rnnSequenceBackwardF32,
  rnnSequenceForwardF32,
} from './f32-rnn-sequence-wasmsimd.js';
import { createF32RnnStepWasmSimd, F32_RNN_STEP_WASMSIMD_NAME } from './f32-rnn-step-wasmsimd.js';
import { KERNEL_SET_NAMES, type KernelSet, type KernelSetName } from './kernel-set.js';
import { NATIVE_BLAS_KERNELS } from './native-blas-set.js';
import { gemmRef } from './ref/f-gemm-ref.js';
import {
  rnnSequenceBackwardRef,
  rnnSequenceForwardRef,
  type RnnSequenceSaved,
} from './ref/rnn-sequence-ref.js';
import { createRnnStepRef, RNN_STEP_REF_NAME } from './ref/rnn-step-ref.js';
import type { RnnVariant } from './ref/rnn-variant-ref.js';

export { KERNEL_SET_NAMES, type KernelSet, type KernelSetName } from './kernel-set.js';
import { f32GemmModule } from './wasm/f32-gemm-module.js';
import { f32RnnModule } from './wasm/f32-rnn-module.js';
import { f32RnnStepModule } from './wasm/f32-rnn-step-module.js';
import { wasmRelaxedSimdSupported } from './wasm/relaxed-probe.js';
import { wasmVariantGate } from './wasm/rnn-variant-gate.js';

const noRecycle = (_saved: RnnSequenceSaved): void => {};
const wasmSupportsVariant = (kind: CellKind, v: RnnVariant): boolean => wasmVariantGate(kind, v) !== null;

/** The reference set: self-contained (its drivers run `gemmRef`), any float dtype. */
export const REF_KERNELS: KernelSet = {
  name: 'ref',
  available: () => true,
  describe: () => `f32-gemm-ref, rnn-sequence-ref, ${RNN_STEP_REF_NAME}`,
  gemm: gemmRef,
  threaded: false,
  teamFlavor: 'simd',
  supportsVariant: () => true,
  rnnSequenceForward: (p) => rnnSequenceForwardRef(p, gemmRef),
  rnnSequenceBackward: (p, saved, og, grads) => rnnSequenceBackwardRef(p, saved, og, grads, gemmRef),
  recycleSaved: noRecycle,
  createStep: createRnnStepRef,
};

/** The JS set: the reference drivers over the 4x4-tiled JS GEMM (float32 accumulation). */
export const JS_KERNELS: KernelSet = {
  name: 'js',
  available: () => true,
  describe: () => `${F32_GEMM_JS_NAME}, rnn-sequence-ref, ${RNN_STEP_REF_NAME}`,
  gemm: f32Gemm4x4Js,
  threaded: false,
  teamFlavor: 'simd',
  // its drivers are the reference's, but variants stay on the reference set itself
  supportsVariant: () => false,
  rnnSequenceForward: (p) => rnnSequenceForwardRef(p, f32Gemm4x4Js),
  rnnSequenceBackward: (p, saved, og, grads) => rnnSequenceBackwardRef(p, saved, og, grads, f32Gemm4x4Js),
  recycleSaved: noRecycle,
  createStep: createRnnStepRef,
};

/** The WebAssembly SIMD set (128-bit, no relaxed instructions): threads over shared memory. */
export const WASM_SIMD_KERNELS: KernelSet = {
  name: 'wasm-simd',
  available: () => f32GemmModule() !== null && f32RnnModule() !== null && f32RnnStepModule() !== null,
  describe: () =>
    `${F32_GEMM_WASMSIMD_NAME}, ${F32_RNN_SEQUENCE_WASMSIMD_NAME}, ${F32_RNN_STEP_WASMSIMD_NAME}`,
  gemm: f32GemmWasmSimd,
  threaded: true,
  teamFlavor: 'simd',
  supportsVariant: wasmSupportsVariant,
  rnnSequenceForward: rnnSequenceForwardF32,
  rnnSequenceBackward: rnnSequenceBackwardF32,
  recycleSaved: recycleRnnSaved,
  createStep: (cfg) => createF32RnnStepWasmSimd(cfg) ?? createRnnStepRef(cfg),
};

/**
 * The relaxed-SIMD set: the GEMM and the fused layer's GEMMs on a 6x8 f32x4.relaxed_madd
 * micro-kernel (faster; rounding may differ between CPUs), the gates and the step kernel
 * as in 'wasm-simd'.
 */
export const WASM_RELAXED_KERNELS: KernelSet = {
  name: 'wasm-relaxed',
  available: () =>
    wasmRelaxedSimdSupported() && f32GemmModule('relaxed') !== null && f32RnnModule('relaxed') !== null,
  describe: () =>
    `${F32_GEMM_WASMRELAXED_NAME}, ${F32_RNN_SEQUENCE_WASMRELAXED_NAME}, ${F32_RNN_STEP_WASMSIMD_NAME}`,
  gemm: f32GemmWasmRelaxed,
  threaded: true,
  teamFlavor: 'relaxed',
  supportsVariant: wasmSupportsVariant,
  rnnSequenceForward: (p, options) => rnnSequenceForwardF32(p, { ...options, flavor: 'relaxed' }),
  rnnSequenceBackward: (p, saved, og, grads, team) =>
    rnnSequenceBackwardF32(p, saved, og, grads, team, null, 'relaxed'),
  recycleSaved: recycleRnnSaved,
  createStep: (cfg) => createF32RnnStepWasmSimd(cfg) ?? createRnnStepRef(cfg),
};

const SETS: Record<KernelSetName, KernelSet> = {
  ref: REF_KERNELS,
  js: JS_KERNELS,
  'wasm-simd': WASM_SIMD_KERNELS,
  'wasm-relaxed': WASM_RELAXED_KERNELS,
  'native-blas': NATIVE_BLAS_KERNELS,
};

/**
 * What `setKernelSet` and `LONGSHORT_KERNELS` accept: a set's name, or 'fast' (the probed default).
 *
 * @example
 * setKernelSet('fast'); // the fastest set this machine runs (probed)
 */
export type KernelSetRequest = KernelSetName | 'fast';

function probe(): KernelSet {
  for (const n of KERNEL_SET_NAMES) if (SETS[n].available()) return SETS[n];
  return REF_KERNELS;
}

/**
 * The set a name asks for: 'fast' = the fastest one available here. A ConfigError for an
 * unknown name, an UnsupportedError for a set this engine cannot run.
 */
export function resolveKernelSet(request: string, op = 'setKernelSet'): KernelSet {
  if (request === 'fast') return probe();
  if (!Object.prototype.hasOwnProperty.call(SETS, request)) {
    throw new ConfigError(
      `${op}: kernel set must be one of 'fast', ${KERNEL_SET_NAMES.map((n) => `'${n}'`).join(', ')}; got ${String(request)}`,
    );
  }
  const set = SETS[request as KernelSetName];
  if (!set.available()) {
    throw new UnsupportedError(
      `${op}: kernel set '${request}' cannot run on this engine; expected one of the available sets, got '${request}'`,
    );
  }
  return set;
}

let active: KernelSet | undefined;

function envRequest(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.LONGSHORT_KERNELS;
  return v === undefined || v === '' ? undefined : v;
}

/**
 * The kernel set in use: `LONGSHORT_KERNELS` when set (checked on first use), else the
 * fastest available ('native-blas' in Node with a BLAS installed, 'wasm-relaxed' where
 * relaxed SIMD validates, 'wasm-simd' where WebAssembly SIMD runs, else 'js').
 *
 * @example
 * const set = activeKernelSet();
 * console.log(set.name, set.describe()); // 'wasm-simd', 'f32-gemm-5x8-wasmsimd, ...'
 */
export function activeKernelSet(): KernelSet {
  if (active === undefined) {
    const req = envRequest();
    active = req === undefined ? probe() : resolveKernelSet(req, 'LONGSHORT_KERNELS');
  }
  return active;
}

/** The set that runs `dtype`: the active one for float32, the reference for float64. */
export function kernelsFor(dtype: FloatDType): KernelSet {
  return dtype === 'float32' ? activeKernelSet() : REF_KERNELS;
}

/**
 * Selects the kernel set of every op; returns the previous set's name (to restore it).
 *
 * @param name 'ref', 'js', 'wasm-simd', 'wasm-relaxed', 'native-blas', or 'fast' (the fastest available here)
 * @throws ConfigError for an unknown name, UnsupportedError for a set that cannot run here
 * @example
 * const prev = setKernelSet('wasm-simd'); // deterministic 128-bit kernels
 * try { model.fit(x, y); } finally { setKernelSet(prev); }
 */
export function setKernelSet(name: KernelSetRequest): KernelSetName {
  const next = resolveKernelSet(name);
  const prev = activeKernelSet().name;
  active = next;
  return prev;
}

/**
 * The kernel set in use and the kernels it runs, e.g.
 * 'wasm-simd (f32-gemm-5x8-wasmsimd, f32-rnn-sequence-wasmsimd, f32-rnn-step-wasmsimd)'.
 *
 * @example
 * console.log(kernelSetName()); // 'wasm-simd (...)' in Node and modern browsers
 */
export function kernelSetName(): string {
  const set = activeKernelSet();
  return `${set.name} (${set.describe()})`;
}
