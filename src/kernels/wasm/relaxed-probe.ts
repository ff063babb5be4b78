import { F32_GEMM_RELAXED_WASM_BASE64 } from './generated/f32-gemm-relaxed-wasm.js';
import { decodeBase64 } from './load-module.js';
import { wasmSimdSupported } from './simd-probe.js';

/** Which build of a kernel module: 128-bit SIMD, or relaxed SIMD (f32x4.relaxed_madd). */
export type WasmFlavor = 'simd' | 'relaxed';

let supported: boolean | undefined;

/**
 * Whether this engine runs relaxed SIMD: `WebAssembly.validate` of the relaxed GEMM build
 * (cached). In Node 20 relaxed SIMD sits behind a V8 flag: where the first validation
 * fails in Node, the flag is set (`v8.setFlagsFromString`, before any relaxed module is
 * compiled) and the module validated again.
 */
export function wasmRelaxedSimdSupported(): boolean {
  if (supported === undefined) {
    supported = false;
    if (wasmSimdSupported()) {
      try {
        const bytes = decodeBase64(F32_GEMM_RELAXED_WASM_BASE64);
        supported = WebAssembly.validate(bytes);
        if (!supported) {
          const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
          const v8 = proc?.getBuiltinModule?.('v8') as
            { setFlagsFromString?: (f: string) => void } | undefined;
          if (v8?.setFlagsFromString !== undefined) {
            v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
            supported = WebAssembly.validate(bytes);
          }
        }
      } catch (_e) {
        supported = false;
      }
    }
  }
  return supported;
}
