// Seeded mutation fuzzing of every loader, each in a child process watched for hangs
// (no answer within --timeout ms on one input), crashes (the process dies) and memory
// (resident size polled; over --max-rss MB the child is killed). Prints per loader:
// inputs, accepted, typed errors, hangs, crashes, untyped errors and peak RSS; exits 1
// when any hang, crash, untyped error or memory overrun happened. Failing inputs are
// written to --out (default out/fuzz) for replay.
//
//   npm run fuzz -- [--inputs 100000] [--seed 1] [--loaders pt,pickle,...] [--timeout 2000] [--max-rss 500] [--quiet]
// Needs `npm run build` first (it runs the compiled loaders in dist/).
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOADERS, writeModelSeeds } from './fuzz-lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const inputs = Number(opt('inputs', '100000'));
const seed = Number(opt('seed', '1'));
const timeout = Number(opt('timeout', '2000'));
const maxRss = Number(opt('max-rss', '500')) * 1e6;
const names = opt(
  'loaders',
  Object.keys(LOADERS)
    .filter((k) => !k.startsWith('_'))
    .join(','),
).split(',');
const out = opt('out', join(root, 'out', 'fuzz'));
const quiet = args.includes('--quiet');
const child = join(root, 'scripts', 'fuzz-child.mjs');

function rssOf(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? 0 : Number(m[1]) * 1024;
  } catch {
    return 0;
  }
}

async function dump(name, index, seedDir) {
  mkdirSync(out, { recursive: true });
  const file = join(out, `${name}-seed${seed}-${index}.bin`);
  await new Promise((resolve) =>
    fork(child, [name, String(seed), String(index), '1', seedDir, file], { stdio: 'inherit' }).on(
      'exit',
      resolve,
    ),
  );
  return file;
}

/** Fuzzes one loader over inputs [0, inputs); restarts the child after each hang or crash. */
function fuzzLoader(name, seedDir) {
  const s = {
    name,
    inputs: 0,
    ok: 0,
    typed: 0,
    hangs: [],
    crashes: [],
    untyped: [],
    overMemory: [],
    peak: 0,
    ms: 0,
  };
  const t0 = Date.now();
  // a progress line every 30 s, so that a long run stopped early still tells how far it got
  const progress = quiet
    ? null
    : setInterval(() => {
        const bad = s.hangs.length + s.crashes.length + s.untyped.length + s.overMemory.length;
        console.error(
          `fuzz: ${name} ${s.inputs} inputs (${s.typed} typed errors, ${bad} failures, peak RSS ${(s.peak / 1e6).toFixed(0)} MB) after ${((Date.now() - t0) / 1000).toFixed(0)} s`,
        );
      }, 30_000);
  return new Promise((resolve) => {
    let next = 0;
    const skip = [];
    const launch = () => {
      if (next >= inputs) {
        if (progress !== null) clearInterval(progress);
        s.ms = Date.now() - t0;
        resolve(s);
        return;
      }
      const from = next;
      const p = fork(
        child,
        [name, String(seed), String(from), String(inputs - from), seedDir, '', skip.join(',')],
        {
          execArgv: ['--max-old-space-size=1024', '--stack-size=984'],
          stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        },
      );
      let stderr = '';
      p.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
      let current = -1;
      let since = Date.now();
      let killedFor = null;
      p.on('message', (m) => {
        if (m.begin !== undefined) {
          current = m.begin;
          since = Date.now();
          return;
        }
        for (const o of m.done) {
          next++;
          if (o === 'skipped') continue;
          s.inputs++;
          if (o === 'ok') s.ok++;
          else if (o === 'typed') s.typed++;
          else s.untyped.push(o);
        }
        if (m.peak > s.peak) s.peak = m.peak;
      });
      const watch = setInterval(() => {
        const rss = rssOf(p.pid);
        if (rss > s.peak) s.peak = rss;
        if (killedFor !== null) return;
        if (rss > maxRss) killedFor = 'memory';
        else if (current >= 0 && Date.now() - since > timeout) killedFor = 'hang';
        if (killedFor !== null) p.kill('SIGKILL');
      }, 50);
      p.on('exit', (code, signal) => {
        clearInterval(watch);
        if (killedFor === null && code === 0) {
          next = inputs;
        } else {
          // the input in flight is the culprit; inputs reported before it stay counted
          const at = Math.max(current, next);
          const rec = {
            i: at,
            why: killedFor ?? `exit ${code ?? signal}`,
            stderr: killedFor === null ? stderr.slice(-400) : '',
          };
          if (killedFor === 'hang') s.hangs.push(rec);
          else if (killedFor === 'memory') s.overMemory.push(rec);
          else s.crashes.push(rec);
          s.inputs++;
          // the next child re-runs the inputs after the last reported one, skipping the culprit(s)
          skip.push(at);
          if (current < 0) next = inputs; // died before the first input: do not loop
        }
        launch();
      });
    };
    launch();
  });
}

const work = mkdtempSync(join(tmpdir(), 'ls-fuzz-seeds-'));
const seedDir = join(work, 'models');
mkdirSync(seedDir);
await writeModelSeeds(seedDir);
const results = [];
for (const name of names) {
  if (LOADERS[name] === undefined)
    throw new Error(`fuzz: unknown loader ${name}; expected one of ${Object.keys(LOADERS).join(', ')}`);
  const r = await fuzzLoader(name, seedDir);
  results.push(r);
  if (!quiet) console.error(`fuzz: ${name} done in ${(r.ms / 1000).toFixed(1)} s`);
}
let bad = 0;
const rows = [
  [
    'loader',
    'inputs',
    'accepted',
    'typed errors',
    'hangs',
    'crashes',
    'untyped',
    'over memory',
    'peak RSS MB',
    'seconds',
  ],
];
for (const r of results) {
  rows.push(
    [
      r.name,
      r.inputs,
      r.ok,
      r.typed,
      r.hangs.length,
      r.crashes.length,
      r.untyped.length,
      r.overMemory.length,
      (r.peak / 1e6).toFixed(0),
      (r.ms / 1000).toFixed(1),
    ].map(String),
  );
  const failures = [...r.hangs, ...r.crashes, ...r.untyped, ...r.overMemory];
  bad += failures.length + (r.peak > maxRss ? 1 : 0);
  for (const f of failures.slice(0, 10)) {
    const file = await dump(r.name, f.i, seedDir);
    console.log(
      `  ${r.name} input ${f.i}: ${f.why ?? f.outcome} ${f.message ?? ''} ${f.stderr ?? ''}\n    -> ${file}`,
    );
  }
}
const widths = rows[0].map((_, j) => Math.max(...rows.map((row) => row[j].length)));
console.log(
  `fuzz: seed ${seed}, ${inputs} inputs per loader, hang limit ${timeout} ms, memory limit ${maxRss / 1e6} MB, node ${process.version}`,
);
for (const row of rows)
  console.log(row.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '));
console.log(
  bad === 0
    ? 'fuzz: 0 hangs, 0 crashes, 0 untyped errors, peak RSS within the limit'
    : `fuzz: ${bad} failure(s)`,
);
rmSync(work, { recursive: true, force: true });
process.exit(bad === 0 ? 0 : 1);
