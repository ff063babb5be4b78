/*
 * A restricted reader of Python's pickle format (protocols 0-5), enough for what
 * `torch.save` writes: it builds plain values and never runs anything. Classes and
 * functions named in the stream (GLOBAL / STACK_GLOBAL) are resolved by the caller's
 * `findClass`; calls to them (REDUCE, NEWOBJ, BUILD) go to the caller's `construct` /
 * `build`, which decide what a name means (an OrderedDict, a tensor) and stand in an
 * inert `PickleObject` for anything else.
 *
 * Values: None -> null, bool, int -> number (bigint beyond 2^53), float, str -> string,
 * bytes -> Uint8Array, list -> array, tuple -> frozen array, dict -> Map, set -> Set.
 */
import { FormatError } from '../core/errors.js';

/**
 * The pickle opcodes this reader knows, by Python's names (`pickletools`), protocols 0-5.
 * INST and OBJ are named only to be rejected (protocol 0/1 object creation).
 */
export const OP = Object.freeze({
  MARK: 0x28,
  EMPTY_TUPLE: 0x29,
  STOP: 0x2e,
  POP: 0x30,
  POP_MARK: 0x31,
  DUP: 0x32,
  BINBYTES: 0x42,
  SHORT_BINBYTES: 0x43,
  FLOAT: 0x46,
  BINFLOAT: 0x47,
  INT: 0x49,
  BININT: 0x4a,
  BININT1: 0x4b,
  LONG: 0x4c,
  BININT2: 0x4d,
  NONE: 0x4e,
  PERSID: 0x50,
  BINPERSID: 0x51,
  REDUCE: 0x52,
  STRING: 0x53,
  BINSTRING: 0x54,
  SHORT_BINSTRING: 0x55,
  UNICODE: 0x56,
  BINUNICODE: 0x58,
  EMPTY_LIST: 0x5d,
  APPEND: 0x61,
  BUILD: 0x62,
  GLOBAL: 0x63,
  DICT: 0x64,
  APPENDS: 0x65,
  GET: 0x67,
  BINGET: 0x68,
  INST: 0x69,
  LONG_BINGET: 0x6a,
  LIST: 0x6c,
  OBJ: 0x6f,
  PUT: 0x70,
  BINPUT: 0x71,
  LONG_BINPUT: 0x72,
  SETITEM: 0x73,
  TUPLE: 0x74,
  SETITEMS: 0x75,
  EMPTY_DICT: 0x7d,
  PROTO: 0x80,
  NEWOBJ: 0x81,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  LONG4: 0x8b,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINBYTES8: 0x8e,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  NEWOBJ_EX: 0x92,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  FRAME: 0x95,
  BYTEARRAY8: 0x96,
  NEXT_BUFFER: 0x97,
  READONLY_BUFFER: 0x98,
} as const);

/** Opcode byte to name, for messages. */
const OP_NAMES = new Map<number, string>(Object.entries(OP).map(([k, v]) => [v, k]));

/** The longest integer (LONG1 / LONG4 bytes, INT / LONG digits) accepted: torch writes small ones. */
const MAX_LONG_BYTES = 4096;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

