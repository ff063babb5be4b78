// Whether this engine must run the WebAssembly SIMD kernels: Node has had SIMD since 16.4
// (longshort needs Node 20), so there a failed probe is a failure, not a reason to skip.
// Only another engine without SIMD may skip the checks that the SIMD path engaged.
import { wasmSimdSupported } from '../../src/kernels/wasm/simd-probe.js';

/** True where WebAssembly SIMD must be available (every Node longshort supports). */
export const SIMD_REQUIRED =
  typeof process !== 'undefined' && Number(process.versions.node?.split('.')[0] ?? 0) >= 17;

/** A `skip` value for the "the SIMD kernel ran" checks: false (run) wherever SIMD is required. */
export function skipUnlessSimd(): false | string {
  if (SIMD_REQUIRED || wasmSimdSupported()) return false;
  return 'no WebAssembly SIMD on this engine';
}
