/**
 * Parameter initialisation, after `torch.nn.init`. Every function fills a float tensor
 * in place (outside any recorded graph, like PyTorch's `with torch.no_grad()`), draws
 * from the seeded default generator unless `{ generator }` is given, and returns the
 * tensor. Names keep PyTorch's trailing underscore for "in place".
 *
 * @example
 * import { init, LSTM } from 'longshort';
 * const lstm = new LSTM(10, 20);
 * for (const p of lstm.parameters()) init.uniform_(p, -0.08, 0.08);
 *
 * @module
 */
import { checkOptions } from '../core/check.js';
import { ConfigError, DTypeError, ShapeError } from '../core/errors.js';
import { defaultGenerator, type Generator } from '../core/rng.js';
import { formatShape } from '../core/shape.js';
import type { Tensor } from '../tensor/index.js';

/**
 * Options of the random initialisers.
 *
 * @example
 * init.normal_(w, 0, 0.02, { generator: new Generator(0) });
 */
export interface InitOptions {
  /** Seeded generator; the default generator (see `manualSeed`) otherwise. */
  generator?: Generator;
}

/**
 * The nonlinearities `calculateGain` knows (PyTorch's names in camelCase).
 *
 * @example
 * init.calculateGain('tanh'); // 5/3
 */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'convTranspose1d'
  | 'convTranspose2d'
  | 'convTranspose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leakyRelu'
  | 'selu';

/**
 * Which fan the Kaiming initialisers scale by: 'fanIn' keeps the forward variance, 'fanOut' the backward's.
 *
 * @example
 * init.kaimingUniform_(w, { mode: 'fanOut' }); // or 'fanIn' (the default)
 */
export type FanMode = 'fanIn' | 'fanOut';

/**
 * Options of `kaimingUniform_` and `kaimingNormal_`.
 *
 * @example
 * init.kaimingNormal_(w, { a: 0, mode: 'fanIn', nonlinearity: 'relu' });
 */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the rectifier after this layer (used with 'leakyRelu'; default 0). */
  a?: number;
  /** 'fanIn' (default) or 'fanOut'. */
  mode?: FanMode;
  /** The nonlinearity after this layer (default 'leakyRelu'). */
  nonlinearity?: Nonlinearity;
}

const INIT_KEYS = ['generator'] as const satisfies ReadonlyArray<keyof InitOptions>;
const KAIMING_KEYS = [...INIT_KEYS, 'a', 'mode', 'nonlinearity'] as const satisfies ReadonlyArray<
  keyof KaimingOptions
>;

const LINEAR_GAIN_ONE: ReadonlySet<string> = new Set([
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'convTranspose1d',
  'convTranspose2d',
  'convTranspose3d',
  'sigmoid',
]);

function fill(t: Tensor, op: string, f: () => number): Tensor {
  if (t.dtype === 'int32') {
    throw new DTypeError(`${op}: tensor must be a float tensor; expected float32 or float64, got int32`);
  }
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = f();
  // writes straight into the memory: no graph is recorded, but saved copies are invalidated
  t.markModified();
  return t;
}

/** Fills with U(low, high) through the generator's `fillUniform` (PyTorch's draws under mt19937). */
function fillUniform(t: Tensor, op: string, g: Generator, low: number, high: number): Tensor {
  if (t.dtype === 'int32') {
    throw new DTypeError(`${op}: tensor must be a float tensor; expected float32 or float64, got int32`);
  }
  g.fillUniform(t.data as Float32Array | Float64Array, low, high);
  t.markModified();
  return t;
}

function checkFinite(op: string, name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ConfigError(`${op}: ${name} must be a finite number; got ${String(v)}`);
  }
}

/**
 * The recommended gain for a nonlinearity, like `torch.nn.init.calculate_gain`:
 * 1 for linear/conv/sigmoid, 5/3 for tanh, sqrt(2) for relu,
 * sqrt(2 / (1 + slope^2)) for leakyRelu (slope `param`, default 0.01), 3/4 for selu.
 *
 * @example calculateGain('leakyRelu', 0.2) // 1.3867...
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  if (LINEAR_GAIN_ONE.has(nonlinearity)) return 1;
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      checkFinite('calculateGain', 'negative slope', slope);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ConfigError(
        `calculateGain: unsupported nonlinearity; expected one of ${[...LINEAR_GAIN_ONE, 'tanh', 'relu', 'leakyRelu', 'selu'].join(', ')}, got '${String(nonlinearity)}'`,
      );
  }
}

/**
 * Fan-in and fan-out of a weight, like torch's `_calculate_fan_in_and_fan_out`:
 * for shape (out, in, *k) fanIn = in * prod(k) and fanOut = out * prod(k).
 *
 * @example calculateFanInAndFanOut(zeros([8, 4])) // { fanIn: 4, fanOut: 8 }
 */
