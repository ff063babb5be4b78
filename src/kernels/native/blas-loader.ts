// The machine's BLAS in Node, found at run time and called through koffi (an FFI whose
// binaries ship inside its npm package: nothing is compiled at install). Optional: where
// koffi or a BLAS is missing (browsers, Deno, a machine without one) `nativeBlas()` is
// null and the kernel registry keeps the WebAssembly sets.
import { ConfigError } from '../../core/errors.js';
import type { F32GemmKernel } from '../f32-gemm-entry.js';

/** A loaded BLAS. */
export interface NativeBlas {
  /** e.g. 'openblas', 'blis', 'mkl', 'accelerate'. */
  readonly vendor: string;
  /** The file that was loaded. */
  readonly path: string;
  /** cblas_sgemm (row-major) on views of the operands from their offsets. */
  readonly sgemm: F32GemmKernel;
  /** Sets the BLAS's own thread count (a no-op where the library has no such call). */
  setThreads(n: number): void;
}

interface Koffi {
  load(path: string): KoffiLib;
}
interface KoffiLib {
  func(name: string, ret: string, args: string[]): (...args: unknown[]) => unknown;
}

/** Library names to try, per platform, in order (OpenBLAS's pthread build first). */
const CANDIDATES: Record<string, string[]> = {
  linux: [
    'libopenblas.so.0',
    'libopenblas.so',
    '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0',
    '/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0',
    'libblis.so.4',
    'libblis.so',
    'libmkl_rt.so.2',
    'libmkl_rt.so',
  ],
  darwin: [
    '/System/Library/Frameworks/Accelerate.framework/Accelerate',
    'libopenblas.dylib',
    '/opt/homebrew/opt/openblas/lib/libopenblas.dylib',
  ],
  win32: ['libopenblas.dll', 'mkl_rt.2.dll'],
};

function vendorOf(path: string): string {
  const p = path.toLowerCase();
  if (p.includes('openblas')) return 'openblas';
  if (p.includes('blis')) return 'blis';
  if (p.includes('mkl')) return 'mkl';
  if (p.includes('accelerate')) return 'accelerate';
  return 'blas';
}

interface NodeProcess {
  platform?: string;
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

function nodeProcess(): NodeProcess | undefined {
  return (globalThis as { process?: NodeProcess }).process;
}

/** koffi, through Node's require (no static import: the module stays browser-safe). */
function loadKoffi(): Koffi | null {
  const proc = nodeProcess();
  const mod = proc?.getBuiltinModule?.('module') as
    { createRequire?: (url: string) => (id: string) => unknown } | undefined;
  if (mod?.createRequire === undefined) return null;
  try {
    return mod.createRequire(import.meta.url)('koffi') as Koffi;
  } catch (_e) {
    return null;
  }
}

function bind(koffi: Koffi, path: string): NativeBlas {
  const lib = koffi.load(path);
  const f = lib.func('cblas_sgemm', 'void', [
    'int',
    'int',
    'int',
    'int',
    'int',
    'int',
    'float',
    'float *',
    'int',
    'float *',
    'int',
    'float',
    'float *',
    'int',
  ]);
  const vendor = vendorOf(path);
  let setThreads: (n: number) => void = () => {};
  for (const name of ['openblas_set_num_threads', 'bli_thread_set_num_threads', 'MKL_Set_Num_Threads']) {
    try {
      const g = lib.func(name, 'void', ['int']);
      let current = -1;
      setThreads = (n: number) => {
        if (n !== current) {
          g(n);
          current = n;
        }
      };
      break;
    } catch (_e) {
      // not this library's call
    }
  }
  // CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112
  const sgemm: F32GemmKernel = (g) => {
    const [transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc] = g;
    // koffi passes a typed array as a pointer to its first element: views from each offset
    const a = aOff === 0 ? A : A.subarray(aOff);
    const b = bOff === 0 ? B : B.subarray(bOff);
    const c = cOff === 0 ? C : C.subarray(cOff);
    f(101, transA ? 112 : 111, transB ? 112 : 111, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc);
  };
  return { vendor, path, sgemm, setThreads };
}

let loaded: NativeBlas | null | undefined;
let why = '';

/**
 * The machine's BLAS (loaded once, one BLAS thread to start with), or null where koffi
 * or a BLAS library is missing. `LONGSHORT_BLAS` names a library file to use instead of
 * the search; a ConfigError if that file does not load.
 */
export function nativeBlas(): NativeBlas | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  const proc = nodeProcess();
  const koffi = loadKoffi();
  if (koffi === null) {
    why = 'koffi (an optional dependency) is not installed, or this is not Node';
    return null;
  }
  const explicit = proc?.env?.LONGSHORT_BLAS;
  if (explicit !== undefined && explicit !== '') {
    try {
      loaded = bind(koffi, explicit);
    } catch (e) {
      throw new ConfigError(
        `LONGSHORT_BLAS: must name a BLAS library with cblas_sgemm; expected a loadable file, got ${explicit} (${(e as Error).message})`,
      );
    }
  } else {
    for (const name of CANDIDATES[proc?.platform ?? ''] ?? []) {
      try {
        loaded = bind(koffi, name);
        break;
      } catch (_e) {
        // try the next name
      }
    }
    if (loaded === null)
      why = `no BLAS library found (tried ${(CANDIDATES[proc?.platform ?? ''] ?? []).join(', ')}; set LONGSHORT_BLAS)`;
  }
  loaded?.setThreads(1);
  return loaded;
}

/** Why `nativeBlas()` is null ('' when it loaded or was not probed yet). */
export function nativeBlasMissingReason(): string {
  return loaded === null ? why : '';
}
