import type { CellKind } from '../core/cell-kind.js';
import type { RnnStepConfig, RnnStepKernel, RnnStepLayerWeights } from './ref/rnn-step-ref.js';
import {
  f32RnnStepModule,
  instantiateF32RnnStep,
  type F32RnnStepExports,
} from './wasm/f32-rnn-step-module.js';

/** Implementation name of the WebAssembly SIMD one-step kernel. */
export const F32_RNN_STEP_WASMSIMD_NAME = 'f32-rnn-step-wasmsimd';

const PAGE = 65536;

/** Whether the wasm SIMD step kernel can run here. */
export function f32RnnStepWasmSimdAvailable(): boolean {
  return f32RnnStepModule() !== null;
}

let stepCount = 0;

/** How many layer steps the wasm SIMD kernel has run in this process (tests check it engaged). */
export function f32RnnStepWasmSimdSteps(): number {
  return stepCount;
}

/**
 * Packs an (M, K) map with S slots per output into the kernel's layout (see the
 * AssemblyScript source): groups of 4 outputs, blocks of NB groups then single groups,
 * block at group g0 with nb groups at float offset g0*K*S*4, element
 * ((k*nb + gi)*S + s)*4 + lane; outputs past M are zero.
 */
function packMap(
  dst: Float32Array,
  off: number,
  S: number,
  NB: number,
  M: number,
  K: number,
  get: (s: number, j: number, k: number) => number,
): void {
  const Mg = (M + 3) >> 2;
  let g0 = 0;
  while (g0 < Mg) {
    const nb = g0 + NB <= Mg ? NB : 1;
    const base = off + g0 * K * S * 4;
    for (let k = 0; k < K; k++) {
      for (let gi = 0; gi < nb; gi++) {
        for (let s = 0; s < S; s++) {
          const o = base + ((k * nb + gi) * S + s) * 4;
          for (let lane = 0; lane < 4; lane++) {
            const j = 4 * (g0 + gi) + lane;
            dst[o + lane] = j < M ? get(s, j, k) : 0;
          }
        }
      }
    }
    g0 += nb;
  }
}

/** Packs a bias with S slots: [g][s][lane]; outputs past M are zero. */
function packBias(
  dst: Float32Array,
  off: number,
  S: number,
  M: number,
  get: (s: number, j: number) => number,
): void {
  const Mg = (M + 3) >> 2;
  for (let g = 0; g < Mg; g++) {
    for (let s = 0; s < S; s++) {
      for (let lane = 0; lane < 4; lane++) {
        const j = 4 * g + lane;
        dst[off + (g * S + s) * 4 + lane] = j < M ? get(s, j) : 0;
      }
    }
  }
}

interface LayerLayout {
  I: number;
  H: number;
  Hout: number;
  /** byte offsets */
  x: number;
  h: number;
  c: number;
  wx: number;
  wh: number;
  b: number;
  wr: number;
}

/**
 * The WebAssembly SIMD one-step kernel (float32): each stream owns one
 * `WebAssembly.Memory`, sized once, holding the packed weights, the states and the
 * scratch, so the views `x`, `h`, `c`, `y` stay valid for the stream's life. A step
 * is one wasm call per layer (matrix-vector products in f32x4 from the packed
 * weights, gates with a polynomial exp). Returns null where wasm SIMD is missing or
 * for float64 (use the reference kernel there).
 */
export function createF32RnnStepWasmSimd(cfg: RnnStepConfig): RnnStepKernel | null {
  if (cfg.dtype !== 'float32') return null;
  const module = f32RnnStepModule();
  if (module === null) return null;
  return new F32RnnStepWasmSimd(cfg, module);
}

class F32RnnStepWasmSimd implements RnnStepKernel {
  readonly name = F32_RNN_STEP_WASMSIMD_NAME;
  readonly x: Float32Array;
  readonly h: Float32Array;
  readonly c: Float32Array;
  readonly y: Float32Array;
  private readonly ex: F32RnnStepExports;
  private readonly f32: Float32Array;
  private readonly kind: CellKind;
  private readonly N: number;
  private readonly layout: LayerLayout[];
  private readonly hraw: number;
  private readonly hnew: number;
  private readonly single: boolean;
  private readonly l0: LayerLayout;

