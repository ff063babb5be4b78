import type { ThreadPlatform, WorkerHandle, WorkerInit } from './platform-types.js';

/** The parts of Node's built-in modules the adapter uses. */
interface NodeBuiltins {
  availableParallelism: () => number;
  Worker: typeof import('node:worker_threads').Worker;
  execArgv: readonly string[];
}

/** Node.js threads over `builtins`: `worker_threads` workers running worker-node.js. */
function makeNodePlatform(b: NodeBuiltins): ThreadPlatform {
  return {
    name: 'node',
    availableParallelism: () => b.availableParallelism(),
    // Node lets its main thread block in Atomics.wait (and wasm's memory.atomic.wait32)
    canBlock: () => true,
    spawn(init: WorkerInit, onError: (err: unknown) => void): WorkerHandle {
      // the parent's flags, less those only valid for a main script given as a string
      // (`node --input-type=module -e ...` would make the worker fail to start)
      const execArgv = b.execArgv.filter((a) => !a.startsWith('--input-type'));
      const w = new b.Worker(new URL('./worker-node.js', import.meta.url), { workerData: init, execArgv });
      w.on('error', onError);
      return {
        unref: () => w.unref(),
        terminate: () => void w.terminate(),
      };
    },
  };
}

type GetBuiltin = (id: string) => unknown;

/**
 * Node's threads, built synchronously through `process.getBuiltinModule` (Node 20.16+),
 * so that loading the library needs no top-level await (and `require('longshort')` works
 * where Node has require(esm)); null on older Node, where `loadNodePlatform` serves.
 */
export const nodePlatform: ThreadPlatform | null = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: GetBuiltin; execArgv?: string[] } }).process;
  const get = proc?.getBuiltinModule;
  if (typeof get !== 'function') return null;
  const os = get.call(proc, 'node:os') as typeof import('node:os');
  const wt = get.call(proc, 'node:worker_threads') as typeof import('node:worker_threads');
  return makeNodePlatform({
    availableParallelism: () => os.availableParallelism(),
    Worker: wt.Worker,
    execArgv: proc?.execArgv ?? [],
  });
})();

/** Node's threads through dynamic imports, for Node versions without `process.getBuiltinModule`. */
export async function loadNodePlatform(): Promise<ThreadPlatform> {
  const [os, wt] = await Promise.all([import('node:os'), import('node:worker_threads')]);
  const proc = (globalThis as { process?: { execArgv?: string[] } }).process;
  return makeNodePlatform({
    availableParallelism: () => os.availableParallelism(),
    Worker: wt.Worker,
    execArgv: proc?.execArgv ?? [],
  });
}
