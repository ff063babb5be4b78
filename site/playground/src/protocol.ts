/* The messages between the playground page and its training Worker. */
import type { ForecastSettings } from '../../shared/forecast.js';

export type ToWorker =
  | { type: 'status' }
  | { type: 'forecast'; values: Float64Array; settings: ForecastSettings }
  | { type: 'load-char'; metaUrl: string; weightsUrl: string }
  | {
      type: 'sample';
      model: 'shipped' | 'trained';
      prime: string;
      temperature: number;
      length: number;
      seed: number;
    }
  | { type: 'train-char'; text: string; steps: number };

export interface StatusReport {
  kernels: string;
  threads: number;
  isolated: boolean;
}

export interface ForecastDone {
  testStart: number;
  actual: Float64Array;
  predicted: Float64Array;
  baseline: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  rmse: number;
  mae: number;
  baselineRmse: number;
  baselineMae: number;
  epochsRun: number;
  bestEpoch: number;
  stepsPerSecond: number;
  trainSeconds: number;
  modelJson: string;
  weights: Uint8Array;
}

export type FromWorker =
  | { type: 'hello' }
  | { type: 'status'; status: StatusReport }
  | { type: 'epoch'; epoch: number; loss: number; valLoss: number; stepsPerSecond: number }
  | { type: 'forecast-done'; result: ForecastDone }
  | { type: 'char-loaded'; description: string }
  | { type: 'chars'; text: string; done: boolean }
  | { type: 'char-step'; step: number; loss: number; stepsPerSecond: number }
  | { type: 'char-trained'; description: string }
  | { type: 'error'; message: string };
