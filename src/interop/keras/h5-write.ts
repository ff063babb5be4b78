/*
 * The HDF5 tree of h5-tree.ts written as HDF5 bytes through h5wasm.
 */
import { h5, tempPath, type H5Module } from './h5-module.js';
import type { H5Group } from './h5-tree.js';

/**
 * Writes a tree as HDF5 bytes: datasets as little-endian float32, string attributes as
 * strings, string-array attributes as arrays of variable-length strings.
 */
export async function writeH5(root: H5Group): Promise<Uint8Array> {
  const m = await h5();
  const FS = m.FS as unknown as { readFile(p: string): Uint8Array; unlink(p: string): void };
  const name = tempPath('write');
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
