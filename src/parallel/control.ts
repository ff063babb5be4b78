/**
 * The pool's control block: Int32 words in the shared memory's first page (below the
 * kernel arena, which starts at 64 KiB; the kernel modules declare no static data).
 * The caller's thread publishes a job (entry, parameter block, thread count) and bumps
 * SEQ; workers wait on SEQ, run their share, bump DONE. A failing worker records its
 * message (UTF-16 code units) and sets the kernel barrier's abort word so the others
 * stop at their next barrier instead of waiting forever.
 */

/** Byte offset of the block. */
export const CTL_BYTES = 1024;
/** Word indices (relative to CTL_BYTES / 4). */
export const C_SEQ = 0;
export const C_ENTRY = 1;
export const C_P = 2;
export const C_NT = 3;
export const C_DONE = 4;
export const C_ERR = 5;
export const C_READY = 6;
export const C_QUIT = 7;
export const C_BAR = 8;
export const C_MSG_LEN = 15;
export const C_MSG = 16;
export const MSG_MAX = 1000;

/** Job entry codes. */
export const E_FORWARD = 0;
export const E_BACKWARD = 1;
/** Test hook: the worker throws (checks that worker errors reach the caller). */
export const E_TEST_THROW = 99;

/** Sets a kernel barrier's abort word ([count, generation, abort] at byte `bar`) and wakes its waiters. */
export function abortBarrier(memory: WebAssembly.Memory, bar: number): void {
  if (bar <= 0) return;
  const i32 = new Int32Array(memory.buffer);
  Atomics.store(i32, (bar >>> 2) + 2, 1);
  Atomics.notify(i32, (bar >>> 2) + 1);
}

/**
 * Records a worker's failure in the control block `ctl`: the first failing thread wins
 * (ERR = tid + 1) and its message (cut to MSG_MAX UTF-16 code units) is stored for the
 * caller; a later failure of the same call changes nothing. Returns whether this one won.
 */
export function recordFailure(ctl: Int32Array, tid: number, message: string): boolean {
  if (Atomics.compareExchange(ctl, C_ERR, 0, tid + 1) !== 0) return false;
  const msg = message.slice(0, MSG_MAX);
  for (let i = 0; i < msg.length; i++) ctl[C_MSG + i] = msg.charCodeAt(i);
  Atomics.store(ctl, C_MSG_LEN, msg.length);
  return true;
}

/** The message `recordFailure` stored in `ctl`. */
export function failureMessage(ctl: Int32Array): string {
  const len = Atomics.load(ctl, C_MSG_LEN);
  let msg = '';
  for (let i = 0; i < len; i++) msg += String.fromCharCode(ctl[C_MSG + i]);
  return msg;
}
