import { F32_GEMM_RELAXED_WASM_BASE64 } from './generated/f32-gemm-relaxed-wasm.js';
import { F32_GEMM_WASM_BASE64 } from './generated/f32-gemm-wasm.js';
import { decodeBase64 } from './load-module.js';
import { wasmRelaxedSimdSupported, type WasmFlavor } from './relaxed-probe.js';
import { wasmSimdSupported } from './simd-probe.js';
import { WasmArena } from './wasm-arena.js';

/** The exports of the compiled src/kernels/wasm/assembly/f32-gemm.ts. */
export interface F32GemmExports {
  /** See the AssemblyScript source: pointers are byte offsets, leading dims in elements. */
  f32_gemm(
    transA: number,
    transB: number,
    M: number,
    N: number,
    K: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
    packA: number,
    packB: number,
    tile: number,
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

const loaded = new Map<WasmFlavor, F32GemmModule | null>();

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

function source(flavor: WasmFlavor): string | null {
  if (flavor === 'simd') return wasmSimdSupported() ? F32_GEMM_WASM_BASE64 : null;
  return wasmRelaxedSimdSupported() ? F32_GEMM_RELAXED_WASM_BASE64 : null;
}

/**
 * The f32 GEMM module of a build ('simd': 128-bit, the default; 'relaxed': relaxed SIMD),
 * compiled and instantiated synchronously on first use (fine in Node and in workers; a
 * browser main thread should await `initF32GemmModule()` first). Null where the build
 * cannot run here or fails to load.
 */
export function f32GemmModule(flavor: WasmFlavor = 'simd'): F32GemmModule | null {
  let m = loaded.get(flavor);
  if (m === undefined) {
    m = null;
    const b64 = source(flavor);
    if (b64 !== null) {
      try {
        const arena = new WasmArena();
        const module = new WebAssembly.Module(decodeBase64(b64));
        m = wrap(new WebAssembly.Instance(module, { env: { memory: arena.memory } }), arena);
      } catch (_e) {
        m = null;
      }
    }
    loaded.set(flavor, m);
  }
  return m;
}

/**
 * Compiles and instantiates a build asynchronously (for browser main threads, where
 * synchronous compilation of large modules is refused). Resolves to whether it loaded.
 */
export async function initF32GemmModule(flavor: WasmFlavor = 'simd'): Promise<boolean> {
  const have = loaded.get(flavor);
  if (have !== undefined) return have !== null;
  const b64 = source(flavor);
  let m: F32GemmModule | null = null;
  if (b64 !== null) {
    try {
      const arena = new WasmArena();
      const module = await WebAssembly.compile(decodeBase64(b64));
      m = wrap(await WebAssembly.instantiate(module, { env: { memory: arena.memory } }), arena);
    } catch (_e) {
      m = null;
    }
  }
  // A synchronous load may have won the race meanwhile; keep the first.
  if (!loaded.has(flavor)) loaded.set(flavor, m);
  return loaded.get(flavor) !== null;
}
