import type { F32RnnExports } from './generated/f32-rnn-exports.js';
import { F32_RNN_SHARED_WASM_BASE64 } from './generated/f32-rnn-shared-wasm.js';
import { F32_RNN_RELAXED_SHARED_WASM_BASE64 } from './generated/f32-rnn-relaxed-shared-wasm.js';
import { F32_RNN_RELAXED_WASM_BASE64 } from './generated/f32-rnn-relaxed-wasm.js';
import { F32_RNN_WASM_BASE64 } from './generated/f32-rnn-wasm.js';
import { gemmBlocking, instanceBuilds, moduleBuilds, type GemmBlocking } from './kernel-builds.js';
import type { WasmFlavor } from './relaxed-probe.js';
import type { WasmArena } from './wasm-arena.js';

export type { F32RnnExports };

/** An instantiated recurrent kernel module with its arena and blocking constants. */
export interface F32RnnKernel extends GemmBlocking {
  readonly exports: F32RnnExports;
  readonly arena: WasmArena;
  /** Whether the memory is shared (the threads build). */
  readonly shared: boolean;
}

function wrap(instance: WebAssembly.Instance, arena: WasmArena, shared: boolean): F32RnnKernel {
  const ex = instance.exports as unknown as F32RnnExports;
  return { exports: ex, arena, shared, ...gemmBlocking(ex) };
}

const plain = instanceBuilds(F32_RNN_WASM_BASE64, F32_RNN_RELAXED_WASM_BASE64, (instance, arena) =>
  wrap(instance, arena, false),
);

/**
 * The single-thread build ('simd' by default, or 'relaxed') over its own (non-shared)
 * memory, compiled and instantiated synchronously on first use. Null where that build
 * cannot run here or loading fails.
 */
export function f32RnnModule(flavor: WasmFlavor = 'simd'): F32RnnKernel | null {
  return plain.get(flavor);
}

/** Whether shared memory works here (`SharedArrayBuffer`: cross-origin isolation in browsers). */
function sharedMemoryWorks(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  try {
    // creating a small shared memory is the real probe (it fails without isolation)
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch (_e) {
    return false;
  }
}

const sharedBuilds = moduleBuilds(
  F32_RNN_SHARED_WASM_BASE64,
  F32_RNN_RELAXED_SHARED_WASM_BASE64,
  sharedMemoryWorks,
);

/**
 * The compiled shared-memory (threads) build ('simd' by default, or 'relaxed'), for the
 * worker pool: the caller's thread and every worker instantiate it over one shared
 * memory. Null where that build, threads or shared memory (`SharedArrayBuffer`:
 * cross-origin isolation in browsers) are missing.
 */
export function f32RnnSharedModule(flavor: WasmFlavor = 'simd'): WebAssembly.Module | null {
  return sharedBuilds.get(flavor);
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
