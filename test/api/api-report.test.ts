// The public API is pinned: api/longshort.api.json lists every export of the package
// entries with its kind. A change to the exports that is not recorded there (by
// `npm run api:update`, reviewed in the diff) fails here.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'api-report.mjs');
const REPORT = path.join(ROOT, 'api', 'longshort.api.json');

function check(report?: string): { status: number | null; out: string } {
  const args = [SCRIPT, '--check', ...(report === undefined ? [] : ['--report', report])];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('the public API report', () => {
  it('matches the exports of src/index.ts and src/browser.ts', () => {
    const r = check();
    assert.equal(r.status, 0, r.out);
  });

  it('fails, naming the export, when the exports differ from the report', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'longshort-api-'));
    try {
      const doc = JSON.parse(readFileSync(REPORT, 'utf8')) as Record<string, Record<string, unknown>>;
      delete doc.index.LSTM;
      doc.browser.notExported = 'function';
      const file = path.join(dir, 'report.json');
      writeFileSync(file, JSON.stringify(doc));
      const r = check(file);
      assert.equal(r.status, 1, r.out);
      assert.match(r.out, /\+ index: LSTM/);
      assert.match(r.out, /- browser: notExported/);
      assert.match(r.out, /npm run api:update/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps internals out of the entries', () => {
    const doc = JSON.parse(readFileSync(REPORT, 'utf8')) as Record<string, Record<string, unknown>>;
    for (const name of [
      'checkDropoutP',
      'sigmoidScalar',
      'record',
      'recordMulti',
      'needsGrad',
      'toCamelCase',
      'toSnakeCase',
      'castTo',
      'sumTo',
      'createRecurrentStep',
      'linearInto',
    ]) {
      assert.ok(!(name in doc.index), `${name} is exported from src/index.ts`);
    }
    assert.equal((doc.index.callbacks as { kind: string }).kind, 'namespace');
    assert.equal(doc.index.reduceLROnPlateau, undefined, 'the callback factory lives in callbacks.');
    assert.equal(doc.index.ReduceLROnPlateau, 'class');
  });
});
