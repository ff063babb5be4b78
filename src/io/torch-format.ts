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
import { readZip } from './zip-read.js';

export { PickleGlobal, PickleObject } from './pickle.js';
export { MAX_INFLATED_BYTES } from './zip-read.js';

/**
 * A value read from a checkpoint: null, boolean, number (bigint beyond 2^53), string,
 * Uint8Array (bytes), Tensor, arrays (lists; tuples are frozen), Map (dict and
 * OrderedDict, keys in file order), Set, or a PickleObject for any other Python object.
 *
 * @example
 * const v: TorchValue = parseTorchCheckpoint(bytes);
 * const sd = torchStateDict(v, { key: 'model' });
 */
export type TorchValue = unknown;

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
  const shape = size as number[];
  const strides = stride as number[];
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

/** A dict key as text: strings as they are, anything else described briefly. */
function keyName(k: unknown): string {
  return typeof k === 'string' ? k : short(k);
}

/** A short description of a pickled value (depth- and length-bounded: values may nest deeply). */
function short(v: unknown, depth = 0): string {
  if (v instanceof PickleObject) return v.className;
  if (v instanceof PickleGlobal) return v.fullName;
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v);
  if (typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) {
    if (depth > 3) return '[...]';
    const items = v.slice(0, 6).map((x) => short(x, depth + 1));
    return `[${items.join(',')}${v.length > 6 ? ',...' : ''}]`;
  }
  if (v instanceof Map) return `dict(${v.size})`;
  if (v instanceof Tensor) return `tensor[${v.shape.join(', ')}]`;
  if (v instanceof Uint8Array) return `bytes(${v.length})`;
  if (v === null || v === undefined) return 'None';
  return typeof v === 'object' ? 'object' : String(v);
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ') || '(nothing)';
}

/**
 * Options of `torchStateDict`.
 *
 * @example
 * lstm.loadStateDict(torchStateDict(ckpt, { key: 'model', stripPrefix: 'module.' }));
 */
export interface TorchStateDictOptions {
  /** The entry of a checkpoint dict that holds the state dict (e.g. 'model', 'state_dict'). */
  key?: string;
  /** A prefix to strip from every key (e.g. 'module.' from DataParallel checkpoints). */
  stripPrefix?: string;
}

/**
 * The state dict in a checkpoint value (from `parseTorchCheckpoint` / `loadTorchCheckpoint`),
 * ready for `module.loadStateDict`: the value itself when it is a dict of tensors, else
 * the dict of tensors under `options.key`; for a pickled `nn.Module` (`torch.save(model)`),
 * the module's `state_dict()` rebuilt from its pickled state (nothing of it runs).
 *
 * @throws FormatError when there is no such dict; the message lists the checkpoint's
 *   entries that are dicts of tensors (candidates for `key`), or says the file holds a
 *   pickled module rather than its state dict.
 * @example lstm.loadStateDict(torchStateDict(await loadTorchCheckpoint('lstm.pt')))
 */
export function torchStateDict(value: TorchValue, options: TorchStateDictOptions = {}): Map<string, Tensor> {
  let v = value;
  if (options.key !== undefined) {
    if (!(v instanceof Map))
      throw new FormatError(
        `torchStateDict: key '${options.key}' needs a checkpoint dict; got ${describe(v)}`,
      );
    if (!v.has(options.key))
      throw new FormatError(
        `torchStateDict: the checkpoint has no entry '${options.key}'; expected one of ${[...v.keys()].map(keyName).join(', ')}`,
      );
    v = v.get(options.key);
  }
  if (v instanceof PickleObject) {
    const fromModule = moduleStateDict(v, '', options.stripPrefix);
    if (fromModule !== null) return fromModule;
    throw new FormatError(
      `torchStateDict: the file holds a pickled ${v.className} object; expected a dict of tensors (in Python, torch.save(model.state_dict(), path)) or a pickled nn.Module`,
    );
  }
  if (!(v instanceof Map))
    throw new FormatError(`torchStateDict: expected a dict of tensors; got ${describe(v)}`);
  const out = new Map<string, Tensor>();
  const bad: string[] = [];
  for (const [k, t] of v) {
    if (typeof k === 'string' && t instanceof Tensor) {
      const name =
        options.stripPrefix !== undefined && k.startsWith(options.stripPrefix)
          ? k.slice(options.stripPrefix.length)
          : k;
      out.set(name, t);
    } else bad.push(keyName(k));
  }
  if (bad.length > 0) {
    const candidates = [...v]
      .filter(([, x]) => x instanceof Map && x.size > 0 && [...x.values()].every((y) => y instanceof Tensor))
      .map(([k]) => `'${keyName(k)}'`);
    throw new FormatError(
      `torchStateDict: expected a dict of tensors; got a dict whose entries ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', ...' : ''} are not tensors` +
        (candidates.length > 0 ? `; pass { key: ${candidates.join(' | ')} }` : ''),
    );
  }
  return out;
}

/**
 * An optimizer state dict in PyTorch's layout (the shape `Optimizer.loadStateDict` takes):
 * per-parameter state by index, and the groups with snake_case options.
 *
 * @example
 * const state: TorchOptimizerState = torchOptimizerState(ckpt, { key: 'optimizer' });
 * opt.loadStateDict(state);
 */
export interface TorchOptimizerState {
  state: Record<number, Record<string, Tensor | number | null>>;
  param_groups: Array<Record<string, number | boolean | number[] | null>>;
}