/**
 * A class or function named in a pickle (`module.qualname`).
 *
 * @example
 * const ckpt = parseTorchCheckpoint(bytes);
 * // a pickled class reference comes back as { module, name }, never imported or run
 * if (ckpt instanceof PickleGlobal) console.log(`${ckpt.module}.${ckpt.name}`);
 */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  get fullName(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * An instance of a Python class the reader does not know: its class name, the arguments
 * it was created with and the state set on it (`__dict__` or `__setstate__` argument).
 * Nothing of the class runs.
 *
 * @example
 * const ckpt = parseTorchCheckpoint(bytes); // torch.save(model) of a whole nn.Module
 * if (ckpt instanceof PickleObject) console.log(ckpt.className); // e.g. 'torch.nn.modules.rnn.LSTM'
 */
export class PickleObject {
  state: unknown = null;

  constructor(
    readonly className: string,
    readonly args: readonly unknown[] = [],
  ) {}
}

/** How the caller gives meaning to names, calls and persistent ids. */
export interface PickleHooks {
  /** REDUCE / NEWOBJ: `callable(*args)`; the default makes a `PickleObject`. */
  construct?(callable: unknown, args: readonly unknown[]): unknown;
  /** BUILD: sets `state` on `obj`; returns the object to keep (default: `obj`). */
  build?(obj: unknown, state: unknown): unknown;
  /** BINPERSID / PERSID: what a persistent id stands for (torch: storages). */
  persistentLoad?(pid: unknown): unknown;
}

/** Reads one pickled value from `bytes`; malformed input is a FormatError naming `source`. */
export function unpickle(bytes: Uint8Array, hooks: PickleHooks = {}, source = 'pickle'): unknown {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: false });
  const latin1 = new TextDecoder('latin1');
  let pos = 0;
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  const fail = (msg: string): FormatError => new FormatError(`${source}: ${msg} (at byte ${pos})`);
  const need = (n: number): void => {
    if (n < 0) throw fail(`negative length ${n}; expected a length >= 0`);
    if (pos + n > bytes.length)
      throw fail(`truncated; expected ${n} more byte(s), got ${bytes.length - pos}`);
  };
  const u8 = (): number => {
    need(1);
    return bytes[pos++];
  };
  const u16 = (): number => {
    need(2);
    const v = dv.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = (): number => {
    need(4);
    const v = dv.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const i32 = (): number => {
    need(4);
    const v = dv.getInt32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = (): number => {
    need(8);
    const v = dv.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw fail(`length ${v} is too large`);
    return Number(v);
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw fail('truncated; expected a newline-terminated argument');
    const s = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): unknown => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1]))
      throw fail('stack underflow');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) throw fail('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const m = marks.pop();
    if (m === undefined) throw fail('no MARK to pop to');
    return stack.splice(m);
  };
  const int = (v: bigint): number | bigint =>
    v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  const longLE = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    if (b.length > MAX_LONG_BYTES)
      throw fail(`integer of ${b.length} bytes; expected at most ${MAX_LONG_BYTES}`);
    // one hex string and one BigInt parse: linear in the length (a byte-by-byte shift is quadratic)
    let hex = '';
    for (let i = b.length - 1; i >= 0; i--) hex += HEX[b[i]];
    let v = BigInt(`0x${hex}`);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return int(v);
  };
  const decimal = (s: string, what: string): bigint => {
    const t = s.trim().replace(/L$/, '');
    if (!/^[+-]?\d+$/.test(t) || t.length > MAX_LONG_BYTES)
      throw fail(`${what} argument must be a decimal integer; got ${JSON.stringify(t.slice(0, 40))}`);
    return BigInt(t);
  };
  const index = (s: string, what: string): number => {
    const t = s.trim();
    if (!/^\d{1,15}$/.test(t))
      throw fail(`${what} argument must be a memo index; got ${JSON.stringify(t.slice(0, 40))}`);
    return Number(t);
  };
  const construct = (callable: unknown, args: readonly unknown[]): unknown => {
    if (hooks.construct) return hooks.construct(callable, args);
    return new PickleObject(callable instanceof PickleGlobal ? callable.fullName : String(callable), args);
  };
  const setItems = (d: unknown, items: unknown[]): void => {
    if (!(d instanceof Map)) throw fail(`SETITEM(S) on a ${describe(d)}; expected a dict`);
    if (items.length % 2 !== 0) throw fail('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) d.set(items[i], items[i + 1]);
  };
  const append = (l: unknown, items: unknown[]): void => {
    if (Array.isArray(l) && !Object.isFrozen(l)) for (const x of items) l.push(x);
    else if (l instanceof Set) for (const x of items) l.add(x);
    else throw fail(`APPEND(S) on a ${describe(l)}; expected a list`);
  };
  const tuple = (items: unknown[]): readonly unknown[] => Object.freeze(items);

  for (;;) {
    const op = u8();
    switch (op) {
      case OP.PROTO:
        if (u8() > 5) throw fail('unsupported pickle protocol; expected 0..5');
        break;
      case OP.FRAME:
        u64();
        break;
      case OP.STOP: {
        if (stack.length !== 1) throw fail(`STOP with ${stack.length} values on the stack; expected 1`);
        return stack[0];
      }
      case OP.MARK:
        marks.push(stack.length);
        break;
      case OP.NONE:
        stack.push(null);
        break;
      case OP.NEWTRUE:
        stack.push(true);
        break;
      case OP.NEWFALSE:
        stack.push(false);
        break;
      case OP.BININT:
        stack.push(i32());
        break;
      case OP.BININT1:
        stack.push(u8());
        break;
      case OP.BININT2:
        stack.push(u16());
        break;
      case OP.LONG1:
        stack.push(longLE(take(u8())));
        break;
      case OP.LONG4:
        stack.push(longLE(take(u32())));
        break;
      case OP.INT: {
        // (protocol 0; '00' / '01' are False / True)
        const s = line().trim();
        stack.push(s === '00' ? false : s === '01' ? true : int(decimal(s, 'INT')));
        break;
      }
      case OP.LONG: // (protocol 0)
        stack.push(int(decimal(line(), 'LONG')));
        break;
      case OP.BINFLOAT: {
        // (big-endian)
        need(8);
        stack.push(dv.getFloat64(pos, false));
        pos += 8;
        break;
      }
      case OP.FLOAT: // (protocol 0)
        stack.push(Number(line()));
        break;
      case OP.BINUNICODE:
        stack.push(utf8.decode(take(u32())));
        break;
      case OP.SHORT_BINUNICODE:
        stack.push(utf8.decode(take(u8())));
        break;
      case OP.BINUNICODE8:
        stack.push(utf8.decode(take(u64())));
        break;
      case OP.UNICODE: // (protocol 0, raw-unicode-escape)
        stack.push(
          line().replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
        );
        break;
      case OP.STRING: {
        // (protocol 0: a quoted Python 2 str literal)
        const s = line().trim();
        const q = s[0];
        if ((q !== "'" && q !== '"') || s[s.length - 1] !== q)
          throw fail(`STRING argument must be quoted; got ${JSON.stringify(s.slice(0, 40))}`);
        stack.push(
          s
            .slice(1, -1)
            .replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_m, e: string) =>
              e[0] === 'x' ? String.fromCharCode(parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e),
            ),
        );
        break;
      }
      case OP.BINSTRING: // (Python 2 str)
        stack.push(latin1.decode(take(i32())));
        break;
      case OP.SHORT_BINSTRING:
        stack.push(latin1.decode(take(u8())));
        break;
      case OP.BINBYTES:
        stack.push(take(u32()).slice());
        break;
      case OP.SHORT_BINBYTES:
        stack.push(take(u8()).slice());
        break;
      case OP.BINBYTES8:
        stack.push(take(u64()).slice());
        break;
      case OP.BYTEARRAY8:
        stack.push(take(u64()).slice());
        break;
      case OP.EMPTY_TUPLE:
        stack.push(tuple([]));
        break;
      case OP.TUPLE1:
        stack.push(tuple([pop()]));
        break;
      case OP.TUPLE2: {
        const b = pop();
        stack.push(tuple([pop(), b]));
        break;
      }
      case OP.TUPLE3: {
        const c = pop();
        const b = pop();
        stack.push(tuple([pop(), b, c]));
        break;
      }
      case OP.TUPLE:
        stack.push(tuple(popMark()));
        break;
      case OP.EMPTY_LIST:
        stack.push([]);
        break;
      case OP.LIST:
        stack.push(popMark());
        break;
      case OP.APPEND: {
        const v = pop();
        append(top(), [v]);
        break;
      }
      case OP.APPENDS: {
        const items = popMark();
        append(top(), items);
        break;
      }
      case OP.EMPTY_DICT:
        stack.push(new Map());
        break;
      case OP.DICT: {
        const d = new Map();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case OP.SETITEM: {
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case OP.SETITEMS: {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case OP.EMPTY_SET:
        stack.push(new Set());
        break;
      case OP.ADDITEMS: {
        const items = popMark();
        append(top(), items);
        break;
      }
      case OP.FROZENSET:
        stack.push(new Set(popMark()));
        break;
      case OP.POP:
        if (marks.length > 0 && stack.length === marks[marks.length - 1]) marks.pop();
        else pop();
        break;
      case OP.POP_MARK:
        popMark();
        break;
      case OP.DUP:
        stack.push(top());
        break;
      case OP.PUT:
        memo.set(index(line(), 'PUT'), top());
        break;
      case OP.BINPUT:
        memo.set(u8(), top());
        break;
      case OP.LONG_BINPUT:
        memo.set(u32(), top());
        break;
      case OP.MEMOIZE:
        memo.set(memo.size, top());
        break;
      case OP.GET:
      case OP.BINGET:
      case OP.LONG_BINGET: {
        const k = op === OP.GET ? index(line(), 'GET') : op === OP.BINGET ? u8() : u32();
        if (!memo.has(k)) throw fail(`memo key ${k} was never stored`);
        stack.push(memo.get(k));
        break;
      }
      case OP.GLOBAL: {
        const module = line();
        stack.push(new PickleGlobal(module, line()));
        break;
      }
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string')
          throw fail('STACK_GLOBAL needs two strings');
        stack.push(new PickleGlobal(module, name));
        break;
      }
      case OP.REDUCE: {
        const args = pop();
        const callable = pop();
        if (!Array.isArray(args)) throw fail(`REDUCE arguments must be a tuple; got a ${describe(args)}`);
        stack.push(construct(callable, args));
        break;
      }
      case OP.NEWOBJ: {
        const args = pop();
        const cls = pop();
        if (!Array.isArray(args)) throw fail(`NEWOBJ arguments must be a tuple; got a ${describe(args)}`);
        stack.push(construct(cls, args));
        break;
      }
      case OP.NEWOBJ_EX: {
        pop(); // kwargs
        const args = pop();
        const cls = pop();
        if (!Array.isArray(args)) throw fail(`NEWOBJ_EX arguments must be a tuple; got a ${describe(args)}`);
        stack.push(construct(cls, args));
        break;
      }
      case OP.BUILD: {
        const state = pop();
        const obj = pop();
        if (hooks.build) stack.push(hooks.build(obj, state));
        else {
          if (obj instanceof PickleObject) obj.state = state;
          stack.push(obj);
        }
        break;
      }
      case OP.BINPERSID:
        stack.push(hooks.persistentLoad ? hooks.persistentLoad(pop()) : pop());
        break;
      case OP.PERSID:
        stack.push(hooks.persistentLoad ? hooks.persistentLoad(line()) : line());
        break;
      case OP.NEXT_BUFFER:
      case OP.READONLY_BUFFER:
        throw fail('out-of-band buffers (pickle protocol 5) are not supported');
      case OP.INST:
      case OP.OBJ:
        throw fail(
          `protocol 0/1 object creation (opcode ${JSON.stringify(String.fromCharCode(op))}) is not supported`,
        );
      default:
        throw fail(
          `unknown opcode 0x${op.toString(16).padStart(2, '0')}${OP_NAMES.has(op) ? ` (${OP_NAMES.get(op)})` : ''}`,
        );
    }
  }
}

function describe(v: unknown): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return Object.isFrozen(v) ? 'tuple' : 'list';
  if (v instanceof Map) return 'dict';
  if (v instanceof PickleObject) return v.className;
  if (v instanceof PickleGlobal) return v.fullName;
  return typeof v;
}
