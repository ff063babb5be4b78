// Assertions shared by the tests: an error of a given class whose message holds every
// fragment (a substring or a RegExp).
import assert from 'node:assert/strict';

/** A constructor of an error class (ConfigError, ShapeError, ...). */
export type ErrorClass = new (...args: never[]) => Error;

/** Asserts that `fn` throws an instance of `cls` whose message contains every fragment. */
export function throwsWith(fn: () => unknown, cls: ErrorClass, ...fragments: Array<string | RegExp>): void {
  let caught: unknown = undefined;
  let threw = false;
  try {
    fn();
  } catch (e) {
    threw = true;
    caught = e;
  }
  assert.ok(threw, `expected ${cls.name}, but nothing was thrown`);
  assert.ok(
    caught instanceof cls,
    `expected ${cls.name}, got ${caught instanceof Error ? `${caught.constructor.name}: ${caught.message}` : String(caught)}`,
  );
  const message = caught.message;
  for (const f of fragments) {
    if (typeof f === 'string') assert.ok(message.includes(f), `message "${message}" lacks "${f}"`);
    else assert.match(message, f);
  }
}

/** `throwsWith`, and the error is exactly `cls` (not a subclass, nor a broader class). */
export function throwsExactly(
  fn: () => unknown,
  cls: ErrorClass,
  ...fragments: Array<string | RegExp>
): void {
  throwsWith(
    () => {
      try {
        fn();
      } catch (e) {
        assert.ok(
          e instanceof Error && e.constructor === cls,
          `expected exactly ${cls.name}, got ${String(e)}`,
        );
        throw e;
      }
    },
    cls,
    ...fragments,
  );
}

/**
 * Asserts that `actual` is what a pickle reader makes of a Python list (an array) or tuple
 * (a frozen array) of `items.length`, and checks each item with `each`.
 */
export function assertPySequence<E>(
  actual: unknown,
  items: readonly E[],
  tuple: boolean,
  at: string,
  each: (actual: unknown, expected: E, at: string) => void,
): void {
  assert.ok(Array.isArray(actual), `${at}: a sequence`);
  assert.equal(Object.isFrozen(actual), tuple, `${at}: tuples are frozen, lists are not`);
  assert.equal(actual.length, items.length, `${at}: length`);
  items.forEach((v, i) => each(actual[i], v, `${at}[${i}]`));
}
