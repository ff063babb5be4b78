import type { FloatArray } from '../core/dtype.js';
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

let active: Gemm = gemmRef;

/** The GEMM used by tensor ops (the reference one until a faster one is installed). */
export function gemm(...args: Parameters<Gemm>): void {
  active(...args);
}

/** Installs a GEMM implementation; returns the previous one. */
export function setGemm(impl: Gemm): Gemm {
  const prev = active;
  active = impl;
  return prev;
}
