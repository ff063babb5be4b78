/*
 * progressBar: Keras-style progress output during `fit` (a line per epoch, or a live
 * cli-progress bar on a TTY).
 */
import { ConfigError } from '../core/errors.js';
import type { Callback, Logs, TrainingParams } from './callback.js';
import { checkKeys } from './layer.js';

/** Options of `progressBar`. */
export interface ProgressBarOptions {
  /**
   * 'bar': a cli-progress bar per epoch on a TTY (plain lines otherwise, like 'epoch');
   * 'epoch': one line per epoch. Default 'bar' (what `verbose: 1` uses; `verbose: 2` uses 'epoch').
   */
  mode?: 'bar' | 'epoch';
  /** Where lines go. Default `console.log`. */
  print?: (line: string) => void;
}

interface BarLike {
  start(total: number, value: number, payload?: object): void;
  update(value: number, payload?: object): void;
  stop(): void;
}

function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .filter(([k]) => k !== 'size')
    .map(([k, v]) => `${k}: ${v.toPrecision(4)}`)
    .join(' - ');
}

/**
 * Progress output, like Keras' `verbose` modes: `Epoch 3/10 - 12ms - loss: 0.1234 -
 * val_loss: 0.2345` per epoch, or a live cli-progress bar on a TTY (cli-progress is
 * loaded on first use, so browsers never load it).
 *
 * @example await model.fit(x, y, { verbose: 0, callbacks: [progressBar({ mode: 'epoch' })] })
 */
export class ProgressBar implements Callback {
  readonly mode: 'bar' | 'epoch';
  private readonly print: (line: string) => void;
  private params: TrainingParams | null = null;
  private bar: BarLike | null = null;
  private started = 0;
  private seen = 0;

  constructor(options: ProgressBarOptions = {}) {
    checkKeys('progressBar', options, ['mode', 'print']);
    const mode = options.mode ?? 'bar';
    if (mode !== 'bar' && mode !== 'epoch')
      throw new ConfigError(`progressBar: mode must be 'bar' or 'epoch'; got ${String(mode)}`);
    this.mode = mode;
    this.print = options.print ?? ((line: string) => console.log(line));
  }

  async onTrainBegin(params: TrainingParams): Promise<void> {
    this.params = params;
    const stdout = (globalThis as { process?: { stdout?: NodeJS.WriteStream } }).process?.stdout;
    if (this.mode === 'bar' && stdout?.isTTY === true) {
      const mod = await import('cli-progress');
      this.bar = new mod.SingleBar(
        {
          format: 'Epoch {epoch} [{bar}] {value}/{total} | {logs}',
          hideCursor: false,
          clearOnComplete: false,
          stream: stdout,
        },
        mod.Presets.shades_classic,
      );
    }
  }

  onEpochBegin(epoch: number): void {
    this.started = Date.now();
    this.seen = 0;
    const p = this.params as TrainingParams;
    this.bar?.start(p.steps, 0, { epoch: `${epoch + 1}/${p.epochs}`, logs: '' });
  }

  onBatchEnd(_batch: number, logs: Logs): void {
    this.seen += 1;
    this.bar?.update(this.seen, { logs: formatLogs({ loss: logs.loss }) });
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const p = this.params as TrainingParams;
    if (this.bar !== null) {
      this.bar.update(this.seen, { logs: formatLogs(logs) });
      this.bar.stop();
      return;
    }
    this.print(`Epoch ${epoch + 1}/${p.epochs} - ${Date.now() - this.started}ms - ${formatLogs(logs)}`);
  }
}

/**
 * Creates a `ProgressBar` callback.
 * @example progressBar({ mode: 'epoch' })
 */
export function progressBar(options: ProgressBarOptions = {}): ProgressBar {
  return new ProgressBar(options);
}
