// The docs site (site/dist/, built by `npm run docs`) in headless Chromium, served by the
// site's own preview server (COOP/COEP): the home page, a guide, an API page and the
// playground load without a console error or a failed request; the playground trains
// the CO2 forecaster for a few epochs in its Worker (the loss falls; the loss chart and
// the forecast chart are drawn as SVG with data; the downloaded model.json +
// weights.safetensors load with loadModel and predict), samples the shipped character
// model, and trains one on pasted text. A screenshot of each page goes to out/site-test/.
//
// Skips (with the reason) when the site is not built, or playwright-core or Chromium is
// missing (LONGSHORT_CHROMIUM, else /usr/bin/chromium and friends).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Tensor, loadModel } from '../../src/index.js';
import { startSiteServer, type SiteServer } from '../../site/scripts/serve.js';
import { CHROMIUM_FLAGS, findChromium } from '../helpers/chromium.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const siteDir = path.join(repoRoot, 'site', 'dist');
const shots = path.join(repoRoot, 'out', 'site-test');
type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;

interface PlaygroundWindow {
  playground: {
    status: { kernels: string; threads: number; isolated: boolean; simd: boolean } | null;
    losses: { epoch: number; loss: number; valLoss: number }[];
    forecast: { rmse: number; baselineRmse: number; epochsRun: number; stepsPerSecond: number } | null;
    charModel: string | null;
    sample: string;
    sampling: boolean;
    charTrained: string | null;
    errors: string[];
  };
}

