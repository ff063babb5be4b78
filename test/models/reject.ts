import assert from 'node:assert/strict';

/** Asserts that `fn` rejects with an instance of `cls` whose message contains every fragment. */
export async function throwsWithAsync(
  fn: () => Promise<unknown>,
  cls: new (...args: never[]) => Error,
  ...fragments: string[]
): Promise<void> {
  await assert.rejects(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `message "${e.message}" lacks "${f}"`);
    return true;
  });
}
