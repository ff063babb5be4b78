import { F32_RNN_STEP_WASM_BASE64 } from './generated/f32-rnn-step-wasm.js';
import { compileSimdModule } from './load-module.js';

/** The exports of the compiled src/kernels/wasm/assembly/f32-rnn-step.ts (pointers are byte offsets). */
export interface F32RnnStepExports {
  lstm_step(
    N: number,
    I: number,
    H: number,
    Hout: number,
    x: number,
    h: number,
    c: number,
    wx: number,
    wh: number,
    b: number,
    wr: number,
    hraw: number,
    hnew: number,
  ): void;
  gru_step(
    N: number,
    I: number,
    H: number,
    x: number,
    h: number,
    wx: number,
    wh: number,
    b: number,
    hnew: number,
  ): void;
  rnn_step(
    N: number,
    relu: number,
    I: number,
    H: number,
    x: number,
    h: number,
    wx: number,
    wh: number,
    b: number,
    hnew: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * The compiled one-step module (once per process; each stream instantiates it over its
 * own memory), or null where WebAssembly SIMD is missing or loading fails.
 */
export function f32RnnStepModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileSimdModule(F32_RNN_STEP_WASM_BASE64);
  return compiled;
}

/** Instantiates the step module over `memory`. */
export function instantiateF32RnnStep(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
): F32RnnStepExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as F32RnnStepExports;
}
