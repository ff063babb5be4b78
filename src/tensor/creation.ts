import { checkOptions } from '../core/check.js';
import {
  allocate,
  allocateFloat,
  getDefaultDtype,
  type DataArray,
  type DType,
  type FloatDType,
} from '../core/dtype.js';
import { ConfigError, DTypeError, ShapeError } from '../core/errors.js';
import { defaultGenerator, type Generator } from '../core/rng.js';
import { checkShape, numel, type Shape } from '../core/shape.js';
import { Tensor, type NestedArray } from './tensor.js';

/**
 * @example
 * const w = zeros([3, 4], { dtype: 'float64', requiresGrad: true });
 */
export interface CreateOptions {
  /** Element type; float tensors default to `getDefaultDtype()` (float32). */
  dtype?: DType;
  requiresGrad?: boolean;
}

/**
 * @example
 * const x = randn([2, 3], { generator: new Generator(42), dtype: 'float64' });
 */
export interface RandomOptions extends CreateOptions {
  /** Seeded generator; the default generator (see `manualSeed`) otherwise. */
  generator?: Generator;
}

const CREATE_KEYS = ['dtype', 'requiresGrad'] as const satisfies ReadonlyArray<keyof CreateOptions>;
const RANDOM_KEYS = [...CREATE_KEYS, 'generator'] as const satisfies ReadonlyArray<keyof RandomOptions>;

function floatDtype(op: string, dtype: DType | undefined): FloatDType {
  const d = dtype ?? getDefaultDtype();
  if (d !== 'float32' && d !== 'float64') {
    throw new DTypeError(`${op}: expected a float dtype (float32 or float64), got ${d}`);
  }
  return d;
}

function make(data: DataArray, shape: Shape, options: CreateOptions): Tensor {
  return new Tensor(data, shape, { requiresGrad: options.requiresGrad ?? false });
}

/**
 * Creates a tensor from a number, nested arrays or a typed array (with `shape`).
 *
 * @example
 * tensor([[1, 2], [3, 4]])                 // shape [2, 2], float32
 * tensor([0, 2, 1], { dtype: 'int32' })    // class ids
 * tensor(new Float64Array(6), { shape: [2, 3] })
 */
export function tensor(
  values: NestedArray | DataArray | readonly number[],
  options: CreateOptions & { shape?: Shape } = {},
): Tensor {
  checkOptions('tensor', options, [...CREATE_KEYS, 'shape']);
  if (ArrayBuffer.isView(values)) {
    const arr = values;
    const shape = options.shape ?? [arr.length];
    const dtype =
      options.dtype ??
      (arr instanceof Int32Array ? 'int32' : arr instanceof Float64Array ? 'float64' : 'float32');
    const out = allocate(dtype, arr.length);
    out.set(arr);
    return make(out, shape, options);
  }
  const shape: number[] = [];
  let probe: unknown = values;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: number[] = [];
  const walk = (v: unknown, d: number): void => {
    if (d === shape.length) {
      if (typeof v !== 'number')
        throw new ShapeError(`tensor: expected a number at depth ${d}, got ${typeof v}`);
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      throw new ShapeError(
        `tensor: ragged nested array; expected length ${shape[d]} at depth ${d}, got ${Array.isArray(v) ? v.length : typeof v}`,
      );
    }
    for (const e of v) walk(e, d + 1);
  };
  walk(values, 0);
  const dtype = options.dtype ?? getDefaultDtype();
  const data = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) data[i] = flat[i];
  const finalShape = options.shape ?? shape;
  return make(data, finalShape, options);
}

/**
 * A tensor filled with `value`.
 *
 * @example
 * full([2, 2], 7); // [[7, 7], [7, 7]]
 */
export function full(shape: Shape, value: number, options: CreateOptions = {}): Tensor {
  return fullAs('full', shape, value, options);
}

function fullAs(op: string, shape: Shape, value: number, options: CreateOptions): Tensor {
  checkOptions(op, options, CREATE_KEYS);
  checkShape(shape, op);
  const dtype = options.dtype ?? getDefaultDtype();
  let data: DataArray;
  try {
    data = allocate(dtype, numel(shape));
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new ShapeError(
      `full: the tensor must fit in memory; expected at most ${2 ** 32 - 1} elements that can be allocated, got shape [${shape.join(', ')}] (${numel(shape)} elements)`,
    );
  }
  if (value !== 0) data.fill(value);
  return make(data, shape, options);
}

