/*
 * A restricted reader of Python's pickle format (protocols 0-5), enough for what
 * `torch.save` writes: it builds plain values and never runs anything. Classes and
 * functions named in the stream (GLOBAL / STACK_GLOBAL) become `PickleGlobal`s; calls to
 * them (REDUCE, NEWOBJ, BUILD) go to the caller's `construct` / `build` hooks, which
 * decide what a name means (an OrderedDict, a tensor) and stand in an inert
 * `PickleObject` for anything else.
 *
 * Values: None -> null, bool, int -> number (bigint beyond 2^53), float, str -> string,
 * bytes -> Uint8Array, list -> array, tuple -> frozen array, dict -> Map, set -> Set.
 *
 * Every opcode is one row of OPCODES: its byte, Python's name (`pickletools`), the
 * protocol that introduced it, and what it does to the machine (pickle-machine.ts).
 */
import { PickleMachine } from './pickle-machine.js';
import { PickleGlobal, PickleObject, type PickleHooks } from './pickle-values.js';

export { PickleGlobal, PickleObject, type PickleHooks } from './pickle-values.js';

/** One pickle opcode: byte, name, the protocol that introduced it, and its effect. */
export interface PickleOpcode {
  readonly code: number;
  readonly name: string;
  readonly protocol: 0 | 1 | 2 | 3 | 4 | 5;
  readonly run: (m: PickleMachine) => void;
}

const tuple = (items: unknown[]): readonly unknown[] => Object.freeze(items);

const unsupported =
  (what: string) =>
  (m: PickleMachine): void => {
    throw m.fail(`${what} not supported`);
  };

/** How an opcode takes its operands off the stack: the top `n` values, or all above the last MARK. */
type Take = number | 'mark';

/** The operands `what` names, popped (bottom first). */
const take = (m: PickleMachine, what: Take): unknown[] => (what === 'mark' ? m.popMark() : m.popTop(what));

/** APPEND(S) / ADDITEMS: the taken items into the list or set below them. */
const appendTo = (what: Take) => (m: PickleMachine) => {
  const items = take(m, what);
  m.append(m.top(), items);
};

/** SETITEM(S): the taken key, value pairs into the dict below them. */
const setItemsOf = (what: Take) => (m: PickleMachine) => {
  const items = take(m, what);
  m.setItems(m.top(), items);
};

/**
 * REDUCE / NEWOBJ (n = 2) and NEWOBJ_EX (n = 3, its kwargs dropped): a callable (or
 * class) and its argument tuple from the top `n` values, called.
 */
const call = (opName: string, n: 2 | 3) => (m: PickleMachine) => {
  const [callable, args] = m.popTop(n);
  m.push(m.construct(callable, args, opName));
};

/** Protocol 0/1 object creation: Python 3 never writes it; it would name a class to call. */
const objectCreation = (letter: string) =>
  unsupported(`protocol 0/1 object creation (opcode ${JSON.stringify(letter)}) is`);

/** EXT1 / EXT2 / EXT4: codes into Python's copyreg extension registry, which torch never writes. */
const extensionCode = (name: string) => unsupported(`extension registry codes (${name}) are`);

/** NEXT_BUFFER / READONLY_BUFFER: buffers passed beside the stream (pickle protocol 5). */
const outOfBandBuffer = unsupported('out-of-band buffers (pickle protocol 5) are');

/** STOP: the one value on the stack is the result. */
function stop(m: PickleMachine): void {
  if (m.stack.length !== 1) throw m.fail(`STOP with ${m.stack.length} values on the stack; expected 1`);
  m.result = m.stack[0];
  m.done = true;
}

/** POP: protocol 0 also pops a MARK with it (a tuple found in the memo while being written). */
function popValueOrMark(m: PickleMachine): void {
  if (m.marks.length > 0 && m.stack.length === m.marks[m.marks.length - 1]) m.marks.pop();
  else m.pop();
}

/** INT: a decimal line, where '00' / '01' are False / True. */
function decimalInt(m: PickleMachine): void {
  const s = m.line().trim();
  m.push(s === '00' ? false : s === '01' ? true : m.decimal(s, 'INT'));
}

/** BUILD: an object and its state, through the caller's hook (else the state is stored on a PickleObject). */
function build(m: PickleMachine): void {
  const [obj, state] = m.popTop(2);
  if (m.hooks.build) m.push(m.hooks.build(obj, state));
  else {
    if (obj instanceof PickleObject) obj.state = state;
    m.push(obj);
  }
}

/** DICT: a dict of the key, value pairs above the last MARK. */
function dictOfMarked(m: PickleMachine): void {
  const d = new Map();
  m.setItems(d, m.popMark());
  m.push(d);
}

