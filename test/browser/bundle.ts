// Bundles the browser entry as an application would: esbuild (its WebAssembly build)
// with platform 'browser', importing the package by name through node_modules, so the
// package.json "exports" browser condition and "browser" field decide what goes in.
// Writes dist/test/browser/bundle/app.mjs (the library, plus the test's own compute.js
// and the pool/kernel modules it inspects, deduplicated by path) and, as esbuild users
// do for threads, worker-web.js built from the package's worker entry next to it.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild-wasm';

export interface BrowserBundle {
  dir: string;
  app: string;
  worker: string;
  /** Every input file of the app bundle, relative to the repository root. */
  inputs: string[];
  /** Modules the package's "browser" field maps to `false` (esbuild's `(disabled):` inputs). */
  disabled: string[];
  /** The app bundle's text. */
  text: string;
}

export async function buildBrowserBundle(repoRoot: string): Promise<BrowserBundle> {
  const dir = path.join(repoRoot, 'dist', 'test', 'browser', 'bundle');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  symlinkSync(repoRoot, path.join(dir, 'node_modules', 'longshort'), 'dir');
  const abs = (p: string): string => JSON.stringify(path.join(repoRoot, p));
  const entry = [
    "export * as lib from 'longshort';",
    `export * as pool from ${abs('dist/src/parallel/pool.js')};`,
    `export * as rnn from ${abs('dist/src/kernels/f32-rnn-sequence-wasmsimd.js')};`,
    `export { compute } from ${abs('dist/test/browser/compute.js')};`,
  ].join('\n');
  const common = {
    bundle: true,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
    absWorkingDir: dir,
  } as const;
  const app = await esbuild.build({
    ...common,
    stdin: { contents: entry, resolveDir: dir, sourcefile: 'app-entry.js', loader: 'js' },
    outfile: path.join(dir, 'app.mjs'),
    write: false,
    metafile: true,
  });
  const worker = await esbuild.build({
    ...common,
    entryPoints: [path.join(dir, 'node_modules', 'longshort', 'dist', 'src', 'parallel', 'worker-web.js')],
    outfile: path.join(dir, 'worker-web.js'),
  });
  const errors = [...app.errors, ...worker.errors];
  if (errors.length > 0) throw new Error(`esbuild: ${errors.map((e) => e.text).join('; ')}`);
  const out = app.outputFiles[0];
  writeFileSync(out.path, out.contents);
  const keys = Object.keys(app.metafile.inputs);
  const rel = (p: string): string => path.relative(repoRoot, path.resolve(dir, p)).split(path.sep).join('/');
  const disabled = keys
    .filter((p) => p.startsWith('(disabled):'))
    .map((p) => rel(p.slice('(disabled):'.length)));
  const inputs = keys.filter((p) => !p.startsWith('(disabled):')).map(rel);
  return { dir, app: out.path, worker: path.join(dir, 'worker-web.js'), inputs, disabled, text: out.text };
}
