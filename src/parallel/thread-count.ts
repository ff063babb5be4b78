// How many threads the recurrent kernels use (`setNumThreads`, `LONGSHORT_NUM_THREADS`,
// the available parallelism) and the minimum work for another thread; the worker pool
// (pool.ts) reads them.
import { ConfigError } from '../core/errors.js';
import { warn } from '../core/warn.js';
import { f32RnnSharedModule } from '../kernels/wasm/f32-rnn-module.js';
import { platform } from './platform.js';

/** Most threads `setNumThreads` accepts. */
export const MAX_THREADS = 64;
/** The default never exceeds this many threads. */
const DEFAULT_CAP = 8;
/**
 * A call uses another thread only for at least `minPerThread` flops of work per thread
 * and `minPerStep` flops per time step (a step costs one or two barriers, ~10 us).
 * `LONGSHORT_PARALLEL_MIN_FLOPS=0` in the environment drops both (tests use it to run
 * small problems on every thread).
 */
export const thresholds = { minPerThread: 4e6, minPerStep: 1e6 };

let requested: number | null = null;

function envThreads(): number | null {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.LONGSHORT_NUM_THREADS;
  if (v === undefined || v === '') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    warn(`LONGSHORT_NUM_THREADS must be an integer in 1..${MAX_THREADS}; got '${v}', using the default`);
    return null;
  }
  return n;
}
const fromEnv = envThreads();
{
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.LONGSHORT_PARALLEL_MIN_FLOPS;
  if (v !== undefined && v !== '') {
    const n = Number(v);
    if (Number.isFinite(n) && n >= 0) {
      thresholds.minPerThread = n;
      thresholds.minPerStep = Math.min(thresholds.minPerStep, n);
    } else {
      warn(`LONGSHORT_PARALLEL_MIN_FLOPS must be a number >= 0; got '${v}', ignored`);
    }
  }
}

/**
 * Sets the minimum work for using another thread (see `thresholds`); returns the old
 * values. For tests and benchmarks; not part of the public API.
 */
export function setParallelThresholds(minPerThread: number, minPerStep: number): [number, number] {
  const prev: [number, number] = [thresholds.minPerThread, thresholds.minPerStep];
  thresholds.minPerThread = minPerThread;
  thresholds.minPerStep = minPerStep;
  return prev;
}

/** Whether this environment can run the kernels on several threads at all. */
export function threadsSupported(): boolean {
  return platform !== null && platform.canBlock() && f32RnnSharedModule() !== null;
}

/**
 * Sets how many threads the recurrent kernels use (the caller's thread included): 1 runs
 * everything on the caller's thread. The default is the `LONGSHORT_NUM_THREADS`
 * environment variable, else the available parallelism capped at 8. Workers start
 * lazily, on the first call big enough to use them.
 *
 * Results are bit-identical for every thread count (work is split by output elements
 * only, each computed the same way).
 *
 * @param n an integer in 1..64
 * @throws ConfigError for anything else
 * @example setNumThreads(2)
 */
export function setNumThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new ConfigError(`setNumThreads: n must be an integer in 1..${MAX_THREADS}; got ${String(n)}`);
  }
  requested = n;
}

/**
 * How many threads the recurrent kernels will use: the `setNumThreads` value (or the
 * default), or 1 where threads are unavailable (no WebAssembly threads or shared
 * memory, e.g. a page without cross-origin isolation, or a browser main thread).
 *
 * @example
 * setNumThreads(4);
 * getNumThreads(); // 4 where threads are available, else 1
 */
export function getNumThreads(): number {
  const n = requested ?? fromEnv ?? Math.min(DEFAULT_CAP, platform?.availableParallelism() ?? 1);
  return n > 1 && threadsSupported() ? n : 1;
}
