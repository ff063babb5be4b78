// AssemblyScript entry of the f32 GEMM module (WebAssembly SIMD, 128-bit, no relaxed SIMD).
// Compiled by scripts/build-wasm.mjs; loaded by src/kernels/wasm/f32-gemm-module.ts.
// The code lives in gemm-core.ts, shared with the fused recurrent module (f32-rnn.ts).
export { f32_gemm, KC, MC, NC, TILE_MR, TILE_NR } from './gemm-core';
