/*
 * `npm run site:measure`: the playground's CO2 forecaster in headless Chromium against
 * `npm start` in Node, with the same settings (window 24, horizon 12, LSTM 32, up to 300
 * epochs with early stopping, Adam 3e-3, batch 32, seed 0). Prints both RMSEs, their
 * ratio, and the optimizer steps per second of each. Needs `npm run build && npm run docs`.
 * Writes out/site-measure.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startSiteServer } from './serve.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const exe = process.env.LONGSHORT_CHROMIUM ?? '/usr/bin/chromium';

// Node: npm start's pipeline (examples/forecast.ts), its printed figures
const t0 = performance.now();
const node = spawnSync(process.execPath, [path.join(repo, 'dist', 'examples', 'forecast.js'), '--plot', ''], {
  cwd: repo,
  encoding: 'utf8',
});
if (node.status !== 0) throw new Error(`npm start failed: ${node.stderr}`);
const out = node.stdout;
const rmseLine = /^LSTM[^\n]*?\s(\d+\.\d+)\s+(\d+\.\d+)\s*$/m.exec(out);
const trained = /trained (\d+) epochs in ([\d.]+) s on (\d+) windows/.exec(out);
if (!rmseLine || !trained) throw new Error(`cannot read npm start's output:\n${out}`);
const nodeRmse = Number(rmseLine[1]);
const nodeSteps = (Number(trained[1]) * Math.ceil(Number(trained[3]) / 32)) / Number(trained[2]);
console.log(
  `node (npm start): RMSE ${nodeRmse} ppm, ${trained[1]} epochs in ${trained[2]} s, ${nodeSteps.toFixed(1)} steps/s (${((performance.now() - t0) / 1000).toFixed(0)} s in all)`,
);

// the playground in Chromium, cross-origin isolated
if (!existsSync(path.join(repo, 'site', 'dist', 'playground', 'index.html')))
  throw new Error('site/dist/playground is missing: npm run docs');
const server = await startSiteServer({ isolated: !process.argv.includes('--no-isolation') });
const browser = await chromium.launch({
  executablePath: exe,
  headless: true,
  chromiumSandbox: false,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/playground/index.html`);
  await page.waitForFunction(
    () => (window as unknown as { playground: { status: unknown } }).playground.status !== null,
  );
  await page.click('#f-train');
  await page.waitForFunction(
    () => (window as unknown as { playground: { forecast: unknown } }).playground.forecast !== null,
    null,
    { timeout: 900_000, polling: 1000 },
  );
  const r = await page.evaluate(
    () =>
      (
        window as unknown as {
          playground: {
            status: { threads: number; kernels: string };
            forecast: { rmse: number; stepsPerSecond: number; epochsRun: number; trainSeconds: number };
          };
        }
      ).playground,
  );
  const f = r.forecast;
  const ratio = f.rmse / nodeRmse;
  console.log(
    `browser (playground, ${r.status.threads} thread(s), ${r.status.kernels}): RMSE ${f.rmse.toFixed(4)} ppm, ${f.epochsRun} epochs in ${f.trainSeconds.toFixed(1)} s, ${f.stepsPerSecond.toFixed(1)} steps/s`,
  );
  console.log(
    `RMSE browser / node = ${ratio.toFixed(4)} (${Math.abs(ratio - 1) <= 0.1 ? 'within' : 'NOT within'} 10%); steps/s browser / node = ${(f.stepsPerSecond / nodeSteps).toFixed(2)}`,
  );
  mkdirSync(path.join(repo, 'out'), { recursive: true });
  writeFileSync(
    path.join(repo, 'out', 'site-measure.json'),
    `${JSON.stringify({ node: { rmse: nodeRmse, stepsPerSecond: nodeSteps }, browser: { ...f, threads: r.status.threads } }, null, 2)}\n`,
  );
  if (Math.abs(ratio - 1) > 0.1) process.exitCode = 1;
} finally {
  await browser.close();
  await server.close();
}
