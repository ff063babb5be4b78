// Builders of small hostile files for the loader regression tests and the fuzz seeds:
// pickles from opcodes, zip archives with chosen (possibly lying) fields.
import { deflateSync } from 'fflate';

import { crc32 } from '../../src/io/zip-read.js';

/** Concatenates byte pieces: numbers are single bytes, strings latin-1. */
export function bytes(...parts: Array<number | string | Uint8Array | number[]>): Uint8Array {
  const chunks: Uint8Array[] = parts.map((p) =>
    typeof p === 'number'
      ? Uint8Array.of(p)
      : typeof p === 'string'
        ? Uint8Array.from(p, (c) => c.charCodeAt(0) & 0xff)
        : Uint8Array.from(p),
  );
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function u32le(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

export function i32le(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return b;
}

function u16le(v: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v, true);
  return b;
}

function u64le(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
}

/** A SHORT_BINUNICODE string opcode. */
export function str(s: string): Uint8Array {
  return bytes(0x8c, s.length, s);
}

/** BININT. */
export function int(v: number): Uint8Array {
  return bytes(0x4a, i32le(v));
}

/**
 * A pickle (protocol 2) of `torch._utils._rebuild_tensor_v2(storage, offset, size, stride)`
 * over a FloatStorage with key '0' of `numel` elements.
 */
export function tensorPickle(numel: number, size: number[], stride: number[], offset = 0): Uint8Array {
  const tuple = (xs: number[]): Uint8Array => bytes(0x28, ...xs.map(int), 0x74);
  return bytes(
    0x80,
    2,
    0x63,
    'torch._utils\n_rebuild_tensor_v2\n',
    0x28, // MARK (args)
    0x28,
    str('storage'),
    0x63,
    'torch\nFloatStorage\n',
    str('0'),
    str('cpu'),
    int(numel),
    0x74,
    0x51, // BINPERSID
    int(offset),
    tuple(size),
    tuple(stride),
    0x89, // requires_grad False
    0x74,
    0x52, // TUPLE, REDUCE
    0x2e,
  );
}

/** One record of `zip`. */
export interface ZipRecord {
  name: string;
  data: Uint8Array;
  /** 8 = deflate; default 0 (stored, as torch.save writes). */
  method?: 0 | 8;
  /** Overrides the uncompressed size stated in both headers. */
  statedSize?: number;
  /** Overrides the CRC-32 stated in both headers. */
  crc?: number;
}

/** A zip archive; `zip64Count` writes a zip64 end record stating that many entries. */
export function zip(records: ZipRecord[], options: { zip64Count?: bigint } = {}): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const r of records) {
    const method = r.method ?? 0;
    const body = method === 8 ? deflateSync(r.data) : r.data;
    const size = r.statedSize ?? r.data.length;
    const crc = r.crc ?? crc32(r.data);
    const common = bytes(
      u16le(20),
      u16le(0),
      u16le(method),
      u16le(0),
      u16le(0),
      u32le(crc),
      u32le(body.length),
      u32le(size),
      u16le(r.name.length),
    );
    const local = bytes(u32le(0x04034b50), common, u16le(0), r.name, body);
    centrals.push(
      bytes(
        u32le(0x02014b50),
        u16le(20),
        common,
        u16le(0),
        u16le(0),
        u16le(0),
        u16le(0),
        u32le(0),
        u32le(offset),
        r.name,
      ),
    );
    locals.push(local);
    offset += local.length;
  }
  const cd = bytes(...centrals);
  const cdOffset = offset;
  const tail: Uint8Array[] = [];
  if (options.zip64Count !== undefined) {
    const rec = cdOffset + cd.length;
    tail.push(
      bytes(
        u32le(0x06064b50),
        u64le(44n),
        u16le(45),
        u16le(45),
        u32le(0),
        u32le(0),
        u64le(options.zip64Count),
        u64le(options.zip64Count),
        u64le(BigInt(cd.length)),
        u64le(BigInt(cdOffset)),
      ),
    );
    tail.push(bytes(u32le(0x07064b50), u32le(0), u64le(BigInt(rec)), u32le(1)));
    tail.push(
      bytes(
        u32le(0x06054b50),
        u16le(0),
        u16le(0),
        u16le(0xffff),
        u16le(0xffff),
        u32le(cd.length),
        u32le(0xffffffff),
        u16le(0),
      ),
    );
  } else {
    tail.push(
      bytes(
        u32le(0x06054b50),
        u16le(0),
        u16le(0),
        u16le(records.length),
        u16le(records.length),
        u32le(cd.length),
        u32le(cdOffset),
        u16le(0),
      ),
    );
  }
  return bytes(...locals, cd, ...tail);
}

/** A torch.save-like archive of `pickle` (as archive/data.pkl) and storages `data/<key>`. */
export function ptArchive(
  pickle: Uint8Array,
  storages: Record<string, Uint8Array> = {},
  method: 0 | 8 = 0,
): Uint8Array {
  return zip([
    { name: 'archive/data.pkl', data: pickle, method },
    { name: 'archive/byteorder', data: bytes('little') },
    ...Object.entries(storages).map(([k, v]) => ({ name: `archive/data/${k}`, data: v, method })),
  ]);
}
