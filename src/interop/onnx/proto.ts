// The ONNX protobuf wire format through protobufjs (light build, static JSON descriptor),
// loaded on first use so that bundles that never touch ONNX do not carry it.
import { FormatError } from '../../core/errors.js';
import { ONNX_SCHEMA } from './onnx-schema.js';

/** The protobufjs message types longshort reads and writes. */
export interface OnnxCodec {
  decodeModel(bytes: Uint8Array): unknown;
  encodeModel(model: object): Uint8Array;
  decodeTensor(bytes: Uint8Array): unknown;
}

type ProtobufLight = typeof import('protobufjs/light.js');

let codec: Promise<OnnxCodec> | undefined;

/** Loads protobufjs and the ONNX schema once. */
export function loadOnnxCodec(): Promise<OnnxCodec> {
  codec ??= import('protobufjs/light.js').then((mod) => {
    const pb = ((mod as { default?: ProtobufLight }).default ?? mod) as ProtobufLight;
    const root = pb.Root.fromJSON(ONNX_SCHEMA as unknown as Parameters<ProtobufLight['Root']['fromJSON']>[0]);
    const model = root.lookupType('onnx.ModelProto');
    const tensor = root.lookupType('onnx.TensorProto');
    const decode = (type: typeof model, what: string, bytes: Uint8Array): unknown => {
      try {
        return type.decode(bytes);
      } catch (e) {
        throw new FormatError(`${what}: bytes must be a valid protobuf message; ${(e as Error).message}`);
      }
    };
    return {
      decodeModel: (bytes) => decode(model, 'ModelProto', bytes),
      decodeTensor: (bytes) => decode(tensor, 'TensorProto', bytes),
      encodeModel: (m) => {
        const err = model.verify(m);
        if (err) throw new FormatError(`exportOnnx: the ModelProto must be valid; ${err}`);
        return model.encode(model.fromObject(m)).finish();
      },
    };
  });
  return codec;
}

/** A protobuf int64 (a number, or a long.js Long) as a safe JS integer. */
export function toInt(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && 'toNumber' in v) {
    const l = v as { toNumber(): number; high: number };
    const n = l.toNumber();
    if (!Number.isSafeInteger(n))
      throw new FormatError(`${what}: int64 value must fit in 53 bits; got ${String(v)}`);
    return n;
  }
  if (typeof v === 'bigint') return Number(v);
  return 0;
}