/** A tensor of zeros. @example zeros([2, 3]) */
export function zeros(shape: Shape, options: CreateOptions = {}): Tensor {
  return fullAs('zeros', shape, 0, options);
}

/** A tensor of ones. @example ones([4]) */
export function ones(shape: Shape, options: CreateOptions = {}): Tensor {
  return fullAs('ones', shape, 1, options);
}

/**
 * Zeros shaped (and typed) like `t`.
 *
 * @example
 * zerosLike(randn([2, 3])); // (2, 3) of zeros
 */
export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return fullAs('zerosLike', t.shape, 0, { dtype: t.dtype, ...options });
}

/**
 * Ones shaped (and typed) like `t`.
 *
 * @example
 * onesLike(zeros([2, 3])); // (2, 3) of ones
 */
export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return fullAs('onesLike', t.shape, 1, { dtype: t.dtype, ...options });
}

/** Standard normal samples. @example randn([3, 4], { generator: new Generator(1) }) */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  checkOptions('randn', options, RANDOM_KEYS);
  checkShape(shape, 'randn');
  const g = options.generator ?? defaultGenerator;
  const data = allocateFloat(floatDtype('randn', options.dtype), numel(shape));
  for (let i = 0; i < data.length; i++) data[i] = g.normal();
  return make(data, shape, options);
}

/**
 * Uniform samples in [low, high) (default [0, 1)).
 *
 * @example
 * rand([2, 2], { low: -1, high: 1, generator: new Generator(0) });
 */
export function rand(shape: Shape, options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  checkOptions('rand', options, [...RANDOM_KEYS, 'low', 'high']);
  checkShape(shape, 'rand');
  const g = options.generator ?? defaultGenerator;
  const lo = options.low ?? 0;
  const hi = options.high ?? 1;
  const data = allocateFloat(floatDtype('rand', options.dtype), numel(shape));
  g.fillUniform(data, lo, hi);
  return make(data, shape, options);
}

/**
 * Uniform integers in [low, high) as an int32 tensor.
 *
 * @example
 * randint(0, 10, [5]); // int32, each in [0, 10)
 */
export function randint(
  low: number,
  high: number,
  shape: Shape,
  options: { generator?: Generator } = {},
): Tensor {
  checkOptions('randint', options, ['generator']);
  checkShape(shape, 'randint');
  if (!(high > low))
    throw new ConfigError(`randint: high must exceed low; expected high > ${low}, got ${high}`);
  const g = options.generator ?? defaultGenerator;
  const data = new Int32Array(numel(shape));
  for (let i = 0; i < data.length; i++) data[i] = low + g.randint(high - low);
  return new Tensor(data, shape);
}

/**
 * Values from `start` to `end` (exclusive) by `step`, like `torch.arange`.
 * @example arange(5) // [0, 1, 2, 3, 4]; arange(1, 2, 0.25)
 */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  checkOptions('arange', options, CREATE_KEYS);
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step))
    throw new ConfigError(`arange: step must be a non-zero finite number; got ${step}`);
  if ((step > 0 && end < start) || (step < 0 && end > start)) {
    throw new ConfigError(
      `arange: upper bound and lower bound inconsistent with step sign; expected step of sign ${Math.sign(end - start)}, got ${step}`,
    );
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  const allInt = Number.isInteger(start) && Number.isInteger(step) && Number.isInteger(end);
  const dtype = options.dtype ?? (allInt ? 'int32' : getDefaultDtype());
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return make(data, [n], options);
}

/**
 * `steps` evenly spaced values from `start` to `end` inclusive.
 *
 * @example
 * linspace(0, 1, 5); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  checkOptions('linspace', options, CREATE_KEYS);
  if (!Number.isInteger(steps) || steps < 0)
    throw new ConfigError(`linspace: steps must be a non-negative integer; got ${steps}`);
  const data = allocateFloat(floatDtype('linspace', options.dtype), steps);
  for (let i = 0; i < steps; i++) data[i] = steps === 1 ? start : start + ((end - start) * i) / (steps - 1);
  return make(data, [steps], options);
}

/**
 * The n x n identity matrix.
 *
 * @example
 * eye(3); // the 3 x 3 identity
 */
export function eye(n: number, options: CreateOptions = {}): Tensor {
  const t = fullAs('eye', [n, n], 0, options);
  for (let i = 0; i < n; i++) t.data[i * n + i] = 1;
  return t;
}
