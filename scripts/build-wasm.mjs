// Compiles the AssemblyScript kernels in src/kernels/wasm/assembly/ to WebAssembly and
// writes each module's bytes, base64-encoded, into a TypeScript module under
// src/kernels/wasm/generated/ (git-ignored), which tsc then compiles with the rest.
//
// Why base64 in a .ts module rather than a .wasm file beside the built JS: it loads the
// same way in Node, in bundlers and in browsers (no fs, no fetch, no URL resolution,
// no loader plugin), and a worker can instantiate it from the same import.
//
// Each source's exports are typed once, by the compiler: the first build of a source that
// names `exportsName` also writes generated/<source>-exports.ts, an interface made from the
// typings the compiler emits for the raw exports (--bindings raw), so the TypeScript side
// never restates a kernel's parameter list.
//
// Usage: node scripts/build-wasm.mjs [--wat]   (--wat also writes the text format next
// to the generated module, for reading the code; git-ignored too)
import asc from 'assemblyscript/asc';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const srcDir = path.join(root, 'src/kernels/wasm/assembly');
const outDir = path.join(root, 'src/kernels/wasm/generated');
const wantWat = process.argv.includes('--wat');

// The shared build's maximum memory must equal the one the JS side declares for the
// shared memory it creates: read it from there, so it is written once.
const arenaSrc = readFileSync(path.join(root, 'src/kernels/wasm/wasm-arena.ts'), 'utf8');
const maxPagesMatch = /export const SHARED_MAX_PAGES = (\d+);/.exec(arenaSrc);
if (maxPagesMatch === null) {
  console.error('build-wasm: SHARED_MAX_PAGES not found in src/kernels/wasm/wasm-arena.ts');
  process.exit(1);
}
const SHARED_MAX_PAGES = maxPagesMatch[1];

/** Each entry: AssemblyScript source -> generated TS module exporting `<constName>`. */
const modules = [
  {
    source: 'f32-gemm.ts',
    out: 'f32-gemm-wasm.ts',
    constName: 'F32_GEMM_WASM_BASE64',
    exportsName: 'F32GemmExports',
  },
  {
    source: 'f32-rnn-step.ts',
    out: 'f32-rnn-step-wasm.ts',
    constName: 'F32_RNN_STEP_WASM_BASE64',
    exportsName: 'F32RnnStepExports',
  },
  // The fused recurrent layer (it includes the GEMM): a plain build, and one over a shared
  // memory (wasm threads) for the worker pool, with the maximum of SHARED_MAX_PAGES.
  {
    source: 'f32-rnn.ts',
    out: 'f32-rnn-wasm.ts',
    constName: 'F32_RNN_WASM_BASE64',
    exportsName: 'F32RnnExports',
  },
  {
    source: 'f32-rnn.ts',
    out: 'f32-rnn-shared-wasm.ts',
    constName: 'F32_RNN_SHARED_WASM_BASE64',
    flags: ['--enable', 'threads', '--sharedMemory', '--maximumMemory', SHARED_MAX_PAGES],
  },
  // The relaxed-SIMD builds (6x8 micro-kernel on f32x4.relaxed_madd) of the GEMM and the
  // fused layer, for the 'wasm-relaxed' kernel set where WebAssembly.validate accepts them.
  {
    source: 'f32-gemm.ts',
    out: 'f32-gemm-relaxed-wasm.ts',
    constName: 'F32_GEMM_RELAXED_WASM_BASE64',
    flags: ['--enable', 'relaxed-simd'],
  },
  {
    source: 'f32-rnn.ts',
    out: 'f32-rnn-relaxed-wasm.ts',
    constName: 'F32_RNN_RELAXED_WASM_BASE64',
    flags: ['--enable', 'relaxed-simd'],
  },
  {
    source: 'f32-rnn.ts',
    out: 'f32-rnn-relaxed-shared-wasm.ts',
    constName: 'F32_RNN_RELAXED_SHARED_WASM_BASE64',
    flags: [
      '--enable',
      'relaxed-simd',
      '--enable',
      'threads',
      '--sharedMemory',
      '--maximumMemory',
      SHARED_MAX_PAGES,
    ],
  },
];

