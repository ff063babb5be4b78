// The loop of a pool worker thread (started by worker-node.ts in Node, worker-web.ts in a
// module Web Worker): instantiates the shared kernel build over the pool's shared memory,
// reports ready, then loops: wait for a job on the control block, run its share (thread
// `tid` of `nt`), report done.
// Blocking in Atomics.wait between jobs keeps wake-up latency low; the pool unref()s the
// worker, so an idle worker never keeps the process alive.
import {
  abortBarrier,
  C_BAR,
  C_DONE,
  C_ENTRY,
  C_NT,
  C_P,
  C_QUIT,
  C_READY,
  C_SEQ,
  E_BACKWARD,
  E_FORWARD,
  E_TEST_THROW,
  recordFailure,
} from './control.js';
import type { WorkerInit } from './platform-types.js';

/**
 * Control words of the pool's health (free words of the control block, kept here with
 * the only code that writes them): EXITED is set to tid + 1 by a worker whose thread is
 * ending, so the caller stops waiting for it and restarts the pool.
 */
export const C_EXITED = 9;
/** Test hook: the worker's thread exits in the middle of a call. */
export const E_TEST_EXIT = 98;
/** Test hook: the worker's share never finishes (it spins for a minute). */
export const E_TEST_HANG = 97;

/** What the host of a worker offers: a hook on the thread's exit, and ending the thread. */
export interface WorkerHost {
  onExit(fn: (code: number) => void): void;
  exit(code: number): void;
}

interface KernelExports {
  rnn_forward(P: number, tid: number, nt: number): void;
  rnn_backward(P: number, tid: number, nt: number): void;
}

/** Runs the worker: never returns until the pool asks it to quit. */
export function runWorker(init: WorkerInit, host?: WorkerHost): void {
  const { module, memory, tid } = init;
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  // the control block sits in the first page: this view stays valid when the memory grows
  const ctl = new Int32Array(memory.buffer, init.ctl, 1024 + 64);
  let busy = false;
  let quitting = false;
  // a thread that ends (process.exit in it, an uncaught error) says so: the caller must
  // not wait for its share, and the other threads must leave the kernel's barriers
  host?.onExit((code) => {
    if (quitting) return;
    Atomics.store(ctl, C_EXITED, tid + 1);
    if (busy) {
      recordFailure(ctl, tid, `the worker thread exited during the call (exit code ${code})`);
      abortBarrier(memory, Atomics.load(ctl, C_BAR));
      Atomics.add(ctl, C_DONE, 1);
    }
    Atomics.notify(ctl, C_DONE);
  });
  // read SEQ before announcing ready: the caller publishes the first job only after
  // seeing READY, so that job is the next SEQ this worker waits for
  let seq = Atomics.load(ctl, C_SEQ);
  Atomics.add(ctl, C_READY, 1);
  Atomics.notify(ctl, C_READY);
  for (;;) {
    Atomics.wait(ctl, C_SEQ, seq, 1000); // a deadline here too: the loop re-checks SEQ
    const s = Atomics.load(ctl, C_SEQ);
    if (s === seq) continue;
    seq = s;
    if (Atomics.load(ctl, C_QUIT) !== 0) {
      quitting = true;
      return;
    }
    const nt = Atomics.load(ctl, C_NT);
    if (tid >= nt) continue;
    const entry = Atomics.load(ctl, C_ENTRY);
    const P = Atomics.load(ctl, C_P);
    busy = true;
    try {
      if (entry === E_FORWARD) ex.rnn_forward(P, tid, nt);
      else if (entry === E_BACKWARD) ex.rnn_backward(P, tid, nt);
      else if (entry === E_TEST_EXIT) host?.exit(3);
      else if (entry === E_TEST_HANG) for (const end = Date.now() + 60_000; Date.now() < end;);
      else if (entry === E_TEST_THROW) throw new Error(`test failure requested on worker ${tid}`);
      else throw new Error(`unknown job entry ${entry}`);
    } catch (e) {
      recordFailure(ctl, tid, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
      abortBarrier(memory, Atomics.load(ctl, C_BAR));
    }
    busy = false;
    Atomics.add(ctl, C_DONE, 1);
    Atomics.notify(ctl, C_DONE);
  }
}
