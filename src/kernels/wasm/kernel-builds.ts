// The one loader of the generated kernel modules (f32-gemm, f32-rnn, f32-rnn-step): each
// build of a module (its flavor, and for the recurrent layer plain or shared memory) is
// compiled from its base64 on first use and remembered, null included, so a build that
// cannot run here is probed once and its callers take their fallback.
import { decodeBase64 } from './load-module.js';
import { wasmRelaxedSimdSupported, type WasmFlavor } from './relaxed-probe.js';
import { wasmSimdSupported } from './simd-probe.js';
import { WasmArena } from './wasm-arena.js';

/** Whether builds of `flavor` run here ('simd': WebAssembly SIMD; 'relaxed': relaxed SIMD). */
function flavorSupported(flavor: WasmFlavor): boolean {
  return flavor === 'simd' ? wasmSimdSupported() : wasmRelaxedSimdSupported();
}

/** The blocking constants of the GEMM (elements), which every module carrying it exports. */
export interface GemmBlocking {
  readonly KC: number;
  readonly MC: number;
  readonly NC: number;
  /** The micro-tile: MR rows x NR columns. */
  readonly MR: number;
  readonly NR: number;
}

/** The exported globals `GemmBlocking` is read from. */
export interface GemmBlockingExports {
  readonly KC: { readonly value: number };
  readonly MC: { readonly value: number };
  readonly NC: { readonly value: number };
  readonly TILE_MR: { readonly value: number };
  readonly TILE_NR: { readonly value: number };
}

/** Reads the GEMM's blocking constants from a module's exports. */
export function gemmBlocking(ex: GemmBlockingExports): GemmBlocking {
  return { KC: ex.KC.value, MC: ex.MC.value, NC: ex.NC.value, MR: ex.TILE_MR.value, NR: ex.TILE_NR.value };
}

/** What a build makes of its compiled module: synchronously, and (for `load`) asynchronously. */
interface BuildMaker<T> {
  make(module: WebAssembly.Module): T;
  makeAsync(module: WebAssembly.Module): Promise<T>;
}

/** A maker that instantiates the module over a fresh arena (its memory as `env.memory`) and wraps it. */
function onNewArena<T>(wrap: (instance: WebAssembly.Instance, arena: WasmArena) => T): BuildMaker<T> {
  return {
    make(module) {
      const arena = new WasmArena();
      return wrap(new WebAssembly.Instance(module, { env: { memory: arena.memory } }), arena);
    },
    async makeAsync(module) {
      const arena = new WasmArena();
      return wrap(await WebAssembly.instantiate(module, { env: { memory: arena.memory } }), arena);
    },
  };
}

/** A maker that keeps the compiled module itself (callers instantiate it over their own memory). */
const compiledOnly: BuildMaker<WebAssembly.Module> = {
  make: (module) => module,
  makeAsync: (module) => Promise.resolve(module),
};

/**
 * The builds of one kernel module, keyed by flavor. `source(flavor)`: the build's base64,
 * or null where it cannot run here (the flavor's SIMD, shared memory, ...). A build that
 * throws while compiling or instantiating counts as missing.
 */
export class KernelBuilds<T> {
  private readonly built = new Map<WasmFlavor, T | null>();

  constructor(
    private readonly source: (flavor: WasmFlavor) => string | null,
    private readonly maker: BuildMaker<T>,
  ) {}

  /**
   * The build, compiled and made synchronously on first use (fine in Node and in workers;
   * a browser main thread should await `load` first), or null where it is missing.
   */
  get(flavor: WasmFlavor): T | null {
    let m = this.built.get(flavor);
    if (m === undefined) {
      m = null;
      const b64 = this.source(flavor);
      if (b64 !== null) {
        try {
          m = this.maker.make(new WebAssembly.Module(decodeBase64(b64)));
        } catch (_e) {
          m = null;
        }
      }
      this.built.set(flavor, m);
    }
    return m;
  }

  /**
   * Compiles and makes the build asynchronously (browser main threads refuse synchronous
   * compilation of large modules); resolves to whether it loaded.
   */
  async load(flavor: WasmFlavor): Promise<boolean> {
    const have = this.built.get(flavor);
    if (have !== undefined) return have !== null;
    const b64 = this.source(flavor);
    let m: T | null = null;
    if (b64 !== null) {
      try {
        m = await this.maker.makeAsync(await WebAssembly.compile(decodeBase64(b64)));
      } catch (_e) {
        m = null;
      }
    }
    // A synchronous load may have won the race meanwhile; keep the first.
    if (!this.built.has(flavor)) this.built.set(flavor, m);
    return this.built.get(flavor) !== null;
  }
}

/**
 * The source of a module's builds: `simd` (the 128-bit build) or `relaxed` (null: none)
 * where that flavor runs here and `runs()` holds (a further requirement of the build).
 */
function bySimd(
  simd: string,
  relaxed: string | null,
  runs: () => boolean,
): (flavor: WasmFlavor) => string | null {
  return (flavor) => (flavorSupported(flavor) && runs() ? (flavor === 'simd' ? simd : relaxed) : null);
}

/** Builds used as instances over their own arena, wrapped by `wrap` (the single-thread modules). */
export function instanceBuilds<T>(
  simd: string,
  relaxed: string,
  wrap: (instance: WebAssembly.Instance, arena: WasmArena) => T,
): KernelBuilds<T> {
  return new KernelBuilds(
    bySimd(simd, relaxed, () => true),
    onNewArena(wrap),
  );
}

/** Builds kept compiled, for callers that instantiate them over memories of their own. */
export function moduleBuilds(
  simd: string,
  relaxed: string | null,
  runs: () => boolean = () => true,
): KernelBuilds<WebAssembly.Module> {
  return new KernelBuilds(bySimd(simd, relaxed, runs), compiledOnly);
}
