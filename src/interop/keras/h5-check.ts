/*
 * Checks of HDF5 bytes done before they reach h5wasm: the HDF5 library walks a global
 * heap collection (where variable-length strings such as Keras' model_config live) by
 * each object's declared size, and a size of 0, or one past the collection's end, makes
 * that walk loop forever in 32-bit wasm. Every collection is walked here first.
 */
import { FormatError } from '../../core/errors.js';

function uint(view: DataView, at: number, bytes: number): number {
  if (bytes === 2) return view.getUint16(at, true);
  if (bytes === 4) return view.getUint32(at, true);
  const v = view.getBigUint64(at, true);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(v);
}

/**
 * Throws a FormatError naming `file` when a global heap collection ('GCOL') in `bytes`
 * declares a size past the file's end or holds an object whose size is 0 or runs past
 * the collection's end.
 */
export function checkH5GlobalHeaps(bytes: Uint8Array, file: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // the superblock's "size of lengths": byte 14 for versions 0 and 1, byte 10 for 2 and 3
  const version = bytes[8];
  const lengths = version <= 1 ? bytes[14] : bytes[10];
  if (lengths !== 2 && lengths !== 4 && lengths !== 8)
    throw new FormatError(`${file}: the HDF5 superblock's size of lengths must be 2, 4 or 8; got ${lengths}`);
  const objHeader = 8 + lengths;
  for (
    let o = bytes.indexOf(0x47, 8);
    o >= 0 && o + 8 + lengths <= bytes.length;
    o = bytes.indexOf(0x47, o + 1)
  ) {
    if (bytes[o + 1] !== 0x43 || bytes[o + 2] !== 0x4f || bytes[o + 3] !== 0x4c || bytes[o + 4] !== 1)
      continue;
    const size = uint(view, o + 8, lengths);
    const where = `the global heap collection at byte ${o}`;
    if (size < 8 + lengths || o + size > bytes.length)
      throw new FormatError(
        `${file}: ${where} must fit in the file; expected at most ${bytes.length - o} bytes, got ${size}`,
      );
    const end = o + size;
    let p = o + 8 + lengths;
    while (p + objHeader <= end) {
      const index = view.getUint16(p, true);
      const objSize = uint(view, p + 8, lengths);
      const need = index > 0 ? objHeader + Math.ceil(objSize / 8) * 8 : objSize;
      if (!(need > 0) || p + need > end)
        throw new FormatError(
          `${file}: ${where}: object ${index} at byte ${p} must lie inside the collection; expected a size in (0, ${end - p}], got ${need}`,
        );
      p += need;
    }
  }
}
