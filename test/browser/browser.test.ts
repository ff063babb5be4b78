// The browser build in headless Chromium (Debian's `chromium`, driven by playwright-core):
// the browser entry (dist/src/browser.js, no node: imports) loads in a page and in a
// module Web Worker, picks the WebAssembly SIMD kernels, and a 2-layer batch-first
// float32 LSTM's forward + backward there gives exactly the numbers Node gives.
// Threads: without cross-origin isolation everything runs on one thread; with COOP/COEP
// the page's main thread still runs on one (it cannot block in Atomics.wait), and inside
// a dedicated Worker the pool runs the recurrent kernels on Web Workers over one shared
// WebAssembly.Memory.
//
// Skips (with the reason) when playwright-core or a Chromium binary is missing: set
// LONGSHORT_CHROMIUM to a Chromium/Chrome binary, else /usr/bin/chromium and friends
// are tried (`apt-get install -y chromium` on Debian).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as lib from '../../src/index.js';
import * as rnn from '../../src/kernels/f32-rnn-sequence-wasmsimd.js';
import * as pool from '../../src/parallel/pool.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';
import { buildBrowserBundle, type BrowserBundle } from './bundle.js';
import { compute, type ComputeOptions, type ComputeResult } from './compute.js';
import { CHROMIUM_FLAGS, findChromium } from '../helpers/chromium.js';
import { parseOnnxTensor } from '../../src/interop/onnx/model.js';

// dist/test/browser/ -> the repository root (serves dist/ and node_modules/)
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// [lib, pool, rnn, { compute }]: from dist/ module by module, or (o.bundled) from the
// esbuild bundle that bundle.ts writes
const IMPORTS = `(o.bundled
    ? import('/dist/test/browser/bundle/app.mjs').then((b) => [b.lib, b.pool, b.rnn, b])
    : Promise.all([
        import('/dist/src/browser.js'),
        import('/dist/src/parallel/pool.js'),
        import('/dist/src/kernels/f32-rnn-sequence-wasmsimd.js'),
        import('/dist/test/browser/compute.js'),
      ]))`;

// The page: runMain runs `compute` on the page's main thread; runWorker in a new module
// Web Worker (see WORKER; its results posted back).
const PAGE = `<!doctype html><meta charset="utf-8"><title>longshort browser test</title>
<script type="module">
window.runMain = async (o) => {
  const [lib, pool, rnn, c] = await ${IMPORTS};
  return c.compute(lib, pool, rnn, o);
};
window.runWorker = (o) => new Promise((resolve, reject) => {
  const w = new Worker('/__bt__/worker.js', { type: 'module' });
  w.onmessage = (e) => { w.terminate(); if (e.data.error) reject(new Error(e.data.error)); else resolve(e.data.results); };
  w.onerror = (e) => { w.terminate(); reject(new Error('worker error: ' + (e.message || 'failed to load'))); };
  w.postMessage({ o });
});
window.pageReady = true;
</script>`;

// The worker: compute once right away, then `await startThreads()` (which waits for the
// pool's Web Workers to come up), then compute again.
const WORKER = `self.onmessage = async (e) => {
  try {
    const o = e.data.o;
    const [lib, pool, rnn, c] = await ${IMPORTS};
    const first = c.compute(lib, pool, rnn, e.data.o);
    const t0 = Date.now();
    const started = await lib.startThreads();
    const startMs = Date.now() - t0;
    const second = c.compute(lib, pool, rnn, e.data.o);
    self.postMessage({ results: { first, second, started, startMs } });
  } catch (err) {
    self.postMessage({ error: String((err && err.stack) || err) });
  }
};`;

interface WorkerResults {
  first: ComputeResult;
  second: ComputeResult;
  /** What startThreads() resolved with. */
  started: number;
  startMs: number;
}

/** csv-parse/sync and fflate are imported by name: resolve them to their browser builds, as a bundler would. */
function resolveBareImports(_urlPath: string, text: string): string {
  return text
    .replace(/from\s+'csv-parse\/sync'/g, "from '/node_modules/csv-parse/dist/esm/sync.js'")
    .replace(/from\s+'fflate'/g, "from '/node_modules/fflate/esm/browser.js'");
}

