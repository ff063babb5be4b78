import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { defaultGenerator, Generator, manualSeed } from '../../src/core/rng.js';
import { FormatError } from '../../src/core/errors.js';

const draw = (g: Generator, n: number): number[] => Array.from({ length: n }, () => g.nextUint32());

describe('Generator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    assert.deepEqual(draw(new Generator(42), 20), draw(new Generator(42), 20));
    assert.notDeepEqual(draw(new Generator(42), 20), draw(new Generator(43), 20));
    assert.notDeepEqual(draw(new Generator(0), 20), draw(new Generator(1), 20));
  });

  it('seed() resets the state, including the cached normal', () => {
    const g = new Generator(9);
    const first = [g.uniform(), g.normal(), g.uniform()];
    g.normal(); // leaves a spare behind
    g.seed(9);
    assert.deepEqual([g.uniform(), g.normal(), g.uniform()], first);
  });

  it('nextUint32 gives 32-bit unsigned integers that use the whole range', () => {
    const xs = draw(new Generator(5), 4000);
    assert.ok(xs.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32));
    assert.ok(xs.some((x) => x >= 2 ** 31) && xs.some((x) => x < 2 ** 31));
    assert.equal(new Set(xs).size, xs.length);
  });

  it('uniform(low, high) stays in [low, high) and fills the range evenly', () => {
    const g = new Generator(11);
    const bins = new Array<number>(10).fill(0);
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = g.uniform(-2, 3);
      assert.ok(u >= -2 && u < 3, `uniform out of range: ${u}`);
      bins[Math.floor((u + 2) / 0.5)]++;
    }
    for (const b of bins) assert.ok(Math.abs(b - n / 10) < 0.1 * (n / 10), `bin count ${b}`);
    const d = new Generator(1);
    for (let i = 0; i < 1000; i++) {
      const u = d.uniform();
      assert.ok(u >= 0 && u < 1);
    }
  });

  it('normal(mean, std) has the requested moments', () => {
    const g = new Generator(3);
    const n = 20000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = g.normal(5, 2);
      s += v;
      s2 += v * v;
    }
    const m = s / n;
    const sd = Math.sqrt(s2 / n - m * m);
    assert.ok(Math.abs(m - 5) < 0.06, `mean ${m}`);
    assert.ok(Math.abs(sd - 2) < 0.06, `std ${sd}`);
  });

  it('randint(n) covers exactly 0..n-1', () => {
    const g = new Generator(8);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const r = g.randint(7);
      assert.ok(Number.isInteger(r) && r >= 0 && r < 7);
      seen.add(r);
    }
    assert.equal(seen.size, 7);
  });

  it('permutation(n) is a permutation of 0..n-1, and varies', () => {
    const g = new Generator(4);
    for (const n of [0, 1, 2, 5, 100]) {
      const p = g.permutation(n);
      assert.deepEqual(
        [...p].sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i),
      );
    }
    const a = g.permutation(20);
    const b = g.permutation(20);
    assert.notDeepEqual(a, b);
    assert.notDeepEqual(
      a,
      Array.from({ length: 20 }, (_, i) => i),
    );
  });

  it('every position of a shuffle is reached (no off-by-one in Fisher-Yates)', () => {
    const g = new Generator(12);
    const firstSeen = new Set<number>();
    const lastSeen = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const p = g.permutation(4);
      firstSeen.add(p[0]);
      lastSeen.add(p[3]);
    }
    assert.equal(firstSeen.size, 4);
    assert.equal(lastSeen.size, 4);
  });

  it('manualSeed reseeds the default generator', () => {
    manualSeed(77);
    const a = draw(defaultGenerator, 5);
    manualSeed(77);
    assert.deepEqual(draw(defaultGenerator, 5), a);
    assert.deepEqual(draw(new Generator(77), 5), a);
  });
});

test('getState/setState resumes the exact sequence, including a cached normal', () => {
  const g = new Generator(11);
  g.normal(); // leaves a spare normal cached
  const state = JSON.parse(JSON.stringify(g.getState())) as ReturnType<Generator['getState']>;
  const first = [g.normal(), g.uniform(), g.normal(), g.randint(1000)];
  const h = new Generator(99);
  h.setState(state);
  assert.deepEqual([h.normal(), h.uniform(), h.normal(), h.randint(1000)], first);
});

test('setState rejects a malformed state with a FormatError', () => {
  const g = new Generator(1);
  assert.throws(
    () => g.setState({ s: [1, 2, 3], spare: null }),
    (e: unknown) => e instanceof FormatError && /4 unsigned 32-bit integers/.test(e.message),
  );
  assert.throws(() => g.setState({ s: [1, 2, 3, -1], spare: null }), FormatError);
});
