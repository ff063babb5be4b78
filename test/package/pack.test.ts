// The packed package as a consumer gets it: `npm pack` of the built tree, unpacked into
// a temporary project's node_modules with the runtime dependencies taken from this
// checkout's node_modules (no network, no npm install), then a CommonJS consumer
// (`require('longshort')`, Node's require(esm): no top-level await anywhere in the
// import graph), an ESM consumer and the packaged CLI (`longshort --version`) run there,
// and a TypeScript consumer type-checks against the packaged declarations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/fixtures.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const [major, minor] = process.versions.node.split('.').map(Number);
/** Node 20.19+ and 22.12+ load ES modules with require() by default. */
const requireEsm = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 23;

/** The runtime dependency closure of `names`, resolved in this checkout's node_modules. */
function closure(names: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...names];
  while (todo.length > 0) {
    const n = todo.pop() as string;
    if (seen.has(n)) continue;
    const dir = join(repoRoot, 'node_modules', n);
    if (!existsSync(join(dir, 'package.json'))) continue; // nested under its dependant (travels with it)
    seen.add(n);
    const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    todo.push(...Object.keys(p.dependencies ?? {}));
  }
  return seen;
}

function run(
  cmd: string,
  args: string[],
  cwd: string,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CONSUMER = `
  const lstm = new LSTM(3, 4, { batchFirst: true });
  const [out, [h]] = lstm.forward(randn([2, 5, 3]));
  const line = [String(tensor([[0.1, 0.2]])), out.shape.join('x'), h.shape.join('x'), typeof loadSafetensors].join(' ');
  console.log(line);
`;
const EXPECTED = 'tensor([[0.1000, 0.2000]]) 2x5x4 1x2x4 function';

test('npm pack: a CommonJS consumer, an ESM consumer and the packaged CLI run from the tarball', (t) => {
  const probe = spawnSync(npm, ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip('npm is not on PATH');
    return;
  }
  if (!existsSync(join(repoRoot, 'dist', 'src', 'index.js')))
    assert.fail('dist/src/index.js is missing; run npm run build');
  const dir = mkdtempSync(join(tmpdir(), 'longshort-pack-'));
  try {
    const packed = run(npm, ['pack', '--json', '--pack-destination', dir, '--ignore-scripts'], repoRoot);
    assert.equal(packed.status, 0, packed.stderr);
    const info = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = info[0].files.map((f) => f.path);
    for (const f of [
      'package.json',
      'README.md',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/browser.js',
      'dist/cli/longshort.js',
    ])
      assert.ok(files.includes(f), `${f} missing from the tarball`);
    assert.ok(
      !files.some((f) => f.startsWith('dist/test/') || f.startsWith('src/') || f.startsWith('test/')),
      'tests and sources stay out of the tarball',
    );

    // the consumer project: node_modules/longshort from the tarball, its dependencies linked
    const project = join(dir, 'consumer');
    const modules = join(project, 'node_modules');
    mkdirSync(modules, { recursive: true });
    const untar = run(
      'tar',
      ['-xzf', join(dir, info[0].filename.replace(/^@[^/]+\//, '').replace(/\//g, '-')), '-C', dir],
      dir,
    );
    assert.equal(untar.status, 0, untar.stderr);
    renameSync(join(dir, 'package'), join(modules, pkg.name));
    for (const dep of closure(Object.keys(pkg.dependencies))) {
      const at = join(modules, dep);
      mkdirSync(join(at, '..'), { recursive: true });
      symlinkSync(join(repoRoot, 'node_modules', dep), at, 'dir');
    }
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, dependencies: { [pkg.name]: pkg.version } }),
    );

    writeFileSync(
      join(project, 'esm.mjs'),
      `import { LSTM, randn, tensor, loadSafetensors } from 'longshort';\n${CONSUMER}`,
    );
    const esm = run(process.execPath, ['esm.mjs'], project);
    assert.equal(esm.status, 0, esm.stderr);
    assert.equal(esm.stdout.trim(), EXPECTED);

    // the types in the tarball: a TypeScript consumer type-checks under strict
    // (a dependency may already have brought @types/node: link the other type packages beside it)
    mkdirSync(join(modules, '@types'), { recursive: true });
    for (const t of readdirSync(join(repoRoot, 'node_modules', '@types'))) {
      const at = join(modules, '@types', t);
      if (!existsSync(at)) symlinkSync(join(repoRoot, 'node_modules', '@types', t), at, 'dir');
    }
    writeFileSync(
      join(project, 'ts.mts'),
      `import { LSTM, randn, tensor, loadSafetensors, type Tensor } from 'longshort';\n${CONSUMER}\nconst y: Tensor = out;\nvoid y;\n`,
    );
    const types = {
      strict: true,
      noEmit: true,
      target: 'es2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      skipLibCheck: true,
      types: ['node'],
    };
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: types, files: ['ts.mts'] }),
    );
    const tsc = run(
      process.execPath,
      [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project],
      project,
    );
    assert.equal(tsc.status, 0, `tsc on a consumer of the tarball:\n${tsc.stdout}${tsc.stderr}`);

    const cli = run(
      process.execPath,
      [join(modules, pkg.name, 'dist', 'cli', 'longshort.js'), '--version'],
      project,
    );
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(cli.stdout.trim(), pkg.version);

    if (!requireEsm) {
      t.diagnostic(
        `Node ${process.versions.node} has no require(esm) by default; the CommonJS consumer needs Node 20.19+ or 22.12+`,
      );
      return;
    }
    writeFileSync(
      join(project, 'cjs.cjs'),
      `const { LSTM, randn, tensor, loadSafetensors } = require('longshort');\n${CONSUMER}`,
    );
    const cjs = run(process.execPath, ['cjs.cjs'], project);
    assert.equal(cjs.status, 0, cjs.stderr);
    assert.equal(cjs.stdout.trim(), EXPECTED);
    assert.doesNotMatch(cjs.stderr, /ERR_REQUIRE_ASYNC_MODULE/);
    assert.ok(readdirSync(modules).includes(pkg.name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
