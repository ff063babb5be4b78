// `longshort convert` between model files (Keras .keras / .h5, saved directories) and
// `longshort summary` on each of them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const CLI = fileURLToPath(new URL('../../cli/longshort.js', import.meta.url));
const MODELS = fileURLToPath(new URL('../../../test/fixtures/keras/models/', import.meta.url));

function run(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, '--threads', '1', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

test('convert .keras -> .h5 -> saved dir -> .keras, and summary reads every one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ls-cli-convert-'));
  try {
    const src = join(MODELS, 'embed_bidir.keras');
    const steps: Array<[string, string]> = [
      [src, join(dir, 'a.h5')],
      [join(dir, 'a.h5'), join(dir, 'saved')],
      [join(dir, 'saved'), join(dir, 'b.keras')],
    ];
    for (const [a, b] of steps) {
      const r = run(['convert', a, b]);
      assert.equal(r.status, 0, r.out);
      assert.ok(existsSync(b), b);
    }
    for (const p of [src, join(dir, 'a.h5'), join(dir, 'saved'), join(dir, 'b.keras')]) {
      const r = run(['summary', p]);
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, /embedding \(Embedding\)/);
      assert.match(r.out, /bidirectional \(Bidirectional\)/);
      assert.match(r.out, /Total params: [\d,]+/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('convert and summary name the file and the problem for an unknown file', () => {
  const r = run(['summary', join(MODELS, 'embed_bidir.json')]);
  assert.notEqual(r.status, 0);
  assert.match(r.out, /embed_bidir\.json/);
});
