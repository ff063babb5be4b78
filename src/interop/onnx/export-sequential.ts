// Keras-front Sequential models (embedding, lstm/gru/simpleRNN, bidirectional, dense,
// dropout) as ONNX graphs: input `input` (N, L, F) floats, or (N, L) int64 token ids
// when the first layer is an embedding; output `output`. Batch and sequence are dynamic.
import { UnsupportedError } from '../../core/errors.js';
import type { FloatArray } from '../../core/dtype.js';
import { DenseLayer, DropoutLayer, EmbeddingLayer } from '../../models/core-layers.js';
import type { SequentialModel } from '../../models/sequential-model.js';
import { RecurrentLayer } from '../../models/recurrent-layer.js';
import type { RNNBase } from '../../nn/rnn/rnn-base.js';
import type { Module } from '../../nn/module.js';
import { emitRecurrent, transposed, type DirectionWeights, type ExportMode } from './export-recurrent.js';
import { GraphBuilder, valueInfo, type Dim } from './graph-builder.js';

// The configuration keys of a recurrent layer whose meaning the exporter writes (the
// cell-variant keys through the module's variant); any other key (a state) is refused
// rather than exported wrongly.
const RECURRENT_KEYS = new Set([
  'name',
  'inputShape',
  'batchSize',
  'batchInputShape',
  'units',
  'returnSequences',
  'goBackwards',
  'dropout',
  'useBias',
  'activation',
  'recurrentActivation',
  'resetAfter',
  'peepholes',
  'coupledInputForget',
  'clip',
  'mergeMode',
  'layer',
]);

function params(m: Module | null): Map<string, FloatArray> {
  return new Map((m?.namedParameters() ?? []).map(([k, p]) => [k, p.floatData]));
}

function checkRecurrent(layer: RecurrentLayer, where: string): void {
  const cfg = layer.getConfig() as Record<string, unknown>;
  const inner = (cfg.layer as { config?: Record<string, unknown> } | undefined)?.config ?? {};
  for (const k of [...Object.keys(cfg), ...Object.keys(inner)]) {
    if (!RECURRENT_KEYS.has(k))
      throw new UnsupportedError(
        `${where}: ${layer.label} option '${k}' cannot be exported to ONNX; expected none of returnState or stateful`,
      );
  }
  if (layer.bidirectional && layer.goBackwards)
    throw new UnsupportedError(
      `${where}: ${layer.label}: goBackwards inside bidirectional cannot be exported`,
    );
}

/** Merges the two directions of (…, 2, …) along `axis` by Keras's merge mode. */
function merge(b: GraphBuilder, v: string, axis: number, mode: string): string {
  const half = (i: number): string => b.op('Gather', [v, b.ints('dir', [i], [])], { axis });
  if (mode === 'concat') return v; // reshaped by the caller
  const [f, r] = [half(0), half(1)];
  if (mode === 'sum') return b.op('Add', [f, r]);
  if (mode === 'mul') return b.op('Mul', [f, r]);
  return b.op('Mul', [b.op('Add', [f, r]), b.float('half', [0.5], [])]); // ave
}

