/** WebAssembly pages are 64 KiB. */
const PAGE = 65536;
/**
 * The arena starts above the first page, which stays free for any static data a kernel
 * module may declare (the current ones declare none).
 */
const BASE = PAGE;
/** Every allocation is aligned to a cache line. */
const ALIGN = 64;
/**
 * Maximum pages of a shared memory (2 GiB): a shared `WebAssembly.Memory` must declare
 * one, and it must equal the maximum the shared kernel build declares for its import
 * (scripts/build-wasm.mjs reads it from this line for `--maximumMemory`).
 */
export const SHARED_MAX_PAGES = 32768;

/**
 * One `WebAssembly.Memory` with a bump allocator owned by the JS side: a kernel call
 * `reset()`s it, `reserve()`s the bytes it needs (growing the memory once), then takes
 * buffers with `alloc()`. The memory only grows (WebAssembly memory cannot shrink), so
 * it stays at the high-water mark of the largest call.
 *
 * With `shared`, the memory is a shared one (`SharedArrayBuffer` underneath, maximum
 * `SHARED_MAX_PAGES`) for the shared kernel build that the worker pool runs on several
 * threads; a non-shared module cannot import it. Throws where shared memory is not
 * available (no cross-origin isolation in a browser).
 */
export class WasmArena {
  readonly memory: WebAssembly.Memory;
  private top = BASE;
  private f32View: Float32Array;
  private i32View: Int32Array;
  private f64View: Float64Array;

  constructor(initialPages = 2, shared = false) {
    const initial = Math.max(initialPages, BASE / PAGE + 1);
    this.memory = shared
      ? new WebAssembly.Memory({ initial, maximum: SHARED_MAX_PAGES, shared: true })
      : new WebAssembly.Memory({ initial });
    this.f32View = new Float32Array(this.memory.buffer);
    this.i32View = new Int32Array(this.memory.buffer);
    this.f64View = new Float64Array(this.memory.buffer);
  }

  /** Frees everything allocated since the last reset. */
  reset(): void {
    this.top = BASE;
  }

  /** Grows the memory so that `bytes` more (plus alignment slack) fit above the top. */
  reserve(bytes: number): void {
    const need = this.top + bytes + ALIGN * 16;
    const have = this.memory.buffer.byteLength;
    if (need > have) {
      this.memory.grow(Math.ceil((need - have) / PAGE));
    }
  }

  /** A byte offset of `bytes` fresh bytes (contents unspecified), 64-byte aligned. */
  alloc(bytes: number): number {
    const p = Math.ceil(this.top / ALIGN) * ALIGN;
    const end = p + bytes;
    if (end > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((end - this.memory.buffer.byteLength) / PAGE));
    }
    this.top = end;
    return p;
  }

  /** A Float32Array over the whole memory, renewed when the memory has grown. */
  f32(): Float32Array {
    if (this.f32View.buffer !== this.memory.buffer) this.f32View = new Float32Array(this.memory.buffer);
    return this.f32View;
  }

  /** An Int32Array over the whole memory, renewed when the memory has grown. */
  i32(): Int32Array {
    if (this.i32View.buffer !== this.memory.buffer) this.i32View = new Int32Array(this.memory.buffer);
    return this.i32View;
  }

  /** A Float64Array over the whole memory, renewed when the memory has grown. */
  f64(): Float64Array {
    if (this.f64View.buffer !== this.memory.buffer) this.f64View = new Float64Array(this.memory.buffer);
    return this.f64View;
  }
}
