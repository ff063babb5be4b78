// The pickle reader on streams Python's own pickler wrote with protocols 0, 1, 2 and 4
// (test/fixtures/pickle, from test/tools/gen_pickle_fixtures.py): the text opcodes of
// protocol 0, the binary ones of 1, memo references past 256 entries, a tuple that
// contains itself (POP / POP_MARK), each read into the value values.json describes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PickleObject, unpickle } from '../../src/io/pickle.js';
import { assertPySequence } from '../helpers/assert.js';
import { repoRoot } from '../helpers/fixtures.js';

const dir = join(repoRoot, 'test', 'fixtures', 'pickle');

type Expected =
  | null
  | boolean
  | number
  | string
  | { __int__: string }
  | { __float__: 'nan' | 'inf' | '-inf' }
  | { __list__: Expected[] }
  | { __tuple__: Expected[] }
  | { __dict__: Array<[Expected, Expected]> }
  | { __object__: string; args: Expected[] }
  | { __set__: number[] }
  | { __bytes__: number[] }
  | { __self_tuple__: true };

const spec = JSON.parse(readFileSync(join(dir, 'values.json'), 'utf8')) as {
  protocols: number[];
  expected: Record<string, Expected>;
};

/** The JS value a key of the expectation stands for (keys are plain values). */
function key(e: Expected): unknown {
  if (e !== null && typeof e === 'object') {
    if ('__int__' in e) return BigInt(e.__int__);
    throw new Error(`unexpected key ${JSON.stringify(e)}`);
  }
  return e;
}

/** Checks what the reader built against the generator's description of the value. */
function same(actual: unknown, e: Expected, at: string): void {
  if (e === null || typeof e !== 'object') {
    assert.ok(Object.is(actual, e), `${at}: expected ${String(e)}, got ${String(actual)}`);
  } else if ('__int__' in e) {
    assert.equal(actual, BigInt(e.__int__), `${at}: a bigint`);
  } else if ('__float__' in e) {
    const want = e.__float__ === 'nan' ? NaN : e.__float__ === 'inf' ? Infinity : -Infinity;
    assert.ok(Object.is(actual, want), `${at}: expected ${want}, got ${String(actual)}`);
  } else if ('__list__' in e || '__tuple__' in e) {
    const items = '__list__' in e ? e.__list__ : e.__tuple__;
    assertPySequence(actual, items, '__tuple__' in e, at, same);
  } else if ('__dict__' in e) {
    assert.ok(actual instanceof Map, `${at}: a dict`);
    assert.deepEqual(
      [...actual.keys()],
      e.__dict__.map(([k]) => key(k)),
      `${at}: keys in order`,
    );
    for (const [k, v] of e.__dict__) same(actual.get(key(k)), v, `${at}/${String(key(k))}`);
  } else if ('__object__' in e) {
    assert.ok(actual instanceof PickleObject, `${at}: an object`);
    assert.equal(actual.className, e.__object__, `${at}: class`);
    assert.equal(actual.args.length, e.args.length, `${at}: argument count`);
    e.args.forEach((v, i) => same(actual.args[i], v, `${at}.args[${i}]`));
  } else if ('__set__' in e) {
    assert.ok(actual instanceof Set, `${at}: a set`);
    assert.deepEqual([...actual].sort(), e.__set__, `${at}: members`);
  } else if ('__bytes__' in e) {
    assert.ok(actual instanceof Uint8Array, `${at}: bytes`);
    assert.deepEqual([...actual], e.__bytes__, `${at}: bytes`);
  } else {
    // a tuple t whose only item is a list holding t itself
    assert.ok(Array.isArray(actual) && Object.isFrozen(actual), `${at}: a tuple`);
    const inner: unknown = actual[0];
    assert.ok(Array.isArray(inner) && !Object.isFrozen(inner), `${at}[0]: a list`);
    assert.equal(inner.length, 1, `${at}[0]: length`);
    assert.equal(inner[0], actual, `${at}[0][0] is the tuple itself`);
  }
}

describe('pickles written by Python (test/fixtures/pickle)', () => {
  it('has protocols 0 and 1 and a binary one to compare with', () => {
    for (const p of [0, 1, 2]) assert.ok(spec.protocols.includes(p), `protocol ${p}`);
  });
  for (const p of spec.protocols) {
    it(`protocol ${p}: every value as Python wrote it`, () => {
      const bytes = readFileSync(join(dir, `values-p${p}.pkl`));
      if (p >= 2) assert.equal(bytes[0], 0x80, 'starts with PROTO');
      else assert.notEqual(bytes[0], 0x80, 'protocols 0 and 1 have no PROTO opcode');
      same(unpickle(bytes, {}, `values-p${p}.pkl`), spec.expected[String(p)], `p${p}`);
    });
  }
  it('protocol 0 and protocol 1 read to the same plain values as protocol 2', () => {
    const read = (p: number): unknown => unpickle(readFileSync(join(dir, `values-p${p}.pkl`)));
    const plain = (v: unknown): unknown => {
      const m = new Map(v as Map<string, unknown>);
      m.delete('self_tuple'); // cyclic: deepEqual compares it above, not here
      return m;
    };
    assert.deepEqual(plain(read(0)), plain(read(2)));
    assert.deepEqual(plain(read(1)), plain(read(2)));
  });
});
