// The kernel registry: every kernel set (the reference, the optimized JS fallback,
// WebAssembly SIMD, the native BLAS) is one value of the `KernelSet` interface, and the ops
// ask this module which one runs. Sets are chosen at first use by probing (the fastest
// that can run here), overridden by `LONGSHORT_KERNELS` in the environment or by
// `setKernelSet`.
import { ConfigError, UnsupportedError } from '../core/errors.js';
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
import { gemmRef, type Gemm } from './ref/f-gemm-ref.js';
import { rnnSequenceBackwardRef, rnnSequenceForwardRef } from './ref/rnn-sequence-ref.js';
import { createRnnStepRef, RNN_STEP_REF_NAME } from './ref/rnn-step-ref.js';

export { KERNEL_SET_NAMES, type KernelSet, type KernelSetName } from './kernel-set.js';
import { f32GemmModule } from './wasm/f32-gemm-module.js';
import { f32RnnModule } from './wasm/f32-rnn-module.js';
import { f32RnnStepModule } from './wasm/f32-rnn-step-module.js';
import { wasmRelaxedSimdSupported, type WasmFlavor } from './wasm/relaxed-probe.js';
import { wasmVariantGate } from './wasm/rnn-variant-gate.js';

/**
 * A set that runs the reference drivers (`rnnSequenceForwardRef`, the reference step
 * kernel) over `gemm`, on the caller's thread; `gemmName` names its GEMM in `describe`,
 * `variants` says whether it runs the cell variants itself.
 */
function referenceDrivers(name: 'ref' | 'js', gemm: Gemm, gemmName: string, variants: boolean): KernelSet {
  return {
    name,
    available: () => true,
    describe: () => `${gemmName}, rnn-sequence-ref, ${RNN_STEP_REF_NAME}`,
    gemm,
    threaded: false,
    teamFlavor: 'simd',
    supportsVariant: () => variants,
    rnnSequenceForward: (p) => rnnSequenceForwardRef(p, gemm),
    rnnSequenceBackward: (p, saved, og, grads) => rnnSequenceBackwardRef(p, saved, og, grads, gemm),
    recycleSaved: () => {},
    createStep: createRnnStepRef,
  };
}

/** The reference set: self-contained (its drivers run `gemmRef`), any float dtype. */
export const REF_KERNELS: KernelSet = referenceDrivers('ref', gemmRef, 'f32-gemm-ref', true);

/**
 * The JS set: the reference drivers over the 4x4-tiled JS GEMM (float32 accumulation);
 * variants stay on the reference set itself.
 */
export const JS_KERNELS: KernelSet = referenceDrivers('js', f32Gemm4x4Js, F32_GEMM_JS_NAME, false);

/**
 * A WebAssembly set: the GEMM and the fused layer of one build ('simd' or 'relaxed'), on
 * threads over shared memory; the gates of the variants `wasmVariantGate` accepts; the
 * 128-bit step kernel (the reference one where it cannot run a configuration).
 */
function wasmKernels(flavor: WasmFlavor): KernelSet {
  const relaxed = flavor === 'relaxed';
  return {
    name: relaxed ? 'wasm-relaxed' : 'wasm-simd',
    available: () =>
      (!relaxed || wasmRelaxedSimdSupported()) &&
      f32GemmModule(flavor) !== null &&
      f32RnnModule(flavor) !== null &&
      f32RnnStepModule() !== null,
    describe: () =>
      relaxed
        ? `${F32_GEMM_WASMRELAXED_NAME}, ${F32_RNN_SEQUENCE_WASMRELAXED_NAME}, ${F32_RNN_STEP_WASMSIMD_NAME}`
        : `${F32_GEMM_WASMSIMD_NAME}, ${F32_RNN_SEQUENCE_WASMSIMD_NAME}, ${F32_RNN_STEP_WASMSIMD_NAME}`,
    gemm: relaxed ? f32GemmWasmRelaxed : f32GemmWasmSimd,
    threaded: true,
    teamFlavor: flavor,
    supportsVariant: (kind, v) => wasmVariantGate(kind, v) !== null,
    rnnSequenceForward: (p, options) => rnnSequenceForwardF32(p, { ...options, flavor }),
    rnnSequenceBackward: (p, saved, og, grads, team) =>
      rnnSequenceBackwardF32(p, saved, og, grads, team, null, flavor),
    recycleSaved: recycleRnnSaved,
    createStep: (cfg) => createF32RnnStepWasmSimd(cfg) ?? createRnnStepRef(cfg),
  };
}

/** The WebAssembly SIMD set (128-bit, no relaxed instructions): threads over shared memory. */
export const WASM_SIMD_KERNELS: KernelSet = wasmKernels('simd');

/**
 * The relaxed-SIMD set: the GEMM and the fused layer's GEMMs on a 6x8 f32x4.relaxed_madd
 * micro-kernel (faster; rounding may differ between CPUs), the gates and the step kernel
 * as in 'wasm-simd'.
 */
export const WASM_RELAXED_KERNELS: KernelSet = wasmKernels('relaxed');

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