export function buildSequentialGraph(model: SequentialModel, where: string): GraphBuilder {
  const spec = model.inputShape;
  if (spec === null)
    throw new UnsupportedError(
      `${where}: the model must be built (inputShape, or one call) before it is exported`,
    );
  const b = new GraphBuilder('longshort_sequential');
  const first = model.layers[0];
  const tokens = first instanceof EmbeddingLayer;
  const dims: Dim[] = ['batch', ...spec.map((d, i) => (d === null ? (i === 0 ? 'seq' : `dim_${i + 1}`) : d))];
  b.inputs.push(valueInfo('input', tokens ? 7 : 1, dims));
  let x = 'input';
  let outDims: Dim[] = dims.slice(); // the current value's dims
  for (const layer of model.layers) {
    const p = params(layer.module);
    if (layer instanceof DropoutLayer) continue; // inference: the identity
    if (layer instanceof EmbeddingLayer) {
      if (layer.maskZero)
        throw new UnsupportedError(
          `${where}: ${layer.label} with maskZero cannot be exported (masks have no ONNX form here)`,
        );
      x = b.op('Gather', [b.float('embedding', p.get('weight')!, [layer.inputDim, layer.outputDim]), x], {
        axis: 0,
      });
      outDims = [...outDims, layer.outputDim];
    } else if (layer instanceof DenseLayer) {
      const w = p.get('weight')!; // (units, in)
      const inF = w.length / layer.units;
      x = b.op('MatMul', [x, b.float('dense_W_T', transposed(w, layer.units, inF), [inF, layer.units])]);
      if (layer.useBias) x = b.op('Add', [x, b.float('dense_b', p.get('bias')!, [layer.units])]);
      const act = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', softmax: 'Softmax', linear: '' }[
        layer.activation
      ];
      if (act) x = b.op(act, [x], act === 'Softmax' ? { axis: -1 } : {});
      outDims = [...outDims.slice(0, -1), layer.units];
    } else if (layer instanceof RecurrentLayer) {
      checkRecurrent(layer, where);
      const D = layer.bidirectional ? 2 : 1;
      const H = layer.units;
      const G = layer.kind === 'lstm' ? 4 : layer.kind === 'gru' ? 3 : 1;
      const dirs: DirectionWeights[] = [];
      for (let d = 0; d < D; d++) {
        const sfx = d === 1 ? '_l0_reverse' : '_l0';
        dirs.push({
          wIh: p.get('weight_ih' + sfx)!,
          wHh: p.get('weight_hh' + sfx)!,
          bIh: p.get('bias_ih' + sfx) ?? null,
          bHh: p.get('bias_hh' + sfx) ?? null,
          wHr: null,
          wPh: p.get('weight_ph' + sfx) ?? null,
        });
      }
      const mode: ExportMode =
        layer.kind === 'lstm'
          ? 'LSTM'
          : layer.kind === 'gru'
            ? 'GRU'
            : layer.activation === 'relu'
              ? 'RNN_RELU'
              : 'RNN_TANH';
      const xs = b.op('Transpose', [x], { perm: [1, 0, 2] }); // (L, N, F)
      const r = emitRecurrent(b, xs, {
        mode,
        inputSize: dirs[0].wIh.length / (G * H),
        hiddenSize: H,
        projSize: 0,
        dirs,
        reverse: layer.goBackwards,
        variant: (layer.module as RNNBase).cellVariant,
        where: `${where}: ${layer.label}`,
      });
      if (layer.returnSequences) {
        let y = b.op('Transpose', [r.y], { perm: [2, 0, 1, 3] }); // (N, L, D, H)
        // goBackwards: Keras returns the outputs in processing (reversed) order
        if (layer.goBackwards)
          y = b.op('Slice', [
            y,
            b.ints('start', [-1]),
            b.ints('end', [-(2 ** 53) + 1]),
            b.ints('axis', [1]),
            b.ints('step', [-1]),
          ]);
        x =
          D === 2 && layer.mergeMode !== 'concat'
            ? merge(b, y, 2, layer.mergeMode)
            : b.op('Reshape', [y, b.ints('shape', [0, 0, -1])]);
        outDims = [outDims[0], outDims[1], layer.mergeMode === 'concat' ? D * H : H];
      } else {
        const h = b.op('Transpose', [r.yh], { perm: [1, 0, 2] }); // (N, D, H)
        x =
          D === 2 && layer.mergeMode !== 'concat'
            ? merge(b, h, 1, layer.mergeMode)
            : b.op('Reshape', [h, b.ints('shape', [0, -1])]);
        outDims = [outDims[0], layer.mergeMode === 'concat' ? D * H : H];
      }
    } else {
      throw new UnsupportedError(
        `${where}: layer ${layer.label} (${layer.className}) cannot be exported to ONNX; expected Embedding, LSTM, GRU, SimpleRNN, Bidirectional, Dense or Dropout`,
      );
    }
  }
  b.node('Identity', [x], ['output']);
  b.outputs.push(valueInfo('output', 1, outDims));
  return b;
}