describe('docs site and playground in headless Chromium', { timeout: 240_000 }, () => {
  let skip: string | null = null;
  let browser: Browser | null = null;
  let server: SiteServer | null = null;
  const problems: string[] = [];

  before(async () => {
    if (
      !existsSync(path.join(siteDir, 'index.html')) ||
      !existsSync(path.join(siteDir, 'playground', 'index.html'))
    ) {
      skip = 'the site is not built (npm run build && npm run docs)';
      return;
    }
    const exe = findChromium();
    if (exe === null) {
      skip =
        'no Chromium found (/usr/bin/chromium etc.; `apt-get install -y chromium`, or set LONGSHORT_CHROMIUM)';
      return;
    }
    let playwright: typeof import('playwright-core');
    try {
      playwright = await import('playwright-core');
    } catch (e) {
      skip = `playwright-core is not installed (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
      return;
    }
    server = await startSiteServer({ root: siteDir, isolated: true });
    browser = await playwright.chromium.launch({
      executablePath: exe,
      headless: true,
      chromiumSandbox: false,
      args: CHROMIUM_FLAGS,
      timeout: 60_000,
    });
    mkdirSync(shots, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(urlPath: string): Promise<Page> {
    const context = await (browser as Browser).newContext({
      acceptDownloads: true,
      viewport: { width: 1200, height: 1000 },
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${urlPath}: console.error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${urlPath}: page error: ${e.message}`));
    page.on('requestfailed', (r) =>
      problems.push(`${urlPath}: request failed: ${r.url()} (${r.failure()?.errorText ?? '?'})`),
    );
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${urlPath}: HTTP ${r.status()} for ${r.url()}`);
    });
    await page.goto(`${(server as SiteServer).origin}${urlPath}`, { waitUntil: 'load' });
    return page;
  }

  function noProblems(): void {
    assert.deepEqual(problems, [], 'no console error, page error or failed request');
  }

  it('the home page, a guide and an API page load, with their links resolving', async (t) => {
    if (skip) return t.skip(skip);
    for (const [p, name, expect] of [
      ['/index.html', 'home', /PyTorch, exactly/],
      ['/documents/Streaming.html', 'guide-streaming', /initState/],
      ['/documents/Benchmarks.html', 'benchmarks', /npm run bench/],
      ['/classes/index.LSTM.html', 'api-lstm', /LSTM/],
    ] as const) {
      const page = await open(p);
      assert.match(await page.locator('body').innerText(), expect, `${p} shows its content`);
      // every same-site link on the page points at a file the site has
      const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const h of new Set(hrefs.filter((u) => u.startsWith((server as SiteServer).origin)))) {
        const file = path.join(siteDir, decodeURIComponent(new URL(h).pathname));
        assert.ok(existsSync(file), `${p} links to ${h}, which the site lacks`);
      }
      await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false });
      await page.context().close();
    }
    noProblems();
  });

  it('the playground trains the forecaster, draws both charts, offers a loadable model, and samples text', async (t) => {
    if (skip) return t.skip(skip);
    const page = await open('/playground/index.html');
    const pg = (): Promise<PlaygroundWindow['playground']> =>
      page.evaluate(() => (window as unknown as PlaygroundWindow).playground);
    await page.waitForFunction(
      () => (window as unknown as PlaygroundWindow).playground.status !== null,
      null,
      { timeout: 30_000 },
    );
    const status = (await pg()).status!;
    assert.match(status.kernels, /^wasm-(relaxed|simd) \(/, 'the fast kernel set is in use');
    assert.equal(status.simd, true);
    assert.equal(status.isolated, true, 'the preview server makes the page cross-origin isolated');
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    if (cores > 1)
      assert.ok(status.threads > 1, `threads in the Worker (got ${status.threads} on ${cores} cores)`);
    assert.match(await page.locator('#status').innerText(), /threads: \d+ \(cross-origin isolated\)/);

    // forecasting: CO2, 5 epochs
    await page.fill('#f-epochs', '5');
    await page.click('#f-train');
    await page.waitForFunction(
      () =>
        (window as unknown as PlaygroundWindow).playground.forecast !== null ||
        (window as unknown as PlaygroundWindow).playground.errors.length > 0,
      null,
      { timeout: 120_000 },
    );
    const s = await pg();
    assert.deepEqual(s.errors, []);
    const f = s.forecast!;
    assert.equal(f.epochsRun, 5);
    assert.equal(s.losses.length, 5);
    assert.ok(
      s.losses[4].loss < s.losses[0].loss,
      `the training loss fell: ${s.losses.map((l) => l.loss.toFixed(4)).join(' ')}`,
    );
    assert.ok(Number.isFinite(f.rmse) && f.rmse > 0 && f.stepsPerSecond > 0);
    // the charts: SVG paths with data (a line of several points)
    const pathPoints = (sel: string): Promise<number[]> =>
      page.$$eval(`${sel} svg path`, (ps) =>
        ps.map((p) => ((p.getAttribute('d') ?? '').match(/[ML]/g) ?? []).length),
      );
    await page.waitForFunction(() => document.querySelectorAll('#f-loss svg path').length > 0);
    const lossLines = (await pathPoints('#f-loss')).filter((n) => n >= 5);
    assert.ok(
      lossLines.length >= 2,
      `the loss chart has a training and a validation line of 5 points (got ${JSON.stringify(await pathPoints('#f-loss'))})`,
    );
    const forecastLines = (await pathPoints('#f-chart')).filter((n) => n >= 60);
    assert.ok(
      forecastLines.length >= 4,
      `the forecast chart has actual, forecast and baseline lines and the interval band over the tail (got ${JSON.stringify(await pathPoints('#f-chart'))})`,
    );
    const bands = await page.$$eval(
      '#f-chart svg path',
      (ps) =>
        ps.filter(
          (p) =>
            (p.getAttribute('fill') ?? 'none') !== 'none' &&
            p.getAttribute('fill') !== 'transparent' &&
            ((p.getAttribute('d') ?? '').match(/[ML]/g) ?? []).length >= 120,
        ).length,
    );
    assert.equal(bands, 1, 'the interval band is a filled area over the 60-point tail (both edges)');
    assert.match(await page.locator('#f-table').innerText(), /LSTM[\s\S]*seasonal naive/);
    await page.screenshot({ path: path.join(shots, 'playground-forecast.png'), fullPage: true });

    // the downloads load with loadModel
    const dir = mkdtempSync(path.join(tmpdir(), 'longshort-site-'));
    try {
      for (const [sel, name] of [
        ['#f-model-json', 'model.json'],
        ['#f-weights', 'weights.safetensors'],
      ] as const) {
        const [download] = await Promise.all([page.waitForEvent('download'), page.click(sel)]);
        assert.equal(download.suggestedFilename(), name);
        await download.saveAs(path.join(dir, name));
      }
      const model = await loadModel(dir);
      const y = model.predict(new Tensor(new Float32Array(24), [1, 24, 1]));
      assert.deepEqual(y.shape, [1, 12]);
      assert.ok(Array.from(y.data).every(Number.isFinite));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // text: the shipped model streams characters
    await page.waitForFunction(
      () => (window as unknown as PlaygroundWindow).playground.charModel !== null,
      null,
      { timeout: 30_000 },
    );
    await page.fill('#t-length', '200');
    await page.click('#t-sample');
    await page.waitForFunction(() => !(window as unknown as PlaygroundWindow).playground.sampling, null, {
      timeout: 60_000,
    });
    const sample = (await pg()).sample;
    assert.equal(sample.length, 200, 'all 200 characters arrived');
    assert.match(await page.locator('#t-output').innerText(), /^ROMEO:/);

    // and a new model trained on pasted text
    await page.click('#text summary');
    await page.fill('#t-text', 'the quick brown fox jumps over the lazy dog. '.repeat(40));
    await page.fill('#t-steps', '10');
    await page.click('#t-train');
    await page.waitForFunction(
      () =>
        (window as unknown as PlaygroundWindow).playground.charTrained !== null ||
        (window as unknown as PlaygroundWindow).playground.errors.length > 0,
      null,
      { timeout: 60_000 },
    );
    assert.deepEqual((await pg()).errors, []);
    await page.fill('#t-prime', 'the ');
    await page.fill('#t-length', '50');
    await page.click('#t-sample');
    await page.waitForFunction(() => !(window as unknown as PlaygroundWindow).playground.sampling, null, {
      timeout: 60_000,
    });
    assert.equal((await pg()).sample.length, 50);
    assert.ok(
      /^[the quickbrownfxjmpsvlazydg.]+$/.test((await pg()).sample),
      "the new model samples from the pasted text's characters",
    );
    await page.screenshot({ path: path.join(shots, 'playground-text.png'), fullPage: true });
    await page.context().close();
    noProblems();
    for (const r of (server as SiteServer).log)
      assert.ok(r.status < 400, `request ${r.path} answered ${r.status}`);
  });
});
