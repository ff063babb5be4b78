import { availableParallelism } from 'node:os';
import process from 'node:process';
import { Worker } from 'node:worker_threads';
import type { ThreadPlatform, WorkerHandle, WorkerInit } from './platform-types.js';

/** Node.js threads: `worker_threads` workers running worker-node.js. */
export const nodePlatform: ThreadPlatform = {
  name: 'node',
  availableParallelism: () => availableParallelism(),
  // Node lets its main thread block in Atomics.wait (and wasm's memory.atomic.wait32)
  canBlock: () => true,
  spawn(init: WorkerInit, onError: (err: unknown) => void): WorkerHandle {
    // the parent's flags, less those only valid for a main script given as a string
    // (`node --input-type=module -e ...` would make the worker fail to start)
    const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
    const w = new Worker(new URL('./worker-node.js', import.meta.url), { workerData: init, execArgv });
    w.on('error', onError);
    return {
      unref: () => w.unref(),
      terminate: () => void w.terminate(),
    };
  },
};

