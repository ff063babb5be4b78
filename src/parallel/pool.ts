import { StateError } from '../core/errors.js';
import { warn } from '../core/warn.js';
import type { RnnEntry, RnnTeam } from '../kernels/f32-rnn-sequence-wasmsimd.js';
import {
  f32RnnSharedModule,
  instantiateF32RnnShared,
  type F32RnnKernel,
} from '../kernels/wasm/f32-rnn-module.js';
import type { WasmFlavor } from '../kernels/wasm/relaxed-probe.js';
import { WasmArena } from '../kernels/wasm/wasm-arena.js';
import {
  abortBarrier,
  C_BAR,
  C_DONE,
  C_ENTRY,
  C_ERR,
  C_MSG,
  C_NT,
  C_P,
  C_QUIT,
  C_READY,
  C_SEQ,
  CTL_BYTES,
  E_BACKWARD,
  E_FORWARD,
  E_TEST_THROW,
  failureMessage,
  MSG_MAX,
} from './control.js';
import { platform, type WorkerHandle } from './platform.js';
import { getNumThreads, thresholds, threadsSupported } from './thread-count.js';
import { C_EXITED, E_TEST_EXIT, E_TEST_HANG } from './worker-loop.js';

/** How long the first call waits for workers to start before running single-threaded. */
const START_TIMEOUT_MS = 15000;
/**
 * How long the caller waits for the workers' shares after finishing its own (plus twice
 * the time its own share took: the shares are equal): past it, a worker is taken for
 * dead, the call fails and the pool restarts.
 */
const WORKER_DEADLINE_MS = 3000;
/** Restarts after lost workers before the pool stays single-threaded. */
const MAX_RESTARTS = 3;

export { getNumThreads, MAX_THREADS, setNumThreads, setParallelThresholds } from './thread-count.js';

/** Counters of the pool, for tests that it engaged and for benchmarks. */
export interface PoolStats {
  /** Workers started (threads besides the caller's). */
  workers: number;
  /** Workers that have instantiated the kernels and wait for jobs. */
  ready: number;
  /** Calls run on more than one thread. */
  calls: number;
  /** Shares of calls run by workers (a 2-thread call adds 1). */
  tasksOnWorkers: number;
}

class Pool implements RnnTeam {
  readonly kernel: F32RnnKernel;
  private readonly ctl: Int32Array;
  private readonly workers: WorkerHandle[] = [];
  private broken: string | null = null;
  /** Why this pool must be replaced before the next call (a worker exited or hung), or null. */
  lost: string | null = null;
  private spawnedAt = 0;
  calls = 0;
  tasksOnWorkers = 0;

  /** The build the caller's thread runs; its workers instantiate the same one. */
  private readonly module: WebAssembly.Module;

  constructor(module: WebAssembly.Module) {
    this.module = module;
    const arena = new WasmArena(2, true);
    this.kernel = instantiateF32RnnShared(module, arena);
    this.ctl = new Int32Array(arena.memory.buffer, CTL_BYTES, C_MSG + MSG_MAX);
  }

  get ready(): number {
    return Atomics.load(this.ctl, C_READY);
  }

  /** The control block (for the health check before a call). */
  get control(): Int32Array {
    return this.ctl;
  }

  get started(): number {
    return this.workers.length;
  }

  /** Why the pool runs single-threaded for good (a worker failed or never started), or null. */
  get failure(): string | null {
    return this.broken;
  }

  /**
   * Starts workers up to `n` and waits (blocking) until they are ready. False if they
   * failed. Where workers start only after the caller yields to its event loop
   * (`startNeedsEventLoop`: browsers), it does not wait: false until they are ready.
   */
  ensure(n: number): boolean {
    if (this.broken !== null) return false;
    const plat = platform;
    if (plat === null) return false;
    const module = this.module;
    while (this.workers.length < n) {
      const tid = this.workers.length + 1;
      const h = plat.spawn({ module, memory: this.kernel.arena.memory, tid, ctl: CTL_BYTES }, (err) => {
        this.broken = `worker ${tid} failed: ${err instanceof Error ? err.message : String(err)}`;
      });
      h.unref();
      this.workers.push(h);
      this.spawnedAt = Date.now();
    }
    if (plat.startNeedsEventLoop === true) {
      const r = Atomics.load(this.ctl, C_READY);
      if (r >= n) return true;
      if (Date.now() - this.spawnedAt > START_TIMEOUT_MS) {
        this.broken = `only ${r} of ${n} workers started within ${START_TIMEOUT_MS} ms`;
        warn(`longshort threads: ${this.broken}; running single-threaded`);
      }
      return false;
    }
    const t0 = Date.now();
    for (;;) {
      const r = Atomics.load(this.ctl, C_READY);
      if (r >= n) return true;
      if (Date.now() - t0 > START_TIMEOUT_MS) {
        this.broken = `only ${r} of ${n} workers started within ${START_TIMEOUT_MS} ms`;
        warn(`longshort threads: ${this.broken}; running single-threaded`);
        return false;
      }
      Atomics.wait(this.ctl, C_READY, r, 50);
    }
  }

