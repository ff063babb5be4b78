// protobufjs (and the ONNX schema) load on the first ONNX call, not with the package.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../helpers/fixtures.js';

test('importing longshort does not load protobufjs; the first parseOnnx does', () => {
  const entry = pathToFileURL(join(repoRoot, 'dist', 'src', 'index.js')).href;
  const fixture = join(
    repoRoot,
    'test',
    'fixtures',
    'onnx',
    'backend-node',
    'test_lstm_defaults',
    'model.onnx',
  );
  const code = `
    import { createRequire } from 'node:module';
    import { readFileSync } from 'node:fs';
    const require = createRequire(import.meta.url);
    const loaded = () => Object.keys(require.cache).some((k) => k.includes('protobufjs'));
    const ls = await import(${JSON.stringify(entry)});
    const before = loaded();
    await ls.parseOnnx(new Uint8Array(readFileSync(${JSON.stringify(fixture)})));
    console.log(JSON.stringify({ before, after: loaded() }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), { before: false, after: true });
});
