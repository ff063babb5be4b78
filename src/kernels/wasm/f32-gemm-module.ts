import { F32_GEMM_WASM_BASE64 } from './generated/f32-gemm-wasm.js';
import { decodeBase64 } from './load-module.js';
import { wasmSimdSupported } from './simd-probe.js';
import { WasmArena } from './wasm-arena.js';

/** The exports of the compiled src/kernels/wasm/assembly/f32-gemm.ts. */
export interface F32GemmExports {
  /** See the AssemblyScript source: pointers are byte offsets, leading dims in elements. */
  f32_gemm(
    transA: number, transB: number, M: number, N: number, K: number, alpha: number,
    a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number,
    packA: number, packB: number, tile: number,
  ): void;
  KC: WebAssembly.Global;
  MC: WebAssembly.Global;
  NC: WebAssembly.Global;
  TILE_MR: WebAssembly.Global;
  TILE_NR: WebAssembly.Global;
}

/** An instantiated kernel module with its arena and its blocking constants. */
export interface F32GemmModule {
  readonly exports: F32GemmExports;
  readonly arena: WasmArena;
  readonly KC: number;
  readonly MC: number;
  readonly NC: number;
  readonly MR: number;
  readonly NR: number;
}

let loaded: F32GemmModule | null | undefined;

function wrap(instance: WebAssembly.Instance, arena: WasmArena): F32GemmModule {
  const ex = instance.exports as unknown as F32GemmExports;
  return {
    exports: ex,
    arena,
    KC: ex.KC.value as number,
    MC: ex.MC.value as number,
    NC: ex.NC.value as number,
    MR: ex.TILE_MR.value as number,
    NR: ex.TILE_NR.value as number,
  };
}

/**
 * The f32 GEMM module, compiled and instantiated synchronously on first use (fine in
 * Node and in workers; a browser main thread should await `initF32GemmModule()` first).
 * Null where WebAssembly SIMD is not supported or the module fails to load.
 */
export function f32GemmModule(): F32GemmModule | null {
  if (loaded === undefined) {
    if (!wasmSimdSupported()) {
      loaded = null;
    } else {
      try {
        const arena = new WasmArena();
        const module = new WebAssembly.Module(decodeBase64(F32_GEMM_WASM_BASE64));
        const instance = new WebAssembly.Instance(module, { env: { memory: arena.memory } });
        loaded = wrap(instance, arena);
      } catch (_e) {
        loaded = null;
      }
    }
  }
  return loaded;
}

/**
 * Compiles and instantiates the module asynchronously (for browser main threads, where
 * synchronous compilation of large modules is refused). Resolves to whether it loaded.
 */
export async function initF32GemmModule(): Promise<boolean> {
  if (loaded !== undefined) return loaded !== null;
  if (!wasmSimdSupported()) {
    loaded = null;
    return false;
  }
  try {
    const arena = new WasmArena();
    const module = await WebAssembly.compile(decodeBase64(F32_GEMM_WASM_BASE64));
    const instance = await WebAssembly.instantiate(module, { env: { memory: arena.memory } });
    // A synchronous load may have won the race meanwhile; keep the first.
    if (loaded === undefined) loaded = wrap(instance, arena);
  } catch (_e) {
    if (loaded === undefined) loaded = null;
  }
  return loaded !== null;
}
