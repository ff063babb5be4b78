import type { ThreadPlatform, WorkerHandle, WorkerInit } from './platform-types.js';

interface WebWorkerLike {
  postMessage(data: unknown): void;
  terminate(): void;
  addEventListener(type: 'error', cb: (e: unknown) => void): void;
}

type WorkerCtor = new (url: URL, options: { type: 'module' }) => WebWorkerLike;
/** The host's Worker constructor (a global of browsers; this module is only loaded where it exists). */
declare const Worker: WorkerCtor;

/**
 * Browser threads: module Web Workers running worker-web.js, which receives its
 * `WorkerInit` as the first message. Only usable where shared memory is (a
 * cross-origin-isolated page); the pool falls back to one thread elsewhere. A browser's
 * main thread cannot block, so there the pool stays single-threaded: run the model in
 * a worker to use threads. A Web Worker starts only once its spawner returns to the
 * event loop, so the pool never blocks for it: calls run single-threaded until the
 * workers are ready (`await startThreads()` waits for them). Tested in headless
 * Chromium by test/browser/browser.test.ts.
 */
export const webPlatform: ThreadPlatform = {
  name: 'web',
  availableParallelism: () =>
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1,
  canBlock: () => typeof (globalThis as { document?: unknown }).document === 'undefined',
  startNeedsEventLoop: true,
  spawn(init: WorkerInit, onError: (err: unknown) => void): WorkerHandle {
    // written as `new Worker(new URL('...', import.meta.url), ...)` so that bundlers
    // (webpack 5, Vite, Parcel) recognise it and emit worker-web.js as a worker chunk
    const w = new Worker(new URL('./worker-web.js', import.meta.url), { type: 'module' });
    w.addEventListener('error', onError);
    w.postMessage(init);
    return { unref: () => undefined, terminate: () => w.terminate() };
  },
};