  threadsFor(flops: number, steps: number): number {
    const want = getNumThreads();
    if (want <= 1 || this.broken !== null) return 1;
    const byWork = thresholds.minPerThread > 0 ? Math.floor(flops / thresholds.minPerThread) : want;
    if (byWork < 2 || flops / Math.max(1, steps) < thresholds.minPerStep) return 1;
    const nt = Math.min(want, byWork);
    return this.ensure(nt - 1) ? nt : 1;
  }

  run(entry: RnnEntry, P: number, nt: number, op: string, bar: number): void {
    this.dispatch(entry === 'rnn_forward' ? E_FORWARD : E_BACKWARD, P, nt, bar, op, () => {
      this.kernel.exports[entry](P, 0, nt);
    });
  }

  /** Publishes a job, runs the caller's share, waits for the workers, rethrows their errors. */
  dispatch(code: number, P: number, nt: number, bar: number, op: string, own: () => void): void {
    const ctl = this.ctl;
    Atomics.store(ctl, C_ENTRY, code);
    Atomics.store(ctl, C_P, P);
    Atomics.store(ctl, C_NT, nt);
    Atomics.store(ctl, C_BAR, bar);
    Atomics.store(ctl, C_DONE, 0);
    Atomics.store(ctl, C_ERR, 0);
    Atomics.add(ctl, C_SEQ, 1);
    Atomics.notify(ctl, C_SEQ);
    let mine: unknown = null;
    const t0 = Date.now();
    try {
      own();
    } catch (e) {
      mine = e;
      abortBarrier(this.kernel.arena.memory, bar);
    }
    // every wait has a deadline: a worker that exits says so (C_EXITED, and it counts
    // itself done), one that hangs or dies silently is given up on after the deadline
    const t1 = Date.now();
    const deadline = t1 + WORKER_DEADLINE_MS + 2 * (t1 - t0);
    let late = false;
    for (;;) {
      const d = Atomics.load(ctl, C_DONE);
      if (d >= nt - 1) break;
      if (Atomics.load(ctl, C_EXITED) !== 0 && Atomics.load(ctl, C_ERR) === 0) break;
      if (Date.now() > deadline) {
        late = true;
        break;
      }
      Atomics.wait(ctl, C_DONE, d, 20);
    }
    this.calls++;
    this.tasksOnWorkers += nt - 1;
    const exited = Atomics.load(ctl, C_EXITED);
    if (late || exited !== 0) {
      abortBarrier(this.kernel.arena.memory, bar);
      this.lost = late
        ? `worker threads did not finish within ${deadline - t1} ms of the caller's share`
        : `worker thread ${exited - 1} exited`;
    }
    const failed = Atomics.load(ctl, C_ERR);
    if (failed !== 0) {
      throw new StateError(
        `${op}: worker thread ${failed - 1} failed: ${failureMessage(ctl)}${this.lost !== null ? '; the pool restarts for the next call' : ''}`,
      );
    }
    if (this.lost !== null)
      throw new StateError(`${op}: ${this.lost} during the call; the pool restarts for the next call`);
    if (mine !== null) throw mine;
  }

