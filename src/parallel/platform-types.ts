// The adapter interface of the worker pool (see platform.ts).

/** What a worker needs to start: the compiled shared kernel module, the memory, its id. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Thread id: 1..n-1 (0 is the caller's thread). */
  tid: number;
  /** Byte offset of the pool's control block in `memory`. */
  ctl: number;
}

/** A started worker. */
export interface WorkerHandle {
  /** Lets the process (or page) end while the worker idles. */
  unref(): void;
  /** Stops the worker. */
  terminate(): void;
}

/** One environment's threads. */
export interface ThreadPlatform {
  /** A name for messages: 'node' or 'web'. */
  readonly name: string;
  /** Hardware threads available to this process. */
  availableParallelism(): number;
  /** Whether the calling thread may block in Atomics.wait (false on a browser main thread). */
  canBlock(): boolean;
  /**
   * True where a new worker starts only once the spawning thread returns to its event
   * loop (browsers: a Web Worker's script is fetched through the spawner's loop), so the
   * pool must not block waiting for it. Absent/false: workers start on their own (Node).
   */
  readonly startNeedsEventLoop?: boolean;
  /** Starts a worker (worker-node.js or worker-web.js) with `init`. */
  spawn(init: WorkerInit, onError: (err: unknown) => void): WorkerHandle;
}
