#!/usr/bin/env node
// `npm run bench`: the W1-W5 workloads of bench/workloads.json for longshort and its JavaScript peers
// (TensorFlow.js cpu + wasm, brain.js, onnxruntime-node and -web (wasm); optionally PyTorch live), interleaved per workload
// in one invocation so that machine noise hits all alike.
//
//   stdout : longshort's records, one JSON object per line (contract of ../shared/peers/README.md)
//   stderr : progress, then the side-by-side markdown table (also written to <out>/latest.md; every
//            record of every peer goes to <out>/latest.json and <out>/raw/<stamp>/; <out> = bench/results/)
//   exit   : non-zero when a longshort workload throws (record with "error"), its process dies, or its
//            training does not reduce the loss (trains_ok false). Peer failures are reported, not fatal.
//
// Options (npm run bench -- <options>):
//   --only W1:train,W3        subset of workload/modes (units: W1:train W1:infer W2:train W3:stream W4:fwdbwd W5:train)
//   --peers longshort,tfjs-wasm,tfjs-cpu,brainjs,ort   which implementations (default: all installed; torch via --torch)
//   --threads N               longshort threads (setNumThreads when exported; else 1) and ort/torch threads
//   --kernels a,b             longshort kernel sets, one column each per thread count (ref, js, wasm-simd,
//                             wasm-relaxed, native-blas, fast; environment LONGSHORT_KERNELS of its processes);
//                             default: the library's probed set. Every longshort column is labelled with its set.
//   --seq W2=8,W4=5           longshort at a shorter sequence, time scaled linearly (†). Default: none, or
//                             DEFAULT_SEQ_REF_KERNELS when the reference kernels run (W4 ~2 min per call there)
//   --full                    no shortened sequences for anyone (slow: tfjs-cpu W4 ~3.5 min per call)
//   --torch                   also run ../shared/peers/runners/torch_runner.py live: PyTorch 2 from
//                             ../shared/peers/vendor/torch2 when present, and Debian's torch 1.13 where installed
//   --out DIR                 where the table and records go (default bench/results/, git-ignored); files
//                             tracked by git are never overwritten
//   --no-topup                no extra loss-check steps after timing
//   --no-build / --build      skip / force `npm run build` (default: build when dist is older than src)
//   --sweep                   instead of the workloads: LSTM fwd+bwd cost over seq x batch (bench/sweep.mjs)
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as C from './runners/common.mjs';

const BENCH = C.BENCH;
const REPO = C.REPO;
const SHARED = path.resolve(REPO, '..', 'shared', 'peers');
const ANCHOR_FILE = path.join(SHARED, 'results', 'latest.json');
const TORCH_RUNNER = path.join(SHARED, 'runners', 'torch_runner.py');
const TORCH_VENDOR_OB = path.join(
  SHARED,
  'vendor',
  'openblas',
  'usr',
  'lib',
  'x86_64-linux-gnu',
  'openblas-openmp',
);
const PY = '/usr/bin/python3'; // Debian python with python3-torch (not a pyenv python on PATH)
const TORCH2_PY = path.join(SHARED, 'vendor', 'torch2', 'bin', 'python'); // PyTorch 2 CPU wheel (MKL, oneDNN)

/**
 * Shortened sequences (†, time scaled linearly) used unless --full. The peers' values are those of
 * ../shared/peers/run-all.sh. longshort runs full length, except with the reference kernels (a W4 call takes
 * ~2 min and a W2 step ~20 s there): DEFAULT_SEQ_REF_KERNELS.
 */
const DEFAULT_SEQ_REF_KERNELS = 'W2=8,W4=5';
const DEFAULT_SEQ = {
  longshort: '',
  'tfjs-wasm': 'W2=8,W4=10',
  'tfjs-cpu': 'W2=4,W4=2',
  brainjs: 'W2=8',
};

const UNITS = [
  ['W1', 'train'],
  ['W1', 'infer'],
  ['W2', 'train'],
  ['W3', 'stream'],
  ['W4', 'fwdbwd'],
  ['W5', 'train'],
];

const KNOWN_FLAGS = [
  'only',
  'peers',
  'threads',
  'seq',
  'full',
  'torch',
  'no-topup',
  'no-build',
  'build',
  'sweep',
  'kernels',
  'out',
  'help',
];
const KERNEL_SETS = ['fast', 'ref', 'js', 'wasm-simd', 'wasm-relaxed', 'native-blas'];
const USAGE = `npm run bench -- [options]
  --only W1:train,W3     units to run (W1:train, W1:infer, W2:train, W3:stream, W4:fwdbwd, W5:train)
  --peers longshort,ort  peers to run (longshort, tfjs-wasm, tfjs-cpu, brainjs, ort; --torch adds torch)
  --threads 1,2          longshort and ONNX Runtime thread counts, one column each (default 1,2)
  --kernels a,b          longshort's kernel sets, a column each (${KERNEL_SETS.join(', ')}; default: probed)
  --seq W2=8,W4=5        shorter sequences for longshort, scaled linearly (marked †)
  --full                 every peer at full length
  --torch                also run PyTorch live: 2.x from ../shared/peers/vendor/torch2, 1.13 where installed
  --out DIR              output folder (default bench/results/, git-ignored)
  --no-topup             no extra loss-check steps after timing
  --no-build             do not rebuild dist/ when it is stale
  --sweep                the sequence-length x batch sweep instead of the workloads`;
