// The generation barrier of the threads build of f32-rnn.ts (a no-op in the plain build).


const SPINS = 4000;

/**
 * Waits until all `nt` threads have arrived (a generation barrier on the shared memory).
 * Returns false when another thread set the abort flag (it failed): the caller returns.
 * Callers keep no f32 value in a local across it: after `memory.atomic.wait32`, V8's
 * baseline code (Liftoff, Node 20) handed such a local back changed (the hard sigmoid's
 * alpha / beta, see `gateAlpha` in f32-rnn.ts); re-read it from the block instead.
 */
export function barrier(bar: usize, nt: i32): bool {
  if (nt <= 1) return true;
  if (ASC_FEATURE_THREADS) {
    const gen = atomic.load<i32>(bar, 4);
    if (atomic.add<i32>(bar, 1) == nt - 1) {
      atomic.store<i32>(bar, 0);
      atomic.store<i32>(bar, gen + 1, 4);
      atomic.notify(bar + 4, nt);
      return atomic.load<i32>(bar, 8) == 0;
    }
    let spins = 0;
    while (atomic.load<i32>(bar, 4) == gen) {
      if (atomic.load<i32>(bar, 8) != 0) return false;
      if (++spins > SPINS) memory.atomic.wait32(bar + 4, gen, 1000000);
    }
    return atomic.load<i32>(bar, 8) == 0;
  }
  return true;
}

