/*
 * The playground page: reads the controls, hands the work to the Worker (worker.ts),
 * draws what comes back. `window.playground` holds the latest figures (the page's own
 * test reads them).
 */
import co2Csv from 'site-data/co2-concentration.csv?raw';
import { CO2_SETTINGS, type ForecastSettings } from '../../shared/forecast.js';
import { seriesFromCsv, seriesFromPaste, sineSeries, type Series } from '../../shared/series.js';
import { LossChart, drawForecast, type LossPoint } from './charts.js';
import { hasRelaxedSimd, hasSimd } from './features.js';
import type { ForecastDone, FromWorker, StatusReport, ToWorker } from './protocol.js';

interface PlaygroundState {
  status: (StatusReport & { simd: boolean; relaxedSimd: boolean }) | null;
  losses: { epoch: number; loss: number; valLoss: number }[];
  forecast: Omit<
    ForecastDone,
    'modelJson' | 'weights' | 'actual' | 'predicted' | 'baseline' | 'lower' | 'upper'
  > | null;
  charModel: string | null;
  sample: string;
  sampling: boolean;
  charTrained: string | null;
  errors: string[];
}
declare global {
  interface Window {
    playground: PlaygroundState;
  }
}
const state: PlaygroundState = {
  status: null,
  losses: [],
  forecast: null,
  charModel: null,
  sample: '',
  sampling: false,
  charTrained: null,
  errors: [],
};
window.playground = state;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const num = (id: string): number => Number($<HTMLInputElement>(id).value);

let worker: Worker;
let series: Series | null = null;
const urls: string[] = [];
const lossChart = new LossChart($('f-loss'));
/** The loss chart's updates, in order (`window.playground.forecast` is set once all are drawn). */
let lossDrawn: Promise<void> = Promise.resolve();

function showError(where: HTMLElement, message: string): void {
  state.errors.push(message);
  where.textContent = message;
  where.classList.add('error');
}

let workerReady = false;
let queued: ToWorker[] = [];

function startWorker(): void {
  workerReady = false;
  queued = [];
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e: ErrorEvent) =>
    showError($('f-progress'), `the training worker failed: ${e.message || 'it did not load'}`);
  send({ type: 'status' });
  const base = document.baseURI;
  send({
    type: 'load-char',
    metaUrl: new URL('models/shakespeare.json', base).href,
    weightsUrl: new URL('models/shakespeare.safetensors', base).href,
  });
}

/** Posts to the worker, or keeps the message until the worker says it listens. */
function send(m: ToWorker): void {
  if (workerReady) worker.postMessage(m);
  else queued.push(m);
}

let busy: 'forecast' | 'text' | null = null;