const args = C.parseArgs(process.argv.slice(2));
for (const k of Object.keys(args)) if (!KNOWN_FLAGS.includes(k)) die(`unknown option --${k}\n${USAGE}`);
if (args.help) {
  console.error(USAGE);
  process.exit(0);
}
const THREAD_LIST = String(args.threads === undefined || args.threads === true ? '1,2' : args.threads)
  .split(',')
  .map(Number);
if (!THREAD_LIST.every((t) => Number.isInteger(t) && t >= 1))
  die(`--threads takes positive integers like 1,2; got ${args.threads}`);
const THREADS = Math.max(...THREAD_LIST);
const FULL = !!args.full;
const KERNEL_LIST =
  args.kernels === undefined || args.kernels === true ? [null] : String(args.kernels).split(',');
for (const k of KERNEL_LIST)
  if (k !== null && !KERNEL_SETS.includes(k)) die(`--kernels takes ${KERNEL_SETS.join(', ')}; got ${k}`);
// one set: inherited by the longshort processes and read by the library (also for the header below)
if (KERNEL_LIST.length === 1 && KERNEL_LIST[0] !== null) process.env.LONGSHORT_KERNELS = KERNEL_LIST[0];
const OUT = args.out && args.out !== true ? path.resolve(String(args.out)) : path.join(BENCH, 'results');
const TOPUP = !args['no-topup'];

function die(msg, code = 2) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(code);
}
const log = (s = '') => process.stderr.write(s + '\n');

// ---------------------------------------------------------------------------------------------- build
function newestMtime(dir) {
  let t = 0;
  if (!fs.existsSync(dir)) return t;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'generated') t = Math.max(t, newestMtime(p));
    } else if (/\.ts$/.test(e.name)) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

function ensureBuild() {
  const entry = path.join(REPO, 'dist', 'src', 'index.js');
  const built = fs.existsSync(entry) ? fs.statSync(entry).mtimeMs : 0;
  const stale = newestMtime(path.join(REPO, 'src')) > built;
  if (args['no-build']) {
    if (!built) die('dist/src/index.js missing: run `npm run build` (or drop --no-build)');
    if (stale) log('bench: WARNING: dist/ is older than src/ (--no-build): measuring the last build');
    return;
  }
  if (!args.build && !stale) return;
  log(`bench: building (${built ? 'dist older than src' : 'no dist'}): npm run build`);
  const r = spawnSync('npm', ['run', 'build'], { cwd: REPO, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) die(`npm run build failed (exit ${r.status}); nothing measured`, 1);
}

/**
 * A private copy of dist/ for this run (other engineers rebuild dist/ at any time): every longshort process
 * imports the same build. Returns its path and a fingerprint of its .js files.
 */
let SNAPSHOT_DIST = path.join(REPO, 'dist');
function snapshotDist(stamp) {
  const root = path.join(BENCH, '.snapshots');
  if (fs.existsSync(root)) {
    // leftovers of killed runs, older than a day
    for (const d of fs.readdirSync(root)) {
      const p = path.join(root, d);
      if (Date.now() - fs.statSync(p).mtimeMs > 864e5) fs.rmSync(p, { recursive: true, force: true });
    }
  }
  const dst = path.join(root, stamp, 'dist');
  fs.cpSync(path.join(REPO, 'dist', 'src'), path.join(dst, 'src'), {
    recursive: true,
    filter: (f) => !/\.(map|d\.ts)$/.test(f),
  });
  const h = crypto.createHash('sha256');
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        h.update(path.relative(dst, p));
        h.update(fs.readFileSync(p));
      }
    }
  };
  walk(dst);
  SNAPSHOT_DIST = dst;
  process.env.BENCH_LONGSHORT_DIST = dst; // for the header facts below (same loader as the runner)
  return {
    dir: dst,
    sha: h.digest('hex').slice(0, 12),
    built: fs.statSync(path.join(REPO, 'dist', 'src', 'index.js')).mtime.toISOString(),
  };
}
const removeSnapshot = () => {
  if (SNAPSHOT_DIST !== path.join(REPO, 'dist'))
    fs.rmSync(path.dirname(SNAPSHOT_DIST), { recursive: true, force: true });
};

// ---------------------------------------------------------------------------------------------- peers
const hasModule = (m) => fs.existsSync(path.join(BENCH, 'node_modules', ...m.split('/'), 'package.json'));
const node = process.execPath;

