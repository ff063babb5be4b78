/*
 * HDF5 through h5wasm, loaded on first use (a bundle that never reads Keras files
 * never loads it): a whole file read into a small tree of groups, float datasets and
 * attributes, and such a tree written back as bytes.
 */
import { FormatError, UnsupportedError } from '../../core/errors.js';
import { checkH5GlobalHeaps } from './h5-check.js';

/** An HDF5 dataset read as float32 (or int32 for integer data), row-major. */
export interface H5Dataset {
  readonly kind: 'dataset';
  readonly shape: readonly number[];
  readonly data: Float32Array;
  readonly attrs: Record<string, unknown>;
}

/** An HDF5 group: its members by name and its attributes. */
export interface H5Group {
  readonly kind: 'group';
  readonly children: Map<string, H5Group | H5Dataset>;
  readonly attrs: Record<string, unknown>;
}

type H5Module = typeof import('h5wasm');
let loading: Promise<H5Module> | null = null;
let counter = 0;

async function h5(): Promise<H5Module> {
  loading ??= import('h5wasm').then(async (m) => {
    await m.ready;
    return m;
  });
  return loading;
}

/** A new empty group. */
export function group(attrs: Record<string, unknown> = {}): H5Group {
  return { kind: 'group', children: new Map(), attrs };
}

/** The group at `path` ('a/b/c') below `g`, created as needed. */
export function groupAt(g: H5Group, path: string): H5Group {
  let cur = g;
  for (const part of path.split('/').filter((p) => p !== '')) {
    let next = cur.children.get(part);
    if (next === undefined) {
      next = group();
      cur.children.set(part, next);
    }
    if (next.kind !== 'group') throw new FormatError(`h5: ${path} is a dataset, not a group`);
    cur = next;
  }
  return cur;
}

/** The member at `path` below `g`, or undefined. */
export function memberAt(g: H5Group, path: string): H5Group | H5Dataset | undefined {
  let cur: H5Group | H5Dataset = g;
  for (const part of path.split('/').filter((p) => p !== '')) {
    if (cur.kind !== 'group') return undefined;
    const next: H5Group | H5Dataset | undefined = cur.children.get(part);
    if (next === undefined) return undefined;
    cur = next;
  }
  return cur;
}

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
}

/** A FormatError for a failure inside h5wasm (which throws plain Errors), naming the file and object. */
function h5Failure(file: string, where: string, e: unknown): Error {
  if (e instanceof FormatError || e instanceof UnsupportedError) return e;
  const first = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 200);
  const err = new FormatError(`${file}: HDF5 object ${where || '/'} must be readable; got ${first}`);
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
  const name = `/longshort-read-${counter++}.h5`;
  FS.writeFile(name, bytes);
  let f: InstanceType<H5Module['File']> | null = null;
  let members = 0;
  const count = (where: string): void => {
    if (++members > MAX_MEMBERS)
      throw new FormatError(
        `${file}: an HDF5 model file must have at most ${MAX_MEMBERS} groups, datasets and attributes; got more at ${where}`,
      );
  };
  const attrsOf = (obj: { attrs: Record<string, unknown> }, where: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, a] of Object.entries(obj.attrs) as [string, { metadata: H5Meta; value: unknown }][]) {
      count(`${where}@${k}`);
      declaredBytes(file, `attribute ${where || '/'}@${k}`, a.metadata, bytes.length);
      out[k] = a.value;
    }
    return out;
  };
  let where = '';
  try {
    f = new m.File(name, 'r');
    if (typeof f.file_id !== 'bigint' && typeof f.file_id !== 'number') throw new Error('no file id');
    if (Number(f.file_id) < 0) throw new Error('HDF5 could not open the file');
    const walk = (g: InstanceType<H5Module['Group']>, path: string, depth: number): H5Group => {
      where = path;
      if (depth > MAX_DEPTH)
        throw new FormatError(`${file}: HDF5 groups must nest at most ${MAX_DEPTH} deep; got ${path}`);
      const out = group(attrsOf(g as never, path));
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
          const v = child.value;
          if (
            !(ArrayBuffer.isView(v) && !(v instanceof DataView)) ||
            (v as unknown as ArrayLike<number>).length !== n
          ) {
            throw new FormatError(
              `${file}: dataset ${at} must hold ${n} numbers; got ${ArrayBuffer.isView(v) ? (v as unknown as ArrayLike<number>).length : typeof v}`,
            );
          }
          const data = Float32Array.from(v as unknown as ArrayLike<number>);
          where = at;
          out.children.set(key, {
            kind: 'dataset',
            shape: [...(meta.shape ?? [])],
            data,
            attrs: attrsOf(child as never, at),
          });
        }
      }
      return out;
    };
    return walk(f, '', 0);
  } catch (e) {
    throw h5Failure(file, where, e);
  } finally {
    try {
      f?.close();
    } catch {
      // a file HDF5 could not open has nothing to close
    }
    FS.unlink(name);
  }
}

/**
 * Writes a tree as HDF5 bytes: datasets as little-endian float32, string attributes as
 * strings, string-array attributes as arrays of variable-length strings.
 */
export async function writeH5(root: H5Group): Promise<Uint8Array> {
  const m = await h5();
  const FS = m.FS as unknown as { readFile(p: string): Uint8Array; unlink(p: string): void };
  const name = `/longshort-write-${counter++}.h5`;
  const f = new m.File(name, 'w');
  try {
    const setAttrs = (
      target: { create_attribute(n: string, d: never, s?: number[] | null, t?: string | null): void },
      attrs: Record<string, unknown>,
    ): void => {
      for (const [k, v] of Object.entries(attrs)) {
        if (Array.isArray(v) && v.length === 0)
          target.create_attribute(k, new Float64Array(0) as never, [0], '<d');
        else target.create_attribute(k, v as never);
      }
    };
    const walk = (src: H5Group, dst: InstanceType<H5Module['Group']>): void => {
      setAttrs(dst as never, src.attrs);
      for (const [key, child] of src.children) {
        if (child.kind === 'group') walk(child, dst.create_group(key));
        else {
          const ds = dst.create_dataset({
            name: key,
            data: child.data,
            shape: [...child.shape],
            dtype: '<f',
          });
          setAttrs(ds as never, child.attrs);
        }
      }
    };
    walk(root, f);
    f.flush();
  } finally {
    f.close();
  }
  const out = FS.readFile(name).slice();
  FS.unlink(name);
  return out;
}