function onMessage(m: FromWorker): void {
  switch (m.type) {
    case 'hello':
      workerReady = true;
      for (const q of queued) worker.postMessage(q);
      queued = [];
      return;
    case 'status': {
      const s = { ...m.status, simd: hasSimd(), relaxedSimd: hasRelaxedSimd() };
      state.status = s;
      $('status').textContent =
        `kernels: ${s.kernels} | WebAssembly SIMD: ${s.simd ? 'yes' : 'no'} | relaxed SIMD: ${s.relaxedSimd ? 'yes' : 'no'} | ` +
        `threads: ${s.threads}${s.isolated ? ' (cross-origin isolated)' : ' (not cross-origin isolated)'}`;
      $('isolation').textContent = s.isolated
        ? 'This page is cross-origin isolated, so the library runs its recurrent kernels on a pool of Web Workers inside the training Worker.'
        : 'Threads need a cross-origin-isolated page: a host must send "Cross-Origin-Opener-Policy: same-origin" and ' +
          '"Cross-Origin-Embedder-Policy: require-corp" with this page (npm run docs:serve does). Without them training runs on one thread.';
      return;
    }
    case 'epoch': {
      state.losses.push({ epoch: m.epoch, loss: m.loss, valLoss: m.valLoss });
      $('f-progress').textContent =
        `epoch ${m.epoch} | loss ${m.loss.toFixed(5)} | val_loss ${m.valLoss.toFixed(5)} | ${m.stepsPerSecond.toFixed(1)} steps/s`;
      const pts: LossPoint[] = [
        { epoch: m.epoch, loss: m.loss, series: 'training' },
        { epoch: m.epoch, loss: m.valLoss, series: 'validation' },
      ];
      lossDrawn = lossDrawn.then(() => lossChart.add(pts));
      return;
    }
    case 'forecast-done':
      void forecastDone(m.result);
      return;
    case 'char-loaded':
      state.charModel = m.description;
      $('t-model').textContent = `Shipped model: ${m.description}.`;
      $<HTMLButtonElement>('t-sample').disabled = false;
      return;
    case 'chars':
      state.sample += m.text;
      $('t-output').textContent += m.text;
      if (m.done) {
        state.sampling = false;
        busy = null;
        $<HTMLButtonElement>('t-sample').disabled = false;
      }
      return;
    case 'char-step':
      $('t-progress').textContent =
        `step ${m.step} | loss ${m.loss.toFixed(3)} | ${m.stepsPerSecond.toFixed(1)} steps/s`;
      return;
    case 'char-trained': {
      state.charTrained = m.description;
      busy = null;
      $('t-progress').textContent = `trained: ${m.description}`;
      const opt = $<HTMLSelectElement>('t-which').querySelector<HTMLOptionElement>('option[value=trained]');
      if (opt) opt.disabled = false;
      $<HTMLSelectElement>('t-which').value = 'trained';
      $<HTMLButtonElement>('t-train').disabled = false;
      return;
    }
    case 'error': {
      const where = busy === 'text' ? $('t-progress') : $('f-progress');
      showError(where, m.message);
      busy = null;
      state.sampling = false;
      for (const id of ['f-train', 't-train', 't-sample']) $<HTMLButtonElement>(id).disabled = false;
      $<HTMLButtonElement>('f-stop').disabled = true;
      return;
    }
  }
}

function pickSeries(): { s: Series; season: number; name: string } {
  const which = $<HTMLSelectElement>('f-series').value;
  if (which === 'co2')
    return {
      s: seriesFromCsv(co2Csv, 'CO2', 'Date'),
      season: 12,
      name: 'seasonal naive (12 months earlier)',
    };
  if (which === 'sine') return { s: sineSeries(), season: 50, name: 'seasonal naive (one period earlier)' };
  const season = num('f-season');
  return {
    s: seriesFromPaste($<HTMLTextAreaElement>('f-paste').value),
    season,
    name: season <= 1 ? 'naive (last value)' : `seasonal naive (${season} earlier)`,
  };
}

let baselineName = '';
async function train(): Promise<void> {
  const progress = $('f-progress');
  progress.classList.remove('error');
  let picked;
  try {
    picked = pickSeries();
  } catch (e) {
    showError(progress, (e as Error).message);
    return;
  }
  series = picked.s;
  baselineName = picked.name;
  const n = series.values.length;
  const horizon = num('f-horizon');
  const tail =
    $<HTMLSelectElement>('f-series').value === 'paste'
      ? Math.max(horizon, Math.round(n * 0.1))
      : $<HTMLSelectElement>('f-series').value === 'sine'
        ? 100
        : 60;
  const settings: ForecastSettings = {
    ...CO2_SETTINGS,
    window: num('f-window'),
    horizon,
    hidden: num('f-units'),
    epochs: num('f-epochs'),
    season: picked.season,
    test: tail,
    validation: Math.max(tail, horizon),
    transform: $<HTMLSelectElement>('f-series').value === 'sine' ? 'none' : 'diff',
  };
  state.losses = [];
  state.forecast = null;
  lossDrawn = lossDrawn.then(() => lossChart.clear());
  await lossDrawn;
  $('f-table').hidden = true;
  $('f-download').hidden = true;
  progress.textContent = `training on ${n} points${series.notes.length ? ` (${series.notes.join('; ')})` : ''}...`;
  busy = 'forecast';
  $<HTMLButtonElement>('f-train').disabled = true;
  $<HTMLButtonElement>('f-stop').disabled = false;
  send({ type: 'forecast', values: series.values, settings });
}

