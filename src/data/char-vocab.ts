import { ConfigError, FormatError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * The JSON form of a {@link CharVocab}: its characters in id order.
 *
 * @example
 * const json: CharVocabJSON = CharVocab.fromText('hello').toJSON();
 * const vocab = CharVocab.fromJSON(json); // the same ids
 */
export interface CharVocabJSON {
  type: 'CharVocab';
  chars: string[];
}

function describe(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return `${JSON.stringify(ch)} (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}

/**
 * A character vocabulary for character-level language models (char-rnn): id `i` is the
 * `i`-th character. Characters are Unicode code points, so an emoji is one character.
 *
 * @example
 * const vocab = CharVocab.fromText('hello world');
 * vocab.chars;               // [' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']
 * vocab.size;                // 8
 * const ids = vocab.encode('hello'); // Int32Array [3, 2, 4, 4, 5]
 * vocab.decode(ids);         // 'hello'
 * CharVocab.fromJSON(JSON.parse(JSON.stringify(vocab))).encode('low');
 */
export class CharVocab {
  private readonly list: readonly string[];
  private readonly ids: Map<string, number>;

  /**
   * A vocabulary with the given characters in id order.
   * @throws ConfigError when an entry is not exactly one code point or appears twice.
   */
  constructor(chars: readonly string[]) {
    const given: unknown = chars; // checked as unknown: Array.isArray would narrow chars to any[]
    if (!Array.isArray(given))
      throw new ConfigError(`CharVocab: chars must be an array of single characters; got ${typeof chars}`);
    const ids = new Map<string, number>();
    chars.forEach((ch, i) => {
      if (typeof ch !== 'string' || Array.from(ch).length !== 1) {
        throw new ConfigError(
          `CharVocab: each entry must be exactly one character; got ${JSON.stringify(ch) ?? String(ch)} at index ${i}`,
        );
      }
      if (ids.has(ch))
        throw new ConfigError(
          `CharVocab: characters must be distinct; got ${describe(ch)} at ids ${ids.get(ch)} and ${i}`,
        );
      ids.set(ch, i);
    });
    this.list = Object.freeze(chars.slice());
    this.ids = ids;
  }

  /**
   * The sorted unique characters of `text` (by code point, like Python's `sorted(set(text))`
   * and char-rnn's vocabulary).
   * @example CharVocab.fromText('banana').chars // ['a', 'b', 'n']
   */
  static fromText(text: string): CharVocab {
    if (typeof text !== 'string')
      throw new ConfigError(`CharVocab.fromText: expected a string, got ${typeof text}`);
    const unique = Array.from(new Set(Array.from(text)));
    unique.sort((a, b) => (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0));
    return new CharVocab(unique);
  }

  /** Number of characters (the `numEmbeddings` / output size of the model). */
  get size(): number {
    return this.list.length;
  }

  /** The characters in id order (frozen). */
  get chars(): readonly string[] {
    return this.list;
  }

  /** Whether `ch` is in the vocabulary. */
  has(ch: string): boolean {
    return this.ids.has(ch);
  }

  /**
   * The ids of the characters of `text`, one per code point.
   * @throws FormatError naming the first character that is not in the vocabulary.
   */
  encode(text: string): Int32Array {
    if (typeof text !== 'string')
      throw new ConfigError(`CharVocab.encode: expected a string, got ${typeof text}`);
    const chars = Array.from(text);
    const out = new Int32Array(chars.length);
    for (let i = 0; i < chars.length; i++) {
      const id = this.ids.get(chars[i]);
      if (id === undefined) {
        throw new FormatError(
          `CharVocab.encode: unknown character ${describe(chars[i])} at position ${i}; expected one of the ${this.size} vocabulary characters`,
        );
      }
      out[i] = id;
    }
    return out;
  }

  /**
   * The text of a sequence of ids (an Int32Array, a number array or a 1-D int32 tensor).
   * @throws FormatError for an id that is not an integer in [0, size).
   */
  decode(ids: Int32Array | readonly number[] | Tensor): string {
    const values: ArrayLike<number> = ids instanceof Tensor ? ids.data : ids;
    let out = '';
    for (let i = 0; i < values.length; i++) {
      const id = values[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.size) {
        throw new FormatError(
          `CharVocab.decode: id out of range at position ${i}; expected an integer in [0, ${this.size - 1}], got ${id}`,
        );
      }
      out += this.list[id];
    }
    return out;
  }

  /** The characters in id order, as JSON data. */
  toJSON(): CharVocabJSON {
    return { type: 'CharVocab', chars: this.list.slice() };
  }

  /**
   * Rebuilds a vocabulary from `toJSON()` output.
   * @throws FormatError on a malformed object.
   */
  static fromJSON(json: unknown): CharVocab {
    const op = 'CharVocab.fromJSON';
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new FormatError(
        `${op}: expected an object from toJSON(), got ${json === null ? 'null' : typeof json}`,
      );
    }
    const obj = json as Record<string, unknown>;
    if (obj.type !== 'CharVocab')
      throw new FormatError(
        `${op}: expected type "CharVocab", got ${JSON.stringify(obj.type) ?? 'undefined'}`,
      );
    if (!Array.isArray(obj.chars))
      throw new FormatError(`${op}: "chars" must be an array of characters; got ${typeof obj.chars}`);
    try {
      return new CharVocab(obj.chars as string[]);
    } catch (e) {
      if (e instanceof ConfigError) throw new FormatError(`${op}: ${e.message}`);
      throw e;
    }
  }
}
