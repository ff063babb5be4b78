/*
 * A whole HDF5 file (bytes) read through h5wasm into the tree of h5-tree.ts, every
 * declared size checked before it is read.
 */
import { FormatError, UnsupportedError } from '../../core/errors.js';
import { checkH5GlobalHeaps } from './h5-check.js';
import { clearDiagnostics, discardH5, h5, hdf5Reason, tempPath, type H5Module } from './h5-module.js';
import { group, type H5Group } from './h5-tree.js';

/** The most members (groups, datasets, attributes) and the deepest nesting `readH5` accepts. */
const MAX_MEMBERS = 100_000;
const MAX_DEPTH = 64;
// HDF5 type classes (H5T_INTEGER, H5T_FLOAT): the only datasets read as numbers
const NUMERIC_CLASSES = new Set([0, 1]);

interface H5Meta {
  readonly shape?: readonly number[] | null;
  readonly size?: number;
  readonly type?: number;
  readonly vlen?: boolean;
  readonly signed?: boolean;
  readonly littleEndian?: boolean;
  readonly cset?: number;
}

/** The low-level functions of h5wasm's Emscripten module that `readH5` calls directly. */
interface H5Low {
  readonly HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(p: number): void;
  get_attribute_names(fileId: bigint, path: string): string[];
  get_attribute_metadata(fileId: bigint, path: string, name: string): H5Meta;
  get_attribute_data(fileId: bigint, path: string, name: string, ptr: bigint): number;
  reclaim_vlen_memory(fileId: bigint, path: string, name: string, ptr: bigint): number;
  get_dataset_metadata(fileId: bigint, path: string): H5Meta;
  get_dataset_data(
    fileId: bigint,
    path: string,
    count: null,
    offset: null,
    strides: null,
    ptr: bigint,
  ): number;
}

// HDF5 type class H5T_STRING: the only non-numeric attributes read
const STRING_CLASS = 3;

/** A typed array over `bytes` for an HDF5 integer or float of `size` bytes, or null for other widths. */
function numbersOf(bytes: Uint8Array, meta: H5Meta): ArrayLike<number | bigint> | null {
  const b = bytes.buffer;
  const size = meta.size;
  if (meta.type === 1) return size === 4 ? new Float32Array(b) : size === 8 ? new Float64Array(b) : null;
  const signed = meta.signed === true;
  if (size === 1) return signed ? new Int8Array(b) : new Uint8Array(b);
  if (size === 2) return signed ? new Int16Array(b) : new Uint16Array(b);
  if (size === 4) return signed ? new Int32Array(b) : new Uint32Array(b);
  if (size === 8) return signed ? new BigInt64Array(b) : new BigUint64Array(b);
  return null;
}

/**
 * Reads `nbytes` of one attribute's or dataset's data through h5wasm's low-level
 * functions into a zeroed buffer and checks HDF5's status. (h5wasm's own readers ignore
 * the status: a variable-length string pointing at a missing or mismatched global heap
 * object then leaves uninitialised pointers that it dereferences and frees, corrupting
 * the wasm heap.) `take` copies what it needs out of the wasm heap while it is valid.
 */
function readRaw<T>(
  M: H5Low,
  nbytes: number,
  what: string,
  read: (ptr: bigint) => number,
  reclaim: ((ptr: bigint) => void) | null,
  take: (ptr: number) => T,
): T {
  const ptr = M._malloc(Math.max(nbytes, 1));
  if (ptr === 0) throw new FormatError(`${what}: could not allocate ${nbytes} bytes in the HDF5 module`);
  try {
    M.HEAPU8.fill(0, ptr, ptr + nbytes);
    const status = read(BigInt(ptr));
    // on failure HDF5 may have freed what it converted: nothing is reclaimed then (a small leak)
    if (status < 0)
      throw new FormatError(`${what} must be readable; HDF5 returned status ${status}${hdf5Reason()}`);
    try {
      return take(ptr);
    } finally {
      reclaim?.(BigInt(ptr));
    }
  } finally {
    M._free(ptr);
  }
}

/** The string at `ptr` in the wasm heap, at most `limit` bytes, or '' for a null pointer. */
function cString(M: H5Low, ptr: number, limit: number, what: string): string {
  if (ptr === 0) return '';
  const heap = M.HEAPU8;
  if (ptr >= heap.length)
    throw new FormatError(`${what}: a string pointer lies outside the HDF5 module's memory`);
  const end = heap.indexOf(0, ptr);
  if (end < 0 || end - ptr > limit)
    throw new FormatError(`${what}: a string must be at most ${limit} bytes; got more`);
  return new TextDecoder().decode(heap.subarray(ptr, end));
}

