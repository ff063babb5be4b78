/*
 * Raw tensor bytes (little-endian, any alignment) to the typed arrays longshort's tensors
 * hold: float32 (F32, F16, BF16), float64 (F64), int32 (I32, and the narrower or wider
 * integer and boolean types). Shared by the safetensors and PyTorch checkpoint readers.
 */

/** Element types on disk. */
export type ElementType = 'F32' | 'F64' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** Bytes per element. */
export const ELEMENT_SIZE: Readonly<Record<ElementType, number>> = {
  F32: 4,
  F64: 8,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** Whether this machine stores numbers little-endian (the on-disk order). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function copyBytes(raw: Uint8Array): ArrayBuffer {
  const out = new Uint8Array(raw.length);
  out.set(raw);
  return out.buffer;
}

/**
 * Decodes `raw` (a whole number of elements) into a fresh typed array. An I64 value
 * outside int32 calls `overflow(index, value)`, which must throw.
 */
export function decodeElements(
  raw: Uint8Array,
  type: ElementType,
  overflow: (index: number, value: bigint) => never,
): Float32Array | Float64Array | Int32Array {
  const count = raw.length / ELEMENT_SIZE[type];
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (type) {
    case 'F32':
      return LITTLE_ENDIAN
        ? new Float32Array(copyBytes(raw))
        : readEach(new Float32Array(count), (i) => dv.getFloat32(4 * i, true));
    case 'F64':
      return LITTLE_ENDIAN
        ? new Float64Array(copyBytes(raw))
        : readEach(new Float64Array(count), (i) => dv.getFloat64(8 * i, true));
    case 'I32':
      return LITTLE_ENDIAN
        ? new Int32Array(copyBytes(raw))
        : readEach(new Int32Array(count), (i) => dv.getInt32(4 * i, true));
    case 'F16': {
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) {
        const h = raw[2 * i] | (raw[2 * i + 1] << 8);
        const sign = (h & 0x8000) << 16;
        const exp = (h >> 10) & 0x1f;
        const frac = h & 0x3ff;
        if (exp === 0) {
          out[i] = frac * 2 ** -24 * (sign ? -1 : 1); // zero or subnormal, exact in float32
        } else if (exp === 31) {
          bits[i] = (sign | 0x7f800000 | (frac << 13)) >>> 0; // inf / NaN (payload kept)
        } else {
          bits[i] = (sign | ((exp + 112) << 23) | (frac << 13)) >>> 0;
        }
      }
      return out;
    }
    case 'BF16': {
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = ((raw[2 * i] | (raw[2 * i + 1] << 8)) << 16) >>> 0;
      return out;
    }
    case 'I64': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const lo = dv.getInt32(8 * i, true);
        const hi = dv.getInt32(8 * i + 4, true);
        if (hi !== lo >> 31) overflow(i, dv.getBigInt64(8 * i, true));
        out[i] = lo;
      }
      return out;
    }
    case 'I16': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getInt16(2 * i, true);
      return out;
    }
    case 'I8': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getInt8(i);
      return out;
    }
    case 'U8':
    case 'BOOL':
      return Int32Array.from(raw);
  }
}

/** Fills `out` with `read(i)` for every index (the big-endian host's path). */
function readEach<T extends Float32Array | Float64Array | Int32Array>(
  out: T,
  read: (i: number) => number,
): T {
  for (let i = 0; i < out.length; i++) out[i] = read(i);
  return out;
}
