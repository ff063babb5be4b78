import type { Gemm } from './ref/f-gemm-ref.js';
import { activeKernelSet } from './registry.js';

export type { Gemm } from './ref/f-gemm-ref.js';

/**
 * The GEMM used by tensor ops: the active kernel set's (see `activeKernelSet`); every
 * set's GEMM runs float64 operands in the reference kernel.
 */
export const gemm: Gemm = (...args) => {
  activeKernelSet().gemm(...args);
};
