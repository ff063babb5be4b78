/*
 * The state of one unpickling (the bytes and position, the stack, the marks, the memo)
 * and the readers the opcodes share: fixed-width little-endian integers, length-prefixed
 * bytes, protocol 0's newline-terminated text arguments, stack and mark handling.
 * Every malformed input is a FormatError naming the source and the byte offset.
 */
import { FormatError } from '../core/errors.js';
import { describePickled, PickleGlobal, PickleObject, type PickleHooks } from './pickle-values.js';

/** The longest integer (LONG1 / LONG4 bytes, INT / LONG digits) accepted: torch writes small ones. */
const MAX_LONG_BYTES = 4096;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

/** A decimal float as Python's repr() writes it (protocol 0 FLOAT). */
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const SPECIAL_FLOATS: Record<string, number> = {
  nan: NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
};

export class PickleMachine {
  pos = 0;
  readonly stack: unknown[] = [];
  readonly marks: number[] = [];
  readonly memo = new Map<number, unknown>();
  /** Set by STOP: the value read. */
  done = false;
  result: unknown = undefined;
  private readonly dv: DataView;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: false });
  private readonly latin1 = new TextDecoder('latin1');

  constructor(
    readonly bytes: Uint8Array,
    readonly hooks: PickleHooks,
    readonly source: string,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(msg: string): FormatError {
    return new FormatError(`${this.source}: ${msg} (at byte ${this.pos})`);
  }

  need(n: number): void {
    if (n < 0) throw this.fail(`negative length ${n}; expected a length >= 0`);
    if (this.pos + n > this.bytes.length)
      throw this.fail(`truncated; expected ${n} more byte(s), got ${this.bytes.length - this.pos}`);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }

  /** A fixed-width field read by `get` at the position, `n` bytes. */
  private fixed<T>(n: number, get: (dv: DataView, at: number) => T): T {
    this.need(n);
    const v = get(this.dv, this.pos);
    this.pos += n;
    return v;
  }

  u16(): number {
    return this.fixed(2, (dv, at) => dv.getUint16(at, true));
  }

  u32(): number {
    return this.fixed(4, (dv, at) => dv.getUint32(at, true));
  }

  i32(): number {
    return this.fixed(4, (dv, at) => dv.getInt32(at, true));
  }

  u64(): number {
    const v = this.fixed(8, (dv, at) => dv.getBigUint64(at, true));
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.fail(`length ${v} is too large`);
    return Number(v);
  }

  /** A big-endian float64 (BINFLOAT). */
  f64be(): number {
    return this.fixed(8, (dv, at) => dv.getFloat64(at, false));
  }

  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  utf8Text(n: number): string {
    return this.utf8.decode(this.take(n));
  }

  latin1Text(n: number): string {
    return this.latin1.decode(this.take(n));
  }

  /** A protocol 0 argument: the bytes up to the next newline, as latin-1. */
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw this.fail('truncated; expected a newline-terminated argument');
    const s = this.latin1.decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }

  push(v: unknown): void {
    this.stack.push(v);
  }

  pop(): unknown {
    const { stack, marks } = this;
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1]))
      throw this.fail('stack underflow');
    return stack.pop();
  }

  /** The top `n` values, popped, bottom first: TUPLE2's `[a, b]`, REDUCE's `[callable, args]`. */
  popTop(n: number): unknown[] {
    const items = new Array<unknown>(n);
    for (let i = n - 1; i >= 0; i--) items[i] = this.pop();
    return items;
  }

  top(): unknown {
    if (this.stack.length === 0) throw this.fail('stack underflow');
    return this.stack[this.stack.length - 1];
  }

  popMark(): unknown[] {
    const m = this.marks.pop();
    if (m === undefined) throw this.fail('no MARK to pop to');
    return this.stack.splice(m);
  }

  /** A memo entry (GET / BINGET / LONG_BINGET). */
  recall(k: number): unknown {
    if (!this.memo.has(k)) throw this.fail(`memo key ${k} was never stored`);
    return this.memo.get(k);
  }

  /** A two's-complement little-endian integer (LONG1 / LONG4); a number when it fits 2^53. */
  longLE(b: Uint8Array): number | bigint {
    if (b.length === 0) return 0;
    if (b.length > MAX_LONG_BYTES)
      throw this.fail(`integer of ${b.length} bytes; expected at most ${MAX_LONG_BYTES}`);
    // one hex string and one BigInt parse: linear in the length (a byte-by-byte shift is quadratic)
    let hex = '';
    for (let i = b.length - 1; i >= 0; i--) hex += HEX[b[i]];
    let v = BigInt(`0x${hex}`);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return toInt(v);
  }

  /** A protocol 0 decimal integer argument (INT, LONG; LONG's trailing L allowed). */
  decimal(s: string, what: string): number | bigint {
    const t = s.trim().replace(/L$/, '');
    if (!/^[+-]?\d+$/.test(t) || t.length > MAX_LONG_BYTES)
      throw this.fail(`${what} argument must be a decimal integer; got ${JSON.stringify(t.slice(0, 40))}`);
    return toInt(BigInt(t));
  }

  /** A protocol 0 float argument as repr() writes it, `nan` and `inf` included. */
  decimalFloat(s: string): number {
    const t = s.trim();
    const special = SPECIAL_FLOATS[t.toLowerCase()];
    if (special !== undefined) return special;
    if (!FLOAT_TEXT.test(t))
      throw this.fail(`FLOAT argument must be a decimal number; got ${JSON.stringify(t.slice(0, 40))}`);
    return Number(t);
  }

  /** A protocol 0 memo index argument (PUT, GET). */
  index(s: string, what: string): number {
    const t = s.trim();
    if (!/^\d{1,15}$/.test(t))
      throw this.fail(`${what} argument must be a memo index; got ${JSON.stringify(t.slice(0, 40))}`);
    return Number(t);
  }

  /** A protocol 0 UNICODE argument (raw-unicode-escape: \uXXXX and \UXXXXXXXX). */
  rawUnicode(s: string): string {
    return s.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, h4?: string, h8?: string) => {
      if (h4 !== undefined) return String.fromCharCode(parseInt(h4, 16));
      const cp = parseInt(h8 ?? '', 16);
      if (cp > 0x10ffff) throw this.fail(`UNICODE escape \\U${h8} is beyond U+10FFFF`);
      return String.fromCodePoint(cp);
    });
  }

  /** A protocol 0 STRING argument: a quoted Python 2 str literal. */
  quoted(s: string): string {
    const t = s.trim();
    const q = t[0];
    if ((q !== "'" && q !== '"') || t[t.length - 1] !== q)
      throw this.fail(`STRING argument must be quoted; got ${JSON.stringify(t.slice(0, 40))}`);
    return t
      .slice(1, -1)
      .replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_m, e: string) =>
        e[0] === 'x' ? String.fromCharCode(parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e),
      );
  }

  /** What a persistent id stands for, through the caller's hook (else the id itself). */
  persistent(pid: unknown): unknown {
    return this.hooks.persistentLoad ? this.hooks.persistentLoad(pid) : pid;
  }

  /** `callable(*args)` through the caller's hook, or an inert PickleObject. */
  construct(callable: unknown, args: unknown, opName: string): unknown {
    if (!Array.isArray(args))
      throw this.fail(`${opName} arguments must be a tuple; got a ${describePickled(args)}`);
    if (this.hooks.construct) return this.hooks.construct(callable, args);
    return new PickleObject(callable instanceof PickleGlobal ? callable.fullName : String(callable), args);
  }

  setItems(d: unknown, items: unknown[]): void {
    if (!(d instanceof Map)) throw this.fail(`SETITEM(S) on a ${describePickled(d)}; expected a dict`);
    if (items.length % 2 !== 0) throw this.fail('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) d.set(items[i], items[i + 1]);
  }

  append(l: unknown, items: unknown[]): void {
    if (Array.isArray(l) && !Object.isFrozen(l)) for (const x of items) l.push(x);
    else if (l instanceof Set) for (const x of items) l.add(x);
    else throw this.fail(`APPEND(S) on a ${describePickled(l)}; expected a list`);
  }
}

/** A number where it is exact (|v| <= 2^53 - 1), else the bigint. */
function toInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