/** A FormatError for a failure inside h5wasm (which throws plain Errors), naming the file and object. */
function h5Failure(file: string, where: string, e: unknown): Error {
  if (e instanceof FormatError || e instanceof UnsupportedError) return e;
  const first = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 200);
  const err = new FormatError(
    `${file}: HDF5 object ${where || '/'} must be readable; got ${first}${hdf5Reason()}`,
  );
  (err as { cause?: unknown }).cause = e;
  return err;
}

/** The number of bytes `meta` declares, checked against the file's size before anything is read. */
function declaredBytes(file: string, what: string, meta: H5Meta, fileBytes: number): number {
  const shape = meta.shape ?? [];
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0)
      throw new FormatError(
        `${file}: ${what} must have a non-negative integer shape; got [${shape.join(', ')}]`,
      );
    n *= d;
  }
  const size = meta.size ?? 0;
  const total = n * size;
  if (!Number.isFinite(total) || total > fileBytes) {
    throw new FormatError(
      `${file}: ${what} declares ${n} values of ${size} bytes; expected at most the file's ${fileBytes} bytes, got ${total}`,
    );
  }
  return n;
}

/**
 * One attribute's value: a string or number for a scalar, an array of them otherwise;
 * null for a null dataspace and for types other than strings and numbers (Keras writes
 * none). Sizes are checked against the file's before anything is read.
 */
function readAttribute(
  M: H5Low,
  fileId: bigint,
  path: string,
  name: string,
  file: string,
  fileBytes: number,
): unknown {
  const what = `${file}: attribute ${path}@${name}`;
  const meta = M.get_attribute_metadata(fileId, path, name);
  if (meta.shape === null || meta.shape === undefined) return null;
  const n = declaredBytes(file, `attribute ${path}@${name}`, meta, fileBytes);
  const size = meta.size ?? 0;
  const scalar = meta.shape.length === 0;
  const one = <T>(values: T[]): T | T[] => (scalar ? values[0] : values);
  const vlenString = meta.type === STRING_CLASS && meta.vlen === true;
  let nbytes = n * size;
  let take: (ptr: number) => unknown;
  if (vlenString) {
    // an array of char* into the wasm heap, which HDF5 allocated and reclaim frees
    nbytes = n * 4;
    take = (ptr) =>
      one(
        Array.from(new Uint32Array(M.HEAPU8.slice(ptr, ptr + nbytes).buffer), (p) =>
          cString(M, p, fileBytes, what),
        ),
      );
  } else if (meta.type === STRING_CLASS) {
    take = (ptr) => {
      const raw = M.HEAPU8.slice(ptr, ptr + nbytes);
      const out: string[] = [];
      for (let i = 0; i < n; i++) {
        let s = raw.subarray(i * size, (i + 1) * size);
        const z = s.indexOf(0);
        if (z >= 0) s = s.subarray(0, z);
        out.push(new TextDecoder().decode(s));
      }
      return one(out);
    };
  } else if (
    meta.vlen !== true &&
    (meta.type === 0 || meta.type === 1) &&
    numbersOf(new Uint8Array(size), meta) !== null
  ) {
    take = (ptr) => {
      const values = numbersOf(M.HEAPU8.slice(ptr, ptr + nbytes), meta) as ArrayLike<number | bigint>;
      return scalar ? values[0] : values;
    };
  } else return null;
  return readRaw(
    M,
    nbytes,
    what,
    (ptr) => M.get_attribute_data(fileId, path, name, ptr),
    vlenString ? (ptr) => M.reclaim_vlen_memory(fileId, path, name, ptr) : null,
    take,
  );
}

/** How far `readH5` lets the HDF5 module's memory grow: this many bytes plus HEAP_GROWTH_PER_BYTE per file byte. */
const HEAP_GROWTH_BASE = 64 * 2 ** 20;
const HEAP_GROWTH_PER_BYTE = 4;

/**
 * Makes every WebAssembly.Memory refuse to grow past `limit` bytes until the returned
 * function is called. Emscripten's heap growth catches the refusal and malloc returns
 * NULL. Only h5wasm runs wasm while the cap is on (readH5's HDF5 calls are synchronous),
 * and worker threads have their own WebAssembly objects.
 */
function capMemoryGrowth(limit: number): () => void {
  const proto = WebAssembly.Memory.prototype;
  const grow: (this: WebAssembly.Memory, delta: number) => number = Reflect.get(proto, 'grow');
  proto.grow = function (this: WebAssembly.Memory, delta: number): number {
    if (this.buffer.byteLength + delta * 65536 > limit)
      throw new RangeError(`longshort: HDF5 memory capped at ${limit} bytes`);
    return grow.call(this, delta);
  };
  return () => {
    proto.grow = grow;
  };
}