function seqArg(peer) {
  if (FULL) return [];
  const s = peer === 'longshort' && args.seq && args.seq !== true ? args.seq : DEFAULT_SEQ[peer];
  return s ? ['--seq', s] : [];
}
/** longshort's default shortening: only with the reference kernels (unless --seq / --full). */
function setLongshortDefaultSeq(kernels) {
  if (/^ref\b/.test(kernels)) DEFAULT_SEQ.longshort = DEFAULT_SEQ_REF_KERNELS;
}

/** Every implementation: how to run one unit (workload:mode) in its own process. */
function peerTable() {
  const R = (f) => path.join(BENCH, 'runners', f);
  const topup = TOPUP ? [] : ['--no-topup'];
  const P = [];
  for (const ks of KERNEL_LIST) {
    for (const t of THREAD_LIST) {
      const key = ks === null || KERNEL_LIST.length === 1 ? `longshort-${t}t` : `longshort-${ks}-${t}t`;
      const env = { BENCH_LONGSHORT_DIST: SNAPSHOT_DIST, ...(ks === null ? {} : { LONGSHORT_KERNELS: ks }) };
      P.push({
        key,
        group: 'longshort',
        label: key,
        ok: true,
        env,
        cmd: (u) => [
          node,
          [
            R('longshort.mjs'),
            '--threads',
            String(t),
            '--only',
            u,
            '--peer',
            key,
            ...seqArg('longshort'),
            ...topup,
          ],
        ],
      });
    }
  }
  const tfOk = hasModule('@tensorflow/tfjs');
  P.push({
    key: 'tfjs-wasm',
    label: 'tfjs-wasm',
    ok: tfOk && hasModule('@tensorflow/tfjs-backend-wasm'),
    cmd: (u) => [node, [R('tfjs.mjs'), '--backend', 'wasm', '--only', u, ...seqArg('tfjs-wasm'), ...topup]],
  });
  // tfjs-cpu W1 train takes ~15-20 s per step: no top-up beyond the timed calls unless --full (as run-all.sh)
  P.push({
    key: 'tfjs-cpu',
    label: 'tfjs-cpu',
    ok: tfOk,
    cmd: (u) => [
      node,
      [
        R('tfjs.mjs'),
        '--backend',
        'cpu',
        '--only',
        u,
        ...seqArg('tfjs-cpu'),
        ...(u === 'W1:train' && !FULL ? ['--no-topup'] : topup),
      ],
    ],
  });
  P.push({
    key: 'brainjs',
    label: 'brainjs',
    ok: hasModule('brain.js'),
    cmd: (u) => [node, [R('brain.mjs'), '--only', u, ...seqArg('brainjs'), ...topup]],
  });
  for (const t of THREAD_LIST) {
    P.push({
      key: `ort-${t}t`,
      group: 'ort',
      label: `ort-node-${t}t`,
      ok: hasModule('onnxruntime-node'),
      cmd: (u) => [node, [R('ort.mjs'), '--threads', String(t), '--only', u]],
    });
  }
  // ONNX Runtime Web on its wasm backend (the peer with longshort's constraints: wasm, no native code), in Node
  for (const t of THREAD_LIST) {
    P.push({
      key: `ort-web-${t}t`,
      group: 'ort-web',
      label: `ort-web-wasm-${t}t`,
      ok: hasModule('onnxruntime-web'),
      cmd: (u) => [node, [R('ort.mjs'), '--web', '--threads', String(t), '--only', u]],
    });
  }
  if (args.torch) {
    // PyTorch 2 (the CPU wheel: MKL, oneDNN): the anchor, when ../shared/peers/setup.sh made its venv
    P.push({
      key: 'torch2',
      group: 'torch',
      label: `PyTorch 2 ${THREADS}t (${path.relative(REPO, path.dirname(path.dirname(TORCH2_PY)))}, live)`,
      ok: fs.existsSync(TORCH_RUNNER) && fs.existsSync(TORCH2_PY),
      env: {},
      missing: `${TORCH2_PY} missing (bash ../shared/peers/setup.sh makes it)`,
      cmd: (u) => [
        TORCH2_PY,
        [
          TORCH_RUNNER,
          '--threads',
          String(THREADS),
          // the runner's own name would be torch-unknown-Nt (its BLAS probe knows no MKL)
          '--peer',
          `torch2-${THREADS}t`,
          '--only',
          u === 'W3:stream' ? 'W3' : u,
          ...topup,
        ],
      ],
    });
    // Debian's torch 1.13 stays a column where installed
    const vendored = fs.existsSync(path.join(TORCH_VENDOR_OB, 'libblas.so.3'));
    const env = vendored
      ? { LD_LIBRARY_PATH: TORCH_VENDOR_OB }
      : { OPENBLAS_NUM_THREADS: String(THREADS), OMP_NUM_THREADS: String(THREADS) };
    P.push({
      key: 'torch',
      group: 'torch',
      label: `PyTorch 1.13 ${THREADS}t (${PY}, live)`,
      ok: fs.existsSync(TORCH_RUNNER) && fs.existsSync(PY),
      env,
      vendored,
      missing: `${TORCH_RUNNER} or ${PY} missing`,
      // torch runs full size (fast); 'W3' includes the extra stream-cell mode (nn.LSTMCell)
      cmd: (u) => [
        PY,
        [TORCH_RUNNER, '--threads', String(THREADS), '--only', u === 'W3:stream' ? 'W3' : u, ...topup],
      ],
    });
  }
  return P;
}

