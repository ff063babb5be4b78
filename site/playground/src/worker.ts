/*
 * The playground's Worker: all training and sampling runs here, off the page's main
 * thread, so the page stays responsive and (cross-origin isolated) the library's pool
 * can use Web Workers of its own.
 */
import { getNumThreads, kernelSetName, startThreads } from 'longshort';
import { charModelFromFiles, sampleChars, trainCharModel, type CharModel } from '../../shared/char-model.js';
import { trainForecaster } from '../../shared/forecast.js';
import { sequentialModelFiles } from '../../shared/model-files.js';
import type { FromWorker, ToWorker } from './protocol.js';

const post = (m: FromWorker, transfer: Transferable[] = []): void => self.postMessage(m, { transfer });
const ready = startThreads();
const models: { shipped: CharModel | null; trained: CharModel | null } = { shipped: null, trained: null };

async function handle(m: ToWorker): Promise<void> {
  await ready;
  switch (m.type) {
    case 'status':
      post({
        type: 'status',
        status: { kernels: kernelSetName(), threads: getNumThreads(), isolated: self.crossOriginIsolated },
      });
      return;
    case 'forecast': {
      const r = await trainForecaster(m.values, m.settings, (e) => post({ type: 'epoch', ...e }));
      const { modelJson, weights } = sequentialModelFiles(r.model);
      const { model: _model, ...rest } = r;
      post({ type: 'forecast-done', result: { ...rest, modelJson, weights } }, [
        weights.buffer as ArrayBuffer,
      ]);
      return;
    }
    case 'load-char': {
      const [meta, weights] = await Promise.all([
        fetch(m.metaUrl).then((r) =>
          r.ok ? r.text() : Promise.reject(new Error(`${m.metaUrl}: HTTP ${r.status}`)),
        ),
        fetch(m.weightsUrl).then((r) =>
          r.ok ? r.arrayBuffer() : Promise.reject(new Error(`${m.weightsUrl}: HTTP ${r.status}`)),
        ),
      ]);
      const loaded = charModelFromFiles(meta, new Uint8Array(weights));
      models.shipped = loaded.model;
      const mt = loaded.meta;
      post({
        type: 'char-loaded',
        description: `LSTM ${mt.hidden} x ${mt.layers} over ${loaded.model.vocab.size} characters, trained on ${mt.trainedOn} for ${mt.steps} steps (loss ${mt.loss.toFixed(3)})`,
      });
      return;
    }
    case 'sample': {
      const model = models[m.model];
      if (model === null) throw new Error(`sample: the ${m.model} model is not loaded yet`);
      let chunk = '';
      let last = performance.now();
      for (const ch of sampleChars(model, m.prime, m.length, m.temperature, m.seed)) {
        chunk += ch;
        if (performance.now() - last > 30) {
          post({ type: 'chars', text: chunk, done: false });
          chunk = '';
          last = performance.now();
        }
      }
      post({ type: 'chars', text: chunk, done: true });
      return;
    }
    case 'train-char': {
      const t0 = performance.now();
      const o = {
        embedding: 32,
        hidden: 128,
        layers: 1,
        batchSize: 16,
        seqLength: 32,
        steps: m.steps,
        lr: 2e-3,
        seed: 0,
      };
      const longest = Math.max(2, Math.floor((m.text.length - 1) / o.seqLength));
      const { model, loss, steps } = trainCharModel(
        m.text,
        { ...o, batchSize: Math.min(o.batchSize, longest) },
        (step, l) => {
          if (step % 5 === 0 || step === m.steps)
            post({
              type: 'char-step',
              step,
              loss: l,
              stepsPerSecond: step / ((performance.now() - t0) / 1000),
            });
        },
      );
      models.trained = model;
      post({
        type: 'char-trained',
        description: `LSTM 128 over ${model.vocab.size} characters, ${steps} steps on the pasted text (loss ${loss.toFixed(3)})`,
      });
      return;
    }
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  handle(e.data).catch((err: unknown) =>
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
};
// messages that arrive while the modules still load (top-level await) find no handler:
// the page sends nothing before this
post({ type: 'hello' });