async function forecastDone(r: ForecastDone): Promise<void> {
  busy = null;
  const { modelJson, weights, actual: _a, predicted: _p, baseline: _b, lower: _l, upper: _u, ...figures } = r;
  $<HTMLButtonElement>('f-train').disabled = false;
  $<HTMLButtonElement>('f-stop').disabled = true;
  $('f-progress').textContent =
    `done: ${r.epochsRun} epochs (best ${r.bestEpoch}) in ${r.trainSeconds.toFixed(1)} s, ${r.stepsPerSecond.toFixed(1)} steps/s`;
  const body = $('f-table').querySelector('tbody') as HTMLTableSectionElement;
  body.replaceChildren();
  for (const [name, rmse, mae] of [
    [`LSTM (direct, ${num('f-horizon')} steps ahead)`, r.rmse, r.mae],
    [baselineName, r.baselineRmse, r.baselineMae],
  ] as const) {
    const tr = document.createElement('tr');
    for (const v of [name, rmse.toFixed(4), mae.toFixed(4)])
      tr.appendChild(document.createElement('td')).textContent = v;
    body.appendChild(tr);
  }
  $('f-table').hidden = false;
  while (urls.length > 0) URL.revokeObjectURL(urls.pop() as string);
  const jsonUrl = URL.createObjectURL(new Blob([modelJson], { type: 'application/json' }));
  const wUrl = URL.createObjectURL(new Blob([weights as BlobPart], { type: 'application/octet-stream' }));
  urls.push(jsonUrl, wUrl);
  $<HTMLAnchorElement>('f-model-json').href = jsonUrl;
  $<HTMLAnchorElement>('f-weights').href = wUrl;
  $('f-download').hidden = false;
  if (series) {
    await drawForecast($('f-chart'), {
      values: series.values,
      labels: series.labels,
      testStart: r.testStart,
      predicted: r.predicted,
      baseline: r.baseline,
      lower: r.lower,
      upper: r.upper,
      context: Math.max(2 * r.predicted.length, 24),
      baselineName,
    });
  }
  await lossDrawn;
  // set last: the page's test reads it as "trained, and both charts drawn"
  state.forecast = figures;
}

function stop(): void {
  worker.terminate();
  busy = null;
  $('f-progress').textContent += ' (stopped)';
  $<HTMLButtonElement>('f-train').disabled = false;
  $<HTMLButtonElement>('f-stop').disabled = true;
  $<HTMLButtonElement>('t-sample').disabled = true;
  startWorker();
}

function sample(): void {
  busy = 'text';
  state.sampling = true;
  state.sample = '';
  const prime = $<HTMLInputElement>('t-prime').value;
  $('t-output').textContent = prime;
  $('t-progress').classList.remove('error');
  $<HTMLButtonElement>('t-sample').disabled = true;
  const which = $<HTMLSelectElement>('t-which').value === 'trained' ? 'trained' : 'shipped';
  send({
    type: 'sample',
    model: which,
    prime,
    temperature: num('t-temperature'),
    length: num('t-length'),
    seed: Date.now() % 1e9,
  });
}

function trainText(): void {
  busy = 'text';
  $('t-progress').classList.remove('error');
  $('t-progress').textContent = 'training...';
  $<HTMLButtonElement>('t-train').disabled = true;
  send({ type: 'train-char', text: $<HTMLTextAreaElement>('t-text').value, steps: num('t-steps') });
}

$('f-series').addEventListener('change', () => {
  $('f-paste-box').hidden = $<HTMLSelectElement>('f-series').value !== 'paste';
});
$('f-train').addEventListener('click', () => void train());
$('f-stop').addEventListener('click', stop);
$('t-sample').addEventListener('click', sample);
$('t-train').addEventListener('click', trainText);
startWorker();
