/*
 * The layer list of a Sequential model: what it must be (layers not yet in a model,
 * single-output, input shape and batch size on the first only, an embedding only first,
 * a fixed batch size for stateful layers), and the names each layer gets.
 */
import { showValue } from '../core/check.js';
import { ConfigError } from '../core/errors.js';
import { EmbeddingLayer } from './core-layers.js';
import { Layer } from './layer.js';
import { RecurrentLayer } from './recurrent-layer.js';

/** The layers given to `sequential`, checked; a ConfigError naming the first problem. */
export function checkSequentialLayers(value: unknown): readonly Layer[] {
  const layers: readonly unknown[] | null = Array.isArray(value) ? (value as readonly unknown[]) : null;
  if (layers === null || layers.length === 0) {
    throw new ConfigError(
      `sequential: expected a non-empty array of layers; got ${layers === null ? showValue(value) : 'an empty array'}`,
    );
  }
  const checked: Layer[] = [];
  layers.forEach((l, i) => {
    if (!(l instanceof Layer))
      throw new ConfigError(`sequential: layers[${i}] is not a layer; got ${showValue(l)}`);
    if (l.owner !== null)
      throw new ConfigError(
        `sequential: layers[${i}] (${l.label}) already belongs to a model; create a new layer`,
      );
    if (l instanceof RecurrentLayer && l.returnState) {
      throw new ConfigError(
        `sequential: layers[${i}] (${l.label}) has returnState: true; expected single-output layers (a Sequential model cannot pass [output, h, c] on); use the layer on its own with apply()`,
      );
    }
    if (i > 0 && (l.inputShape !== null || l.batchSize !== null)) {
      throw new ConfigError(
        `sequential: only the first layer may set inputShape or batchSize; layers[${i}] (${l.label}) sets ${l.inputShape !== null ? 'inputShape' : 'batchSize'}`,
      );
    }
    if (i > 0 && l instanceof EmbeddingLayer)
      throw new ConfigError(`sequential: an embedding layer must come first; got it at layers[${i}]`);
    checked.push(l);
  });
  const stateful = checked.some((l) => l instanceof RecurrentLayer && l.stateful);
  if (stateful && checked[0].batchSize === null) {
    throw new ConfigError(
      'sequential: stateful layers need a fixed batch size; pass batchSize to the first layer (e.g. lstm({ ..., stateful: true, batchSize: 8, inputShape: [10, 3] }))',
    );
  }
  return checked;
}

/**
 * Names the unnamed layers `<kind>_<k>`, k counting that kind from 1 and skipping names
 * already taken; given names must be unique (ConfigError).
 */
export function assignLayerNames(layers: readonly Layer[]): void {
  const taken = new Set<string>();
  for (const l of layers) {
    if (l.name === null) continue;
    if (taken.has(l.name))
      throw new ConfigError(`sequential: layer names must be unique; "${l.name}" appears twice`);
    taken.add(l.name);
  }
  const counts = new Map<string, number>();
  for (const l of layers) {
    if (l.name !== null) continue;
    let k = counts.get(l.namePrefix) ?? 0;
    let candidate: string;
    do {
      k += 1;
      candidate = `${l.namePrefix}_${k}`;
    } while (taken.has(candidate));
    counts.set(l.namePrefix, k);
    taken.add(candidate);
    l.name = candidate;
  }
}
