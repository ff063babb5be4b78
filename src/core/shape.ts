import { ShapeError } from './errors.js';

/**
 * A tensor shape: sizes from the outermost to the innermost dimension.
 *
 * @example
 * const s: Shape = [2, 3, 4];
 * zeros(s).numel(); // 24
 */
export type Shape = readonly number[];

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function numel(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Row-major strides of a contiguous tensor of this shape. */
export function stridesOf(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i];
  }
  return st;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks that every size is a non-negative integer. */
export function checkShape(shape: Shape, op: string): void {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) {
      throw new ShapeError(`${op}: sizes must be non-negative integers; got ${formatShape(shape)}`);
    }
  }
}

/** NumPy/PyTorch broadcasting of two shapes. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new ShapeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast; ` +
          `expected size ${da} or 1 at dimension ${i - n}, got ${db}`,
      );
    }
  }
  return out;
}

/** Turns a possibly negative dim into an index in [0, rank). */
export function normalizeDim(dim: number, rank: number, op: string): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r) {
    throw new ShapeError(`${op}: dim out of range; expected an integer in [${-r}, ${r - 1}], got ${dim}`);
  }
  return dim < 0 ? dim + r : dim;
}

/** Resolves a single -1 in a requested shape against a number of elements. */
export function inferShape(requested: Shape, total: number, op: string): number[] {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < requested.length; i++) {
    const s = requested[i];
    if (s === -1) {
      if (infer >= 0)
        throw new ShapeError(`${op}: only one dimension can be -1; got ${formatShape(requested)}`);
      infer = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new ShapeError(`${op}: invalid size ${s} in ${formatShape(requested)}`);
    } else known *= s;
  }
  const out = requested.slice();
  if (infer >= 0) {
    if (known === 0 || total % known !== 0) {
      throw new ShapeError(`${op}: shape ${formatShape(requested)} is invalid for input of size ${total}`);
    }
    out[infer] = total / known;
  } else if (known !== total) {
    throw new ShapeError(
      `${op}: shape ${formatShape(requested)} is invalid for input of size ${total}; expected ${total} elements, got ${known}`,
    );
  }
  return out;
}
