// longshort's LSTM / GRU / RNN modules (stacked, bidirectional, batchFirst, projSize) as
// ONNX graphs with dynamic batch and sequence axes.
import type { FloatArray } from '../../core/dtype.js';
import type { RNNBase } from '../../nn/rnn/rnn-base.js';
import { emitRecurrent, type DirectionWeights, type ExportMode } from './export-recurrent.js';
import { GraphBuilder, valueInfo } from './graph-builder.js';

/** Graph inputs/outputs: `input` -> `output`, `h_n` (and `c_n` for LSTM); `h0`/`c0` inputs with initialStates. */
export function buildModuleGraph(m: RNNBase, initialStates: boolean): GraphBuilder {
  const b = new GraphBuilder('longshort_' + m.mode.toLowerCase());
  const D = m.bidirectional ? 2 : 1;
  const hOut = m.projSize > 0 ? m.projSize : m.hiddenSize;
  const isLstm = m.mode === 'LSTM';
  b.inputs.push(
    valueInfo('input', 1, m.batchFirst ? ['batch', 'seq', m.inputSize] : ['seq', 'batch', m.inputSize]),
  );
  if (initialStates) {
    b.inputs.push(valueInfo('h0', 1, [m.numLayers * D, 'batch', hOut]));
    if (isLstm) b.inputs.push(valueInfo('c0', 1, [m.numLayers * D, 'batch', m.hiddenSize]));
  }
  const params = new Map(m.namedParameters().map(([k, p]) => [k, p.floatData]));
  const get = (k: string): FloatArray | null => params.get(k) ?? null;
  let x = m.batchFirst ? b.op('Transpose', ['input'], { perm: [1, 0, 2] }) : 'input'; // (L, N, I)
  const hs: string[] = [];
  const cs: string[] = [];
  for (let l = 0; l < m.numLayers; l++) {
    const dirs: DirectionWeights[] = [];
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
      dirs.push({
        wIh: get('weight_ih' + sfx)!,
        wHh: get('weight_hh' + sfx)!,
        bIh: get('bias_ih' + sfx),
        bHh: get('bias_hh' + sfx),
        wHr: get('weight_hr' + sfx),
        wPh: get('weight_ph' + sfx),
      });
    }
    const slice = (name: string): string =>
      b.op('Slice', [name, b.ints('start', [l * D]), b.ints('end', [(l + 1) * D]), b.ints('axis', [0])]);
    const r = emitRecurrent(b, x, {
      mode: m.mode as ExportMode,
      inputSize: l === 0 ? m.inputSize : D * hOut,
      hiddenSize: m.hiddenSize,
      projSize: m.projSize,
      dirs,
      variant: m.cellVariant,
      where: `exportOnnx: ${m.constructor.name} layer ${l}`,
      h0: initialStates ? slice('h0') : undefined,
      c0: initialStates && isLstm ? slice('c0') : undefined,
    });
    // (L, D, N, H_out) -> (L, N, D*H_out)
    x = b.op('Reshape', [b.op('Transpose', [r.y], { perm: [0, 2, 1, 3] }), b.ints('shape', [0, 0, -1])]);
    hs.push(r.yh);
    if (r.yc) cs.push(r.yc);
  }
  const out = m.batchFirst ? b.op('Transpose', [x], { perm: [1, 0, 2] }) : x;
  b.node('Identity', [out], ['output']);
  b.node(hs.length === 1 ? 'Identity' : 'Concat', hs, ['h_n'], hs.length === 1 ? {} : { axis: 0 });
  b.outputs.push(
    valueInfo('output', 1, m.batchFirst ? ['batch', 'seq', D * hOut] : ['seq', 'batch', D * hOut]),
  );
  b.outputs.push(valueInfo('h_n', 1, [m.numLayers * D, 'batch', hOut]));
  if (isLstm) {
    b.node(cs.length === 1 ? 'Identity' : 'Concat', cs, ['c_n'], cs.length === 1 ? {} : { axis: 0 });
    b.outputs.push(valueInfo('c_n', 1, [m.numLayers * D, 'batch', m.hiddenSize]));
  }
  return b;
}
