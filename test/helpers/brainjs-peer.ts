// brain.js from test/peers (a separate package, installed by .ci/run), for the live checks.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './fixtures.js';

/** The recurrent nets of brain.js, as the live checks use them. */
export interface BrainjsPeer {
  recurrent: Record<string, new () => { fromJSON(j: unknown): void; run(x: unknown): unknown }>;
}

/** false when brain.js is installed in test/peers, else the reason a live check skips. */
export const brainjsSkip: false | string = existsSync(
  join(repoRoot, 'test', 'peers', 'node_modules', 'brain.js'),
)
  ? false
  : 'brain.js is not installed in test/peers (npm --prefix test/peers ci --ignore-scripts)';

/** brain.js, loaded from test/peers (check `brainjsSkip` first). */
export function brainjsPeer(): BrainjsPeer {
  return createRequire(join(repoRoot, 'test', 'peers', 'package.json'))('brain.js') as BrainjsPeer;
}