  constructor(cfg: RnnStepConfig, module: WebAssembly.Module) {
    const { kind, N, layers } = cfg;
    this.kind = kind;
    this.N = N;
    const isLstm = kind === 'lstm';
    const S = kind === 'lstm' || kind === 'gru' ? 4 : 1;
    const L = layers.length;
    const { H, Hout } = layers[0];
    const proj = isLstm && Hout !== H;
    // byte layout: 16-byte aligned buffers with 16 bytes of slack after each (vector over-reads)
    let top = 64;
    const take = (floats: number): number => {
      const p = Math.ceil(top / 16) * 16;
      top = p + floats * 4 + 16;
      return p;
    };
    const xPtr = take(N * layers[0].I); // (N, I0)
    const hPtr = take(L * N * Hout); // (L, N, Hout)
    const cPtr = take(isLstm ? L * N * H : 0); // (L, N, H)
    const Hg = (H + 3) >> 2;
    const Houtg = (Hout + 3) >> 2;
    this.layout = layers.map((ly, l) => ({
      I: ly.I,
      H: ly.H,
      Hout: ly.Hout,
      x: l === 0 ? xPtr : hPtr + (l - 1) * N * Hout * 4,
      h: hPtr + l * N * Hout * 4,
      c: cPtr + l * N * H * 4,
      wx: take(Hg * ly.I * S * 4), // packed (G*H, I)
      wh: take(Hg * Hout * S * 4), // packed (G*H, Hout)
      b: take(Hg * S * 4), // packed (G*H)
      wr: proj ? take(Houtg * H * 4) : 0, // packed (Hout, H)
    }));
    this.hraw = take(proj ? N * H : 0); // (N, H)
    this.hnew = take(N * Hout); // (N, Hout)
    const memory = new WebAssembly.Memory({ initial: Math.ceil(top / PAGE), maximum: Math.ceil(top / PAGE) });
    this.ex = instantiateF32RnnStep(module, memory);
    this.f32 = new Float32Array(memory.buffer);
    this.x = this.f32.subarray(xPtr >> 2, (xPtr >> 2) + N * layers[0].I);
    this.h = this.f32.subarray(hPtr >> 2, (hPtr >> 2) + L * N * Hout);
    this.c = this.f32.subarray(cPtr >> 2, (cPtr >> 2) + (isLstm ? L * N * H : 0));
    this.y = this.h.subarray((L - 1) * N * Hout);
    this.single = L === 1;
    this.l0 = this.layout[0];
  }

  setWeights(layer: number, w: RnnStepLayerWeights): void {
    const ly = this.layout[layer];
    const { I, H, Hout } = ly;
    const f = this.f32;
    const { wIh, wHh, bIh, bHh, wHr } = w;
    const bsum = (r: number): number => (bIh === null ? 0 : bIh[r]) + (bHh === null ? 0 : bHh[r]);
    if (this.kind === 'lstm') {
      packMap(f, ly.wx >> 2, 4, 1, H, I, (s, j, k) => wIh[(s * H + j) * I + k]);
      packMap(f, ly.wh >> 2, 4, 1, H, Hout, (s, j, k) => wHh[(s * H + j) * Hout + k]);
      packBias(f, ly.b >> 2, 4, H, (s, j) => bsum(s * H + j));
      if (ly.wr !== 0 && wHr !== null) packMap(f, ly.wr >> 2, 1, 4, Hout, H, (_s, j, k) => wHr[j * H + k]);
    } else if (this.kind === 'gru') {
      // slots r, z, n_x (input part of n), n_h (recurrent part of n, multiplied by r)
      packMap(f, ly.wx >> 2, 4, 1, H, I, (s, j, k) => (s < 3 ? wIh[(s * H + j) * I + k] : 0));
      packMap(f, ly.wh >> 2, 4, 1, H, H, (s, j, k) =>
        s < 2 ? wHh[(s * H + j) * H + k] : s === 3 ? wHh[(2 * H + j) * H + k] : 0,
      );
      packBias(f, ly.b >> 2, 4, H, (s, j) =>
        s < 2
          ? bsum(s * H + j)
          : s === 2
            ? bIh === null
              ? 0
              : bIh[2 * H + j]
            : bHh === null
              ? 0
              : bHh[2 * H + j],
      );
    } else {
      packMap(f, ly.wx >> 2, 1, 4, H, I, (_s, j, k) => wIh[j * I + k]);
      packMap(f, ly.wh >> 2, 1, 4, H, H, (_s, j, k) => wHh[j * H + k]);
      packBias(f, ly.b >> 2, 1, H, (_s, j) => bsum(j));
    }
  }

  step(): void {
    const ex = this.ex;
    const N = this.N;
    if (this.single) {
      const ly = this.l0;
      if (this.kind === 'lstm')
        ex.lstm_step(
          N,
          ly.I,
          ly.H,
          ly.Hout,
          ly.x,
          ly.h,
          ly.c,
          ly.wx,
          ly.wh,
          ly.b,
          ly.wr,
          this.hraw,
          this.hnew,
        );
      else this.stepLayer(ly);
      stepCount++;
      return;
    }
    for (let l = 0; l < this.layout.length; l++) {
      this.stepLayer(this.layout[l]);
      stepCount++;
    }
  }

  private stepLayer(ly: LayerLayout): void {
    const ex = this.ex;
    const N = this.N;
    if (this.kind === 'lstm')
      ex.lstm_step(N, ly.I, ly.H, ly.Hout, ly.x, ly.h, ly.c, ly.wx, ly.wh, ly.b, ly.wr, this.hraw, this.hnew);
    else if (this.kind === 'gru') ex.gru_step(N, ly.I, ly.H, ly.x, ly.h, ly.wx, ly.wh, ly.b, this.hnew);
    else
      ex.rnn_step(N, this.kind === 'rnn_relu' ? 1 : 0, ly.I, ly.H, ly.x, ly.h, ly.wx, ly.wh, ly.b, this.hnew);
  }
}
