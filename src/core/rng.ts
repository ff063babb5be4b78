import { ConfigError, FormatError } from './errors.js';

/**
 * The generator's algorithm:
 * - 'xoshiro128**' (the default): fast, 128-bit state;
 * - 'mt19937': PyTorch's CPU generator. Seeded alike, it draws what `torch.manual_seed`
 *   + PyTorch draws for uniform fills (`rand`, `init.uniform_` / `kaimingUniform_` /
 *   `xavierUniform_`, so the default initialisation of LSTM, GRU, RNN, their cells and
 *   Linear), `randint`-style integers, `randperm` permutations and dropout masks, in
 *   float32 and float64 (float64 as PyTorch's x86-64 AVX2 and ARM builds compute it,
 *   with a fused multiply-add). Normal samples (`randn`, `Embedding`'s init) are not
 *   PyTorch's.
 *
 * @example
 * manualSeed(0, { algorithm: 'mt19937' }); // or 'xoshiro128**' (the default)
 */
export type GeneratorAlgorithm = 'xoshiro128**' | 'mt19937';

/**
 * A generator's state: the algorithm's words (4 for xoshiro128**, 624 for mt19937 plus
 * `index`) and a cached normal sample. States saved before mt19937 existed have no
 * `algorithm` and are xoshiro128**.
 *
 * @example
 * const g = new Generator(7);
 * const saved: GeneratorState = g.getState();
 * const a = g.uniform();
 * g.setState(saved);
 * g.uniform() === a; // true
 */
export interface GeneratorState {
  algorithm?: GeneratorAlgorithm;
  s: number[];
  /** mt19937: the next word's position in `s` (624: twist before the next draw). */
  index?: number;
  spare: number | null;
}

/**
 * Options of `Generator` and `manualSeed`.
 *
 * @example
 * const g = new Generator(0, { algorithm: 'mt19937' }); // PyTorch's generator
 * manualSeed(0, { algorithm: 'mt19937' });
 */
export interface GeneratorOptions {
  /** Default 'xoshiro128**' for a new generator; `seed` keeps the current one. */
  algorithm?: GeneratorAlgorithm;
}

const MT_N = 624;

/**
 * A seeded pseudo-random generator, so runs are reproducible: xoshiro128** by default,
 * or PyTorch's mt19937 (see `GeneratorAlgorithm`) to draw what PyTorch draws.
 *
 * @example
 * const g = new Generator(42); g.uniform(); g.normal();
 * manualSeed(0); // reseeds the default generator used by randn/rand/init
 * manualSeed(0, { algorithm: 'mt19937' }); new LSTM(28, 128); // the weights torch.manual_seed(0); nn.LSTM(28, 128) gets
 */
export class Generator {
  private algo: GeneratorAlgorithm = 'xoshiro128**';
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private mt: Uint32Array | null = null;
  private mti = MT_N;
  private spare: number | null = null;

  constructor(seed = 0, options: GeneratorOptions = {}) {
    this.seed(seed, options);
  }

  /** The algorithm in use. */
  get algorithm(): GeneratorAlgorithm {
    return this.algo;
  }

  /** Resets the state from a seed (any finite number; mt19937 takes its low 32 bits, as PyTorch). */
  seed(seed: number, options: GeneratorOptions = {}): void {
    const algo = options.algorithm ?? this.algo;
    if (algo !== 'xoshiro128**' && algo !== 'mt19937') {
      throw new ConfigError(
        `Generator: algorithm must be 'xoshiro128**' or 'mt19937'; got ${JSON.stringify(algo)}`,
      );
    }
    this.algo = algo;
    this.spare = null;
    if (algo === 'mt19937') {
      const mt = new Uint32Array(MT_N);
      mt[0] = Math.floor(seed) >>> 0;
      for (let i = 1; i < MT_N; i++)
        mt[i] = (Math.imul(1812433253, mt[i - 1] ^ (mt[i - 1] >>> 30)) + i) >>> 0;
      this.mt = mt;
      this.mti = MT_N;
      return;
    }
    this.mt = null;
    // splitmix32 to spread the seed over the 128-bit state
    let x = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() | 1;
  }

