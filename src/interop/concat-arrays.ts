// Joining typed arrays end to end: weight shards and file parts (bytes), ONNX weight
// blocks (float32).

/** `parts` copied one after another into `out`, which holds exactly their total length. */
function joinInto<T extends Uint8Array | Float32Array>(out: T, parts: readonly T[]): T {
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function totalLength(parts: readonly ArrayLike<number>[]): number {
  return parts.reduce((n, p) => n + p.length, 0);
}

/**
 * The byte arrays joined in order into one fresh array.
 * @example concatBytes([Uint8Array.of(1), Uint8Array.of(2, 3)]) // Uint8Array [1, 2, 3]
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return joinInto(new Uint8Array(totalLength(parts)), parts);
}

/**
 * The float32 arrays joined in order into one fresh array.
 * @example concatFloat32([Float32Array.of(1), Float32Array.of(2)]) // Float32Array [1, 2]
 */
export function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  return joinInto(new Float32Array(totalLength(parts)), parts);
}
