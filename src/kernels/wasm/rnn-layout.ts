// The buffers of one call of the fused recurrent kernel in its module's memory: the
// layout of the parameter block's buffers, copies in and out, and the pool of saved
// activation buffers reused across training steps.
import type { FloatArray } from '../../core/dtype.js';
import type { RnnSequenceSaved } from '../ref/rnn-sequence-ref.js';
import type { F32RnnKernel } from './f32-rnn-module.js';
import { F_BAR, F_SCR, F_SCR_PB, F_SCR_STRIDE, F_SCR_TILE, N_FIELDS } from './rnn-params.js';

/** n rounded up to a multiple of m. */
export function roundUp(n: number, m: number): number {
  return Math.ceil(n / m) * m;
}

/**
 * Builds one call's layout: a list of (field, float count) allocations in the arena, each
 * with what goes in it: nothing (room for outputs and scratch), or copied in by `place`.
 */
export class Layout {
  readonly fields = new Int32Array(N_FIELDS);
  private readonly sizes: Array<[number, number, FloatArray | Int32Array | null | undefined]> = [];
  /** Room for `floats` values at `field`. */
  add(field: number, floats: number): void {
    this.sizes.push([field, floats, undefined]);
  }
  /** Room for `floats` values at `field`, filled from `src` by `place` (zeros for null). */
  input(field: number, src: FloatArray | Int32Array | null, floats: number): void {
    this.sizes.push([field, floats, src]);
  }
  /**
   * Resets the arena, grows it once, allocates everything and copies the inputs in;
   * returns P (the block's byte
   * offset), or -1 when the call needs more than `maxCallBytes` (the caller then runs
   * the reference driver, whose GEMMs split large problems).
   */
  place(k: F32RnnKernel, nt: number, maxGemmN: number, maxCallBytes: number): number {
    const { arena, MC, KC, NC, MR, NR } = k;
    const packA = MC * KC;
    const packB = KC * roundUp(Math.min(NC, Math.max(maxGemmN, 1)), NR);
    const pbOff = roundUp(4 * packA, 64);
    const tileOff = pbOff + roundUp(4 * packB, 64);
    const stride = tileOff + roundUp(4 * MR * NR, 64);
    let bytes = 4 * N_FIELDS + 64 + stride * nt + 64 * (this.sizes.length + 4);
    for (const [, n] of this.sizes) bytes += 4 * n + 16;
    if (bytes > maxCallBytes) return -1;
    arena.reset();
    arena.reserve(bytes);
    const P = arena.alloc(4 * N_FIELDS);
    this.fields[F_BAR] = arena.alloc(64);
    for (const [f, n] of this.sizes) this.fields[f] = arena.alloc(4 * n);
    this.fields[F_SCR] = arena.alloc(stride * nt);
    this.fields[F_SCR_STRIDE] = stride;
    this.fields[F_SCR_PB] = pbOff;
    this.fields[F_SCR_TILE] = tileOff;
    const i32 = arena.i32();
    i32.fill(0, this.fields[F_BAR] >>> 2, (this.fields[F_BAR] >>> 2) + 16);
    for (const [f, n, src] of this.sizes) {
      if (src === null) zero(k, this.fields[f], n);
      else if (src !== undefined) put(k, this.fields[f], src, n);
    }
    return P;
  }
  /** Writes the block at P (after the data went in: the views may have been renewed). */
  write(k: F32RnnKernel, P: number): void {
    k.arena.i32().set(this.fields, P >>> 2);
  }
}

/** Copies n values of src to the byte offset `at`. */
function put(k: F32RnnKernel, at: number, src: FloatArray | Int32Array, n: number): void {
  if (n === 0) return;
  if (src instanceof Int32Array) k.arena.i32().set(src.subarray(0, n), at >>> 2);
  else k.arena.f32().set(src.subarray(0, n), at >>> 2);
}

/** Zeros n floats at the byte offset `at`. */
function zero(k: F32RnnKernel, at: number, n: number): void {
  if (n > 0) k.arena.f32().fill(0, at >>> 2, (at >>> 2) + n);
}

/** A fresh Float32Array of the n floats at the byte offset `at`. */
export function take(k: F32RnnKernel, at: number, n: number): Float32Array {
  // the copy constructor: several times faster than new Float32Array(n) + set() for
  // megabytes (no zero-filled pages written twice)
  return n > 0 ? new Float32Array(k.arena.f32().subarray(at >>> 2, (at >>> 2) + n)) : new Float32Array(0);
}

/**
 * Saved-activation buffers handed back after their backward pass (`recycleRnnSaved`),
 * by length, for the next forward to copy into instead of allocating: a training loop
 * then stops churning tens of megabytes of short-lived typed arrays per step (which
 * the garbage collector frees late, inflating the peak RSS). Bounded in bytes.
 */
const savedPool = new Map<number, Float32Array[]>();
let savedPoolBytes = 0;
const SAVED_POOL_MAX_BYTES = 128 * 2 ** 20;
/** Buffers shorter than this are not worth pooling. */
const SAVED_POOL_MIN_FLOATS = 4096;

/** Like `take`, into a pooled buffer of that length when one is free. */
export function takeSaved(k: F32RnnKernel, at: number, n: number): Float32Array {
  const list = n >= SAVED_POOL_MIN_FLOATS ? savedPool.get(n) : undefined;
  const a = list !== undefined ? list.pop() : undefined;
  if (a === undefined) return take(k, at, n);
  savedPoolBytes -= 4 * n;
  a.set(k.arena.f32().subarray(at >>> 2, (at >>> 2) + n));
  return a;
}

/**
 * Hands the saved activations of a finished backward pass back for reuse by later
 * forward passes. Only for buffers nothing else references any more (the caller's op
 * was released by the autograd engine); float64 and small buffers are ignored.
 */
export function recycleRnnSaved(saved: RnnSequenceSaved): void {
  for (const a of [saved.gates, saved.hPrev, saved.cPrev, saved.cNew, saved.hRaw, saved.ghn]) {
    if (!(a instanceof Float32Array) || a.length < SAVED_POOL_MIN_FLOATS) continue;
    if (savedPoolBytes + a.byteLength > SAVED_POOL_MAX_BYTES) continue;
    const list = savedPool.get(a.length);
    if (list === undefined) savedPool.set(a.length, [a]);
    else if (list.length < 16) list.push(a);
    else continue;
    savedPoolBytes += a.byteLength;
  }
}

/** Copies the n floats at the byte offset `at` into dst. */
export function takeInto(k: F32RnnKernel, at: number, dst: FloatArray, n: number): void {
  if (n > 0) dst.set(k.arena.f32().subarray(at >>> 2, (at >>> 2) + n));
}
