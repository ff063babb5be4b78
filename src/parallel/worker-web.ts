// A pool worker in a browser (module Web Worker): its WorkerInit arrives as the first message.
import type { WorkerInit } from './platform-types.js';
import { runWorker } from './worker-loop.js';

const scope = globalThis as unknown as {
  addEventListener(t: 'message', cb: (e: { data: WorkerInit }) => void, o: { once: boolean }): void;
};
scope.addEventListener('message', (e) => runWorker(e.data), { once: true });