function selectedPeers(all) {
  const want =
    args.peers && args.peers !== true
      ? new Set(
          String(args.peers)
            .split(',')
            .map((s) => s.trim()),
        )
      : null;
  if (want && args.torch) want.add('torch');
  const out = [];
  for (const p of all) {
    if (want && !want.has(p.group ?? p.key)) continue;
    if (!p.ok) {
      log(
        p.group === 'torch'
          ? `bench: --torch: ${p.missing}; ${p.label} not run`
          : `bench: peer ${p.key} not installed in bench/node_modules: run \`npm run bench:install\` (skipped)`,
      );
      continue;
    }
    out.push(p);
  }
  if (want)
    for (const k of want)
      if (!all.some((p) => (p.group ?? p.key) === k))
        die(`unknown peer ${k} (known: ${[...new Set(all.map((p) => p.group ?? p.key))].join(', ')})`);
  return out;
}

/** ort needs the ONNX models exported from PyTorch (bench/models/, regenerated when workloads.json changes). */
function ensureOnnxModels() {
  const meta = path.join(BENCH, 'models', 'meta.json');
  if (
    fs.existsSync(meta) &&
    fs.statSync(meta).mtimeMs >= fs.statSync(path.join(BENCH, 'workloads.json')).mtimeMs
  )
    return true;
  log('bench: exporting ONNX models for onnxruntime-node (bench/runners/export_onnx.py)');
  const r = spawnSync(PY, [path.join(BENCH, 'runners', 'export_onnx.py')], {
    stdio: ['ignore', 2, 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    log(
      `bench: ONNX export failed (exit ${r.status}): ${(r.stderr || String(r.error || '')).trim().split('\n').slice(-3).join(' | ')}`,
    );
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------- machine
function cpuTimes() {
  // whole machine, jiffies
  const v = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { busy: v[0] + v[1] + v[2] + v[5] + v[6] + v[7], total: v.slice(0, 8).reduce((a, b) => a + b, 0) };
}
function childrenCpuS() {
  // CPU of our waited-for children (cutime + cstime), seconds
  const f = fs.readFileSync('/proc/self/stat', 'utf8');
  const v = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(v[13]) + Number(v[14])) / 100; // USER_HZ = 100 on Linux
}

// ---------------------------------------------------------------------------------------------- run one process
/** Runs one peer on one unit; returns its records. longshort's lines are forwarded to stdout as they come. */
function runUnit(peer, unit, rawDir) {
  const [cmd, argv] = peer.cmd(unit);
  const name = `${unit.replace(':', '-')}.${peer.key}`;
  fs.writeFileSync(path.join(rawDir, `${name}.cmd`), [cmd, ...argv].join(' ') + '\n');
  const errFile = fs.openSync(path.join(rawDir, `${name}.err`), 'w');
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(cmd, argv, {
      cwd: REPO,
      env: { ...process.env, ...(peer.env || {}) },
      stdio: ['ignore', 'pipe', errFile],
    });
    const recs = [];
    let buf = '';
    const onLine = (line) => {
      fs.appendFileSync(path.join(rawDir, `${name}.jsonl`), line + '\n');
      if (!line.trim().startsWith('{')) return;
      let r;
      try {
        r = JSON.parse(line);
      } catch {
        return;
      }
      recs.push(r);
      if (peer.group === 'longshort') process.stdout.write(JSON.stringify(r) + '\n');
    };
    child.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
    const finish = (code, signal) => {
      if (buf) onLine(buf);
      fs.closeSync(errFile);
      const wall = (Date.now() - t0) / 1000;
      const [id, mode] = unit.split(':');
      if ((code !== 0 || signal) && !recs.some((r) => r.error)) {
        const errLines = fs
          .readFileSync(path.join(rawDir, `${name}.err`), 'utf8')
          .trim()
          .split('\n');
        const tail = (errLines.find((l) => /Error\b/.test(l)) || errLines.slice(-2).join(' | '))
          .trim()
          .slice(0, 300);
        const r = {
          peer: peer.label,
          workload: id,
          mode,
          error: `process ${signal ? `killed by ${signal}` : `exit ${code}`}: ${tail} (${path.relative(REPO, rawDir)}/${name}.err)`,
        };
        recs.push(r);
        if (peer.group === 'longshort') process.stdout.write(JSON.stringify(r) + '\n');
      }
      for (const r of recs) {
        r.bench_peer_key = peer.key;
        r.process_wall_s = wall;
      }
      resolve({ recs, code, wall });
    };
    child.on('error', (e) => {
      fs.appendFileSync(path.join(rawDir, `${name}.err`), String(e));
      finish(127, null);
    });
    child.on('close', finish);
  });
}

// ---------------------------------------------------------------------------------------------- anchors
/** PyTorch cells from ../shared/peers/results/latest.json (lowest median per cell over its runs). */
function readAnchors() {
  if (!fs.existsSync(ANCHOR_FILE)) return null;
  try {
    const j = JSON.parse(fs.readFileSync(ANCHOR_FILE, 'utf8'));
    const cells = {};
    for (const r of j.records || []) {
      if (!/^torch-openblas-\dt$/.test(r.peer) || r.skipped || r.error || r.median_ms === undefined) continue;
      const k = `${r.peer}|${r.workload}|${r.mode}`;
      if (!cells[k] || r.median_ms < cells[k].median_ms) cells[k] = r;
    }
    const peers = [...new Set(Object.keys(cells).map((k) => k.split('|')[0]))].sort();
    return { file: ANCHOR_FILE, generated_at: j.generated_at, machine: j.machine, peers, cells };
  } catch (e) {
    log(`bench: cannot read ${ANCHOR_FILE}: ${e.message}`);
    return null;
  }
}

// ---------------------------------------------------------------------------------------------- table
const fmt = (v) => {
  if (v === undefined || v === null || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  const d = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
};
const fmtRatio = (v) =>
  Number.isFinite(v) ? `${v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(2)}×` : '—';

/** The time of a record in the unit of its row (ms; W3 µs/step), full-length (extrapolated when †). */
function cellValue(r, row) {
  if (!r || r.skipped || r.error || r.median_ms === undefined) return undefined;
  const ms = r.median_ms_extrapolated ?? r.median_ms;
  if (row === 'gflops') return r.gflops;
  if (r.workload === 'W3') return r.us_per_step ?? (r.median_ms * 1000) / 1000;
  return ms;
}

function cellText(r, row) {
  if (!r) return '—';
  if (r.error) return 'error';
  if (r.skipped) return 'n/e';
  const v = cellValue(r, row);
  const dag = r.seq_full ? '†' : '';
  const bad = r.trains_ok === false ? ' (!loss)' : '';
  return `${dag ? '~' : ''}${fmt(v)}${dag}${bad}`;
}

/**
 * The column label of a live PyTorch run, from one of its records: `PyTorch 2.13 2t
 * (../shared/peers/vendor/torch2, live)` or `PyTorch 1.13 1t (openblas-pthread, /usr/bin/python3, live)`;
 * the version is read from the record's runtime (`torch 2.13.0+cpu (python ..., blas=...)`).
 */
function torchLabel(key, r) {
  const m = /^torch (\d+)\.(\d+)/.exec(String(r.runtime ?? ''));
  const version = m ? `${m[1]}.${m[2]}` : key === 'torch2' ? '2' : '1.13';
  const blas = /blas=([^)\s,]+)/.exec(String(r.runtime ?? ''))?.[1];
  const where =
    key === 'torch2'
      ? path.relative(REPO, path.dirname(path.dirname(TORCH2_PY)))
      : `${blas && blas !== 'unknown' ? `${blas}, ` : ''}${PY}`;
  const t = r.threads ?? THREADS;
  return `PyTorch ${version} ${t}t (${where}, live)`;
}

function buildReport(ctx) {
  const { records, peers, anchors, meta } = ctx;
  const cols = peers.map((p) => ({ key: p.key, group: p.group ?? p.key, label: p.label }));
  // live torch: the label says which PyTorch (version from the runner's runtime field) and from where
  const find = (key, w, m) =>
    records.find((r) => r.bench_peer_key === key && r.workload === w && r.mode === m);
  for (const c of cols) {
    if (c.group === 'torch') {
      const r = records.find((x) => x.bench_peer_key === c.key && x.peer);
      if (r) c.label = torchLabel(c.key, r);
    }
    if (c.group === 'longshort') {
      // the kernel set each longshort column ran, as its processes reported it
      const sets = [
        ...new Set(
          records
            .filter((x) => x.bench_peer_key === c.key && x.kernels)
            .map((x) => String(x.kernels).split(' ')[0]),
        ),
      ];
      if (sets.length) c.label = `${c.label} [${sets.join('/')}]`;
    }
  }
  const aPeers = anchors ? anchors.peers : [];
  const anchorCell = (p, w, m) => anchors && anchors.cells[`${p}|${w}|${m}`];
  const rows = [
    ['W1', 'train', 'W1 mnist-rows train step (ms)'],
    ['W1', 'infer', 'W1 mnist-rows forward (ms)'],
    ['W2', 'train', 'W2 char-rnn train step (ms)'],
    ['W3', 'stream', 'W3 stream (µs/step)'],
    ['W3', 'stream-cell', 'W3 stream via torch nn.LSTMCell (µs/step)'],
    ['W4', 'fwdbwd', 'W4 big fwd+bwd (ms)'],
    ['W4', 'gflops', 'W4 big achieved GFLOP/s'],
    ['W5', 'train', 'W5 keras-sine train step (ms)'],
  ].filter(([w, m]) => {
    const mm = m === 'gflops' ? 'fwdbwd' : m;
    return records.some((r) => r.workload === w && r.mode === mm);
  });
  const L = [];
  L.push(`# longshort benchmark (${meta.date})`);
  L.push('');
  L.push(`Command: \`${meta.command}\``);
  L.push(
    `Machine: ${meta.cpu} × ${meta.ncpu} logical CPUs, ${meta.mem_gib} GiB, Node ${meta.node}, ${meta.platform}.`,
  );
  L.push(
    `longshort ${meta.longshort_version}: threads ${meta.longshort_threads}, kernel set \`${meta.kernels}\`` +
      (meta.threads_note ? ` (${meta.threads_note})` : '') +
      (meta.longshort_build
        ? `, build of ${meta.longshort_build.dist_built} (dist sha ${meta.longshort_build.dist_sha})`
        : '') +
      '.',
  );
  L.push(
    `Wall ${meta.wall_s.toFixed(0)} s; other processes used ${(meta.foreign_cpu_frac * 100).toFixed(0)}% of the machine during the run` +
      (meta.foreign_cpu_frac > 0.1 ? ' — CONTENDED, timings inflated and noisy.' : '.') +
      ` Load average at start ${meta.loadavg_start.map((x) => x.toFixed(2)).join(', ')}.`,
  );
  L.push(
    'Order: per workload/mode every implementation runs in its own process, one after the other (rotating start), so noise hits all alike.',
  );
  L.push('');
  const head = ['workload / mode', ...cols.map((c) => c.label), ...aPeers.map((p) => `${p} ‡`)];
  L.push(`| ${head.join(' | ')} |`);
  L.push(
    `|---|${head
      .slice(1)
      .map(() => '---:')
      .join('|')}|`,
  );
  for (const [w, m, title] of rows) {
    const mm = m === 'gflops' ? 'fwdbwd' : m;
    const cells = cols.map((c) => cellText(find(c.key, w, mm), m));
    const ac = aPeers.map((p) => {
      const r = anchorCell(p, w, mm);
      return r ? cellText(r, m) : '—';
    });
    L.push(`| ${title} | ${[...cells, ...ac].join(' | ')} |`);
  }
  const rss = cols.map((c) => {
    const r = find(c.key, 'W1', 'train');
    return r && !r.skipped && !r.error ? fmt(r.peak_rss_mb_so_far) : '—';
  });
  if (records.some((r) => r.workload === 'W1' && r.mode === 'train'))
    L.push(`| W1 train: process peak RSS (MB) | ${[...rss, ...aPeers.map(() => '—')].join(' | ')} |`);
  L.push('');
  L.push(
    'Cells: median (ms unless noted). `n/e` = the peer cannot express / run this workload, `—` = not run, ' +
      '`†` = measured at a shorter sequence and scaled linearly to the full length (GFLOP/s from the flop count of the shorter run), ' +
      '`(!loss)` = loss did not decrease, `error` = the workload threw (see below).',
  );
  if (aPeers.length) {
    L.push(
      `‡ = PyTorch anchors from the shared anchor file, not this run: \`${path.relative(REPO, anchors.file)}\` (generated ${anchors.generated_at}, ` +
        'lowest median per cell over its runs, measured on this VM type at a quieter time).',
    );
  } else {
    L.push('‡ PyTorch anchors: no shared anchor file found (../shared/peers/results/latest.json).');
  }
  // ratios
  for (const ls of cols.filter((c) => c.group === 'longshort')) {
    const lsHas = (w, m) => cellValue(find(ls.key, w, m), m) !== undefined;
    const others = [
      ...cols
        .filter((c) => c.group !== 'longshort')
        .map((c) => ({ label: c.label, get: (w, m) => find(c.key, w, m) })),
      ...aPeers.map((p) => ({ label: `${p} ‡`, get: (w, m) => anchorCell(p, w, m) })),
    ]
      // only peers with at least one value where this column has one: no empty ratio columns
      .filter((o) =>
        rows.some(
          ([w, m]) => m !== 'gflops' && m !== 'stream-cell' && lsHas(w, m) && cellValue(o.get(w, m), m),
        ),
      );
    if (!others.length) {
      L.push('');
      L.push(
        `Ratios for ${ls.label}: no peer or anchor has a comparable cell in this run (none run, none installed, or all errors).`,
      );
      continue;
    }
    L.push('');
    L.push(`Ratios: ${ls.label} time ÷ peer time (> 1×: longshort slower; † cells compared at full length).`);
    L.push('');
    L.push(`| workload / mode | ${ls.label} | ${others.map((o) => `÷ ${o.label}`).join(' | ')} |`);
    L.push(`|---|---:|${others.map(() => '---:').join('|')}|`);
    for (const [w, m, title] of rows) {
      if (m === 'gflops' || m === 'stream-cell') continue;
      const lr = find(ls.key, w, m);
      const lv = cellValue(lr, m);
      const rs = others.map((o) => {
        const pv = cellValue(o.get(w, m), m);
        return lv !== undefined && pv ? fmtRatio(lv / pv) : '—';
      });
      L.push(`| ${title} | ${cellText(lr, m)} | ${rs.join(' | ')} |`);
    }
    const tc = anchorCell('torch-openblas-1t', 'W3', 'stream-cell');
    const l3 = cellValue(find(ls.key, 'W3', 'stream'), 'stream');
    if (tc && l3 !== undefined) {
      L.push('');
      L.push(
        `W3 against torch's leaner per-step API (nn.LSTMCell, torch-openblas-1t ‡): ${fmt(l3)} ÷ ${fmt(tc.us_per_step)} µs/step = ${fmtRatio(l3 / tc.us_per_step)}.`,
      );
    }
  }
  // loss checks
  const train = records.filter((r) => r.loss_first !== undefined);
  if (train.length) {
    L.push('');
    L.push('| loss check | peer | steps | loss first → last (min) | ok |');
    L.push('|---|---|---:|---|---|');
    for (const r of train) {
      L.push(
        `| ${r.workload}:${r.mode} | ${r.peer} | ${r.val_steps} | ${Number(r.loss_first).toFixed(4)} → ${Number(r.loss_last).toFixed(4)} (${Number(r.loss_min).toFixed(4)}) | ${r.trains_ok ? 'yes' : '**NO**'} |`,
      );
    }
  }
  const ext = records.filter((r) => r.seq_full);
  if (ext.length) {
    L.push('');
    L.push(
      '† cells: ' +
        ext.map((r) => `${r.peer} ${r.workload} at seq ${r.seq_used}/${r.seq_full}`).join('; ') +
        '.',
    );
  }
  const errs = records.filter((r) => r.error);
  if (errs.length) {
    L.push('');
    L.push('Errors:');
    for (const r of errs) L.push(`- ${r.peer} ${r.workload}:${r.mode}: ${r.error}`);
  }
  const skipped = records.filter((r) => r.skipped);
  if (skipped.length) {
    L.push('');
    L.push(
      'Not expressible (n/e): ' +
        skipped.map((r) => `${r.peer} ${r.workload}:${r.mode}`).join(', ') +
        ' (reasons in latest.json).',
    );
  }
  if (meta.notes.length) {
    L.push('');
    for (const n of meta.notes) L.push(`Note: ${n}`);
  }
  return L.join('\n') + '\n';
}

/** Whether git tracks `file` (a committed result must not be overwritten by a run). */
function trackedByGit(file) {
  const r = spawnSync('git', ['ls-files', '--error-unmatch', file], { cwd: REPO, stdio: 'ignore' });
  return r.status === 0;
}

// ---------------------------------------------------------------------------------------------- main
async function main() {
  if (args.sweep) {
    ensureBuild();
    const r = spawnSync(
      node,
      [path.join(BENCH, 'sweep.mjs'), ...process.argv.slice(2).filter((a) => a !== '--sweep')],
      { stdio: 'inherit' },
    );
    process.exit(r.status ?? 1);
  }
  ensureBuild();
  const spec = C.loadWorkloads();
  const sel = C.makeSelector(args.only);
  const units = UNITS.filter(([id, m]) => sel(id, m)).map(([id, m]) => `${id}:${m}`);
  if (!units.length)
    die(`--only ${args.only} selects nothing (units: ${UNITS.map((u) => u.join(':')).join(', ')})`);
  const peers = selectedPeers(peerTable());
  const notes = [];
  if (
    peers.some((p) => p.group === 'ort' || p.group === 'ort-web') &&
    units.some((u) => u === 'W1:infer' || u === 'W3:stream') &&
    !ensureOnnxModels()
  ) {
    notes.push(
      'onnxruntime-node: ONNX export (needs /usr/bin/python3 with python3-torch) failed; its cells are errors.',
    );
  }
  const tp = peers.find((p) => p.key === 'torch');
  if (tp) {
    notes.push(
      tp.vendored
        ? `torch (live): ${TORCH_RUNNER} with the vendored OpenBLAS (LD_LIBRARY_PATH=${path.relative(REPO, TORCH_VENDOR_OB)}), ${THREADS} thread(s).`
        : `torch (live): ${path.relative(REPO, path.join(SHARED, 'vendor'))} missing, so torch used the system libblas.so.3 (whatever BLAS the runtime label says; run ../shared/peers/setup.sh for the pinned OpenBLAS).`,
    );
  }

  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const snap = peers.some((p) => p.group === 'longshort') ? snapshotDist(stamp) : null;
  process.on('exit', removeSnapshot);
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));
  // longshort facts for the header (same loader and build as the runner)
  const lib = await import('./runners/longshort-lib.mjs');
  const kernels = lib.kernelSetName();
  const th = lib.configureThreads(THREADS);
  setLongshortDefaultSeq(kernels);
  const rawDir = path.join(OUT, 'raw', stamp);
  fs.mkdirSync(rawDir, { recursive: true });
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  log(`bench: ${command}`);
  if (snap)
    log(`bench: longshort build: dist/ of ${snap.built}, sha ${snap.sha} (private copy for this run)`);
  log(
    `bench: node ${process.version}, ${os.cpus()[0]?.model} x ${os.cpus().length}, longshort threads ${th.threads}, kernels ${kernels}; ` +
      `peers: ${peers.map((p) => p.label).join(', ')}; units: ${units.join(', ')}; raw output ${path.relative(REPO, rawDir)}/`,
  );
  log('bench: timings on a shared machine are noisy; compare cells of the same run.');

  const t0 = Date.now();
  const s0 = cpuTimes();
  const c0 = childrenCpuS();
  const p0 = process.cpuUsage();
  const loadavgStart = os.loadavg();
  const records = [];
  let k = 0;
  for (const unit of units) {
    // rotate the order per unit so that no implementation always runs first / last
    const order = peers.map((_, i) => peers[(i + k) % peers.length]);
    k++;
    for (const p of order) {
      process.stderr.write(`  ${unit.padEnd(10)} ${p.label.padEnd(16)} `);
      const { recs, code, wall } = await runUnit(p, unit, rawDir);
      records.push(...recs);
      const rec = recs.find((r) => r.mode === unit.split(':')[1]) || recs[0];
      const what = !rec
        ? 'no record'
        : rec.error
          ? `ERROR ${rec.error.slice(0, 120)}`
          : rec.skipped
            ? 'n/e'
            : `${rec.workload === 'W3' ? `${fmt(rec.us_per_step)} µs/step` : `${fmt(rec.median_ms_extrapolated ?? rec.median_ms)} ms${rec.seq_full ? '†' : ''}`}` +
              (rec.trains_ok === false ? ' (loss did not decrease!)' : '');
      log(`${wall.toFixed(1).padStart(6)} s  rc=${code}  ${what}`);
    }
  }
  const wall = (Date.now() - t0) / 1000;
  const s1 = cpuTimes();
  const pu = process.cpuUsage(p0);
  const ownCpu = childrenCpuS() - c0 + (pu.user + pu.system) / 1e6;
  const busyS = (s1.busy - s0.busy) / 100;
  const foreign = Math.max(0, (busyS - ownCpu) / (wall * os.cpus().length));

  const anchors = readAnchors();
  const meta = {
    date: new Date().toISOString(),
    command,
    stamp,
    cpu: os.cpus()[0]?.model,
    ncpu: os.cpus().length,
    mem_gib: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    longshort_version: lib.VERSION,
    longshort_threads: th.threads,
    threads_note: th.note,
    kernels,
    longshort_build: snap && { dist_built: snap.built, dist_sha: snap.sha },
    wall_s: wall,
    foreign_cpu_frac: foreign,
    loadavg_start: loadavgStart,
    units,
    peers: peers.map((p) => p.label),
    notes,
    default_seq: FULL
      ? {}
      : { ...DEFAULT_SEQ, ...(args.seq && args.seq !== true ? { longshort: args.seq } : {}) },
  };
  const md = buildReport({ records, peers, anchors, meta });
  fs.writeFileSync(path.join(rawDir, 'report.md'), md);
  fs.mkdirSync(OUT, { recursive: true });
  const latestMd = path.join(OUT, 'latest.md');
  const latestJson = path.join(OUT, 'latest.json');
  for (const f of [latestMd, latestJson])
    if (trackedByGit(f))
      die(`${path.relative(REPO, f)} is a file tracked by git: not overwritten (give --out)`, 1);
  fs.writeFileSync(latestMd, md);
  fs.writeFileSync(
    latestJson,
    JSON.stringify(
      {
        meta,
        timing_policy: spec.timing,
        validation_policy: spec.validation,
        records,
        anchors: anchors && {
          file: anchors.file,
          generated_at: anchors.generated_at,
          cells: Object.values(anchors.cells),
        },
      },
      null,
      1,
    ) + '\n',
  );
  log('');
  log(md);
  log(
    `bench: table written to ${path.relative(REPO, latestMd)}, all records to ${path.relative(REPO, latestJson)}`,
  );

  // loud failure for longshort
  const lsRecs = records.filter((r) => String(r.bench_peer_key).startsWith('longshort-'));
  const lsErr = lsRecs.filter((r) => r.error);
  const lsBad = lsRecs.filter((r) => r.trains_ok === false);
  const missing = units.filter(
    (u) => peers.some((p) => p.group === 'longshort') && !lsRecs.some((r) => `${r.workload}:${r.mode}` === u),
  );
  if (lsErr.length || lsBad.length || missing.length) {
    for (const r of lsErr) log(`bench: FAILED longshort ${r.workload}:${r.mode}: ${r.error}`);
    for (const r of lsBad)
      log(`bench: FAILED longshort ${r.workload}:${r.mode}: loss did not decrease (trains_ok false)`);
    for (const u of missing) log(`bench: FAILED longshort ${u}: no record`);
    process.exit(1);
  }
}

main().catch((e) => {
  log(e?.stack || String(e));
  process.exit(1);
});
