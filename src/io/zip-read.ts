/*
 * A checking reader of zip archives (what `torch.save` writes): the end-of-central-
 * directory record (zip64 included) and every central entry are validated against the
 * file's bytes before anything is allocated or inflated; only the records the caller
 * asks for are extracted; a deflated record inflates in slices and stops at its stated
 * size; every extracted record's CRC-32 is checked.
 */
import { Inflate } from 'fflate';
import { FormatError, UnsupportedError } from '../core/errors.js';

/**
 * The most a deflated record may inflate to, in bytes (256 MiB). `torch.save` stores
 * its records uncompressed, so only a re-packed archive deflates, and a stated size
 * beyond this is a zip bomb rather than a checkpoint.
 *
 * @example parseTorchCheckpoint(bomb) // FormatError '... expected at most 268435456 (MAX_INFLATED_BYTES)'
 */
export const MAX_INFLATED_BYTES = 256 * 1024 * 1024;

/** Input bytes per inflate step: one step can produce at most ~1032x this. */
const INFLATE_SLICE = 16 * 1024;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The CRC-32 (zip's, IEEE 802.3) of `bytes`. @example crc32(new TextEncoder().encode('abc')) // 0x352441c2 */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Entry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

/**
 * The records of a zip archive whose names pass `want`, by name, extracted and checked.
 * @param source a name for messages (the path)
 * @throws FormatError for a malformed or corrupt archive (naming the record and field);
 *   UnsupportedError for encrypted records, multi-disk archives and compression methods
 *   other than stored and deflate.
 */
export function readZip(
  bytes: Uint8Array,
  want: (name: string) => boolean,
  source: string,
): Map<string, Uint8Array> {
  const fail = (msg: string): FormatError => new FormatError(`${source}: zip: ${msg}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  const u16 = (at: number): number => dv.getUint16(at, true);
  const u32 = (at: number): number => dv.getUint32(at, true);
  const u64 = (at: number, field: string): number => {
    const v = dv.getBigUint64(at, true);
    if (v > BigInt(n)) throw fail(`${field} is ${v}; expected at most the file size ${n}`);
    return Number(v);
  };
  // end of central directory: the last 22..65557 bytes
  let eocd = -1;
  for (let i = n - 22; i >= Math.max(0, n - 22 - 0xffff); i--) {
    if (u32(i) === 0x06054b50 && i + 22 + u16(i + 20) <= n) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw fail(`no end-of-central-directory record in ${n} bytes; expected a zip archive`);
  if (u16(eocd + 4) !== 0 || u16(eocd + 6) !== 0)
    throw new UnsupportedError(`${source}: zip: multi-disk archives are not supported`);
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  let cdEnd = eocd;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== 0x07064b50) throw fail('zip64 fields without a zip64 locator');
    const rec = u64(loc + 8, 'zip64 end record offset');
    if (rec + 56 > loc || u32(rec) !== 0x06064b50)
      throw fail(`zip64 end record offset ${rec} does not point at a zip64 end record`);
    count = u64(rec + 32, 'zip64 entry count');
    cdSize = u64(rec + 40, 'zip64 central directory size');
    cdOffset = u64(rec + 48, 'zip64 central directory offset');
    cdEnd = rec;
  }
  if (cdOffset + cdSize > cdEnd)
    throw fail(
      `central directory (offset ${cdOffset}, ${cdSize} bytes) runs past its end record at ${cdEnd}`,
    );
  if (count * 46 > cdSize)
    throw fail(
      `entry count ${count} cannot fit in a ${cdSize}-byte central directory (46 bytes each at least)`,
    );
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8');
  const entries = new Map<string, Entry>();
  let at = cdOffset;
  for (let e = 0; e < count; e++) {
    if (at + 46 > cdOffset + cdSize || u32(at) !== 0x02014b50)
      throw fail(`central entry ${e} at byte ${at}: bad signature or truncated`);
    const flags = u16(at + 8);
    const nameLen = u16(at + 28);
    const extraLen = u16(at + 30);
    const commentLen = u16(at + 32);
    const next = at + 46 + nameLen + extraLen + commentLen;
    if (next > cdOffset + cdSize)
      throw fail(`central entry ${e} at byte ${at} runs past the central directory`);
    const rawName = bytes.subarray(at + 46, at + 46 + nameLen);
    const name = (flags & 0x800 ? utf8 : latin1).decode(rawName);
    let compressed = u32(at + 20);
    let size = u32(at + 24);
    let offset = u32(at + 42);
    if (compressed === 0xffffffff || size === 0xffffffff || offset === 0xffffffff) {
      // zip64 extended information: the 0xffffffff fields in order (size, compressed, offset)
      let x = at + 46 + nameLen;
      const xEnd = x + extraLen;
      let found = false;
      while (x + 4 <= xEnd) {
        const id = u16(x);
        const len = u16(x + 2);
        if (x + 4 + len > xEnd) break;
        if (id === 0x0001) {
          let p = x + 4;
          const take = (field: string): number => {
            if (p + 8 > x + 4 + len) throw fail(`${name}: zip64 extra field too short for ${field}`);
            const v = u64(p, `${name}: zip64 ${field}`);
            p += 8;
            return v;
          };
          if (size === 0xffffffff) size = take('size');
          if (compressed === 0xffffffff) compressed = take('compressed size');
          if (offset === 0xffffffff) offset = take('offset');
          found = true;
          break;
        }
        x += 4 + len;
      }
      if (!found) throw fail(`${name}: 32-bit size fields at their maximum without a zip64 extra field`);
    }
    if (want(name)) {
      if (entries.has(name)) throw fail(`record ${JSON.stringify(name)} appears twice`);
      entries.set(name, { name, method: u16(at + 10), flags, crc: u32(at + 16), compressed, size, offset });
    }
    at = next;
  }
  const out = new Map<string, Uint8Array>();
  let inflated = 0;
  for (const en of entries.values()) {
    const where = `record ${JSON.stringify(en.name)}`;
    if (en.flags & 1) throw new UnsupportedError(`${source}: zip: ${where} is encrypted`);
    if (en.offset + 30 > cdOffset || u32(en.offset) !== 0x04034b50)
      throw fail(`${where}: local header offset ${en.offset} does not point at a local header`);
    const start = en.offset + 30 + u16(en.offset + 26) + u16(en.offset + 28);
    if (start + en.compressed > cdOffset)
      throw fail(
        `${where}: ${en.compressed} bytes at ${start} run past the central directory at ${cdOffset}`,
      );
    const data = bytes.subarray(start, start + en.compressed);
    let content: Uint8Array;
    if (en.method === 0) {
      if (en.size !== en.compressed)
        throw fail(
          `${where}: a stored record must state equal sizes; got ${en.compressed} stored and ${en.size} uncompressed`,
        );
      content = data;
    } else if (en.method === 8) {
      inflated += en.size;
      if (inflated > MAX_INFLATED_BYTES)
        throw fail(
          `${where}: deflated records would inflate to ${inflated} bytes; expected at most ${MAX_INFLATED_BYTES} (MAX_INFLATED_BYTES)`,
        );
      if (en.size > en.compressed * 1032 + 64)
        throw fail(
          `${where}: states ${en.size} bytes from ${en.compressed} deflated ones, more than deflate can produce`,
        );
      content = inflateChecked(data, en.size, (m) => fail(`${where}: ${m}`));
    } else {
      throw new UnsupportedError(
        `${source}: zip: ${where} uses compression method ${en.method}; expected 0 (stored) or 8 (deflate)`,
      );
    }
    const crc = crc32(content);
    if (crc !== en.crc)
      throw fail(
        `${where}: CRC-32 mismatch (the file is corrupt); expected ${hex8(en.crc)}, got ${hex8(crc)}`,
      );
    out.set(en.name, content);
  }
  return out;
}

function hex8(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}

/** Inflates `data` into exactly `size` bytes, stopping as soon as it would exceed them. */
function inflateChecked(data: Uint8Array, size: number, fail: (msg: string) => FormatError): Uint8Array {
  const out = new Uint8Array(size);
  let got = 0;
  let done = false;
  const inf = new Inflate((chunk, final) => {
    if (got + chunk.length > size) throw fail(`inflates past its stated size of ${size} bytes`);
    out.set(chunk, got);
    got += chunk.length;
    if (final) done = true;
  });
  try {
    for (let i = 0; i < data.length; i += INFLATE_SLICE)
      inf.push(data.subarray(i, i + INFLATE_SLICE), i + INFLATE_SLICE >= data.length);
    if (data.length === 0) inf.push(data, true);
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw fail(`invalid deflate data (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!done || got !== size) throw fail(`inflates to ${got} bytes; expected its stated ${size}`);
  return out;
}
