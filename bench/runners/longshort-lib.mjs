// Loads longshort through its public entry (dist/src/index.js) and answers the questions every bench script asks:
// version, kernel set, thread count.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as C from './common.mjs';

/**
 * The public entry. bench/run.mjs points BENCH_LONGSHORT_DIST at a private copy of dist/ taken at the start of
 * the run, so that a rebuild by someone else halfway through cannot mix two builds in one table.
 */
export const DIST = process.env.BENCH_LONGSHORT_DIST || path.join(C.REPO, 'dist');
export const ENTRY = path.join(DIST, 'src', 'index.js');
if (!fs.existsSync(ENTRY)) {
  C.log(`longshort runner: ${ENTRY} missing; run \`npm run build\` first`);
  process.exit(2);
}
export const L = await import(pathToFileURL(ENTRY).href);
export const VERSION = JSON.parse(fs.readFileSync(path.join(C.REPO, 'package.json'), 'utf8')).version;

// Not part of the API: only read for the label when the public entry does not say which kernels run.
const INTERNAL_GEMM = path.join(DIST, 'src', 'kernels', 'gemm.js');
const internal = fs.existsSync(INTERNAL_GEMM)
  ? await import(pathToFileURL(INTERNAL_GEMM).href).catch(() => ({}))
  : {};

/**
 * Name of the active kernel set: from the public entry when it exports it (kernelSetName() etc.); otherwise
 * from dist/src/kernels/gemm.js (label only, marked "[internal]"); otherwise 'unknown'.
 */
export function kernelSetName(lib = L) {
  const probe = (o) => {
    for (const k of ['kernelSetName', 'kernelSet', 'getKernelSet', 'getKernelInfo', 'kernelInfo']) {
      const v = o[k];
      let r;
      try {
        r = typeof v === 'function' ? v() : v;
      } catch {
        r = undefined;
      }
      if (typeof r === 'string' && r) return r;
      if (r && typeof r === 'object' && typeof r.name === 'string') return r.name;
    }
    return null;
  };
  const pub = probe(lib);
  if (pub) return pub;
  const int = probe(internal);
  return int ? `${int} [internal]` : 'unknown';
}

/** --threads N via setNumThreads when the library exports it; otherwise 1 thread (and a note). */
export function configureThreads(requested) {
  const n = requested === undefined || requested === true ? 1 : Number(requested);
  if (!(Number.isInteger(n) && n >= 1))
    throw new Error(`--threads must be a positive integer, got ${requested}`);
  if (typeof L.setNumThreads === 'function') {
    L.setNumThreads(n);
    const got = typeof L.getNumThreads === 'function' ? Number(L.getNumThreads()) : n;
    return { threads: got, note: null };
  }
  return {
    threads: 1,
    note:
      n !== 1
        ? `--threads ${n} requested but longshort has no setNumThreads export yet: ran with 1 thread`
        : null,
  };
}
