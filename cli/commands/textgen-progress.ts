/*
 * Training progress of `longshort textgen train`: on a terminal the library's live bar
 * (progressBar); elsewhere (logs, CI, a pipe) a plain line every few seconds with the
 * batch, the running loss, the time per batch and the epoch's ETA, and one line per epoch.
 */
import { callbacks, type Callback, type Logs } from '../../src/index.js';

/** The parts of fit's run parameters (given to onTrainBegin) the lines use. */
interface TrainingParams {
  epochs: number;
  steps: number;
}

/** Seconds as `850 ms`, `12.3 s` or `4 min 05 s`. */
export function duration(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 120) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.round(s - m * 60)).padStart(2, '0')} s`;
}

function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .filter(([k]) => k !== 'size')
    .map(([k, v]) => `${k}: ${v.toPrecision(4)}`)
    .join(' - ');
}

/** Plain progress lines at most every `everySeconds` (0: after every batch). */
export class ProgressLines implements Callback {
  private params: TrainingParams | null = null;
  private epochStart = 0;
  private lastLine = 0;
  private batches = 0;
  private lossSum = 0;

  constructor(
    private readonly everySeconds: number,
    private readonly print: (line: string) => void = (line) => console.log(line),
  ) {}

  onTrainBegin(params: TrainingParams): void {
    this.params = params;
  }

  onEpochBegin(): void {
    this.epochStart = performance.now();
    this.lastLine = this.epochStart;
    this.batches = 0;
    this.lossSum = 0;
  }

  onBatchEnd(_batch: number, logs: Logs): void {
    const p = this.params as TrainingParams;
    this.batches++;
    this.lossSum += logs.loss;
    const now = performance.now();
    if (this.batches === p.steps || (now - this.lastLine) / 1000 < this.everySeconds) return;
    this.lastLine = now;
    const perBatch = (now - this.epochStart) / 1000 / this.batches;
    this.print(
      `  batch ${this.batches}/${p.steps} (${Math.floor((100 * this.batches) / p.steps)}%) - loss: ${(this.lossSum / this.batches).toPrecision(4)} - ` +
        `${duration(perBatch)}/batch - epoch ETA ${duration(perBatch * (p.steps - this.batches))}`,
    );
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const p = this.params as TrainingParams;
    this.print(
      `Epoch ${epoch + 1}/${p.epochs} - ${duration((performance.now() - this.epochStart) / 1000)} - ${formatLogs(logs)}`,
    );
  }
}

/** The bar on a terminal, plain lines every `everySeconds` otherwise. */
export function trainingProgress(everySeconds: number): Callback {
  return process.stdout.isTTY ? callbacks.progressBar({ mode: 'bar' }) : new ProgressLines(everySeconds);
}
