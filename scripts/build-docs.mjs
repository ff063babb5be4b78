// `npm run docs`: builds the static site into site/dist/ (served by any static server,
// nothing loaded from elsewhere, works offline):
//   1. the guide pages, made from README.md's sections (site/guides.json says which),
//      and the home page, into site/.gen/;
//   2. TypeDoc: the API reference from the TSDoc of src/index.ts, with the guides as
//      project documents; any TypeDoc warning fails the build (site/typedoc.json);
//   3. the playground, built by Vite into site/dist/playground/.
// Needs `npm run build` first (the playground bundles dist/src/browser.js).
// Usage: node scripts/build-docs.mjs [--no-playground]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { guidePages, homePage } from './build-docs-guides.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const site = path.join(root, 'site');
const gen = path.join(site, '.gen');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function run(what, cmd, args) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    console.error(`build-docs: ${what} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
  console.log(`build-docs: ${what} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

if (!existsSync(path.join(root, 'dist', 'src', 'browser.js'))) {
  console.error('build-docs: dist/src/browser.js is missing; run `npm run build` first');
  process.exit(1);
}

// 1. guides and home page
rmSync(gen, { recursive: true, force: true });
mkdirSync(path.join(gen, 'guides'), { recursive: true });
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const { guides } = JSON.parse(readFileSync(path.join(site, 'guides.json'), 'utf8'));
const pages = guidePages(readme, guides);
for (const p of pages) writeFileSync(path.join(gen, 'guides', `${p.slug}.md`), p.text);
writeFileSync(path.join(gen, 'home.md'), homePage(readme, pages));
console.log(`build-docs: ${pages.length} guide pages from README.md`);

// 2. API reference + guides (TypeDoc; warnings are errors)
run('typedoc', bin('typedoc'), ['--options', path.join(site, 'typedoc.json')]);

// TypeDoc writes navigation links as given: make the playground's relative to each page
const dist = path.join(site, 'dist');
const htmlFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? htmlFiles(path.join(dir, e.name))
      : e.name.endsWith('.html')
        ? [path.join(dir, e.name)]
        : [],
  );
for (const f of htmlFiles(dist)) {
  const up = '../'.repeat(path.relative(dist, f).split(path.sep).length - 1);
  const text = readFileSync(f, 'utf8');
  if (up !== '' && text.includes('href="playground/index.html"'))
    writeFileSync(f, text.replaceAll('href="playground/index.html"', `href="${up}playground/index.html"`));
}

// 3. the playground
if (!process.argv.includes('--no-playground')) {
  run('playground type check', bin('tsc'), ['-p', path.join(site, 'tsconfig.json')]);
  run('playground (vite)', bin('vite'), [
    'build',
    '--config',
    path.join(site, 'playground', 'vite.config.ts'),
    '--logLevel',
    'warn',
  ]);
}
console.log(
  `build-docs: the site is in ${path.relative(root, path.join(site, 'dist'))}/ (npm run docs:serve to preview it)`,
);
