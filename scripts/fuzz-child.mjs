// One fuzzing process (started by scripts/fuzz.mjs): generates the seeded mutations of
// one loader's seed inputs, runs the loader on each, and reports every input's start
// and outcome to the parent, which watches for hangs, crashes and memory.
//   node scripts/fuzz-child.mjs <loader> <seed> <start> <count>
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOADERS, mutate, rng } from './fuzz-lib.mjs';

const [name, seedArg, startArg, countArg, seedDir, dumpTo, skipArg] = process.argv.slice(2);
const skip = new Set(
  (skipArg ?? '')
    .split(',')
    .filter((x) => x !== '')
    .map(Number),
);
const loader = LOADERS[name];
if (loader === undefined) throw new Error(`fuzz-child: unknown loader ${name}`);
const seed = Number(seedArg);
const start = Number(startArg);
const count = Number(countArg);
const work = mkdtempSync(join(tmpdir(), `ls-fuzz-${name}-`));
const { LongshortError } = await import('../dist/src/core/errors.js');
const seeds = await loader.seeds(seedDir);
if (dumpTo !== undefined && dumpTo !== '') {
  // reproduce one input (for a hang or crash report) without running it
  writeFileSync(dumpTo, mutate(seeds, rng(seed, start)));
  process.exit(0);
}
const send = (m) => new Promise((resolve) => process.send(m, resolve));

let peak = 0;
let buffered = [];
for (let i = start; i < start + count; i++) {
  if (skip.has(i)) {
    buffered.push('skipped');
    continue;
  }
  const r = rng(seed, i);
  const input = mutate(seeds, r);
  process.send({ begin: i });
  let outcome = 'ok';
  let message = '';
  try {
    await loader.run(input, work, r);
  } catch (e) {
    if (e instanceof LongshortError) outcome = 'typed';
    else {
      outcome = 'untyped';
      message = `${e?.constructor?.name ?? typeof e}: ${String(e?.message ?? e).slice(0, 300)}`;
    }
  }
  const rss = process.memoryUsage().rss;
  if (rss > peak) peak = rss;
  buffered.push(outcome === 'untyped' ? { i, outcome, message } : outcome);
  if (buffered.length >= 200 || outcome === 'untyped' || i === start + count - 1) {
    await send({ done: buffered, peak });
    buffered = [];
  }
}
if (buffered.length > 0) await send({ done: buffered, peak });
rmSync(work, { recursive: true, force: true });
process.exit(0);
