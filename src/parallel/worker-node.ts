// A pool worker in Node (`worker_threads`): its WorkerInit arrives as workerData.
import process from 'node:process';
import { workerData } from 'node:worker_threads';
import type { WorkerInit } from './platform-types.js';
import { runWorker } from './worker-loop.js';

runWorker(workerData as WorkerInit, {
  onExit: (fn) => process.on('exit', fn),
  exit: (code) => process.exit(code),
});
