import type { FloatArray } from '../core/dtype.js';
import { f32GemmImplementation, f32GemmWasmSimd } from './f32-gemm-5x8-wasmsimd.js';
import { gemmRef } from './ref/f-gemm-ref.js';

/** The signature every GEMM implementation shares (see `gemmRef` for the contract). */
export type Gemm = (
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: FloatArray,
  aOff: number,
  lda: number,
  B: FloatArray,
  bOff: number,
  ldb: number,
  beta: number,
  C: FloatArray,
  cOff: number,
  ldc: number,
) => void;

/**
 * Which kernel set runs: 'fast' (wasm SIMD, or optimized JS without SIMD) or 'ref'.
 *
 * @example
 * const previous: KernelSet = setKernelSet('ref'); // the reference kernels
 * setKernelSet(previous);
 */
export type KernelSet = 'fast' | 'ref';

function envKernelSet(): KernelSet {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.LONGSHORT_KERNELS === 'ref' ? 'ref' : 'fast';
}

let kernelSet: KernelSet = envKernelSet();
let active: Gemm = kernelSet === 'ref' ? gemmRef : f32GemmWasmSimd;

/**
 * The GEMM used by tensor ops: the WebAssembly SIMD kernel for float32 (an optimized JS
 * kernel where SIMD is missing), the reference kernel for float64 or when the kernel
 * set is 'ref' (`LONGSHORT_KERNELS=ref` in the environment, or `setKernelSet('ref')`).
 */
export function gemm(...args: Parameters<Gemm>): void {
  active(...args);
}

/** Installs a GEMM implementation; returns the previous one. */
export function setGemm(impl: Gemm): Gemm {
  const prev = active;
  active = impl;
  return prev;
}

/**
 * Selects the kernel set for every op ('fast' by default). Returns the previous one.
 *
 * @example
 * const prev = setKernelSet('ref'); // run the reference kernels
 * setKernelSet(prev);
 */
export function setKernelSet(set: KernelSet): KernelSet {
  const prev = kernelSet;
  kernelSet = set;
  active = set === 'ref' ? gemmRef : f32GemmWasmSimd;
  return prev;
}

/** The kernel set in use: 'fast' or 'ref'. */
export function getKernelSet(): KernelSet {
  return kernelSet;
}

/**
 * The kernel set in use and the float32 GEMM it runs, e.g. 'fast (f32-gemm-5x8-wasmsimd)'.
 *
 * @example
 * kernelSetName(); // e.g. 'fast (f32-gemm-5x8-wasmsimd)'
 */
export function kernelSetName(): string {
  return kernelSet === 'ref' ? 'ref (f32-gemm-ref)' : `fast (${f32GemmImplementation()})`;
}