export function calculateFanInAndFanOut(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) {
    throw new ShapeError(
      `calculateFanInAndFanOut: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions; expected >= 2 dims, got ${formatShape(t.shape)}`,
    );
  }
  let receptive = 1;
  for (let i = 2; i < t.ndim; i++) receptive *= t.shape[i];
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

/**
 * Fills with U(a, b). @example uniform_(w, -0.1, 0.1)
 * @param a lower bound (default 0)
 * @param b upper bound (default 1)
 */
export function uniform_(t: Tensor, a = 0, b = 1, options: InitOptions = {}): Tensor {
  checkOptions('uniform_', options, INIT_KEYS);
  checkFinite('uniform_', 'a', a);
  checkFinite('uniform_', 'b', b);
  if (a > b) throw new ConfigError(`uniform_: expects a <= b; expected a <= ${b}, got a = ${a}`);
  const g = options.generator ?? defaultGenerator;
  return fillUniform(t, 'uniform_', g, a, b);
}

/**
 * Fills with N(mean, std^2). @example normal_(w, 0, 0.02)
 * @param mean default 0
 * @param std default 1 (must be >= 0)
 */
export function normal_(t: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
  checkOptions('normal_', options, INIT_KEYS);
  checkFinite('normal_', 'mean', mean);
  checkFinite('normal_', 'std', std);
  if (std < 0) throw new ConfigError(`normal_: std must be non-negative; expected >= 0, got ${std}`);
  const g = options.generator ?? defaultGenerator;
  return fill(t, 'normal_', () => g.normal(mean, std));
}

/** Fills with `value`. @example constant_(bias, 0.1) */
export function constant_(t: Tensor, value: number): Tensor {
  if (typeof value !== 'number')
    throw new ConfigError(`constant_: value must be a number; got ${typeof value}`);
  return fill(t, 'constant_', () => value);
}

/** Fills with zeros. @example zeros_(bias) */
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

/** Fills with ones. @example ones_(t) */
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/**
 * Glorot/Xavier uniform: U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)).
 * Needs at least 2 dims. @example xavierUniform_(w, calculateGain('tanh'))
 * @param gain scaling factor (default 1)
 */
export function xavierUniform_(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  checkOptions('xavierUniform_', options, INIT_KEYS);
  checkFinite('xavierUniform_', 'gain', gain);
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  const a = Math.sqrt(3) * std;
  const g = options.generator ?? defaultGenerator;
  return fillUniform(t, 'xavierUniform_', g, -a, a);
}

/**
 * Glorot/Xavier normal: N(0, std^2) with std = gain * sqrt(2 / (fanIn + fanOut)).
 * @example xavierNormal_(w)
 * @param gain scaling factor (default 1)
 */
export function xavierNormal_(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  checkOptions('xavierNormal_', options, INIT_KEYS);
  checkFinite('xavierNormal_', 'gain', gain);
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  const g = options.generator ?? defaultGenerator;
  return fill(t, 'xavierNormal_', () => g.normal(0, std));
}

function kaimingStd(op: string, t: Tensor, options: KaimingOptions): number {
  const mode = options.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut') {
    throw new ConfigError(`${op}: mode must be 'fanIn' or 'fanOut'; got '${String(mode)}'`);
  }
  const a = options.a ?? 0;
  checkFinite(op, 'a', a);
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const gain = calculateGain(options.nonlinearity ?? 'leakyRelu', a);
  return gain / Math.sqrt(mode === 'fanIn' ? fanIn : fanOut);
}

