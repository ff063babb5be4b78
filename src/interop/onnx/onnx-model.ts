// OnnxModel: an imported ONNX graph that runs on longshort tensors.
import { ConfigError, DTypeError, FormatError, ShapeError } from '../../core/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { compileGraph, runGraph, type CompiledGraph } from './executor.js';
import { parseOnnx, type OnnxModelProto, type OnnxValueInfo } from './model.js';
import { DATA_TYPE_NAMES, fromTensor, kindOfDataType, toTensor, type Value } from './value.js';

/**
 * Options of `importOnnx`.
 *
 * @example
 * const model = await importOnnx(bytes, { file: 'lstm.onnx' }); // errors name the file
 */
export interface ImportOnnxOptions {
  /** A name for error messages (defaults to the path, or 'ONNX model' for bytes). */
  file?: string;
}

/**
 * An ONNX model imported by `importOnnx`: its graph inputs and outputs by name, and
 * `run`, which evaluates the graph on longshort tensors. Batch and sequence sizes may be
 * anything the graph allows (symbolic axes such as `batch` accept any size).
 *
 * @example
 * const model = await importOnnx('lstm.onnx');
 * model.inputNames;                              // ['input']
 * const { output } = model.run({ input: randn([3, 7, 4]) }); // (N, L, H_out)
 */
export class OnnxModel {
  /** The names `run` expects as keys, in graph order. */
  readonly inputNames: readonly string[];
  /** The names `run` returns, in graph order. */
  readonly outputNames: readonly string[];
  /** The decoded file (header, nodes, initializers). */
  readonly proto: OnnxModelProto;
  private readonly compiled: CompiledGraph;
  private readonly file: string;

  /** @internal use `importOnnx`. */
  constructor(proto: OnnxModelProto, file: string) {
    this.compiled = compileGraph(proto, file);
    this.proto = proto;
    this.file = file;
    this.inputNames = Object.freeze(this.compiled.feeds.slice());
    this.outputNames = Object.freeze(proto.graph.outputs.map((o) => o.name));
  }

  /** Evaluates the graph: `feeds` has one tensor per input name; returns one per output name. */
  run(feeds: Record<string, Tensor>): Record<string, Tensor> {
    const op = `OnnxModel.run (${this.file})`;
    if (feeds === null || typeof feeds !== 'object')
      throw new ConfigError(`${op}: feeds must be an object of tensors; got ${String(feeds)}`);
    for (const k of Object.keys(feeds)) {
      if (!this.inputNames.includes(k))
        throw new ConfigError(
          `${op}: feed '${k}' must be a graph input; expected one of ${this.inputNames.join(', ')}`,
        );
    }
    const values = new Map<string, Value>();
    for (const name of this.inputNames) {
      const t = feeds[name];
      if (t === undefined) throw new ConfigError(`${op}: input '${name}' is required; got no tensor for it`);
      const info = this.proto.graph.inputs.find((i) => i.name === name)!;
      values.set(name, checkFeed(op, info, fromTensor(t)));
    }
    const out = runGraph(this.compiled, values);
    const result: Record<string, Tensor> = {};
    for (const [k, v] of out) result[k] = toTensor(v, `${op} output '${k}'`);
    return result;
  }
}

function checkFeed(op: string, info: OnnxValueInfo, v: Value): Value {
  const want = kindOfDataType(info.elemType);
  let value = v;
  if (want !== null && want !== v.kind) {
    // int32 tensors feed integer inputs; float32/float64 must match the declared type.
    if (want === 'bool' && v.kind === 'int')
      value = { ...v, kind: 'bool', data: Uint8Array.from(v.data, (x) => (x ? 1 : 0)) };
    else
      throw new DTypeError(
        `${op}: input '${info.name}' must be ${DATA_TYPE_NAMES[info.elemType]}; got ${v.kind}`,
      );
  }
  if (info.shape) {
    const ok =
      info.shape.length === v.shape.length &&
      info.shape.every((d, i) => typeof d !== 'number' || d === v.shape[i]);
    if (!ok) {
      const want = info.shape.map((d) => (d === null ? '?' : String(d))).join(', ');
      throw new ShapeError(
        `${op}: input '${info.name}' must have shape [${want}]; got [${v.shape.join(', ')}]`,
      );
    }
  }
  return value;
}

/**
 * Imports an ONNX model from its bytes or (in Node) a path. The file is decoded and
 * checked completely (every tensor's size against its bytes, every op known, every
 * input produced) before the model is returned; nothing in it is executed.
 *
 * Supported ops: LSTM, GRU and RNN with every attribute of the ONNX spec, and the ops
 * exporters place around them (Gemm, MatMul, element-wise math, Transpose, Reshape,
 * (Un)Squeeze, Slice, Concat, Gather, Softmax, Shape, Constant and friends).
 *
 * @param source the `.onnx` bytes, or a path (Node only)
 * @example
 * const model = await importOnnx(bytes);
 * const out = model.run({ [model.inputNames[0]]: randn([7, 3, 4]) });
 */
export async function importOnnx(
  source: Uint8Array | string,
  options: ImportOnnxOptions = {},
): Promise<OnnxModel> {
  if (options === null || typeof options !== 'object')
    throw new ConfigError(`importOnnx: options must be an object; got ${String(options)}`);
  for (const k of Object.keys(options))
    if (k !== 'file') throw new ConfigError(`importOnnx: unknown option '${k}'; expected file`);
  let bytes: Uint8Array;
  let file = options.file;
  if (typeof source === 'string') {
    const { readOnnxFile } = await import('./onnx-file.js');
    bytes = await readOnnxFile(source);
    file ??= source;
  } else if (source instanceof Uint8Array) bytes = source;
  else throw new FormatError(`importOnnx: source must be a Uint8Array or a path; got ${typeof source}`);
  const proto = await parseOnnx(bytes, file ?? 'ONNX model');
  return new OnnxModel(proto, file ?? 'ONNX model');
}
