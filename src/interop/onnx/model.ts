// The decoded ONNX model as plain, checked objects: nodes, attributes, initializers
// (TensorProto -> Value with every declared size checked against the bytes first).
import { FormatError, UnsupportedError } from '../../core/errors.js';
import { LITTLE_ENDIAN } from '../../io/decode-elements.js';
import { loadOnnxCodec, toInt } from './proto.js';
import { allocValue, DATA_TYPE_NAMES, kindOfDataType, type Value } from './value.js';

/**
 * @example
 * const onnx = await importOnnx('lstm.onnx');
 * onnx.proto.graph.node[0].attribute; // name -> OnnxAttributeValue, e.g. hidden_size -> 8
 */
export type OnnxAttributeValue = number | string | Value | number[] | string[] | OnnxGraph;

/**
 * @example
 * const node = (await importOnnx('lstm.onnx')).proto.graph.node[0];
 * console.log(node.opType, node.input, node.output);
 */
export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[]; // '' marks an omitted optional input
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, OnnxAttributeValue>;
}

/**
 * A graph input or output: name, element type and dims (a number, a symbolic name, or null).
 *
 * @example
 * const inputs = (await importOnnx('lstm.onnx')).proto.graph.input; // name, element type, dims
 */
export interface OnnxValueInfo {
  readonly name: string;
  readonly elemType: number;
  readonly shape: readonly (number | string | null)[] | null;
}

/**
 * @example
 * const { graph } = (await importOnnx('lstm.onnx')).proto;
 * graph.node.map((n) => n.opType); // e.g. ['Transpose', 'LSTM', ...]
 */
export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: ReadonlyMap<string, Value>;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

/**
 * What `parseOnnx` returns: the model's header and its main graph.
 *
 * @example
 * const proto = (await importOnnx('lstm.onnx')).proto;
 * proto.opsetImport; // e.g. [{ domain: '', version: 17 }]
 */
export interface OnnxModelProto {
  readonly irVersion: number;
  readonly opsetImports: readonly { readonly domain: string; readonly version: number }[];
  readonly producerName: string;
  readonly producerVersion: string;
  readonly graph: OnnxGraph;
}

/**
 * The largest tensor an ONNX file may declare (elements); larger ones are refused with a
 * FormatError before anything is allocated.
 * @example MAX_TENSOR_ELEMENTS; // 2147483647
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

// The protobufjs message shapes this file reads (only the fields used).
interface PTensor {
  name?: string;
  dims?: unknown[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  double_data?: number[];
  int32_data?: number[];
  int64_data?: unknown[];
  uint64_data?: unknown[];
  data_location?: number;
  external_data?: unknown[];
  segment?: unknown;
}
interface PAttr {
  name?: string;
  type?: number;
  f?: number;
  i?: unknown;
  s?: Uint8Array;
  t?: PTensor;
  g?: PGraph;
  floats?: number[];
  ints?: unknown[];
  strings?: Uint8Array[];
  ref_attr_name?: string;
}
interface PNode {
  name?: string;
  op_type?: string;
  domain?: string;
  input?: string[];
  output?: string[];
  attribute?: PAttr[];
}
interface PValueInfo {
  name?: string;
  type?: {
    tensor_type?: { elem_type?: number; shape?: { dim?: { dim_value?: unknown; dim_param?: string }[] } };
  };
}
interface PGraph {
  name?: string;
  node?: PNode[];
  initializer?: PTensor[];
  sparse_initializer?: unknown[];
  input?: PValueInfo[];
  output?: PValueInfo[];
}
interface PModel {
  ir_version?: unknown;
  opset_import?: { domain?: string; version?: unknown }[];
  producer_name?: string;
  producer_version?: string;
  graph?: PGraph;
  functions?: unknown[];
}

/**
 * The typed array that holds each fixed-width ONNX element type on disk, by data_type
 * (raw_data is those elements, little-endian): FLOAT, UINT8, INT8, UINT16, INT16, INT32,
 * INT64, BOOL, DOUBLE, UINT32, UINT64.
 */
const RAW_ARRAYS: Record<number, RawArrayType> = {
  1: Float32Array,
  2: Uint8Array,
  3: Int8Array,
  4: Uint16Array,
  5: Int16Array,
  6: Int32Array,
  7: BigInt64Array,
  9: Uint8Array,
  11: Float64Array,
  12: Uint32Array,
  13: BigUint64Array,
};
type RawArray =
  | Float32Array
  | Float64Array
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;
type RawArrayType =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Uint8ArrayConstructor
  | Int8ArrayConstructor
  | Uint16ArrayConstructor
  | Int16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