/** PROTO: the protocol this stream was written with (0..5 are read). */
function checkProtocol(m: PickleMachine): void {
  if (m.u8() > 5) throw m.fail('unsupported pickle protocol; expected 0..5');
}

/** STACK_GLOBAL: a class or function named by the module and name strings on the stack. */
function stackGlobal(m: PickleMachine): void {
  const [module, name] = m.popTop(2);
  if (typeof module !== 'string' || typeof name !== 'string') throw m.fail('STACK_GLOBAL needs two strings');
  m.push(new PickleGlobal(module, name));
}

/** The opcodes this reader knows, in byte order. */
export const OPCODES: readonly PickleOpcode[] = [
  { code: 0x28, name: 'MARK', protocol: 0, run: (m) => void m.marks.push(m.stack.length) },
  { code: 0x29, name: 'EMPTY_TUPLE', protocol: 1, run: (m) => m.push(tuple([])) },
  { code: 0x2e, name: 'STOP', protocol: 0, run: stop },
  { code: 0x30, name: 'POP', protocol: 0, run: popValueOrMark },
  { code: 0x31, name: 'POP_MARK', protocol: 1, run: (m) => void m.popMark() },
  { code: 0x32, name: 'DUP', protocol: 0, run: (m) => m.push(m.top()) },
  { code: 0x42, name: 'BINBYTES', protocol: 3, run: (m) => m.push(m.take(m.u32()).slice()) },
  { code: 0x43, name: 'SHORT_BINBYTES', protocol: 3, run: (m) => m.push(m.take(m.u8()).slice()) },
  { code: 0x46, name: 'FLOAT', protocol: 0, run: (m) => m.push(m.decimalFloat(m.line())) },
  { code: 0x47, name: 'BINFLOAT', protocol: 1, run: (m) => m.push(m.f64be()) },
  { code: 0x49, name: 'INT', protocol: 0, run: decimalInt },
  { code: 0x4a, name: 'BININT', protocol: 1, run: (m) => m.push(m.i32()) },
  { code: 0x4b, name: 'BININT1', protocol: 1, run: (m) => m.push(m.u8()) },
  { code: 0x4c, name: 'LONG', protocol: 0, run: (m) => m.push(m.decimal(m.line(), 'LONG')) },
  { code: 0x4d, name: 'BININT2', protocol: 1, run: (m) => m.push(m.u16()) },
  { code: 0x4e, name: 'NONE', protocol: 0, run: (m) => m.push(null) },
  { code: 0x50, name: 'PERSID', protocol: 0, run: (m) => m.push(m.persistent(m.line())) },
  { code: 0x51, name: 'BINPERSID', protocol: 1, run: (m) => m.push(m.persistent(m.pop())) },
  { code: 0x52, name: 'REDUCE', protocol: 0, run: call('REDUCE', 2) },
  { code: 0x53, name: 'STRING', protocol: 0, run: (m) => m.push(m.quoted(m.line())) },
  { code: 0x54, name: 'BINSTRING', protocol: 1, run: (m) => m.push(m.latin1Text(m.i32())) },
  { code: 0x55, name: 'SHORT_BINSTRING', protocol: 1, run: (m) => m.push(m.latin1Text(m.u8())) },
  { code: 0x56, name: 'UNICODE', protocol: 0, run: (m) => m.push(m.rawUnicode(m.line())) },
  { code: 0x58, name: 'BINUNICODE', protocol: 1, run: (m) => m.push(m.utf8Text(m.u32())) },
  { code: 0x5d, name: 'EMPTY_LIST', protocol: 1, run: (m) => m.push([]) },
  { code: 0x61, name: 'APPEND', protocol: 0, run: appendTo(1) },
  { code: 0x62, name: 'BUILD', protocol: 0, run: build },
  { code: 0x63, name: 'GLOBAL', protocol: 0, run: (m) => m.push(new PickleGlobal(m.line(), m.line())) },
  { code: 0x64, name: 'DICT', protocol: 0, run: dictOfMarked },
  { code: 0x65, name: 'APPENDS', protocol: 1, run: appendTo('mark') },
  { code: 0x67, name: 'GET', protocol: 0, run: (m) => m.push(m.recall(m.index(m.line(), 'GET'))) },
  { code: 0x68, name: 'BINGET', protocol: 1, run: (m) => m.push(m.recall(m.u8())) },
  { code: 0x69, name: 'INST', protocol: 0, run: objectCreation('i') },
  { code: 0x6a, name: 'LONG_BINGET', protocol: 1, run: (m) => m.push(m.recall(m.u32())) },
  { code: 0x6c, name: 'LIST', protocol: 0, run: (m) => m.push(m.popMark()) },
  { code: 0x6f, name: 'OBJ', protocol: 1, run: objectCreation('o') },
  { code: 0x70, name: 'PUT', protocol: 0, run: (m) => void m.memo.set(m.index(m.line(), 'PUT'), m.top()) },
  { code: 0x71, name: 'BINPUT', protocol: 1, run: (m) => void m.memo.set(m.u8(), m.top()) },
  { code: 0x72, name: 'LONG_BINPUT', protocol: 1, run: (m) => void m.memo.set(m.u32(), m.top()) },
  { code: 0x73, name: 'SETITEM', protocol: 0, run: setItemsOf(2) },
  { code: 0x74, name: 'TUPLE', protocol: 0, run: (m) => m.push(tuple(m.popMark())) },
  { code: 0x75, name: 'SETITEMS', protocol: 1, run: setItemsOf('mark') },
  { code: 0x7d, name: 'EMPTY_DICT', protocol: 1, run: (m) => m.push(new Map()) },
  { code: 0x80, name: 'PROTO', protocol: 2, run: checkProtocol },
  { code: 0x81, name: 'NEWOBJ', protocol: 2, run: call('NEWOBJ', 2) },
  { code: 0x82, name: 'EXT1', protocol: 2, run: extensionCode('EXT1') },
  { code: 0x83, name: 'EXT2', protocol: 2, run: extensionCode('EXT2') },
  { code: 0x84, name: 'EXT4', protocol: 2, run: extensionCode('EXT4') },
  { code: 0x85, name: 'TUPLE1', protocol: 2, run: (m) => m.push(tuple(m.popTop(1))) },
  { code: 0x86, name: 'TUPLE2', protocol: 2, run: (m) => m.push(tuple(m.popTop(2))) },
  { code: 0x87, name: 'TUPLE3', protocol: 2, run: (m) => m.push(tuple(m.popTop(3))) },
  { code: 0x88, name: 'NEWTRUE', protocol: 2, run: (m) => m.push(true) },
  { code: 0x89, name: 'NEWFALSE', protocol: 2, run: (m) => m.push(false) },
  { code: 0x8a, name: 'LONG1', protocol: 2, run: (m) => m.push(m.longLE(m.take(m.u8()))) },
  { code: 0x8b, name: 'LONG4', protocol: 2, run: (m) => m.push(m.longLE(m.take(m.u32()))) },
  { code: 0x8c, name: 'SHORT_BINUNICODE', protocol: 4, run: (m) => m.push(m.utf8Text(m.u8())) },
  { code: 0x8d, name: 'BINUNICODE8', protocol: 4, run: (m) => m.push(m.utf8Text(m.u64())) },
  { code: 0x8e, name: 'BINBYTES8', protocol: 4, run: (m) => m.push(m.take(m.u64()).slice()) },
  { code: 0x8f, name: 'EMPTY_SET', protocol: 4, run: (m) => m.push(new Set()) },
  { code: 0x90, name: 'ADDITEMS', protocol: 4, run: appendTo('mark') },
  { code: 0x91, name: 'FROZENSET', protocol: 4, run: (m) => m.push(new Set(m.popMark())) },
  { code: 0x92, name: 'NEWOBJ_EX', protocol: 4, run: call('NEWOBJ_EX', 3) },
  { code: 0x93, name: 'STACK_GLOBAL', protocol: 4, run: stackGlobal },
  { code: 0x94, name: 'MEMOIZE', protocol: 4, run: (m) => void m.memo.set(m.memo.size, m.top()) },
  { code: 0x95, name: 'FRAME', protocol: 4, run: (m) => void m.u64() },
  { code: 0x96, name: 'BYTEARRAY8', protocol: 5, run: (m) => m.push(m.take(m.u64()).slice()) },
  { code: 0x97, name: 'NEXT_BUFFER', protocol: 5, run: outOfBandBuffer },
  { code: 0x98, name: 'READONLY_BUFFER', protocol: 5, run: outOfBandBuffer },
];

/** OPCODES by byte. */
const BY_CODE: ReadonlyArray<PickleOpcode | undefined> = (() => {
  const table = new Array<PickleOpcode | undefined>(256).fill(undefined);
  for (const op of OPCODES) table[op.code] = op;
  return table;
})();

/** Reads one pickled value from `bytes`; malformed input is a FormatError naming `source`. */
export function unpickle(bytes: Uint8Array, hooks: PickleHooks = {}, source = 'pickle'): unknown {
  const m = new PickleMachine(bytes, hooks, source);
  while (!m.done) {
    const code = m.u8();
    const op = BY_CODE[code];
    if (op === undefined) throw m.fail(`unknown opcode 0x${code.toString(16).padStart(2, '0')}`);
    op.run(m);
  }
  return m.result;
}
