import { F32_RNN_SHARED_WASM_BASE64 } from './generated/f32-rnn-shared-wasm.js';
import { F32_RNN_RELAXED_SHARED_WASM_BASE64 } from './generated/f32-rnn-relaxed-shared-wasm.js';
import { F32_RNN_RELAXED_WASM_BASE64 } from './generated/f32-rnn-relaxed-wasm.js';
import { F32_RNN_WASM_BASE64 } from './generated/f32-rnn-wasm.js';
import { decodeBase64 } from './load-module.js';
import { wasmRelaxedSimdSupported, type WasmFlavor } from './relaxed-probe.js';
import { wasmSimdSupported } from './simd-probe.js';
import { WasmArena } from './wasm-arena.js';

/** The exports of the compiled src/kernels/wasm/assembly/f32-rnn.ts (both builds). */
export interface F32RnnExports {
  /** Forward of one layer and direction, thread `tid` of `nt`; `P` = parameter block. */
  rnn_forward(P: number, tid: number, nt: number): void;
  /** Backward of one layer and direction, thread `tid` of `nt`. */
  rnn_backward(P: number, tid: number, nt: number): void;
  /** The end of `rnn_backward` after its loop: dX, dW_ih, dW_hh, dW_hr (unless F_FLAGS & 2) and bias sums. */
  rnn_backward_tail(P: number, tid: number, nt: number): void;
  /** The gate math of forward step `t` (one thread), after the driver's recurrent GEMM into F_GH. */
  rnn_step_forward(P: number, t: number): void;
  /** Backward step `t`: `part & 1` adds dOutput to dh, `part & 2` runs the gate backward. */
  rnn_step_backward(P: number, t: number, part: number): void;
  /** The GEMM of f32-gemm.ts (same code), on this module's memory. */
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

function available(flavor: WasmFlavor): boolean {
  return flavor === 'simd' ? wasmSimdSupported() : wasmRelaxedSimdSupported();
}

const plain = new Map<WasmFlavor, F32RnnKernel | null>();

/**
 * The single-thread build ('simd' by default, or 'relaxed') over its own (non-shared)
 * memory, compiled and instantiated synchronously on first use. Null where that build
 * cannot run here or loading fails.
 */
export function f32RnnModule(flavor: WasmFlavor = 'simd'): F32RnnKernel | null {
  let k = plain.get(flavor);
  if (k === undefined) {
    k = null;
    if (available(flavor)) {
      try {
        const arena = new WasmArena();
        const module = new WebAssembly.Module(
          decodeBase64(flavor === 'simd' ? F32_RNN_WASM_BASE64 : F32_RNN_RELAXED_WASM_BASE64),
        );
        k = wrap(new WebAssembly.Instance(module, { env: { memory: arena.memory } }), arena, false);
      } catch (_e) {
        k = null;
      }
    }
    plain.set(flavor, k);
  }
  return k;
}

const sharedModules = new Map<WasmFlavor, WebAssembly.Module | null>();

/**
 * The compiled shared-memory (threads) build ('simd' by default, or 'relaxed'), for the
 * worker pool: the caller's thread and every worker instantiate it over one shared
 * memory. Null where that build, threads or shared memory (`SharedArrayBuffer`:
 * cross-origin isolation in browsers) are missing.
 */
export function f32RnnSharedModule(flavor: WasmFlavor = 'simd'): WebAssembly.Module | null {
  let m = sharedModules.get(flavor);
  if (m === undefined) {
    m = null;
    if (available(flavor) && typeof SharedArrayBuffer === 'function') {
      try {
        // creating a small shared memory is the real probe (it fails without isolation)
        new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
        m = new WebAssembly.Module(
          decodeBase64(flavor === 'simd' ? F32_RNN_SHARED_WASM_BASE64 : F32_RNN_RELAXED_SHARED_WASM_BASE64),
        );
      } catch (_e) {
        m = null;
      }
    }
    sharedModules.set(flavor, m);
  }
  return m;
}

/** Instantiates the shared build over `arena`'s shared memory (on the thread calling it). */
export function instantiateF32RnnShared(module: WebAssembly.Module, arena: WasmArena): F32RnnKernel {
  return wrap(new WebAssembly.Instance(module, { env: { memory: arena.memory } }), arena, true);
}

/** Instantiates the shared build over a shared memory received from another thread (workers). */
export function instantiateF32RnnSharedMemory(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
): F32RnnExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as F32RnnExports;
}
