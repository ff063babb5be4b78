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
 * One `WebAssembly.Memory` with a bump allocator owned by the JS side: a kernel call
 * `reset()`s it, `reserve()`s the bytes it needs (growing the memory once), then takes
 * buffers with `alloc()`. The memory only grows (WebAssembly memory cannot shrink), so
 * it stays at the high-water mark of the largest call.
 *
 * Not shared yet: a worker pool will need a second build of the kernels with
 * `--sharedMemory` (a non-shared module cannot import a shared memory) and
 * `new WebAssembly.Memory({ initial, maximum, shared: true })`.
 */
export class WasmArena {
  readonly memory: WebAssembly.Memory;
  private top = BASE;
  private f32View: Float32Array;

  constructor(initialPages = 2) {
    this.memory = new WebAssembly.Memory({ initial: Math.max(initialPages, BASE / PAGE + 1) });
    this.f32View = new Float32Array(this.memory.buffer);
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
}
