// The season of the seasonal-naive baseline, found from the data (examples/lib/season.ts):
// the period of a noisy sine and CO2's 12 months are found; white noise, a random walk
// and a straight ramp get no season, monthly dates or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator } from '../../src/index.js';
import { noisySine } from '../../examples/lib/forecasting.js';
import { detectSeason, variogram } from '../../examples/lib/season.js';

const MONTHLY = [12, 6, 3];

test('variogram: mean squared difference of points lag apart', () => {
  assert.equal(variogram([0, 1, 3, 6], 1), (1 + 4 + 9) / 3);
  assert.equal(variogram([0, 1, 3, 6], 2), (9 + 25) / 2);
});

test('a noisy sine gets its period, with or without candidates that hold it', () => {
  for (const seed of [0, 1, 2]) {
    assert.equal(detectSeason(noisySine(300, 50, 0.1, seed)).season, 50, `seed ${seed}`);
    assert.equal(detectSeason(noisySine(300, 24, 0.2, seed), [24, 12]).season, 24);
  }
  // a monthly-style seasonal series with a trend
  const g = new Generator(4);
  const y = Array.from(
    { length: 240 },
    (_, t) => 0.2 * t + 3 * Math.sin((2 * Math.PI * t) / 12) + 0.3 * g.normal(),
  );
  assert.equal(detectSeason(y, MONTHLY).season, 12);
  assert.equal(detectSeason(y).season, 12);
});

test('white noise, a random walk and a ramp have no season (1), even with monthly candidates', () => {
  const g = new Generator(1);
  const noise = Array.from({ length: 400 }, () => g.normal());
  let s = 0;
  const walk = Array.from({ length: 400 }, () => (s += g.normal()));
  const ramp = Array.from({ length: 400 }, (_, t) => 2 * t + 0.1 * g.normal());
  for (const [name, y] of [
    ['noise', noise],
    ['walk', walk],
    ['ramp', ramp],
  ] as const) {
    const all = detectSeason(y);
    assert.equal(all.season, 1, `${name}: ${JSON.stringify(all)}`);
    assert.ok(all.ratio > all.threshold);
    assert.equal(detectSeason(y, MONTHLY).season, 1, name);
  }
  assert.equal(detectSeason([1, 2, 3]).season, 1); // too short to tell
});
