import { F32_RNN_SHARED_WASM_BASE64 } from './generated/f32-rnn-shared-wasm.js';
import { F32_RNN_WASM_BASE64 } from './generated/f32-rnn-wasm.js';
import { decodeBase64 } from './load-module.js';
import { wasmSimdSupported } from './simd-probe.js';
import { WasmArena } from './wasm-arena.js';

/** The exports of the compiled src/kernels/wasm/assembly/f32-rnn.ts (both builds). */
export interface F32RnnExports {
  /** Forward of one layer and direction, thread `tid` of `nt`; `P` = parameter block. */
  rnn_forward(P: number, tid: number, nt: number): void;
  /** Backward of one layer and direction, thread `tid` of `nt`. */
  rnn_backward(P: number, tid: number, nt: number): void;
  /** The GEMM of f32-gemm.ts (same code), on this module's memory. */
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

/** An instantiated recurrent kernel module with its arena and blocking constants. */
export interface F32RnnKernel {
  readonly exports: F32RnnExports;
  readonly arena: WasmArena;
  /** Whether the memory is shared (the threads build). */
  readonly shared: boolean;
  readonly KC: number;
  readonly MC: number;
  readonly NC: number;
  readonly MR: number;
  readonly NR: number;
}

function wrap(instance: WebAssembly.Instance, arena: WasmArena, shared: boolean): F32RnnKernel {
  const ex = instance.exports as unknown as F32RnnExports;
  return {
    exports: ex,
    arena,
    shared,
    KC: ex.KC.value as number,
    MC: ex.MC.value as number,
    NC: ex.NC.value as number,
    MR: ex.TILE_MR.value as number,
    NR: ex.TILE_NR.value as number,
  };
}

let plain: F32RnnKernel | null | undefined;

/**
 * The single-thread build over its own (non-shared) memory, compiled and instantiated
 * synchronously on first use. Null where WebAssembly SIMD is missing or loading fails.
 */
export function f32RnnModule(): F32RnnKernel | null {
  if (plain === undefined) {
    plain = null;
    if (wasmSimdSupported()) {
      try {
        const arena = new WasmArena();
        const module = new WebAssembly.Module(decodeBase64(F32_RNN_WASM_BASE64));
        plain = wrap(new WebAssembly.Instance(module, { env: { memory: arena.memory } }), arena, false);
      } catch (_e) {
        plain = null;
      }
    }
  }
  return plain;
}

let sharedModule: WebAssembly.Module | null | undefined;

/**
 * The compiled shared-memory (threads) build, for the worker pool: the caller's thread
 * and every worker instantiate it over one shared memory. Null where WebAssembly SIMD,
 * threads or shared memory (`SharedArrayBuffer`: cross-origin isolation in browsers)
 * are missing.
 */
export function f32RnnSharedModule(): WebAssembly.Module | null {
  if (sharedModule === undefined) {
    sharedModule = null;
    if (wasmSimdSupported() && typeof SharedArrayBuffer === 'function') {
      try {
        // creating a small shared memory is the real probe (it fails without isolation)
        new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
        sharedModule = new WebAssembly.Module(decodeBase64(F32_RNN_SHARED_WASM_BASE64));
      } catch (_e) {
        sharedModule = null;
      }
    }
  }
  return sharedModule;
}

/** Instantiates the shared build over `arena`'s shared memory (on the thread calling it). */
export function instantiateF32RnnShared(module: WebAssembly.Module, arena: WasmArena): F32RnnKernel {
  return wrap(new WebAssembly.Instance(module, { env: { memory: arena.memory } }), arena, true);
}

/** Instantiates the shared build over a shared memory received from another thread (workers). */
export function instantiateF32RnnSharedMemory(module: WebAssembly.Module, memory: WebAssembly.Memory): F32RnnExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as F32RnnExports;
}