/**
 * Reads a whole HDF5 file (bytes) into a tree. Float and integer datasets become
 * Float32Array; every dataset's and attribute's declared size is checked against the
 * file's size, and the nesting and member count against fixed limits, before it is read.
 * @throws FormatError naming `file` and the object for bytes that are not HDF5 or cannot be read
 */
export async function readH5(bytes: Uint8Array, file: string): Promise<H5Group> {
  const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 8 || sig.some((b, i) => bytes[i] !== b)) {
    throw new FormatError(
      `${file}: not an HDF5 file; expected the signature \\x89HDF\\r\\n\\x1a\\n, got ${Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ')}`,
    );
  }
  checkH5GlobalHeaps(bytes, file);
  const m = await h5();
  const FS = m.FS as unknown as { writeFile(p: string, d: Uint8Array): void; unlink(p: string): void };
  const name = tempPath('read');
  FS.writeFile(name, bytes);
  let f: InstanceType<H5Module['File']> | null = null;
  let members = 0;
  const count = (where: string): void => {
    if (++members > MAX_MEMBERS)
      throw new FormatError(
        `${file}: an HDF5 model file must have at most ${MAX_MEMBERS} groups, datasets and attributes; got more at ${where}`,
      );
  };
  const M = m.Module as unknown as H5Low;
  let fileId = 0n;
  const attrsOf = (path: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const k of M.get_attribute_names(fileId, path || '/')) {
      count(`${path}@${k}`);
      out[k] = readAttribute(M, fileId, path || '/', k, file, bytes.length);
    }
    return out;
  };
  let where = '';
  clearDiagnostics();
  // HDF5 allocates what a file declares (a variable-length string's 4-byte length, a
  // chunk's size) before it can tell the declaration is wrong; the wasm heap may grow by
  // a bounded amount during this read, after which malloc fails and HDF5 reports an error
  const restore = capMemoryGrowth(M.HEAPU8.length + HEAP_GROWTH_BASE + HEAP_GROWTH_PER_BYTE * bytes.length);
  try {
    f = new m.File(name, 'r');
    if (typeof f.file_id !== 'bigint' && typeof f.file_id !== 'number') throw new Error('no file id');
    if (Number(f.file_id) < 0) throw new Error('HDF5 could not open the file');
    fileId = BigInt(f.file_id);
    const walk = (g: InstanceType<H5Module['Group']>, path: string, depth: number): H5Group => {
      where = path;
      if (depth > MAX_DEPTH)
        throw new FormatError(`${file}: HDF5 groups must nest at most ${MAX_DEPTH} deep; got ${path}`);
      const out = group(attrsOf(path));
      for (const key of g.keys()) {
        const at = `${path}/${key}`;
        where = at;
        count(at);
        const child = g.get(key);
        if (child instanceof m.Group) out.children.set(key, walk(child, at, depth + 1));
        else if (child instanceof m.Dataset) {
          const meta = child.metadata as H5Meta;
          const n = declaredBytes(file, `dataset ${at}`, meta, bytes.length);
          if (meta.vlen === true || meta.type === undefined || !NUMERIC_CLASSES.has(meta.type)) {
            throw new UnsupportedError(
              `${file}: dataset ${at} must hold numbers; expected a float or integer dataset, got dtype ${String(child.dtype)}`,
            );
          }
          const size = meta.size ?? 0;
          if (numbersOf(new Uint8Array(size), meta) === null)
            throw new UnsupportedError(
              `${file}: dataset ${at} must hold 1-, 2-, 4- or 8-byte numbers; got ${size}-byte values`,
            );
          const data = readRaw(
            M,
            n * size,
            `${file}: dataset ${at}`,
            (ptr) => M.get_dataset_data(fileId, at, null, null, null, ptr),
            null,
            (ptr) =>
              Float32Array.from(
                numbersOf(M.HEAPU8.slice(ptr, ptr + n * size), meta) as ArrayLike<number | bigint>,
                Number,
              ),
          );
          where = at;
          out.children.set(key, {
            kind: 'dataset',
            shape: [...(meta.shape ?? [])],
            data,
            attrs: attrsOf(at),
          });
        }
      }
      return out;
    };
    return walk(f, '', 0);
  } catch (e) {
    // a trap (out-of-bounds access, unreachable) or an Emscripten abort leaves the wasm
    // heap in an unknown state: the next read gets a fresh module
    if (e instanceof WebAssembly.RuntimeError) discardH5();
    throw h5Failure(file, where, e);
  } finally {
    try {
      f?.close();
    } catch {
      // a file HDF5 could not open has nothing to close
    }
    restore();
    FS.unlink(name);
  }
}
