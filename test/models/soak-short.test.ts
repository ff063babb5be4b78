// A short run of `npm run soak` (streaming steps, predicts, fit/save/load cycles with
// memory measured after GC): the script works and reports flat memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { repoRoot } from '../helpers/fixtures.js';

test('soak (short): memory stays flat over streaming, predicts and fit/save/load cycles', () => {
  const r = spawnSync(
    process.execPath,
    [join(repoRoot, 'scripts', 'soak.mjs'), '--steps', '3000', '--predicts', '300', '--cycles', '6'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /soak: flat/);
  assert.equal((r.stdout.match(/\d flat$/gm) ?? []).length, 3, r.stdout);
});