  /**
   * The full generator state, to save with a checkpoint and restore with `setState`
   * so a resumed run draws the same numbers as an uninterrupted one.
   */
  getState(): GeneratorState {
    if (this.mt !== null)
      return { algorithm: 'mt19937', s: Array.from(this.mt), index: this.mti, spare: this.spare };
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spare: this.spare };
  }

  /** Restores a state returned by `getState` (its algorithm too). */
  setState(state: GeneratorState): void {
    const s = state?.s;
    const mt = state?.algorithm === 'mt19937';
    if (
      state?.algorithm !== undefined &&
      state.algorithm !== 'mt19937' &&
      state.algorithm !== 'xoshiro128**'
    ) {
      throw new FormatError(
        `Generator.setState: algorithm must be 'xoshiro128**' or 'mt19937'; got ${JSON.stringify(state.algorithm)}`,
      );
    }
    const words = mt ? MT_N : 4;
    if (
      !Array.isArray(s) ||
      s.length !== words ||
      s.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff)
    ) {
      throw new FormatError(
        `Generator.setState: s must be ${words} unsigned 32-bit integers; got ${Array.isArray(s) ? `${s.length} values` : JSON.stringify(s)}`,
      );
    }
    if (
      mt &&
      (!Number.isInteger(state.index) || (state.index as number) < 0 || (state.index as number) > MT_N)
    ) {
      throw new FormatError(
        `Generator.setState: index must be an integer in 0..${MT_N}; got ${JSON.stringify(state.index)}`,
      );
    }
    if (state.spare !== null && typeof state.spare !== 'number') {
      throw new FormatError(`Generator.setState: spare must be a number or null; got ${typeof state.spare}`);
    }
    if (mt) {
      this.algo = 'mt19937';
      this.mt = Uint32Array.from(s);
      this.mti = state.index as number;
    } else {
      this.algo = 'xoshiro128**';
      this.mt = null;
      [this.s0, this.s1, this.s2, this.s3] = s;
    }
    this.spare = state.spare;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    if (this.mt !== null) return this.nextMt();
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  private nextMt(): number {
    const mt = this.mt as Uint32Array;
    if (this.mti >= MT_N) {
      for (let k = 0; k < MT_N; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % MT_N] & 0x7fffffff);
        mt[k] = mt[(k + 397) % MT_N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.mti = 0;
    }
    let y = mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits (mt19937: PyTorch's `random64()` draw). */
  private unit53(): number {
    if (this.mt !== null) {
      const hi = this.nextMt();
      const lo = this.nextMt();
      return ((hi & 0x1fffff) * 2 ** 32 + lo) / 2 ** 53;
    }
    return (this.nextUint32() * 2 ** 21 + (this.nextUint32() >>> 11)) / 2 ** 53;
  }

  /** Uniform in [low, high) (mt19937: as PyTorch's float64 `uniform_`, `u * (high - low) + low` fused). */
  uniform(low = 0, high = 1): number {
    const u = this.unit53();
    return this.mt !== null ? fma(u, high - low, low) : low + (high - low) * u;
  }

  /**
   * Fills `data` with U(low, high), one draw per element in order. mt19937 follows
   * PyTorch's `uniform_` for the array's type (float32: 24 random bits per element and
   * float32 bounds; float64: 53 bits), so the values equal PyTorch's for the same seed.
   */
  fillUniform(data: Float32Array | Float64Array, low: number, high: number): void {
    if (this.mt !== null && data instanceof Float32Array) {
      const from = Math.fround(low);
      const span = Math.fround(Math.fround(high) - from);
      // (24-bit x) * (float32 span) is exact in double, so this rounds once, as PyTorch's fused multiply-add
      for (let i = 0; i < data.length; i++) data[i] = (this.nextMt() & 0xffffff) * 2 ** -24 * span + from;
      return;
    }
    for (let i = 0; i < data.length; i++) data[i] = this.uniform(low, high);
  }

  /** Normal with the given mean and standard deviation (Box-Muller). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return mean + std * v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [0, n) (mt19937, n <= 2^32: PyTorch's `random() % n`, as `torch.randint(0, n)`). */
  randint(n: number): number {
    if (this.mt !== null && n <= 2 ** 32) return this.nextMt() % n;
    return Math.floor(this.uniform() * n);
  }

  /** In-place shuffle (xoshiro128**: Fisher-Yates from the end; mt19937: PyTorch's `randperm` swaps). */
  shuffle<T>(items: T[]): T[] {
    if (this.mt !== null) {
      const n = items.length;
      for (let i = 0; i < n - 1; i++) {
        const j = i + this.randint(n - i);
        const t = items[i];
        items[i] = items[j];
        items[j] = t;
      }
      return items;
    }
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.randint(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** A random permutation of 0..n-1 (mt19937: `torch.randperm(n)`). */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }
}

/**
 * a * b + c rounded once (a fused multiply-add), as PyTorch's uniform kernel computes it
 * (its CPU build contracts the expression). Exact: BigInt products of the mantissas,
 * then one correctly rounded conversion.
 */
function fma(a: number, b: number, c: number): number {
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  if (ma === 0n || mb === 0n) return c;
  const ep = ea + eb;
  const e = mc === 0n ? ep : Math.min(ep, ec);
  if (e < -1000) return a * b + c; // only for subnormal-range results, which uniform never makes
  const total = ((ma * mb) << BigInt(ep - e)) + (mc << BigInt(ec - e));
  return Number(total) * 2 ** e;
}

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** A finite double as integer mantissa and exponent: v = m * 2^e. */
function decompose(v: number): [bigint, number] {
  if (v === 0) return [0n, 0];
  F64[0] = v;
  const bits = U64[0];
  const exp = Number((bits >> 52n) & 0x7ffn);
  let m = bits & 0xfffffffffffffn;
  if (exp !== 0) m |= 1n << 52n;
  return [bits >> 63n ? -m : m, (exp === 0 ? 1 : exp) - 1075];
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * The default generator behind `randn`, `rand`, dropout and `init`.
 *
 * @example
 * manualSeed(0);                // reseeds defaultGenerator
 * defaultGenerator.uniform();   // the draws randn/rand/dropout use
 */
export const defaultGenerator = new Generator(0);

/**
 * Reseeds the default generator, like `torch.manual_seed`; `{ algorithm: 'mt19937' }`
 * switches it to PyTorch's generator (it stays switched for later seeds).
 * @example manualSeed(0, { algorithm: 'mt19937' })
 */
export function manualSeed(seed: number, options: GeneratorOptions = {}): void {
  defaultGenerator.seed(seed, options);
}
