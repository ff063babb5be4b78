/*
 * PyTorch checkpoints (`torch.save`, the zip format of PyTorch 1.6 and later) read
 * without Python: the archive's `data.pkl` through the restricted pickle reader, its
 * storages from `data/<key>`. Tensors become longshort Tensors; dicts Maps; unknown
 * Python objects inert `PickleObject`s. Nothing in the file is executed, so any
 * checkpoint is as safe to open as a safetensors file.
 */
import { FormatError, UnsupportedError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { decodeElements, ELEMENT_SIZE, type ElementType } from './decode-elements.js';
import { PickleGlobal, PickleObject, unpickle } from './pickle.js';
import { short, type TorchValue } from './torch-value.js';
import { readZip } from './zip-read.js';

export { PickleGlobal, PickleObject } from './pickle.js';
export { MAX_INFLATED_BYTES } from './zip-read.js';
export type { TorchValue } from './torch-value.js';
export * from './torch-state.js';

/** Storage classes of `torch.save` and their element types. */
const STORAGE_TYPES: Record<string, ElementType> = {
  FloatStorage: 'F32',
  DoubleStorage: 'F64',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

/** Elements stored in the archive not yet read into tensors, and those read beyond them. */
interface Budget {
  elements: number;
  extra: number;
}

/** A storage of the archive, decoded on first use. */
class Storage {
  private decoded: Float32Array | Float64Array | Int32Array | null = null;

  constructor(
    readonly key: string,
    readonly type: ElementType,
    private readonly bytes: Uint8Array,
    private readonly fail: (msg: string) => FormatError,
  ) {}

  data(): Float32Array | Float64Array | Int32Array {
    this.decoded ??= decodeElements(this.bytes, this.type, (i, v) => {
      throw this.fail(
        `storage ${this.key}: int64 value at index ${i} does not fit int32; expected -2147483648..2147483647, got ${v}`,
      );
    });
    return this.decoded;
  }
}

/**
 * Reads a `torch.save` file's bytes: state dicts, whole training checkpoints (dicts of
 * state dicts, optimizer states, numbers, strings, argparse Namespaces, ...).
 *
 * Tensors: float32, float16 and bfloat16 become float32 Tensors, float64 float64,
 * the integer and bool types int32 (int64 values must fit). Views keep their own
 * elements (shape, stride and offset applied); tensors never share memory.
 *
 * @param source a name for messages (the path)
 * @throws FormatError for a file that is not a readable checkpoint (with the reason);
 *   UnsupportedError for the pre-1.6 format, TorchScript archives, big-endian files,
 *   and storage types longshort has no dtype for (complex, quantized).
 * @example
 * const ckpt = parseTorchCheckpoint(bytes) as Map<string, unknown>;
 * model.loadStateDict(torchStateDict(ckpt, { key: 'model' }));
 */
export function parseTorchCheckpoint(bytes: Uint8Array, source = 'parseTorchCheckpoint'): TorchValue {
  const fail = (msg: string): FormatError => new FormatError(`${source}: ${msg}`);
  if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] <= 5) {
    throw new UnsupportedError(
      `${source}: the file is in the legacy torch.save format (PyTorch before 1.6, or _use_new_zipfile_serialization=False); expected the zip format: in Python, torch.save(torch.load(path), path) rewrites it`,
    );
  }
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw fail(
      `not a PyTorch checkpoint; expected a zip archive (torch.save), got ${bytes.length} bytes starting ${hex(bytes.subarray(0, 4))}`,
    );
  }
  // only the records a checkpoint reader needs are extracted (never, e.g., bundled code or extra data)
  const zip = readZip(
    bytes,
    (name) => /(^|\/)(data\.pkl|byteorder|version|constants\.pkl)$|\/data\/[^/]+$/.test(name),
    source,
  );
  const files = (name: string): Uint8Array | undefined => zip.get(name);
  const names = [...zip.keys()];
  const pkl = names.find((n) => /^[^/]+\/data\.pkl$/.test(n) || n === 'data.pkl');
  if (pkl === undefined) {
    if (names.some((n) => n.endsWith('constants.pkl'))) {
      throw new UnsupportedError(
        `${source}: this is a TorchScript archive (torch.jit.save); expected a torch.save checkpoint: save model.state_dict() with torch.save`,
      );
    }
    throw fail(
      `no data.pkl in the archive; expected <name>/data.pkl, got ${names.slice(0, 5).join(', ') || 'no files'}`,
    );
  }
  const prefix = pkl.slice(0, pkl.length - 'data.pkl'.length);
  const order = files(`${prefix}byteorder`);
  if (order !== undefined && new TextDecoder().decode(order).trim() !== 'little') {
    throw new UnsupportedError(
      `${source}: the checkpoint was written big-endian; expected byteorder 'little'`,
    );
  }
  const storages = new Map<string, Storage>();
  const budget: Budget = { elements: 0, extra: 0 };
  const persistentLoad = (pid: unknown): Storage => {
    if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5)
      throw fail(`unexpected persistent id ${short(pid)}; expected ('storage', type, key, location, numel)`);
    const [, cls, key, , numel] = pid as [string, unknown, unknown, unknown, unknown];
    if (typeof key !== 'string') throw fail(`storage key must be a string; got ${short(key)}`);
    const known = storages.get(key);
    if (known !== undefined) return known;
    const typeName = cls instanceof PickleGlobal ? cls.name : short(cls);
    const type = Object.hasOwn(STORAGE_TYPES, typeName) ? STORAGE_TYPES[typeName] : undefined;
    if (type === undefined) {
      throw new UnsupportedError(
        `${source}: storage ${key} is a ${cls instanceof PickleGlobal ? cls.fullName : typeName}; expected one of torch.${Object.keys(STORAGE_TYPES).join(', torch.')}`,
      );
    }
    const raw = files(`${prefix}data/${key}`);
    if (raw === undefined)
      throw fail(`storage ${key} is missing; expected ${prefix}data/${key} in the archive`);
    if (raw.length % ELEMENT_SIZE[type] !== 0)
      throw fail(
        `storage ${key} has ${raw.length} bytes; expected a multiple of ${ELEMENT_SIZE[type]} for ${typeName}`,
      );
    if (numel !== undefined && (!isInt(numel) || raw.length !== numel * ELEMENT_SIZE[type])) {
      throw fail(
        `storage ${key} has ${raw.length} bytes; expected ${short(numel)} x ${ELEMENT_SIZE[type]} for ${typeName}`,
      );
    }
    budget.elements += raw.length / ELEMENT_SIZE[type];
    const s = new Storage(key, type, raw, fail);
    storages.set(key, s);
    return s;
  };
  const data = files(pkl) as Uint8Array;
  return unpickle(
    data,
    { persistentLoad, construct: (c, a) => construct(c, a, fail, budget), build },
    `${source} (${pkl})`,
  );
}

