import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ConfigError, FormatError } from '../../src/core/errors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { CharVocab } from '../../src/data/char-vocab.js';

test('fromText: sorted unique characters, like sorted(set(text))', () => {
  const v = CharVocab.fromText('hello world');
  assert.deepEqual(v.chars, [' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
  assert.equal(v.size, 8);
  assert.deepEqual(Array.from(v.encode('hello')), [3, 2, 4, 4, 5]);
  assert.equal(CharVocab.fromText('').size, 0);
  // code point order: U+FF01 sorts before U+1F600 (UTF-16 order would put the emoji first)
  assert.deepEqual(CharVocab.fromText('😀！a\n').chars, ['\n', 'a', '！', '😀']);
});

test('encode / decode round trip, including astral characters', () => {
  const text = 'First Citizen:\nBefore we proceed any further, hear me speak.\n😀 é ß';
  const v = CharVocab.fromText(text);
  const ids = v.encode(text);
  assert.ok(ids instanceof Int32Array);
  assert.equal(ids.length, Array.from(text).length);
  assert.equal(v.decode(ids), text);
  assert.equal(v.decode(Array.from(ids)), text);
  assert.equal(v.decode(new Tensor(ids, [ids.length])), text);
  for (const id of ids) assert.ok(id >= 0 && id < v.size);
  assert.ok(v.has('😀'));
  assert.ok(!v.has('Q'));
});

test('unknown characters and bad ids are typed errors naming the culprit', () => {
  const v = CharVocab.fromText('abc');
  assert.throws(
    () => v.encode('abz'),
    (e: unknown) => {
      assert.ok(e instanceof FormatError);
      assert.equal(
        e.message,
        'CharVocab.encode: unknown character "z" (U+007A) at position 2; expected one of the 3 vocabulary characters',
      );
      return true;
    },
  );
  assert.throws(() => v.encode('a\u00e9'), /unknown character "é" \(U\+00E9\) at position 1/);
  assert.throws(
    () => v.decode([0, 3]),
    (e: unknown) =>
      e instanceof FormatError && /position 1; expected an integer in \[0, 2\], got 3/.test(e.message),
  );
  assert.throws(() => v.decode([-1]), FormatError);
  assert.throws(() => v.decode([0.5]), FormatError);
});

test('toJSON / fromJSON round trip', () => {
  const v = CharVocab.fromText('the quick brown fox 😀');
  const copy = CharVocab.fromJSON(JSON.parse(JSON.stringify(v)));
  assert.deepEqual(copy.chars, v.chars);
  assert.deepEqual(copy.encode('quick 😀'), v.encode('quick 😀'));
  assert.deepEqual(v.toJSON().type, 'CharVocab');
});

test('constructor and fromJSON validation', () => {
  assert.deepEqual(new CharVocab(['b', 'a']).encode('ab'), new Int32Array([1, 0]));
  assert.throws(
    () => new CharVocab(['a', 'a']),
    (e: unknown) =>
      e instanceof ConfigError && /distinct; got "a" \(U\+0061\) at ids 0 and 1/.test(e.message),
  );
  assert.throws(() => new CharVocab(['ab']), ConfigError);
  assert.throws(() => new CharVocab(['']), ConfigError);
  assert.throws(() => CharVocab.fromJSON({ type: 'CharVocab', chars: ['a', 'a'] }), FormatError);
  assert.throws(() => CharVocab.fromJSON({ type: 'Vocab', chars: ['a'] }), FormatError);
  assert.throws(() => CharVocab.fromJSON({ type: 'CharVocab', chars: 'abc' }), FormatError);
  assert.throws(() => CharVocab.fromJSON([]), FormatError);
});
