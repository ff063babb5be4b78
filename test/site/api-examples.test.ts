// Every public export has a page in the API reference with at least one `@example`:
// counted over TypeDoc's JSON output (site/.gen/api.json, written by `npm run docs`).
// Skips when the docs are not built.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import * as lib from '../../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const apiJson = path.join(repoRoot, 'site', '.gen', 'api.json');

interface Comment {
  summary?: { text: string }[];
  blockTags?: { tag: string }[];
}
interface Reflection {
  id: number;
  name: string;
  kind: number;
  /** A re-export's (kind Reference) target. */
  target?: number;
  comment?: Comment;
  signatures?: { comment?: Comment }[];
  children?: Reflection[];
}

const hasExample = (r: Reflection): boolean =>
  [r.comment, ...(r.signatures ?? []).map((s) => s.comment)].some((c) =>
    (c?.blockTags ?? []).some((t) => t.tag === '@example'),
  );

it('every export of src/index.ts has an API page with an @example', (t) => {
  if (!existsSync(apiJson)) return t.skip('the docs are not built (npm run build && npm run docs)');
  const project = JSON.parse(readFileSync(apiJson, 'utf8')) as Reflection;
  let top = project.children ?? [];
  if (top.length === 1 && top[0].kind === 2) top = top[0].children ?? []; // the one module, src/index.ts
  const documented = new Set(top.map((r) => r.name));
  // every runtime export is in the reference (types are checked by TypeDoc itself)
  const missingPages = Object.keys(lib).filter((k) => !documented.has(k));
  assert.deepEqual(missingPages, [], 'runtime exports without an API page');
  // a re-export under a second name (a Reference) shares its target's page
  const byId = new Map<number, Reflection>();
  const index = (r: Reflection): void => {
    byId.set(r.id, r);
    for (const c of r.children ?? []) index(c);
  };
  index(project);
  const REFERENCE = 4194304;
  const page = (r: Reflection): Reflection =>
    r.kind === REFERENCE && r.target !== undefined ? (byId.get(r.target) ?? r) : r;
  const withoutExample = top.filter((r) => !hasExample(page(r))).map((r) => r.name);
  t.diagnostic(`${top.length} exports, ${top.length - withoutExample.length} with an @example`);
  assert.deepEqual(withoutExample, [], 'exports without an @example');
});