/**
 * He/Kaiming uniform: U(-bound, bound) with bound = gain * sqrt(3 / fan), where
 * gain = calculateGain(nonlinearity, a). A zero-element tensor is left as is.
 * `kaimingUniform_(w, { a: Math.sqrt(5) })` is PyTorch's default for Linear weights,
 * giving bound = 1 / sqrt(fanIn).
 *
 * @example kaimingUniform_(w, { mode: 'fanIn', nonlinearity: 'relu' })
 */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  checkOptions('kaimingUniform_', options, KAIMING_KEYS);
  if (t.numel() === 0) return t;
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform_', t, options);
  const g = options.generator ?? defaultGenerator;
  return fillUniform(t, 'kaimingUniform_', g, -bound, bound);
}

/**
 * He/Kaiming normal: N(0, std^2) with std = gain / sqrt(fan).
 * @example kaimingNormal_(w, { mode: 'fanOut', nonlinearity: 'relu' })
 */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  checkOptions('kaimingNormal_', options, KAIMING_KEYS);
  if (t.numel() === 0) return t;
  const std = kaimingStd('kaimingNormal_', t, options);
  const g = options.generator ?? defaultGenerator;
  return fill(t, 'kaimingNormal_', () => g.normal(0, std));
}

/**
 * A (semi-)orthogonal matrix, like `torch.nn.init.orthogonal_`: the tensor is viewed
 * as (rows, cols) with rows = size(0) and cols = numel / rows; a Gaussian matrix is
 * QR-decomposed (Householder, in float64) with the signs fixed so R has a positive
 * diagonal. Tall matrices get orthonormal columns, wide ones orthonormal rows; the
 * result is scaled by `gain`. Needs at least 2 dims.
 *
 * @example orthogonal_(lstm.weight_hh_l0)
 * @param gain scaling factor (default 1)
 */
export function orthogonal_(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  checkOptions('orthogonal_', options, INIT_KEYS);
  checkFinite('orthogonal_', 'gain', gain);
  if (t.ndim < 2) {
    throw new ShapeError(
      `orthogonal_: only tensors with 2 or more dimensions are supported; expected >= 2 dims, got ${formatShape(t.shape)}`,
    );
  }
  if (t.dtype === 'int32')
    throw new DTypeError(
      'orthogonal_: tensor must be a float tensor; expected float32 or float64, got int32',
    );
  if (t.numel() === 0) return t;
  const rows = t.shape[0];
  const cols = t.numel() / rows;
  const g = options.generator ?? defaultGenerator;
  const flat = new Float64Array(rows * cols); // (rows, cols)
  for (let i = 0; i < flat.length; i++) flat[i] = g.normal();
  // work on the tall orientation (m >= n): A (m, n)
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  const A = new Float64Array(m * n); // (m, n)
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (tall) A[r * n + c] = flat[r * cols + c];
      else A[c * n + r] = flat[r * cols + c];
    }
  }
  const Q = householderQ(A, m, n); // (m, n), orthonormal columns, diag(R) > 0
  const d = t.data;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) d[r * cols + c] = gain * (tall ? Q[r * n + c] : Q[c * n + r]);
  }
  t.markModified();
  return t;
}

/**
 * Thin Q of the QR decomposition of A (m, n), m >= n, by Householder reflections, with
 * column signs chosen so that R's diagonal is non-negative (torch's `q *= sign(diag(r))`).
 */
function householderQ(A: Float64Array, m: number, n: number): Float64Array {
  const R = Float64Array.from(A); // (m, n), becomes R in its upper triangle
  const vs: Float64Array[] = []; // reflectors v_k of length m - k
  const betas: number[] = [];
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += R[i * n + k] * R[i * n + k];
    norm = Math.sqrt(norm);
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = R[i * n + k];
    const alpha = R[k * n + k] >= 0 ? -norm : norm;
    v[0] -= alpha;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i] * v[i];
    const beta = vv === 0 ? 0 : 2 / vv;
    vs.push(v);
    betas.push(beta);
    for (let j = k; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i - k] * R[i * n + j];
      s *= beta;
      for (let i = k; i < m; i++) R[i * n + j] -= s * v[i - k];
    }
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity
  const Q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) Q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    const beta = betas[k];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i - k] * Q[i * n + j];
      s *= beta;
      for (let i = k; i < m; i++) Q[i * n + j] -= s * v[i - k];
    }
  }
  for (let j = 0; j < n; j++) {
    if (R[j * n + j] < 0) for (let i = 0; i < m; i++) Q[i * n + j] = -Q[i * n + j];
  }
  return Q;
}