/** raw_data (a whole number of little-endian elements) as a fresh array of `type`. */
function rawElements(raw: Uint8Array, type: RawArrayType): RawArray {
  const bytes = new Uint8Array(raw); // a copy in its own, aligned buffer (raw may be a Node Buffer view)
  const size = type.BYTES_PER_ELEMENT;
  if (!LITTLE_ENDIAN) for (let o = 0; o < bytes.length; o += size) bytes.subarray(o, o + size).reverse();
  return new type(bytes.buffer);
}

/** TensorProto -> Value; `where` names the file and the tensor (or node) in errors. */
export function decodeTensor(t: PTensor, where: string): Value {
  const dt = t.data_type ?? 0;
  const kind = kindOfDataType(dt);
  if (kind === null) {
    throw new UnsupportedError(
      `${where}: tensor element type must be float, double, an integer or bool; got ${DATA_TYPE_NAMES[dt] ?? dt}`,
    );
  }
  if (t.data_location === 1 || (t.external_data?.length ?? 0) > 0) {
    throw new UnsupportedError(
      `${where}: tensors stored in external data files are not supported; expected the data inside the .onnx file, got data_location EXTERNAL (save the model with all tensors in one file)`,
    );
  }
  if (t.segment) throw new UnsupportedError(`${where}: segmented tensors are not supported`);
  const dims = (t.dims ?? []).map((d) => toInt(d, where));
  let n = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0)
      throw new FormatError(`${where}: tensor dims must be non-negative integers; got [${dims.join(', ')}]`);
    n *= d;
  }
  if (n > MAX_TENSOR_ELEMENTS)
    throw new FormatError(`${where}: tensor must have at most ${MAX_TENSOR_ELEMENTS} elements; got ${n}`);
  const raw = t.raw_data;
  if (raw && raw.length > 0) {
    const type = RAW_ARRAYS[dt];
    const size = type.BYTES_PER_ELEMENT;
    if (raw.length !== n * size) {
      throw new FormatError(
        `${where}: raw_data length must equal numel * ${size} for dims [${dims.join(', ')}]; expected ${n * size} bytes, got ${raw.length}`,
      );
    }
    const src = rawElements(raw, type);
    const out = allocValue(kind, dims);
    if (src instanceof BigInt64Array || src instanceof BigUint64Array) {
      for (let i = 0; i < n; i++) {
        const v = Number(src[i]);
        if (!Number.isSafeInteger(v))
          throw new FormatError(`${where}: int64 value must fit in 53 bits; got ${src[i]}`);
        out.data[i] = v;
      }
    } else out.data.set(src);
    return out;
  }
  const field: ArrayLike<unknown> =
    dt === 1
      ? (t.float_data ?? [])
      : dt === 11
        ? (t.double_data ?? [])
        : dt === 7
          ? (t.int64_data ?? [])
          : dt === 12 || dt === 13
            ? (t.uint64_data ?? [])
            : (t.int32_data ?? []);
  if (field.length !== n) {
    throw new FormatError(
      `${where}: tensor data length must equal the numel of dims [${dims.join(', ')}]; expected ${n}, got ${field.length}`,
    );
  }
  const out = allocValue(kind, dims);
  for (let i = 0; i < n; i++) out.data[i] = toInt(field[i], where);
  return out;
}

const utf8 = new TextDecoder();

/** A bytes field as text; protobufjs leaves an absent one as its (array) default. */
function text(b: unknown): string {
  return b instanceof Uint8Array ? utf8.decode(b) : '';
}

function decodeAttr(a: PAttr, where: string): OnnxAttributeValue {
  const w = `${where} attribute '${a.name ?? ''}'`;
  if (a.ref_attr_name) throw new UnsupportedError(`${w}: attribute references (functions) are not supported`);
  switch (a.type) {
    case 1:
      return a.f ?? 0;
    case 2:
      return toInt(a.i, w);
    case 3:
      return text(a.s);
    case 4:
      if (!a.t) throw new FormatError(`${w}: a TENSOR attribute must hold a tensor`);
      return decodeTensor(a.t, w);
    case 5:
      if (!a.g) throw new FormatError(`${w}: a GRAPH attribute must hold a graph`);
      return decodeGraph(a.g, w);
    case 6:
      return (a.floats ?? []).slice();
    case 7:
      return (a.ints ?? []).map((v) => toInt(v, w));
    case 8:
      return (a.strings ?? []).map(text);
    default:
      throw new UnsupportedError(
        `${w}: attribute type must be FLOAT, INT, STRING, TENSOR, GRAPH, FLOATS, INTS or STRINGS; got ${a.type ?? 0}`,
      );
  }
}

