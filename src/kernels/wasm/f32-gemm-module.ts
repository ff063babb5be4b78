import type { F32GemmExports } from './generated/f32-gemm-exports.js';
import { F32_GEMM_RELAXED_WASM_BASE64 } from './generated/f32-gemm-relaxed-wasm.js';
import { F32_GEMM_WASM_BASE64 } from './generated/f32-gemm-wasm.js';
import { gemmBlocking, instanceBuilds, type GemmBlocking } from './kernel-builds.js';
import type { WasmFlavor } from './relaxed-probe.js';
import type { WasmArena } from './wasm-arena.js';

export type { F32GemmExports };

/** An instantiated kernel module with its arena and its blocking constants. */
export interface F32GemmModule extends GemmBlocking {
  readonly exports: F32GemmExports;
  readonly arena: WasmArena;
}

const builds = instanceBuilds(
  F32_GEMM_WASM_BASE64,
  F32_GEMM_RELAXED_WASM_BASE64,
  (instance, arena): F32GemmModule => {
    const ex = instance.exports as unknown as F32GemmExports;
    return { exports: ex, arena, ...gemmBlocking(ex) };
  },
);

/**
 * The f32 GEMM module of a build ('simd': 128-bit, the default; 'relaxed': relaxed SIMD),
 * compiled and instantiated synchronously on first use (fine in Node and in workers; a
 * browser main thread should await `initF32GemmModule()` first). Null where the build
 * cannot run here or fails to load.
 */
export function f32GemmModule(flavor: WasmFlavor = 'simd'): F32GemmModule | null {
  return builds.get(flavor);
}

/**
 * Compiles and instantiates a build asynchronously (for browser main threads, where
 * synchronous compilation of large modules is refused). Resolves to whether it loaded.
 */
export function initF32GemmModule(flavor: WasmFlavor = 'simd'): Promise<boolean> {
  return builds.load(flavor);
}