  /** Stops the workers (a later call starts new ones). */
  shutdown(): void {
    Atomics.store(this.ctl, C_QUIT, 1);
    Atomics.add(this.ctl, C_SEQ, 1);
    Atomics.notify(this.ctl, C_SEQ);
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}

/** The pool of each kernel build (the relaxed-SIMD one: its own workers, created only when that set runs). */
const pools: Record<WasmFlavor, Pool | null> = { simd: null, relaxed: null };
let restarts = 0;
let gaveUp: string | null = null;

/** `p`, or null after shutting it down when one of its workers is gone. */
function dropIfLost(p: Pool | null): Pool | null {
  if (p === null || (p.lost === null && Atomics.load(p.control, C_EXITED) === 0)) return p;
  // a worker is gone: replace the whole team (its memory and barriers included)
  const why = p.lost ?? 'a worker thread exited';
  p.shutdown();
  if (++restarts > MAX_RESTARTS) {
    gaveUp = `${why}, ${restarts - 1} restarts already`;
    warn(`longshort threads: ${gaveUp}; running single-threaded from now on`);
  }
  return null;
}

function getPool(flavor: WasmFlavor = 'simd'): Pool | null {
  if (gaveUp !== null) return null;
  let p = dropIfLost(pools[flavor]);
  if (gaveUp !== null) return null;
  if (p === null) {
    const module = f32RnnSharedModule(flavor);
    if (module !== null) p = new Pool(module);
  }
  pools[flavor] = p;
  return p;
}

/**
 * The team of threads for the recurrent kernels, or null for the caller's thread alone
 * (one thread configured, or threads unavailable). Creating it starts no worker yet.
 * `flavor` picks the kernel build the team runs ('simd', or 'relaxed': a second pool).
 */
export function rnnTeam(flavor: WasmFlavor = 'simd'): RnnTeam | null {
  if (getNumThreads() <= 1) return null;
  return getPool(flavor);
}

/** How many times the pool was replaced after losing a worker (for tests). */
export function poolRestarts(): number {
  return restarts;
}

/**
 * Starts the worker threads for `getNumThreads()` now and resolves once they are ready,
 * with the number of threads the recurrent kernels can use (1 where threads are
 * unavailable or the workers failed to start). Optional: the first call big enough
 * starts them anyway, blocking until they are ready in Node. In a browser (inside a
 * dedicated Worker of a cross-origin-isolated page) a Web Worker starts only once the
 * thread that created it returns to its event loop, so calls there run single-threaded
 * until the workers are up: `await startThreads()` first to use them from the first call.
 *
 * @example
 * setNumThreads(4);
 * await startThreads(); // 4, or 1 without threads
 */
export async function startThreads(): Promise<number> {
  const n = getNumThreads();
  if (n <= 1) return 1;
  const p = getPool();
  if (p === null) return 1;
  while (!p.ensure(n - 1)) {
    if (p.failure !== null) return 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return n;
}

/** The pool's counters (zeros before the pool exists). */
export function poolStats(): PoolStats {
  const pool = pools.simd;
  if (pool === null) return { workers: 0, ready: 0, calls: 0, tasksOnWorkers: 0 };
  return { workers: pool.started, ready: pool.ready, calls: pool.calls, tasksOnWorkers: pool.tasksOnWorkers };
}

/** Stops every worker and drops the pool (tests; a later call starts a new one). */
export function shutdownThreads(): void {
  for (const flavor of ['simd', 'relaxed'] as const) {
    pools[flavor]?.shutdown();
    pools[flavor] = null;
  }
  gaveUp = null;
  restarts = 0;
}

/**
 * Test hook: runs a job on 2 threads whose worker thread exits in the middle of it, so
 * tests can check that the call fails (typed, naming `op`) and the next call restarts
 * the pool; with `how: 'hang'` the worker's share never ends (the deadline path). Needs threads (false otherwise).
 */
export function exitWorkerForTest(op: string, how: 'exit' | 'hang' = 'exit'): boolean {
  const p = getPool();
  if (p === null || !threadsSupported() || !p.ensure(1)) return false;
  p.dispatch(how === 'exit' ? E_TEST_EXIT : E_TEST_HANG, 0, 2, 0, op, () => undefined);
  return true;
}

/**
 * Test hook: runs a job on 2 threads whose worker throws, so tests can check that a
 * worker's error reaches the caller with the op's name. Needs threads (false otherwise).
 */
export function failOnWorkerForTest(op: string): boolean {
  const p = getPool();
  if (p === null || !threadsSupported() || !p.ensure(1)) return false;
  p.dispatch(E_TEST_THROW, 0, 2, 0, op, () => undefined);
  return true;
}
