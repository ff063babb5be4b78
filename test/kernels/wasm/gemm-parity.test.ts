// Parity of the fast f32 GEMMs (WebAssembly SIMD and optimized JS) with gemmRef, over
// sizes that hit every remainder of the tiles (wasm 5x8, JS 4x4) and of the cache
// blocks (wasm KC=256, MC=190, NC=2048), all four transpose combinations, alpha/beta,
// offsets and padded leading dims; plus a check that the SIMD path really engaged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Gemm } from '../../../src/kernels/gemm.js';
import { gemmRef } from '../../../src/kernels/ref/f-gemm-ref.js';
import { f32Gemm4x4Js } from '../../../src/kernels/f32-gemm-4x4-js.js';
import {
  F32_GEMM_WASMSIMD_NAME,
  f32GemmImplementation,
  f32GemmWasmRelaxed,
  f32GemmWasmSimd,
  f32GemmWasmSimdCalls,
  setF32GemmWasmSimdCallLimit,
} from '../../../src/kernels/f32-gemm-5x8-wasmsimd.js';
import { f32GemmModule, initF32GemmModule } from '../../../src/kernels/wasm/f32-gemm-module.js';
import { wasmSimdSupported } from '../../../src/kernels/wasm/simd-probe.js';
import { lcg } from '../../helpers/random.js';

/** [alpha, beta] pairs; beta = 0 always starts from a C window full of NaN. */
const ALPHA_BETA: [number, number][] = [
  [1, 0],
  [1, 1],
  [0.5, -2],
  [-1.25, 0.75],
  [0, 0.5],
  [2, 0],
  [0, 0],
  [1, 1],
  [-1, 0],
];

interface Case {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  alpha: number;
  beta: number;
  /** 0: tight, no offsets; 1: offsets; 2: padded leading dims; 3: both. */
  layout: number;
  seed: number;
}

function abs(x: Float64Array): Float64Array {
  return x.map(Math.abs);
}

/**
 * Runs one case through `gemm` and `gemmRef`; checks every element of the window
 * against a float32-accumulation bound and that nothing outside the window changed.
 */