// Flags common to every kernel module: 128-bit SIMD (relaxed SIMD only where listed above), memory imported
// from `env.memory` (the JS side owns it and its arena), the smallest runtime, no asserts.
const common = [
  '--enable',
  'simd',
  '--importMemory',
  '--runtime',
  'stub',
  '--noAssert',
  '--optimizeLevel',
  '3',
  '--shrinkLevel',
  '0',
  '--converge',
  '--use',
  'abort=',
];

/**
 * The TypeScript interface of a module's exports, from the compiler's typings of its raw
 * exports (`declare namespace __AdaptedExports { ... }` in the .d.ts of --bindings raw):
 * its functions with their parameter names, and its globals as `{ value }` objects. A
 * `bool` parameter is typed `number` (an i32 at the wasm boundary: 0 or 1); the memory
 * (imported, listed by the typings anyway) is left out.
 */
function exportsInterface(dts, name, source) {
  const members = [];
  for (const m of dts.matchAll(/export function (\w+)\(([^)]*)\): (\w+);/g)) {
    members.push(`  ${m[1]}(${m[2].replace(/: boolean/g, ': number')}): ${m[3]};`);
  }
  for (const m of dts.matchAll(
    /export const (\w+): \{\s*\/\*\* @type `\w+` \*\/\s*get value\(\): number\s*\};/g,
  )) {
    members.push(`  readonly ${m[1]}: { readonly value: number };`);
  }
  if (members.length === 0) throw new Error(`no exports found in the typings of ${source}`);
  return (
    `// Generated by scripts/build-wasm.mjs from the exports of src/kernels/wasm/assembly/${source}; do not edit.\n` +
    `/** The exports of the compiled ${source} (see its source; pointers are byte offsets, sizes in elements). */\n` +
    `export interface ${name} {\n${members.join('\n')}\n}\n`
  );
}

/** Writes `text` to generated/`file` unless it holds that already (tsc's incremental state and watchers stay quiet). */
function writeGenerated(file, text) {
  const outPath = path.join(outDir, file);
  if (!existsSync(outPath) || readFileSync(outPath, 'utf8') !== text) writeFileSync(outPath, text);
  return outPath;
}

mkdirSync(outDir, { recursive: true });
for (const m of modules) {
  const outputs = {};
  const argv = [path.join(srcDir, m.source), ...common, ...(m.flags ?? []), '--outFile', 'out.wasm'];
  if (wantWat) argv.push('--textFile', 'out.wat');
  if (m.exportsName) argv.push('--bindings', 'raw');
  const { error, stderr } = await asc.main(argv, {
    writeFile(name, contents) {
      outputs[path.basename(name)] = contents;
    },
  });
  if (error) {
    console.error(stderr.toString());
    console.error(`build-wasm: ${m.source}: ${error.message}`);
    process.exit(1);
  }
  const wasm = outputs['out.wasm'];
  if (!(wasm instanceof Uint8Array)) {
    console.error(`build-wasm: ${m.source}: the compiler produced no binary`);
    process.exit(1);
  }
  const b64 = Buffer.from(wasm).toString('base64');
  const text =
    `// Generated by scripts/build-wasm.mjs from src/kernels/wasm/assembly/${m.source}; do not edit.\n` +
    `/** The compiled module (${wasm.length} bytes), base64-encoded. */\n` +
    `export const ${m.constName} =\n  '${b64}';\n`;
  const outPath = writeGenerated(m.out, text);
  if (m.exportsName) {
    const dts = outputs['out.d.ts'];
    if (typeof dts !== 'string') {
      console.error(`build-wasm: ${m.source}: the compiler wrote no typings`);
      process.exit(1);
    }
    writeGenerated(m.source.replace(/\.ts$/, '-exports.ts'), exportsInterface(dts, m.exportsName, m.source));
  }
  if (wantWat && typeof outputs['out.wat'] === 'string') {
    writeFileSync(path.join(outDir, m.out.replace(/\.ts$/, '.wat')), outputs['out.wat']);
  }
  console.log(`build-wasm: ${m.source} -> ${path.relative(root, outPath)} (${wasm.length} bytes)`);
}
