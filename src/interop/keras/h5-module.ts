/*
 * The h5wasm module, loaded on first use (a bundle that never reads Keras files never
 * loads it), with HDF5's error output kept for error messages instead of printed, and
 * replaced by a fresh instance after a trap.
 */
/** h5wasm's module: File, Group, Dataset, FS, the Emscripten Module. */
export type H5Module = typeof import('h5wasm');

let loading: Promise<H5Module> | null = null;
let counter = 0;
let instances = 0;

/** The last few KB HDF5 printed to stderr (its error stack), kept instead of printed. */
let diagnostics = '';

/**
 * Sends what the module writes to stderr (HDF5's error stack on every failure, several
 * KB each) to `diagnostics` instead of the console: a bad file is reported once, as a
 * FormatError, and a long run of bad files does not pile up output.
 */
function quiet(m: H5Module): H5Module {
  const FS = m.FS as unknown as {
    getStream(fd: number): { stream_ops: Record<string, unknown> } | null;
  };
  const stream = FS.getStream(2);
  if (stream !== null) {
    const decoder = new TextDecoder();
    stream.stream_ops = {
      ...stream.stream_ops,
      write: (_s: unknown, buffer: Uint8Array, offset: number, length: number): number => {
        diagnostics = (diagnostics + decoder.decode(buffer.subarray(offset, offset + length))).slice(-4096);
        return length;
      },
      fsync: (): number => 0,
    };
  }
  return m;
}

/** The innermost error HDF5 reported since `diagnostics` was cleared ('H5HG_read(): ...'), or ''. */
export function hdf5Reason(): string {
  const lines = [...diagnostics.matchAll(/ in (\w+\(\)): (.*)$/gm)];
  const last = lines[lines.length - 1];
  return last === undefined ? '' : ` (${last[1]}: ${last[2].trim().slice(0, 120)})`;
}

async function ready(module: Promise<H5Module>): Promise<H5Module> {
  const m = await module;
  await m.ready;
  return quiet(m);
}

/** The h5wasm module, loaded and made quiet on first use. */
export async function h5(): Promise<H5Module> {
  // a literal specifier, so that bundlers see the (lazy) dependency
  loading ??= ready(import('h5wasm'));
  return loading;
}

/**
 * Drops the HDF5 module after the wasm code trapped or aborted (its heap may be corrupt):
 * the next read loads a fresh instance (a second copy of the package's module, under a
 * query string: the old one stays in the module cache with its heap, tens of MB per
 * trap; there was none in the first 10,000 inputs of `npm run fuzz -- --loaders h5`).
 * Where the runtime cannot load a second instance (no import.meta.resolve), the same
 * module is kept.
 */
export function discardH5(): void {
  const resolve = (import.meta as { resolve?: (s: string) => string }).resolve;
  if (typeof resolve !== 'function') return;
  let url: string;
  try {
    url = `${resolve('h5wasm')}?instance=${++instances}`;
  } catch {
    return;
  }
  loading = ready(import(/* @vite-ignore */ url) as Promise<H5Module>);
}

/** Forgets what HDF5 reported so far (before a read, so that hdf5Reason names its errors). */
export function clearDiagnostics(): void {
  diagnostics = '';
}

/** A fresh path in the module's in-memory file system for a file being read or written. */
export function tempPath(use: 'read' | 'write'): string {
  return `/longshort-${use}-${counter++}.h5`;
}
