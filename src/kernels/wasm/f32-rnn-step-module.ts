import type { F32RnnStepExports } from './generated/f32-rnn-step-exports.js';
import { F32_RNN_STEP_WASM_BASE64 } from './generated/f32-rnn-step-wasm.js';
import { moduleBuilds } from './kernel-builds.js';

export type { F32RnnStepExports };

/** The one-step module has one build, the 128-bit one. */
const builds = moduleBuilds(F32_RNN_STEP_WASM_BASE64, null);

/**
 * The compiled one-step module (once per process; each stream instantiates it over its
 * own memory), or null where WebAssembly SIMD is missing or loading fails.
 */
export function f32RnnStepModule(): WebAssembly.Module | null {
  return builds.get('simd');
}

/** Instantiates the step module over `memory`. */
export function instantiateF32RnnStep(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
): F32RnnStepExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as F32RnnStepExports;
}