function check(gemm: Gemm, c: Case): void {
  const { transA, transB, M, N, K, alpha, beta, layout } = c;
  const rnd = lcg(c.seed);
  const offs = layout & 1 ? [3, 5, 7] : [0, 0, 0];
  const pads = layout & 2 ? [3, 1, 5] : [0, 0, 0];
  const [aRows, aCols] = transA ? [K, M] : [M, K];
  const [bRows, bCols] = transB ? [N, K] : [K, N];
  const lda = aCols + pads[0],
    ldb = bCols + pads[1],
    ldc = N + pads[2];
  const [aOff, bOff, cOff] = offs;
  // Padding and the elements around the windows are random too, so reading them shows.
  const A = Float32Array.from({ length: aOff + aRows * lda + 2 }, rnd);
  const B = Float32Array.from({ length: bOff + bRows * ldb + 2 }, rnd);
  const C = Float32Array.from({ length: cOff + M * ldc + 2 }, rnd);
  if (beta === 0) for (let i = 0; i < M; i++) C.fill(NaN, cOff + i * ldc, cOff + i * ldc + N);
  const C0 = C.slice();

  const ref = Float64Array.from(C);
  gemmRef(
    transA,
    transB,
    M,
    N,
    K,
    alpha,
    Float64Array.from(A),
    aOff,
    lda,
    Float64Array.from(B),
    bOff,
    ldb,
    beta,
    ref,
    cOff,
    ldc,
  );
  // bound[i,j] = |alpha| sum_k |a_ik b_kj| + |beta c_ij|
  const bound = abs(Float64Array.from(C));
  gemmRef(
    transA,
    transB,
    M,
    N,
    K,
    Math.abs(alpha),
    abs(Float64Array.from(A)),
    aOff,
    lda,
    abs(Float64Array.from(B)),
    bOff,
    ldb,
    Math.abs(beta),
    bound,
    cOff,
    ldc,
  );

  gemm(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);

  const name = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} M=${M} N=${N} K=${K} alpha=${alpha} beta=${beta} layout=${layout}`;
  // float32 products summed in float32: |error| <= ~K u sum|a b| (u = 2^-24); allow 2x
  // plus the roundings of alpha, beta and the final store.
  const eps = (K + 4) * 2 ** -23;
  const inWindow = new Uint8Array(C.length);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const p = cOff + i * ldc + j;
      inWindow[p] = 1;
      const tol = eps * bound[p] + 1e-30;
      if (!(Math.abs(C[p] - ref[p]) <= tol)) {
        assert.fail(
          `${name}: C[${i},${j}] = ${C[p]}, ref ${ref[p]}, |diff| ${Math.abs(C[p] - ref[p])} > tol ${tol}`,
        );
      }
    }
  }
  for (let p = 0; p < C.length; p++) {
    if (!inWindow[p] && !Object.is(C[p], C0[p])) assert.fail(`${name}: C[${p}] outside the window changed`);
  }
}

const TRANSPOSES: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];
const tName = (ta: boolean, tb: boolean) => `${ta ? 'A^T' : 'A'} ${tb ? 'B^T' : 'B'}`;

/** Every remainder of the 5x8 and 4x4 tiles (0, 1, tile-1, tile, tile+1) and a prime. */
const SIZES = [0, 1, 3, 4, 5, 6, 7, 8, 9, 37];
/** Shapes around the cache blocks (KC=256, MC=190, NC=2048) and above them. */
const BLOCK_SHAPES: [number, number, number][] = [
  [300, 300, 300],
  [191, 37, 257],
  [7, 2049, 9],
  [1, 300, 513],
  [300, 1, 300],
  [37, 300, 1],
  [64, 129, 256],
];

const KERNELS: [string, Gemm][] = [
  ['f32GemmWasmSimd', f32GemmWasmSimd],
  ['f32GemmWasmRelaxed', f32GemmWasmRelaxed],
  ['f32Gemm4x4Js', f32Gemm4x4Js],
];

for (const [kname, gemm] of KERNELS) {
  describe(`${kname} matches gemmRef`, () => {
    for (const [transA, transB] of TRANSPOSES) {
      it(`${tName(transA, transB)}: M, N, K over ${SIZES.join(',')} (${SIZES.length ** 3} shapes)`, () => {
        let n = 0;
        for (const M of SIZES) {
          for (const N of SIZES) {
            for (const K of SIZES) {
              const [alpha, beta] = ALPHA_BETA[n % ALPHA_BETA.length];
              check(gemm, { transA, transB, M, N, K, alpha, beta, layout: (n >> 1) % 4, seed: n + 1 });
              n++;
            }
          }
        }
      });
      it(`${tName(transA, transB)}: shapes across the cache blocks`, () => {
        let n = 0;
        for (const [M, N, K] of BLOCK_SHAPES) {
          for (const [alpha, beta] of [
            [1, 0],
            [-0.5, 1.5],
          ]) {
            check(gemm, { transA, transB, M, N, K, alpha, beta, layout: n % 4, seed: 1000 + n });
            n++;
          }
        }
      });
    }

    it('beta = 0 overwrites NaN and Infinity in C; alpha = 0 or K = 0 only scales C', () => {
      const A = new Float32Array([1, 2, 3, 4]);
      const B = new Float32Array([5, 6, 7, 8]);
      const C = new Float32Array([NaN, Infinity, -Infinity, NaN]);
      gemm(false, false, 2, 2, 2, 1, A, 0, 2, B, 0, 2, 0, C, 0, 2);
      assert.deepEqual([...C], [19, 22, 43, 50]);
      C.set([NaN, Infinity, 1, 2]);
      gemm(false, false, 2, 2, 2, 0, A, 0, 2, B, 0, 2, 0, C, 0, 2);
      assert.deepEqual([...C], [0, 0, 0, 0]);
      C.set([1, 2, 3, 4]);
      gemm(false, false, 2, 2, 0, 1, A, 0, 2, B, 0, 2, 2, C, 0, 2);
      assert.deepEqual([...C], [2, 4, 6, 8]);
    });

    it('hands Float64Array operands to gemmRef (bit-identical results)', () => {
      const rnd = lcg(99);
      const A = Float64Array.from({ length: 13 * 11 }, rnd);
      const B = Float64Array.from({ length: 11 * 9 }, rnd);
      const C1 = Float64Array.from({ length: 13 * 9 }, rnd);
      const C2 = C1.slice();
      gemm(false, true, 13, 11, 9, 0.5, A, 0, 9, B, 0, 9, 2, C1, 0, 11);
      gemmRef(false, true, 13, 11, 9, 0.5, A, 0, 9, B, 0, 9, 2, C2, 0, 11);
      assert.deepEqual(C1, C2);
    });
  });
}

describe('f32GemmWasmSimd engages WebAssembly SIMD', () => {
  it('the probe, the module and the call counter all say the SIMD kernel ran', () => {
    assert.equal(wasmSimdSupported(), true, 'WebAssembly SIMD probe failed on this engine');
    const mod = f32GemmModule();
    assert.ok(mod, 'the f32 GEMM module did not load');
    assert.equal(typeof mod.exports.f32_gemm, 'function');
    assert.equal(f32GemmImplementation(), F32_GEMM_WASMSIMD_NAME);
    const before = f32GemmWasmSimdCalls();
    const C = new Float32Array(6 * 10);
    f32GemmWasmSimd(
      false,
      false,
      6,
      10,
      3,
      1,
      new Float32Array(18).fill(1),
      0,
      3,
      new Float32Array(30).fill(2),
      0,
      10,
      0,
      C,
      0,
      10,
    );
    assert.equal(f32GemmWasmSimdCalls(), before + 1, 'the call did not route through the wasm kernel');
    assert.ok(C.every((v) => v === 6));
  });

  it('initF32GemmModule (the async path for browser main threads) resolves true', async () => {
    assert.equal(await initF32GemmModule(), true);
  });

  it('splits calls too large for wasm memory by rows of C', () => {
    const prev = setF32GemmWasmSimdCallLimit(64 * 1024);
    try {
      let n = 0;
      for (const [transA, transB] of TRANSPOSES) {
        for (const [M, N, K] of [
          [37, 41, 150],
          [1, 2000, 40],
          [300, 9, 37],
        ] as const) {
          const before = f32GemmWasmSimdCalls();
          check(f32GemmWasmSimd, {
            transA,
            transB,
            M,
            N,
            K,
            alpha: 0.75,
            beta: n % 2 ? 0 : -1,
            layout: n % 4,
            seed: 77 + n,
          });
          if (M > 1) assert.ok(f32GemmWasmSimdCalls() - before > 1, 'the call was not split');
          n++;
        }
      }
    } finally {
      setF32GemmWasmSimdCallLimit(prev);
    }
  });

  it('reuses its memory across calls of growing and shrinking size', () => {
    const mod = f32GemmModule();
    assert.ok(mod);
    for (const [M, N, K] of [
      [3, 4, 5],
      [400, 300, 200],
      [2, 2, 2],
      [700, 9, 600],
      [5, 8, 1],
    ] as const) {
      check(f32GemmWasmSimd, {
        transA: false,
        transB: true,
        M,
        N,
        K,
        alpha: 1,
        beta: 0.5,
        layout: 3,
        seed: M * N,
      });
    }
  });
});
