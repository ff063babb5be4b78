/*
 * The in-memory HDF5 tree readH5 returns and writeH5 takes: groups, float datasets and
 * attributes.
 */
import { FormatError } from '../../core/errors.js';

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