/**
 * The optimizer state in a checkpoint value (`optimizer.state_dict()` saved with
 * torch.save; under `options.key` in a checkpoint dict), for `optimizer.loadStateDict`,
 * so training started in PyTorch continues in longshort. The optimizer must be built
 * over the same parameters in the same order (`loadStateDict` checks the rest).
 *
 * @throws FormatError when the value is not an optimizer state dict (message says what it is)
 * @example
 * const ckpt = await loadTorchCheckpoint('ckpt.pt');
 * model.loadStateDict(torchStateDict(ckpt, { key: 'model' }));
 * opt.loadStateDict(torchOptimizerState(ckpt, { key: 'optimizer' }));
 */
export function torchOptimizerState(value: TorchValue, options: { key?: string } = {}): TorchOptimizerState {
  let v = value;
  if (options.key !== undefined) {
    if (!(v instanceof Map) || !v.has(options.key)) {
      throw new FormatError(
        `torchOptimizerState: the checkpoint has no entry '${options.key}'; expected one of ${v instanceof Map ? [...v.keys()].map(keyName).join(', ') : `a dict, got ${describe(v)}`}`,
      );
    }
    v = v.get(options.key);
  }
  const st = v instanceof Map ? v.get('state') : undefined;
  const groups = v instanceof Map ? v.get('param_groups') : undefined;
  if (!(st instanceof Map) || !Array.isArray(groups)) {
    throw new FormatError(
      `torchOptimizerState: expected an optimizer state dict { state, param_groups }; got ${describe(v)}`,
    );
  }
  const state: TorchOptimizerState['state'] = {};
  for (const [i, entry] of st) {
    if (typeof i !== 'number' || !(entry instanceof Map))
      throw new FormatError(
        `torchOptimizerState: state entries must be parameter index -> dict; got ${keyName(i)} -> ${describe(entry)}`,
      );
    const out: Record<string, Tensor | number | null> = {};
    for (const [k, x] of entry) {
      if (!(x instanceof Tensor) && typeof x !== 'number' && x !== null)
        throw new FormatError(
          `torchOptimizerState: state[${i}].${keyName(k)} is ${describe(x)}; expected a tensor, a number or None`,
        );
      out[keyName(k)] = x;
    }
    state[i] = out;
  }
  const param_groups = groups.map((g, gi) => {
    if (!(g instanceof Map))
      throw new FormatError(`torchOptimizerState: param_groups[${gi}] is ${describe(g)}; expected a dict`);
    const out: Record<string, number | boolean | number[] | null> = {};
    for (const [k, x] of g) {
      if (Array.isArray(x) && x.every((y) => typeof y === 'number')) out[keyName(k)] = [...(x as number[])];
      else if (typeof x === 'number' || typeof x === 'boolean' || x === null) out[keyName(k)] = x;
      else
        throw new FormatError(
          `torchOptimizerState: param_groups[${gi}].${keyName(k)} is ${describe(x)}; expected a number, a bool, None or numbers`,
        );
    }
    return out;
  });
  return { state, param_groups };
}

/**
 * The state dict of a pickled `nn.Module` (`torch.save(model)`), as `model.state_dict()`
 * orders it: each module's parameters, then its persistent buffers, then its children
 * by name. Null when `obj` is not a module.
 */
function moduleStateDict(
  obj: PickleObject,
  prefix: string,
  strip: string | undefined,
  out = new Map<string, Tensor>(),
  depth = 0,
): Map<string, Tensor> | null {
  if (depth > 100)
    throw new FormatError(
      `torchStateDict: modules must nest at most 100 deep (or the module tree has a cycle); got more at '${prefix.slice(0, 80)}...'`,
    );
  const st = obj.state;
  if (!(st instanceof Map) || !(st.get('_parameters') instanceof Map) || !(st.get('_modules') instanceof Map))
    return null;
  const nonPersistent = st.get('_non_persistent_buffers_set');
  const put = (name: string, t: unknown): void => {
    if (!(t instanceof Tensor)) return; // None entries (e.g. bias=False)
    const key = prefix + name;
    out.set(strip !== undefined && key.startsWith(strip) ? key.slice(strip.length) : key, t);
  };
  for (const [name, t] of st.get('_parameters') as Map<unknown, unknown>) put(keyName(name), t);
  const buffers = st.get('_buffers');
  if (buffers instanceof Map)
    for (const [name, t] of buffers)
      if (!(nonPersistent instanceof Set && nonPersistent.has(name))) put(keyName(name), t);
  for (const [name, child] of st.get('_modules') as Map<unknown, unknown>) {
    if (
      child instanceof PickleObject &&
      moduleStateDict(child, `${prefix}${keyName(name)}.`, strip, out, depth + 1) === null
    ) {
      throw new FormatError(
        `torchStateDict: submodule '${prefix}${keyName(name)}' is a ${child.className} without module state`,
      );
    }
  }
  return out;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v instanceof Tensor) return `a tensor of shape [${v.shape.join(', ')}]`;
  if (v instanceof Map) return `a dict with keys ${[...v.keys()].slice(0, 6).map(keyName).join(', ')}`;
  if (v instanceof PickleObject) return `a ${v.className} object`;
  if (Array.isArray(v)) return Object.isFrozen(v) ? 'a tuple' : 'a list';
  return `a ${typeof v}`;
}