function construct(
  callable: unknown,
  args: readonly unknown[],
  fail: (msg: string) => FormatError,
  budget: Budget,
): unknown {
  const name = callable instanceof PickleGlobal ? callable.fullName : String(callable);
  switch (name) {
    case 'collections.OrderedDict': {
      const m = new Map();
      if (Array.isArray(args[0]))
        for (const kv of args[0] as unknown[]) if (Array.isArray(kv) && kv.length === 2) m.set(kv[0], kv[1]);
      return m;
    }
    case 'torch._utils._rebuild_tensor':
    case 'torch._utils._rebuild_tensor_v2':
      return rebuildTensor(args, fail, budget);
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
      return args[0];
    case 'builtins.set':
    case '__builtin__.set':
    case 'builtins.frozenset':
    case '__builtin__.frozenset':
      return new Set(Array.isArray(args[0]) ? (args[0] as unknown[]) : []);
    case 'torch.Size':
      return Object.freeze(Array.isArray(args[0]) ? [...(args[0] as unknown[])] : []);
    case '_codecs.encode':
      // how protocol 2 pickles bytes: encode(latin-1 text, 'latin1')
      if (typeof args[0] === 'string') return Uint8Array.from(args[0], (ch) => ch.charCodeAt(0) & 0xff);
      break;
  }
  return new PickleObject(name, args);
}

function build(obj: unknown, state: unknown): unknown {
  // OrderedDict state (a state dict's _metadata) and tensor attributes are not kept
  if (obj instanceof PickleObject) obj.state = state;
  return obj;
}

/**
 * How many elements tensors may hold beyond their storages' (16 Mi, 64 MB of float32):
 * views with zero or overlapping strides (`expand`) read few stored elements into many,
 * and a few bytes of pickle must not allocate gigabytes.
 *
 * @example parseTorchCheckpoint(bytes) // FormatError '... (the stored elements plus MAX_VIEW_EXPANSION)' for a 20000x20000 stride-0 view
 */
export const MAX_VIEW_EXPANSION = 1 << 24;

function rebuildTensor(args: readonly unknown[], fail: (msg: string) => FormatError, budget: Budget): Tensor {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof Storage))
    throw fail(`a tensor's storage must be a persistent storage; got ${short(storage)}`);
  if (
    !isInt(offset) ||
    !Array.isArray(size) ||
    !size.every(isInt) ||
    !Array.isArray(stride) ||
    !stride.every(isInt) ||
    size.length !== stride.length
  ) {
    throw fail(
      `tensor on storage ${storage.key}: invalid offset/size/stride ${short(offset)}, ${short(size)}, ${short(stride)}`,
    );
  }
  const shape = size;
  const strides = stride;
  if (shape.some((d) => d < 0) || shape.length > 64)
    throw fail(
      `tensor on storage ${storage.key}: sizes must be non-negative and at most 64 of them; got ${short(size)}`,
    );
  const numel = shape.reduce((a, b) => a * b, 1);
  const extra = budget.extra + Math.max(0, numel - budget.elements);
  if (extra > MAX_VIEW_EXPANSION) {
    throw fail(
      `tensor on storage ${storage.key} of size ${short(size)} holds ${numel} elements; expected at most ${budget.elements + MAX_VIEW_EXPANSION - budget.extra} (the stored elements not yet read plus MAX_VIEW_EXPANSION)`,
    );
  }
  budget.extra = extra;
  budget.elements -= Math.min(budget.elements, numel);
  const src = storage.data();
  let last = offset;
  for (let d = 0; d < shape.length; d++) if (shape[d] > 0) last += (shape[d] - 1) * strides[d];
  if (numel > 0 && (offset < 0 || last >= src.length || strides.some((s) => s < 0))) {
    throw fail(
      `tensor on storage ${storage.key} (${src.length} elements) reaches element ${last}; expected at most ${src.length - 1}`,
    );
  }
  const out = new (src.constructor as { new (n: number): Float32Array | Float64Array | Int32Array })(numel);
  // copy in row-major order of `shape`, reading through `strides`
  const idx = new Array<number>(shape.length).fill(0);
  let at = offset;
  for (let i = 0; i < numel; i++) {
    out[i] = src[at];
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]++;
      at += strides[d];
      if (idx[d] < shape[d]) break;
      at -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return new Tensor(out, shape);
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ') || '(nothing)';
}
