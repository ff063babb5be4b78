// The computation the browser test runs in Chromium (page or Web Worker, through the
// browser entry) and in Node (through the Node entry), so the two can be compared.
// Self-contained: the library comes in as an argument, so the same compiled file loads
// in both places (it has no runtime imports).
import type * as Lib from '../../src/browser.js';
import type * as PoolModule from '../../src/parallel/pool.js';
import type * as RnnKernel from '../../src/kernels/f32-rnn-sequence-wasmsimd.js';

export interface ComputeOptions {
  /** setNumThreads(threads) before running. */
  threads: number;
  /** Both parallel thresholds (0: split every call, however small). */
  minFlops?: number;
  N: number;
  L: number;
  I: number;
  H: number;
  seed: number;
  /** Browser test only: load the library from the esbuild bundle (bundle.ts) instead of dist/src. */
  bundled?: boolean;
}

export interface ComputeResult {
  /** Named float32 results: output, h_n, c_n, loss, the input's and every parameter's gradient. */
  values: Record<string, number[]>;
  env: {
    kernelSet: string;
    /** The set that was active before (restored after the run). */
    kernelsBefore: string;
    numThreads: number;
    crossOriginIsolated: boolean | null;
    sharedArrayBuffer: boolean;
    /** Calls of the WebAssembly SIMD recurrent kernel during the run. */
    rnnWasmCalls: number;
    pool: { workers: number; ready: number; calls: number; tasksOnWorkers: number };
    ms: number;
  };
}

/** A 2-layer batch-first float32 LSTM from a seeded init: forward, a weighted loss, backward. */
export function compute(
  lib: typeof Lib,
  pool: typeof PoolModule,
  rnn: typeof RnnKernel,
  o: ComputeOptions,
): ComputeResult {
  const t0 = Date.now();
  // the deterministic 128-bit kernels: the same bits in Chromium and Node (the probed
  // default may be relaxed SIMD in one and the native BLAS in the other)
  const prevKernels = lib.setKernelSet('wasm-simd');
  lib.setDefaultDtype('float32');
  lib.setNumThreads(o.threads);
  if (o.minFlops !== undefined) pool.setParallelThresholds(o.minFlops, o.minFlops);
  const rnnCalls0 = rnn.f32RnnSequenceWasmSimdCalls();
  lib.manualSeed(o.seed);
  const lstm = new lib.LSTM(o.I, o.H, { numLayers: 2, batchFirst: true });
  const x = lib.randn([o.N, o.L, o.I]);
  x.requiresGrad = true;
  const w = lib.randn([o.N, o.L, o.H]);
  const [out, [hN, cN]] = lstm.forward(x);
  const loss = lib.add(lib.sum(lib.mul(out, w)), lib.sum(lib.mul(cN, cN)));
  loss.backward();
  const values: Record<string, number[]> = {
    output: Array.from(out.data),
    h_n: Array.from(hN.data),
    c_n: Array.from(cN.data),
    loss: [loss.item()],
    'grad.input': Array.from(x.grad!.data),
  };
  for (const [name, p] of lstm.namedParameters()) values[`grad.${name}`] = Array.from(p.grad!.data);
  const g = globalThis as { crossOriginIsolated?: boolean };
  const result: ComputeResult = {
    values,
    env: {
      kernelSet: lib.kernelSetName(),
      kernelsBefore: prevKernels,
      numThreads: lib.getNumThreads(),
      crossOriginIsolated: typeof g.crossOriginIsolated === 'boolean' ? g.crossOriginIsolated : null,
      sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
      rnnWasmCalls: rnn.f32RnnSequenceWasmSimdCalls() - rnnCalls0,
      pool: pool.poolStats(),
      ms: Date.now() - t0,
    },
  };
  lib.setKernelSet(prevKernels);
  return result;
}
