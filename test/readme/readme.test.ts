// Every ```ts block of README.md as a user pastes it: compiled with tsc under `strict`
// against the built package (node_modules/longshort -> this checkout), then run, each in
// a fresh directory. A `<!-- readme-test: ... -->` line just above a block may say
// `files=a,b` (repository files copied into its directory first), `same-dir` (run in the
// previous block's directory: "then, in a new process"), and `name=x` (its output is
// checked below). The PyTorch recipes must print what PyTorch printed for the same input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { repoRoot } from '../helpers/fixtures.js';

interface Block {
  line: number;
  code: string;
  files: string[];
  sameDir: boolean;
  name: string | null;
}

/** The ```ts blocks of a markdown text, dedented, with their `readme-test` options. */
export function tsBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```ts\s*$/.exec(lines[i]);
    if (open === null) continue;
    const indent = open[1];
    let j = i + 1;
    while (j < lines.length && lines[j].trimEnd() !== `${indent}\`\`\``) j++;
    assert.ok(j < lines.length, `README.md:${i + 1}: unterminated \`\`\`ts block`);
    const code = lines
      .slice(i + 1, j)
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
      .join('\n');
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const opts = k >= 0 ? /<!--\s*readme-test:(.*)-->/.exec(lines[k]) : null;
    const words = opts === null ? [] : opts[1].trim().split(/\s+/);
    const value = (key: string): string | null =>
      words.find((w) => w.startsWith(`${key}=`))?.slice(key.length + 1) ?? null;
    out.push({
      line: i + 1,
      code,
      files: (value('files') ?? '').split(',').filter((f) => f !== ''),
      sameDir: words.includes('same-dir'),
      name: value('name'),
    });
    i = j;
  }
  return out;
}

function linkModules(project: string): void {
  const modules = join(project, 'node_modules');
  mkdirSync(modules, { recursive: true });
  symlinkSync(repoRoot, join(modules, 'longshort'), 'dir'); // the package as built: package.json exports -> dist/
  symlinkSync(join(repoRoot, 'node_modules', '@types'), join(modules, '@types'), 'dir');
}

test('every ```ts block of README.md compiles under strict and runs as pasted', () => {
  assert.ok(existsSync(join(repoRoot, 'dist', 'src', 'index.d.ts')), 'run npm run build first');
  const blocks = tsBlocks(readFileSync(join(repoRoot, 'README.md'), 'utf8'));
  assert.ok(blocks.length >= 10, `only ${blocks.length} blocks found`);
  const project = mkdtempSync(join(tmpdir(), 'longshort-readme-'));
  try {
    linkModules(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'readme-blocks', private: true, type: 'module' }),
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          skipLibCheck: true,
          types: ['node'],
        },
        include: ['b*/main.ts'],
      }),
    );
    blocks.forEach((b, i) => {
      assert.match(
        b.code,
        /^import [^;]* from 'longshort';$/m,
        `README.md:${b.line}: the block does not import from 'longshort'`,
      );
      mkdirSync(join(project, `b${i}`));
      writeFileSync(join(project, `b${i}`, 'main.ts'), `${b.code}\n`);
    });
    const tsc = spawnSync(
      process.execPath,
      [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project],
      { encoding: 'utf8', timeout: 180_000 },
    );
    const where = (s: string): string =>
      s.replace(
        /b(\d+)\/main\.ts\((\d+),(\d+)\)/g,
        (_m, i: string, l: string) =>
          `README.md:${blocks[Number(i)].line + Number(l)} (block at line ${blocks[Number(i)].line})`,
      );
    assert.equal(tsc.status, 0, `tsc on the README blocks:\n${where(tsc.stdout)}${tsc.stderr}`);

    const stdout = new Map<string, string>();
    let dir = '';
    blocks.forEach((b, i) => {
      if (!b.sameDir) {
        dir = join(project, `run${i}`);
        mkdirSync(dir);
      }
      for (const f of b.files) copyFileSync(join(repoRoot, f), join(dir, basename(f)));
      const r = spawnSync(process.execPath, [join(project, `b${i}`, 'main.js')], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 120_000,
      });
      assert.equal(
        r.status,
        0,
        `README.md:${b.line}: the block exited with ${r.status}:\n${r.stdout}${r.stderr}`,
      );
      if (b.name !== null) stdout.set(b.name, r.stdout);
    });

    // the PyTorch recipes print PyTorch's output for the same input (test/tools/gen_pytorch_net.py)
    const torch = JSON.parse(
      readFileSync(join(repoRoot, 'test', 'fixtures', 'pytorch-net', 'net.json'), 'utf8'),
    ) as { str: string };
    assert.equal(stdout.get('pytorch-module')?.trim(), torch.str);
    assert.equal(stdout.get('pytorch-keras')?.trim(), torch.str);
    // the classifier saved by one block is loaded by the next and predicts "rising"
    assert.match(stdout.get('classifier-load') ?? '', /^class 2$/m);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});
