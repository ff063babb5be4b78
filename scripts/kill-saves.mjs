// The crash-safety check of saves: a child trains and checkpoints after every epoch
// (test/models/kill-child.ts); it is SIGKILLed at random moments, many during a save;
// after each kill the checkpoint directory must load (loadModel, in this process), and
// no leftovers may remain after that load. Then the run is resumed to the end, in as
// many pieces as there were kills, and its predictions and weights must be bit-identical
// to an uninterrupted run's.
//
//   npm run kill-saves -- [--kills 50] [--epochs 40] [--seed 1]
// Needs `npm run build` first. Exits 1 on any failure.
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return Number(i >= 0 ? args[i + 1] : dflt);
};
const kills = opt('kills', 50);
const epochs = opt('epochs', 40);
let state = opt('seed', 1) >>> 0 || 1;
const random = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
};
const child = join(root, 'dist', 'test', 'models', 'kill-child.js');
const { loadModel } = await import(join(root, 'dist', 'src', 'models', 'index.js'));

function leftovers(dir) {
  return readdirSync(dirname(dir)).filter((n) => n.startsWith(`${basename(dir)}.`));
}

/** Runs the child; kills it `killAfter` ms after it reports where it resumed (null: let it finish). */
function run(dir, killAfter) {
  return new Promise((resolve, reject) => {
    const p = fork(child, [dir, String(epochs)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let out = '';
    let err = '';
    let resumedAt = null;
    let began = 0;
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('message', (m) => {
      resumedAt = m.resumedAt;
      began = Date.now();
      if (killAfter !== null) setTimeout(() => p.kill('SIGKILL'), killAfter);
    });
    p.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ killed: true, resumedAt });
      else if (code === 0)
        resolve({
          killed: false,
          resumedAt,
          ms: Date.now() - began,
          result: JSON.parse(out.trim().split('\n').at(-1)),
        });
      else
        reject(
          new Error(
            `kill-saves: the child failed (exit ${code}) after resuming at epoch ${resumedAt}:\n${err.slice(-1500)}`,
          ),
        );
    });
  });
}

const work = mkdtempSync(join(tmpdir(), 'ls-kill-'));
let failures = 0;
try {
  const whole = await run(join(work, 'whole'), null);
  const epochMs = whole.ms / epochs;
  const dir = join(work, 'ckpt');
  let landed = 0;
  let midSave = 0;
  let loads = 0;
  let finishedEarly = 0;
  for (let k = 0; k < kills; k++) {
    // kill somewhere in the next few epochs
    const r = await run(dir, Math.floor(random() * Math.max(20, epochMs * 4)));
    if (!r.killed) {
      finishedEarly++;
      break;
    }
    landed++;
    const left = leftovers(dir);
    if (left.length > 0) midSave++;
    // a checkpoint must exist once a save completed its swap: dir, or a .new-/.old- sibling mid-swap
    if (existsSync(dir) || left.some((n) => /\.(new|old)-/.test(n))) {
      try {
        const m = await loadModel(dir);
        loads++;
        if (leftovers(dir).length > 0)
          throw new Error(`leftovers after loading: ${leftovers(dir).join(', ')}`);
        if (!(m.epoch >= 1 && m.epoch <= epochs)) throw new Error(`epoch counter ${m.epoch}`);
      } catch (e) {
        failures++;
        console.log(`kill ${k + 1}: the checkpoint does not load: ${e.message}`);
      }
    }
  }
  const resumed = await run(dir, null);
  const same = JSON.stringify(resumed.result) === JSON.stringify(whole.result);
  if (!same) failures++;
  console.log(
    `kill-saves: ${landed} kills (${midSave} during a save, leaving its temporary directories), ${loads} loads after a kill, ${failures === 0 ? 'all' : 'NOT all'} loadable; ` +
      `${finishedEarly > 0 ? 'the run finished before all kills; ' : ''}resumed run ${same ? 'bit-identical to' : 'DIFFERENT from'} the uninterrupted one ` +
      `(${epochs} epochs, ${resumed.result.prediction.length} predictions, ${resumed.result.weights.length} weight tensors)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failures === 0 ? 0 : 1);