function decodeValueInfo(v: PValueInfo): OnnxValueInfo {
  const tt = v.type?.tensor_type;
  const dims = tt?.shape?.dim;
  return {
    name: v.name ?? '',
    elemType: tt?.elem_type ?? 0,
    // dim_value / dim_param are a oneof: only the one present is an own property.
    shape: dims
      ? dims.map((d) =>
          Object.hasOwn(d, 'dim_value')
            ? toInt(d.dim_value, v.name ?? '')
            : Object.hasOwn(d, 'dim_param')
              ? (d.dim_param ?? null)
              : null,
        )
      : null,
  };
}

function decodeGraph(g: PGraph, where: string): OnnxGraph {
  if ((g.sparse_initializer?.length ?? 0) > 0)
    throw new UnsupportedError(`${where}: sparse initializers are not supported`);
  const initializers = new Map<string, Value>();
  for (const t of g.initializer ?? [])
    initializers.set(t.name ?? '', decodeTensor(t, `${where} initializer '${t.name ?? ''}'`));
  const nodes = (g.node ?? []).map((n, i): OnnxNode => {
    const name = n.name || `#${i}`;
    const w = `${where} node '${name}' (${n.op_type ?? ''})`;
    const attributes = new Map<string, OnnxAttributeValue>();
    for (const a of n.attribute ?? []) attributes.set(a.name ?? '', decodeAttr(a, w));
    return {
      name,
      opType: n.op_type ?? '',
      domain: n.domain ?? '',
      inputs: n.input ?? [],
      outputs: n.output ?? [],
      attributes,
    };
  });
  return {
    name: g.name ?? '',
    nodes,
    initializers,
    inputs: (g.input ?? []).map(decodeValueInfo),
    outputs: (g.output ?? []).map(decodeValueInfo),
  };
}

/**
 * Decodes the bytes of an `.onnx` file (a ModelProto) into checked plain objects. Nothing in
 * the file is executed; every tensor's declared dims are checked against its bytes before
 * anything is allocated for it, and tensors kept in external data files are refused.
 *
 * @param bytes the file's contents
 * @param file a name for error messages (the path, when there is one)
 * @example
 * const proto = await parseOnnx(new Uint8Array(await (await fetch('lstm.onnx')).arrayBuffer()));
 * proto.graph.nodes.map((n) => n.opType); // ['LSTM', 'Squeeze', 'Gemm']
 */
export async function parseOnnx(bytes: Uint8Array, file = 'ONNX model'): Promise<OnnxModelProto> {
  if (!(bytes instanceof Uint8Array))
    throw new FormatError(`parseOnnx: bytes must be a Uint8Array; got ${typeof bytes}`);
  const codec = await loadOnnxCodec();
  let m: PModel;
  try {
    m = codec.decodeModel(bytes) as PModel;
  } catch (e) {
    throw new FormatError(`${file}: ${(e as Error).message}`);
  }
  if (!m.graph)
    throw new FormatError(`${file}: ModelProto must have a graph; expected field 7 (graph), got none`);
  if ((m.functions?.length ?? 0) > 0)
    throw new UnsupportedError(`${file}: model-local functions are not supported`);
  return {
    irVersion: toInt(m.ir_version, file),
    opsetImports: (m.opset_import ?? []).map((o) => ({
      domain: o.domain ?? '',
      version: toInt(o.version, file),
    })),
    producerName: m.producer_name ?? '',
    producerVersion: m.producer_version ?? '',
    graph: decodeGraph(m.graph, file),
  };
}

/** Decodes a serialized TensorProto (the `.pb` files of the ONNX backend tests). */
export async function parseOnnxTensor(bytes: Uint8Array, file = 'TensorProto'): Promise<Value> {
  const codec = await loadOnnxCodec();
  return decodeTensor(codec.decodeTensor(bytes) as PTensor, file);
}
