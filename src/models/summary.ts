/*
 * `SequentialModel.summary`: Keras' table of layers, output shapes and parameter counts.
 */
import { checkKeys, formatSpec } from './layer.js';
import type { ModelInternals, SummaryOptions } from './sequential-model-types.js';

/** `SequentialModel.summary` (see there). */
export function summaryText(model: ModelInternals, options: SummaryOptions): string {
  checkKeys('summary', options, ['print']);
  const shapes = model.outputShapes();
  const fmt = (n: number): string => n.toLocaleString('en-US');
  const rows = model.layers.map((l, i) => [
    `${l.name} (${l.className})`,
    formatSpec(shapes[i], model.fixedBatchSize),
    fmt(l.countParams()),
  ]);
  const w = [
    Math.max(28, ...rows.map((r) => r[0].length + 2)),
    Math.max(26, ...rows.map((r) => r[1].length + 2)),
    12,
  ];
  const total = w[0] + w[1] + w[2];
  const line = (c: string[]): string => c[0].padEnd(w[0]) + c[1].padEnd(w[1]) + c[2];
  const params = model.parameters();
  const trainable = params.filter((p) => p.requiresGrad).reduce((s, p) => s + p.numel(), 0);
  const all = params.reduce((s, p) => s + p.numel(), 0);
  const lines = [
    `Model: "${model.name}"`,
    '_'.repeat(total),
    line(['Layer (type)', 'Output Shape', 'Param #']),
    '='.repeat(total),
    ...rows.map(line),
    '='.repeat(total),
    `Total params: ${fmt(all)}`,
    `Trainable params: ${fmt(trainable)}`,
    `Non-trainable params: ${fmt(all - trainable)}`,
    '_'.repeat(total),
  ];
  const text = lines.join('\n');
  const print = options.print ?? ((s: string) => console.log(s));
  for (const l of lines) print(l);
  return text;
}
