// exportOnnx / saveOnnx: longshort's recurrent modules and Keras-front models as ONNX.
import { ConfigError, UnsupportedError } from '../../core/errors.js';
import { SequentialModel } from '../../models/sequential-model.js';
import { RNNBase } from '../../nn/rnn/rnn-base.js';
import { buildModuleGraph } from './export-module.js';
import { buildSequentialGraph } from './export-sequential.js';
import { modelObject } from './graph-builder.js';
import { loadOnnxCodec } from './proto.js';

/**
 * Options of `exportOnnx` / `saveOnnx`.
 *
 * @example
 * const bytes = await exportOnnx(new LSTM(4, 8), { initialStates: true }); // h0 / c0 become inputs
 */
export interface ExportOnnxOptions {
  /**
   * Modules only: add graph inputs `h0` `(D*numLayers, N, H_out)` (and `c0`
   * `(D*numLayers, N, H_cell)` for LSTM) for the initial states. Default: false (zeros).
   */
  initialStates?: boolean;
}

const PRODUCER_VERSION = '0.1.0';

/**
 * Writes a model as an ONNX file (opset 17, IR 8) with dynamic batch and sequence axes,
 * for inference (dropout is the identity there).
 *
 * - `LSTM` / `GRU` / `RNN` modules (stacked, bidirectional, `batchFirst`, `nonlinearity`,
 *   `bias`): input `input` `(L, N, H_in)` (or `(N, L, H_in)` batch-first), outputs
 *   `output`, `h_n` and, for LSTM, `c_n`, as `forward` returns them. PyTorch's cells map to
 *   the ONNX LSTM / GRU (`linear_before_reset`) / RNN ops; an LSTM with `projSize` (which
 *   the ONNX LSTM op cannot express) becomes a `Scan` per direction over the projected step.
 * - Keras-front `SequentialModel`s of embedding, lstm, gru, simpleRNN, bidirectional (every
 *   merge mode), dense and dropout layers: input `input` `(N, L, F)` float, or `(N, L)`
 *   int64 token ids after an embedding; output `output`, as `predict` returns it.
 *
 * @example
 * const lstm = new LSTM(4, 8, { numLayers: 2, batchFirst: true, projSize: 3 });
 * const bytes = await exportOnnx(lstm);           // Uint8Array, an .onnx file
 * const back = await importOnnx(bytes);
 * back.run({ input: randn([3, 7, 4]) }).output;   // (3, 7, 3), equal to lstm.forward
 */
export async function exportOnnx(
  model: RNNBase | SequentialModel,
  options: ExportOnnxOptions = {},
): Promise<Uint8Array> {
  const op = 'exportOnnx';
  if (options === null || typeof options !== 'object')
    throw new ConfigError(`${op}: options must be an object; got ${String(options)}`);
  for (const k of Object.keys(options))
    if (k !== 'initialStates') throw new ConfigError(`${op}: unknown option '${k}'; expected initialStates`);
  if (options.initialStates !== undefined && typeof options.initialStates !== 'boolean') {
    throw new ConfigError(`${op}: initialStates must be a boolean; got ${String(options.initialStates)}`);
  }
  let graph;
  if (model instanceof RNNBase) graph = buildModuleGraph(model, options.initialStates ?? false);
  else if (model instanceof SequentialModel) {
    if (options.initialStates)
      throw new ConfigError(`${op}: initialStates applies to LSTM/GRU/RNN modules, not to a SequentialModel`);
    graph = buildSequentialGraph(model, op);
  } else {
    const name = (model as object | null)?.constructor?.name ?? typeof model;
    throw new UnsupportedError(
      `${op}: model must be an LSTM, GRU or RNN module or a SequentialModel; got ${name}`,
    );
  }
  const codec = await loadOnnxCodec();
  return codec.encodeModel(modelObject(graph, PRODUCER_VERSION, 'exported by longshort'));
}

/**
 * `exportOnnx` to a file (Node), written atomically (a temporary name, then renamed).
 * @example await saveOnnx('lstm.onnx', lstm);
 */
export async function saveOnnx(
  path: string,
  model: RNNBase | SequentialModel,
  options: ExportOnnxOptions = {},
): Promise<void> {
  const bytes = await exportOnnx(model, options);
  const { writeOnnxFile } = await import('./onnx-file.js');
  await writeOnnxFile(path, bytes);
}
