/*
 * Writing `torch.save` files: a state dict (names -> tensors) as the zip archive PyTorch
 * 1.6+ reads with `torch.load` (also with `weights_only=True`): `<name>/data.pkl` (pickle
 * protocol 2 of an OrderedDict of `torch._utils._rebuild_tensor_v2(storage, 0, size,
 * stride, False, OrderedDict())`), `<name>/data/<k>` (each tensor's little-endian
 * elements), `<name>/version` and `<name>/byteorder`.
 */
import { zipSync } from 'fflate';
import { ConfigError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { LITTLE_ENDIAN } from './decode-elements.js';
import type { TensorDict } from './safetensors-format.js';

const STORAGE: Record<string, string> = {
  float32: 'FloatStorage',
  float64: 'DoubleStorage',
  int32: 'IntStorage',
};

/** A protocol 2 pickle writer for the few values a state dict needs. */
class PickleWriter {
  private parts: number[] = [];
  private readonly utf8 = new TextEncoder();

  op(...bytes: number[]): this {
    this.parts.push(...bytes);
    return this;
  }

  global(module: string, name: string): this {
    return this.op(0x63, ...this.utf8.encode(`${module}\n${name}\n`));
  }

  str(s: string): this {
    const b = this.utf8.encode(s);
    this.op(0x58, b.length & 0xff, (b.length >>> 8) & 0xff, (b.length >>> 16) & 0xff, b.length >>> 24);
    for (const x of b) this.parts.push(x);
    return this;
  }

  int(v: number): this {
    if (v >= 0 && v < 256) return this.op(0x4b, v); // BININT1
    if (v >= -(2 ** 31) && v < 2 ** 31)
      return this.op(0x4a, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff); // BININT
    // LONG1: little-endian two's complement, 8 bytes are plenty for array sizes
    let big = BigInt(v);
    const bytes: number[] = [];
    for (let i = 0; i < 8; i++) {
      bytes.push(Number(big & 0xffn));
      big >>= 8n;
    }
    return this.op(0x8a, 8, ...bytes);
  }

  tuple(items: number[]): this {
    if (items.length === 0) return this.op(0x29);
    this.op(0x28);
    for (const v of items) this.int(v);
    return this.op(0x74);
  }

  emptyOrderedDict(): this {
    return this.global('collections', 'OrderedDict').op(0x29, 0x52); // OrderedDict(())
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** A tensor's elements as little-endian bytes. */
function elementBytes(t: Tensor): Uint8Array {
  const d = t.data;
  const out = new Uint8Array(d.byteLength);
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    return out;
  }
  const dv = new DataView(out.buffer);
  for (let i = 0; i < d.length; i++) {
    if (d instanceof Float64Array) dv.setFloat64(8 * i, d[i], true);
    else if (d instanceof Float32Array) dv.setFloat32(4 * i, d[i], true);
    else dv.setInt32(4 * i, d[i], true);
  }
  return out;
}

/**
 * A state dict as the bytes of a `torch.save` file, which `torch.load` in Python reads
 * as an OrderedDict of tensors (float32, float64 or int32, contiguous, on the CPU).
 *
 * @param archiveName the archive's folder name (PyTorch uses the file's stem or 'archive')
 * @throws ConfigError for an empty key or a value that is not a Tensor
 * @example
 * const bytes = serializeTorchStateDict(lstm.stateDict());   // torch.load(io.BytesIO(bytes)) in Python
 */
export function serializeTorchStateDict(dict: TensorDict, archiveName = 'archive'): Uint8Array {
  const entries = dict instanceof Map ? [...dict] : Object.entries(dict);
  if (!/^[A-Za-z0-9_.-]+$/.test(archiveName))
    throw new ConfigError(
      `serializeTorchStateDict: archiveName must be a plain file name; got ${JSON.stringify(archiveName)}`,
    );
  const files: Record<string, Uint8Array> = {};
  const p = new PickleWriter().op(0x80, 2).emptyOrderedDict().op(0x28); // PROTO 2, OrderedDict(), MARK
  entries.forEach(([name, t], k) => {
    if (typeof name !== 'string' || name === '')
      throw new ConfigError(
        `serializeTorchStateDict: keys must be non-empty strings; got ${JSON.stringify(name)}`,
      );
    if (!(t instanceof Tensor))
      throw new ConfigError(
        `serializeTorchStateDict: "${name}" must be a Tensor; got ${t === null ? 'null' : typeof t}`,
      );
    const shape = [...t.shape];
    const stride = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
    p.str(name);
    p.global('torch._utils', '_rebuild_tensor_v2').op(0x28); // MARK (args)
    p.op(0x28)
      .str('storage')
      .global('torch', STORAGE[t.dtype])
      .str(String(k))
      .str('cpu')
      .int(t.numel())
      .op(0x74, 0x51); // (pid) TUPLE BINPERSID
    p.int(0).tuple(shape).tuple(stride).op(0x89).emptyOrderedDict(); // offset, size, stride, requires_grad=False, hooks
    p.op(0x74, 0x52); // TUPLE REDUCE
    files[`${archiveName}/data/${k}`] = elementBytes(t);
  });
  p.op(0x75, 0x2e); // SETITEMS STOP
  const enc = new TextEncoder();
  return zipSync(
    {
      [`${archiveName}/data.pkl`]: p.bytes(),
      [`${archiveName}/byteorder`]: enc.encode('little'),
      ...files,
      [`${archiveName}/version`]: enc.encode('3\n'),
    },
    { level: 0 },
  );
}
