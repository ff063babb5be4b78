/**
 * How the worker pool reaches the host's threads: a small adapter per environment, so
 * the pool itself has no Node or DOM imports. `node-platform.ts` (worker_threads) is
 * implemented; `web-platform.ts` (Web Workers) serves cross-origin-isolated pages
 * (tested in headless Chromium: test/browser/browser.test.ts). The adapter is picked
 * once, at load time and synchronously (no top-level await anywhere in the library, so
 * Node's require(esm) can load it): neither adapter imports a host module at load time,
 * so a browser never loads a Node module (and bundlers, following package.json's
 * "browser" field, leave node-platform.js out of browser bundles).
 */

import * as nodeAdapter from './node-platform.js';
import type { ThreadPlatform } from './platform-types.js';
import { webPlatform } from './web-platform.js';

export type { ThreadPlatform, WorkerHandle, WorkerInit } from './platform-types.js';

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

function detect(): ThreadPlatform | null {
  // `?? null`: a browser bundle maps node-platform.js to an empty module (package.json's "browser" field)
  if (isNode()) return (nodeAdapter as Partial<typeof nodeAdapter>).nodePlatform ?? null;
  if (typeof (globalThis as { Worker?: unknown }).Worker === 'function') return webPlatform;
  return null;
}

/**
 * This environment's adapter, or null where threads are not available. On Node versions
 * without `process.getBuiltinModule` (before 20.16) it is filled in once the adapter's
 * dynamic imports resolve, a tick after loading; until then the kernels run on one thread.
 */
export let platform: ThreadPlatform | null = detect();

if (platform === null && isNode()) {
  const load = (nodeAdapter as Partial<typeof nodeAdapter>).loadNodePlatform;
  if (typeof load === 'function') {
    load().then(
      (p) => {
        platform = p;
      },
      () => undefined,
    );
  }
}