const SMALL: ComputeOptions = { threads: 1, N: 3, L: 7, I: 5, H: 6, seed: 1234 };
// big enough that a 2-thread split is worth it under the default thresholds too
const THREADED: ComputeOptions = { threads: 2, minFlops: 0, N: 16, L: 12, I: 24, H: 64, seed: 99 };

/** The same computation in this process (Node entry, one thread). */
function nodeReference(o: ComputeOptions): ComputeResult {
  const prev = pool.setParallelThresholds(4e6, 1e6);
  try {
    return compute(lib, pool, rnn, { ...o, threads: 1, minFlops: undefined, bundled: undefined });
  } finally {
    pool.setParallelThresholds(prev[0], prev[1]);
  }
}

function assertSameNumbers(actual: ComputeResult, expected: ComputeResult, what: string): void {
  assert.deepEqual(
    Object.keys(actual.values).sort(),
    Object.keys(expected.values).sort(),
    `${what}: result names`,
  );
  for (const [name, exp] of Object.entries(expected.values)) {
    const got = actual.values[name];
    assert.equal(got.length, exp.length, `${what}: ${name} length`);
    for (let i = 0; i < exp.length; i++) {
      // the same WebAssembly kernels and JS code: expect the same float32 bits
      if (!Object.is(got[i], exp[i]))
        assert.fail(`${what}: ${name}[${i}] = ${got[i]} in Chromium, ${exp[i]} in Node`);
    }
  }
}

/** What PAGE puts on `window`. */
interface TestWindow {
  runMain(o: ComputeOptions): Promise<ComputeResult>;
  runWorker(o: ComputeOptions): Promise<WorkerResults>;
}

/** Every module specifier the static import graph of a dist/ module reaches beyond dist/. */
function staticExternalImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const external = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    // static `import ... from 'x'`, `export ... from 'x'`, `import 'x'` (not `import('x')`)
    const text = readFileSync(file, 'utf8');
    const specs = [
      ...text.matchAll(/^\s*(?:import|export)\s+[\w*{}\s,$]*?\bfrom\s*['"]([^'"]+)['"]/gm),
      ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ];
    for (const m of specs) {
      const spec = m[1];
      if (spec.startsWith('.')) todo.push(path.resolve(path.dirname(file), spec));
      else external.add(spec);
    }
  }
  return external;
}

// Runs without Chromium too: the browser entry must not reach a `node:` module statically.
it('the browser entry statically imports nothing from node: (only csv-parse/sync and fflate, by name)', () => {
  const ext = staticExternalImports(path.join(repoRoot, 'dist', 'src', 'browser.js'));
  assert.deepEqual([...ext].sort(), ['csv-parse/sync', 'fflate']);
  // while the Node entry does (the file helpers), which the check must see
  assert.ok(
    [...staticExternalImports(path.join(repoRoot, 'dist', 'src', 'index.js'))].some((s) =>
      s.startsWith('node:'),
    ),
  );
});

let bundling: Promise<BrowserBundle> | null = null;
/** The esbuild bundle, built once per run (both the Node check and Chromium use it). */
const bundle = (): Promise<BrowserBundle> => (bundling ??= buildBrowserBundle(repoRoot));

