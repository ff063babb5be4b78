// Builds ONNX graphs as protobufjs-ready plain objects (snake_case field names, as in
// onnx.proto) for the exporter: initializers, nodes with typed attributes, value infos.
import type { FloatArray } from '../../core/dtype.js';

export type Dim = number | string;
export type AttrValue =
  number | string | number[] | string[] | { float: number } | { floats: number[] } | GraphObject;

export interface GraphObject {
  name: string;
  node: object[];
  initializer: object[];
  input: object[];
  output: object[];
}

const ATTR_FLOAT = 1,
  ATTR_INT = 2,
  ATTR_STRING = 3,
  ATTR_GRAPH = 5,
  ATTR_FLOATS = 6,
  ATTR_INTS = 7,
  ATTR_STRINGS = 8;
const utf8 = new TextEncoder();

/** A value_info for a tensor of element type `elemType` (1 float, 7 int64) and dims. */
export function valueInfo(name: string, elemType: number, dims: readonly Dim[] | null): object {
  const tensorType: Record<string, unknown> = { elem_type: elemType };
  if (dims)
    tensorType.shape = {
      dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })),
    };
  return { name, type: { tensor_type: tensorType } };
}

function attribute(name: string, v: AttrValue): object {
  if (typeof v === 'number') return { name, type: ATTR_INT, i: v };
  if (typeof v === 'string') return { name, type: ATTR_STRING, s: utf8.encode(v) };
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string'))
      return { name, type: ATTR_STRINGS, strings: (v as string[]).map((x) => utf8.encode(x)) };
    return { name, type: ATTR_INTS, ints: v };
  }
  if ('float' in v) return { name, type: ATTR_FLOAT, f: v.float };
  if ('floats' in v) return { name, type: ATTR_FLOATS, floats: v.floats };
  return { name, type: ATTR_GRAPH, g: v };
}

/** One graph under construction; `model()` wraps the main one in a ModelProto. */
export class GraphBuilder {
  readonly nodes: object[] = [];
  readonly initializers: object[] = [];
  readonly inputs: object[] = [];
  readonly outputs: object[] = [];
  private counter = 0;

  constructor(
    readonly name: string,
    private readonly prefix = '',
  ) {}

  /** A fresh value name. */
  fresh(hint: string): string {
    return `${this.prefix}${hint}_${this.counter++}`;
  }

  /** A float32 initializer (row-major `data` of `dims`); returns its name. */
  float(hint: string, data: FloatArray | readonly number[], dims: readonly number[]): string {
    const name = this.fresh(hint);
    const f32 = Float32Array.from(data);
    const raw = new Uint8Array(f32.length * 4);
    const view = new DataView(raw.buffer);
    f32.forEach((x, i) => view.setFloat32(i * 4, x, true));
    this.initializers.push({ name, data_type: 1, dims: dims.slice(), raw_data: raw });
    return name;
  }

  /** An int64 initializer; returns its name. */
  ints(hint: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, data_type: 7, dims: dims.slice(), int64_data: values.slice() });
    return name;
  }

  /** Adds a node; returns its output names (fresh ones unless given). */
  node(
    op: string,
    inputs: readonly string[],
    outputs: number | readonly string[] = 1,
    attrs: Record<string, AttrValue> = {},
  ): string[] {
    const outs =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, () => this.fresh(op.toLowerCase()))
        : outputs.slice();
    const attribute_ = Object.entries(attrs).map(([k, v]) => attribute(k, v));
    this.nodes.push({
      name: this.fresh(`${op}_node`),
      op_type: op,
      input: inputs.slice(),
      output: outs,
      attribute: attribute_,
    });
    return outs;
  }

  /** One-output node. */
  op(op: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}): string {
    return this.node(op, inputs, 1, attrs)[0];
  }

  graph(): GraphObject {
    return {
      name: this.name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    };
  }
}

export const EXPORT_OPSET = 17;
export const EXPORT_IR_VERSION = 8;

/** The ModelProto object of a main graph. */
export function modelObject(g: GraphBuilder, producerVersion: string, docString: string): object {
  return {
    ir_version: EXPORT_IR_VERSION,
    opset_import: [{ domain: '', version: EXPORT_OPSET }],
    producer_name: 'longshort',
    producer_version: producerVersion,
    doc_string: docString,
    graph: g.graph(),
  };
}
