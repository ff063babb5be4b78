/*
 * HDF5 through h5wasm, loaded on first use (a bundle that never reads Keras files
 * never loads it): a whole file read into a small tree of groups, float datasets and
 * attributes, and such a tree written back as bytes.
 */
import { FormatError, UnsupportedError } from '../../core/errors.js';

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

function attrsOf(obj: { attrs: Record<string, { value: unknown }> }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, a] of Object.entries(obj.attrs)) out[k] = a.value;
  return out;
}

/**
 * Reads a whole HDF5 file (bytes) into a tree. Float and integer datasets become
 * Float32Array; a dataset whose declared size exceeds the file is a FormatError
 * before anything is read.
 * @throws FormatError naming `file` for bytes that are not HDF5 or an unreadable dataset
 */
export async function readH5(bytes: Uint8Array, file: string): Promise<H5Group> {
  const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 8 || sig.some((b, i) => bytes[i] !== b)) {
    throw new FormatError(
      `${file}: not an HDF5 file; expected the signature \\x89HDF\\r\\n\\x1a\\n, got ${Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ')}`,
    );
  }
  const m = await h5();
  const FS = m.FS as unknown as { writeFile(p: string, d: Uint8Array): void; unlink(p: string): void };
  const name = `/longshort-read-${counter++}.h5`;
  FS.writeFile(name, bytes);
  const f = new m.File(name, 'r');
  try {
    const walk = (g: InstanceType<H5Module['Group']>, path: string): H5Group => {
      const out = group(attrsOf(g as never));
      for (const key of g.keys()) {
        const child = g.get(key);
        const where = `${path}/${key}`;
        if (child instanceof m.Group) out.children.set(key, walk(child, where));
        else if (child instanceof m.Dataset) {
          const shape = child.shape ?? [];
          const n = shape.reduce((a, b) => a * b, 1);
          const size = child.metadata.size;
          if (n * size > bytes.length) {
            throw new FormatError(
              `${file}: dataset ${where} declares ${n} values of ${size} bytes; expected at most the file's ${bytes.length} bytes, got ${n * size}`,
            );
          }
          const v = child.value;
          if (!(ArrayBuffer.isView(v) && !(v instanceof DataView))) {
            throw new UnsupportedError(
              `${file}: dataset ${where} must hold numbers; expected a float or integer dataset, got dtype ${String(child.dtype)}`,
            );
          }
          const data = Float32Array.from(v as unknown as ArrayLike<number>);
          out.children.set(key, { kind: 'dataset', shape, data, attrs: attrsOf(child as never) });
        }
      }
      return out;
    };
    return walk(f, '');
  } finally {
    f.close();
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