// Runs without Chromium too: what a bundler takes for the browser, and that it runs.
it('an esbuild browser bundle of the package leaves out the Node-only modules and computes what Node computes', async () => {
  const b = await bundle();
  assert.ok(!/["']node:/.test(b.text), 'the bundle imports no node: module');
  for (const gone of [
    'dist/src/parallel/node-platform.js',
    'dist/src/models/model-files.js',
    'dist/src/interop/model-io-files.js',
    'dist/src/io/atomic-write.js',
    'dist/src/io/safetensors.js',
  ]) {
    assert.ok(!b.inputs.includes(gone), `${gone} is not bundled`);
  }
  assert.ok(!b.inputs.some((p) => p.includes('node_modules/cli-progress/')), 'cli-progress is not bundled');
  // protobufjs (ONNX, behind a dynamic import) maps its optional `fs` out by its own browser field
  const ours = b.disabled.filter((p) => !/(^|\/)fs$/.test(p));
  assert.deepEqual(ours.sort(), [
    'dist/src/parallel/node-platform.js',
    'node_modules/cli-progress/cli-progress.js',
  ]);
  assert.ok(
    b.inputs.includes('dist/src/models/model-files-browser.js'),
    'the browser stand-in for saving is',
  );
  assert.ok(
    b.inputs.includes('dist/src/interop/model-io-files-browser.js'),
    "the browser stand-in for importModel's paths is",
  );
  assert.ok(
    b.inputs.includes('dist/src/interop/onnx/onnx-file-browser.js'),
    'the browser stand-in for ONNX files is',
  );
  assert.ok(
    b.inputs.includes('node_modules/csv-parse/dist/esm/sync.js'),
    "csv-parse's browser build (no Node Buffer) is",
  );
  assert.ok(b.inputs.includes('dist/src/browser.js'), "'longshort' resolves to the browser entry");
  // the bundle also loads in Node (one thread: its Node thread adapter is left out)
  const m = (await import(pathToFileURL(b.app).href)) as {
    lib: typeof lib;
    pool: typeof pool;
    rnn: typeof rnn;
    compute: typeof compute;
  };
  const r = m.compute(m.lib, m.pool, m.rnn, { ...SMALL, threads: 2 });
  assert.equal(r.env.numThreads, 1);
  assertSameNumbers(r, nodeReference(SMALL), 'esbuild bundle in Node');
  const model = m.lib.sequential([m.lib.layers.dense({ units: 1, inputShape: [2] })]);
  model.build([2]);
  await assert.rejects(
    model.save('/tmp/never'),
    (e: Error) => e.name === 'UnsupportedError' && /needs a file system/.test(e.message),
  );
});

type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;

describe('browser entry in headless Chromium', { timeout: 180_000 }, () => {
  let skipReason: string | null = null;
  let browser: Browser | null = null;
  const servers: Record<'plain' | 'isolated', StaticServer | null> = { plain: null, isolated: null };
  const logs: string[] = [];

  before(async () => {
    const exe = findChromium();
    if (exe === null) {
      skipReason = process.env.LONGSHORT_CHROMIUM
        ? `LONGSHORT_CHROMIUM=${process.env.LONGSHORT_CHROMIUM} does not exist`
        : 'no Chromium found (/usr/bin/chromium etc.; `apt-get install -y chromium`, or set LONGSHORT_CHROMIUM)';
      return;
    }
    let playwright: typeof import('playwright-core');
    try {
      playwright = await import('playwright-core');
    } catch (e) {
      skipReason = `playwright-core is not installed (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
      return;
    }
    const virtual: Record<string, [string, string]> = {
      '/__bt__/page.html': ['text/html; charset=utf-8', PAGE],
      '/__bt__/worker.js': ['text/javascript; charset=utf-8', WORKER],
    };
    servers.plain = await startStaticServer({
      root: repoRoot,
      isolated: false,
      virtual,
      rewriteJs: resolveBareImports,
    });
    servers.isolated = await startStaticServer({
      root: repoRoot,
      isolated: true,
      virtual,
      rewriteJs: resolveBareImports,
    });
    try {
      // launch() gives Chromium a fresh temporary profile (--user-data-dir) of its own
      browser = await playwright.chromium.launch({
        executablePath: exe,
        headless: true,
        chromiumSandbox: false,
        args: CHROMIUM_FLAGS,
        timeout: 60_000,
      });
    } catch (e) {
      // a broken local install is a failure, not a skip: the binary exists
      throw new Error(`launching ${exe} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  });

  after(async () => {
    await browser?.close();
    await servers.plain?.close();
    await servers.isolated?.close();
  });

  async function openPage(kind: 'plain' | 'isolated'): Promise<Page> {
    const page = await (browser as Browser).newPage();
    page.on('console', (m) => logs.push(`[${kind} console.${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`[${kind} pageerror] ${e.message}`));
    await page.goto(`${(servers[kind] as StaticServer).origin}/__bt__/page.html`);
    await page.waitForFunction(() => (window as unknown as { pageReady?: boolean }).pageReady === true);
    return page;
  }

  function withLogs(e: unknown): Error {
    const msg = e instanceof Error ? e.message : String(e);
    return new Error(`${msg}\nbrowser log:\n${logs.join('\n') || '(empty)'}`);
  }

  const report = (t: { diagnostic(s: string): void }, where: string, r: ComputeResult): void =>
    t.diagnostic(`${where}: ${JSON.stringify(r.env)}`);

  it('without cross-origin isolation: the page runs one thread on the WebAssembly SIMD kernels, numbers equal Node', async (t) => {
    if (skipReason !== null) return t.skip(skipReason);
    const page = await openPage('plain');
    try {
      const r = (await page
        .evaluate((o) => (window as unknown as TestWindow).runMain(o), { ...SMALL, threads: 4 })
        .catch((e) => {
          throw withLogs(e);
        })) as ComputeResult;
      report(t, 'main thread, not isolated', r);
      assert.equal(r.env.crossOriginIsolated, false);
      assert.equal(r.env.sharedArrayBuffer, false);
      assert.match(r.env.kernelSet, /wasmsimd/, 'the WebAssembly SIMD kernels, not the JS fallback');
      assert.ok(r.env.rnnWasmCalls > 0, 'the recurrent WebAssembly SIMD kernel ran');
      assert.equal(r.env.numThreads, 1, 'setNumThreads(4) without shared memory: one thread');
      assert.equal(r.env.pool.tasksOnWorkers, 0);
      assertSameNumbers(r, nodeReference(SMALL), 'not isolated, main thread');
    } finally {
      await page.close();
    }
  });

  it('without cross-origin isolation: a dedicated Worker also runs one thread, numbers equal Node', async (t) => {
    if (skipReason !== null) return t.skip(skipReason);
    const page = await openPage('plain');
    try {
      const w = (await page
        .evaluate((o) => (window as unknown as TestWindow).runWorker(o), { ...SMALL, threads: 4 })
        .catch((e) => {
          throw withLogs(e);
        })) as WorkerResults;
      report(t, 'worker, not isolated', w.first);
      t.diagnostic(`startThreads() -> ${w.started} in ${w.startMs} ms`);
      assert.equal(w.started, 1, 'no shared memory: startThreads() resolves with 1');
      const ref = nodeReference(SMALL);
      for (const r of [w.first, w.second]) {
        assert.equal(r.env.sharedArrayBuffer, false);
        assert.match(r.env.kernelSet, /wasmsimd/);
        assert.equal(r.env.numThreads, 1);
        assert.equal(r.env.pool.tasksOnWorkers, 0);
        assertSameNumbers(r, ref, 'not isolated, worker');
      }
    } finally {
      await page.close();
    }
  });

  it('cross-origin isolated: the page main thread falls back to one thread without error', async (t) => {
    if (skipReason !== null) return t.skip(skipReason);
    const page = await openPage('isolated');
    try {
      const r = (await page
        .evaluate((o) => (window as unknown as TestWindow).runMain(o), THREADED)
        .catch((e) => {
          throw withLogs(e);
        })) as ComputeResult;
      report(t, 'main thread, isolated', r);
      assert.equal(r.env.crossOriginIsolated, true);
      assert.equal(r.env.sharedArrayBuffer, true);
      assert.match(r.env.kernelSet, /wasmsimd/);
      assert.equal(r.env.numThreads, 1, 'a page main thread cannot Atomics.wait: one thread');
      assert.equal(r.env.pool.tasksOnWorkers, 0);
      assertSameNumbers(r, nodeReference(THREADED), 'isolated, main thread');
    } finally {
      await page.close();
    }
  });

  it('cross-origin isolated: inside a dedicated Worker the pool runs on Web Workers, numbers equal Node', async (t) => {
    if (skipReason !== null) return t.skip(skipReason);
    const page = await openPage('isolated');
    try {
      const w = (await page
        .evaluate((o) => (window as unknown as TestWindow).runWorker(o), THREADED)
        .catch((e) => {
          throw withLogs(e);
        })) as WorkerResults;
      report(t, 'worker, isolated, before startThreads', w.first);
      t.diagnostic(`startThreads() -> ${w.started} in ${w.startMs} ms`);
      report(t, 'worker, isolated, after startThreads', w.second);
      const ref = nodeReference(THREADED);
      for (const r of [w.first, w.second]) {
        assert.equal(r.env.crossOriginIsolated, true);
        assert.match(r.env.kernelSet, /wasmsimd/);
        assert.equal(r.env.numThreads, 2);
        assert.ok(r.env.rnnWasmCalls > 0);
      }
      // before the Web Workers are up (they start only once this thread yields), calls run
      // on the worker's own thread instead of blocking for them
      assert.ok(w.first.env.ms < 10_000, `the first call did not wait for the pool (${w.first.env.ms} ms)`);
      assertSameNumbers(w.first, ref, 'isolated, worker, before startThreads');
      assert.equal(w.started, 2, 'startThreads() brings up the pool');
      const before = w.first.env.pool.tasksOnWorkers;
      const pool2 = w.second.env.pool;
      assert.ok(
        pool2.workers === 1 && pool2.ready === 1,
        `one pool worker started and ready: ${JSON.stringify(pool2)}`,
      );
      assert.ok(pool2.tasksOnWorkers > before, `work ran on the pool's Web Worker: ${JSON.stringify(pool2)}`);
      assertSameNumbers(w.second, ref, 'isolated, worker, 2 threads');
    } finally {
      await page.close();
    }
  });

  it('the esbuild bundle: one thread on a page, and the pool on Web Workers (its worker-web.js) inside a dedicated Worker', async (t) => {
    if (skipReason !== null) return t.skip(skipReason);
    await bundle();
    const plain = await openPage('plain');
    try {
      const r = (await plain
        .evaluate((o) => (window as unknown as TestWindow).runMain(o), { ...SMALL, bundled: true })
        .catch((e) => {
          throw withLogs(e);
        })) as ComputeResult;
      assert.match(r.env.kernelSet, /wasmsimd/);
      assertSameNumbers(r, nodeReference(SMALL), 'bundle, page');
      // csv-parse's browser build came along (its Node build needs Buffer)
      const csv = await plain.evaluate(async () => {
        const url: string = '/dist/test/browser/bundle/app.mjs';
        const b = await import(url);
        return Array.from(
          b.lib.parseCsvColumns('\ufeffdate,CO2\n1958-03,315.7\n1958-04,"317.45"\n', { columns: ['CO2'] })
            .columns.CO2 as Float64Array,
        );
      });
      assert.deepEqual(csv, [315.7, 317.45]);
      // and fflate's: a torch.save checkpoint read in the page
      const pt = await plain.evaluate(async () => {
        const url: string = '/dist/test/browser/bundle/app.mjs';
        const b = await import(url);
        const bytes = new Uint8Array(await (await fetch('/test/fixtures/pt/protocol4.pt')).arrayBuffer());
        const sd = b.lib.torchStateDict(b.lib.parseTorchCheckpoint(bytes)) as Map<
          string,
          { shape: number[]; toArray(): number[] }
        >;
        return [...sd].map(([k, t]) => [k, t.shape, t.toArray()]);
      });
      assert.deepEqual(pt, [
        ['w', [2, 2], [1, 2, 3, 4]],
        ['b', [2], [0.5, -0.5]],
      ]);
    } finally {
      await plain.close();
    }
    const isolated = await openPage('isolated');
    try {
      const w = (await isolated
        .evaluate((o) => (window as unknown as TestWindow).runWorker(o), { ...THREADED, bundled: true })
        .catch((e) => {
          throw withLogs(e);
        })) as WorkerResults;
      t.diagnostic(
        `bundle: startThreads() -> ${w.started} in ${w.startMs} ms; ${JSON.stringify(w.second.env.pool)}`,
      );
      assert.equal(w.started, 2, "startThreads() brings up the pool from the bundle's worker-web.js");
      assert.ok(w.second.env.pool.tasksOnWorkers > w.first.env.pool.tasksOnWorkers, 'work ran on the pool');
      assertSameNumbers(w.second, nodeReference(THREADED), 'bundle, worker, 2 threads');
    } finally {
      await isolated.close();
    }
  });
  it('the esbuild bundle: importModel reads ONNX, brain.js JSON and a Keras zip from bytes in the page (format from the content), outputs as recorded', async (t) => {
    if (skipReason !== null) return t.skip(skipReason);
    await bundle();
    // PyTorch 1.13's torch.onnx.export of a stacked bidirectional batch-first LSTM, its outputs recorded
    const onnxDir = 'test/fixtures/onnx/torch-1.13/lstm_stacked_bidirectional_batch_first';
    const x = await parseOnnxTensor(
      new Uint8Array(readFileSync(path.join(repoRoot, onnxDir, 'test_data_set_0', 'input_0.pb'))),
    );
    const want = await parseOnnxTensor(
      new Uint8Array(readFileSync(path.join(repoRoot, onnxDir, 'test_data_set_0', 'output_0.pb'))),
    );
    // brain.js's own run() on a GRUTimeStep and on the file longshort wrote from a Keras model
    const brain = JSON.parse(
      readFileSync(path.join(repoRoot, 'test/fixtures/brainjs/gru_time_step.io.json'), 'utf8'),
    ) as { x: number[][][]; y: number[][] };
    const keras = JSON.parse(
      readFileSync(path.join(repoRoot, 'test/fixtures/brainjs/written/keras_simple_rnn.io.json'), 'utf8'),
    ) as { x: number[][][]; y: number[][] };
    const page = await openPage('plain');
    try {
      const got = await page
        .evaluate(
          async (o) => {
            const url: string = '/dist/test/browser/bundle/app.mjs';
            const b = await import(url);
            const fetchBytes = async (u: string): Promise<Uint8Array> =>
              new Uint8Array(await (await fetch(u)).arrayBuffer());
            const seqs = (v: number[][][]): unknown =>
              new b.lib.Tensor(Float32Array.from(v.flat(2)), [v.length, v[0].length, v[0][0].length]);
            const onnx = await b.lib.importModel(await fetchBytes(`/${o.onnxDir}/model.onnx`));
            const y = onnx.run({ [onnx.inputNames[0]]: new b.lib.Tensor(Float32Array.from(o.x), o.xShape) })[
              onnx.outputNames[0]
            ];
            const brainBytes = await fetchBytes('/test/fixtures/brainjs/gru_time_step.json');
            const net = await b.lib.importModel(brainBytes);
            const kerasModel = await b.lib.importModel(
              await fetchBytes('/test/fixtures/brainjs/written/keras_simple_rnn.keras'),
            );
            const back = await b.lib.exportModel(net, null, { format: 'brainjs' });
            let pathError = '';
            await b.lib
              .importModel('/model.keras')
              .catch((e: Error) => (pathError = `${e.name}: ${e.message}`));
            return {
              formats: [brainBytes, await fetchBytes(`/${o.onnxDir}/model.onnx`)].map((u) =>
                b.lib.formatFromBytes(u),
              ),
              isOnnx: b.lib.isOnnxModel(onnx),
              onnx: { shape: y.shape, data: Array.from(y.data as Float32Array) },
              brain: Array.from(net.predict(seqs(o.brainX)).data as Float32Array),
              keras: Array.from(kerasModel.predict(seqs(o.kerasX)).data as Float32Array),
              back: new TextDecoder().decode(back),
              pathError,
            };
          },
          {
            onnxDir,
            x: Array.from(x.data as Float32Array),
            xShape: x.shape,
            brainX: brain.x,
            kerasX: keras.x,
          },
        )
        .catch((e) => {
          throw withLogs(e);
        });
      assert.deepEqual(got.formats, ['brainjs', 'onnx']);
      assert.ok(got.isOnnx);
      assert.deepEqual(got.onnx.shape, want.shape);
      const close = (a: number, w: number, where: string): void =>
        assert.ok(Math.abs(a - w) <= 1e-5 * Math.max(1, Math.abs(w)), `${where}: got ${a}, want ${w}`);
      Array.from(want.data as ArrayLike<number>).forEach((w, i) =>
        close(got.onnx.data[i], Number(w), `onnx[${i}]`),
      );
      brain.y.flat().forEach((w, i) => close(got.brain[i], w, `brain.js GRUTimeStep[${i}]`));
      keras.y.flat().forEach((w, i) => close(got.keras[i], w, `keras_simple_rnn[${i}]`));
      const nodeModel = await lib.importModel(
        new Uint8Array(readFileSync(path.join(repoRoot, 'test/fixtures/brainjs/gru_time_step.json'))),
      );
      const nodeBack = await lib.exportModel(nodeModel as lib.SequentialModel, null, { format: 'brainjs' });
      assert.equal(got.back, new TextDecoder().decode(nodeBack), 'exportModel gives the bytes Node gives');
      assert.match(
        got.pathError,
        /^UnsupportedError: importModel: reading "\/model\.keras" needs a file system/,
      );
      t.diagnostic(
        `in Chromium: ONNX ${want.shape.join('x')}, brain.js and Keras outputs within 1e-5 of the recorded`,
      );
    } finally {
      await page.close();
    }
  });
});
