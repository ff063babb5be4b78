/**
 * How the worker pool reaches the host's threads: a small adapter per environment, so
 * the pool itself has no Node or DOM imports. `node-platform.ts` (worker_threads) is
 * implemented; `web-platform.ts` (Web Workers) serves cross-origin-isolated pages
 * (tested in headless Chromium: test/browser/browser.test.ts). The adapter is picked
 * once, at load time, with a dynamic import, so the
 * single-thread path never loads a Node module in a browser (and bundlers, following
 * package.json's "browser" field, leave node-platform.js out of browser bundles).
 */

import type { ThreadPlatform } from './platform-types.js';

export type { ThreadPlatform, WorkerHandle, WorkerInit } from './platform-types.js';

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

async function detect(): Promise<ThreadPlatform | null> {
  try {
    // `?? null`: a browser bundle maps node-platform.js to an empty module (package.json's "browser" field)
    if (isNode()) return (await import('./node-platform.js')).nodePlatform ?? null;
    if (typeof (globalThis as { Worker?: unknown }).Worker === 'function') return (await import('./web-platform.js')).webPlatform;
  } catch (_e) {
    return null;
  }
  return null;
}

/** This environment's adapter, or null where threads are not available. */
export const platform: ThreadPlatform | null = await detect();
