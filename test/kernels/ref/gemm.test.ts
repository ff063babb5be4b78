/* gemmRef against a naive triple loop: every transpose combination, alpha/beta, offsets, ld > width. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FloatArray } from '../../../src/core/dtype.js';
import { Generator } from '../../../src/core/rng.js';
import { gemmRef } from '../../../src/kernels/ref/f-gemm-ref.js';

const SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17];

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

function randArray(C: Ctor, n: number, g: Generator): FloatArray {
  const a = new C(n);
  for (let i = 0; i < n; i++) a[i] = g.uniform(-1, 1);
  return a;
}

/** C = alpha op(A) op(B) + beta C by the definition, in float64; beta 0 ignores C (NaN included). */
function naive(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: FloatArray,
  aOff: number,
  lda: number,
  B: FloatArray,
  bOff: number,
  ldb: number,
  beta: number,
  C: FloatArray,
  cOff: number,
  ldc: number,
): Float64Array {
  const out = Float64Array.from(C);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[aOff + k * lda + i] : A[aOff + i * lda + k];
        const b = transB ? B[bOff + j * ldb + k] : B[bOff + k * ldb + j];
        s += a * b;
      }
      const c = C[cOff + i * ldc + j];
      out[cOff + i * ldc + j] = (beta === 0 ? 0 : beta * c) + alpha * s;
    }
  }
  return out;
}

interface Case {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  alpha: number;
  beta: number;
  pad: number; // extra columns in every leading dim
  off: number; // offset of each matrix in its buffer
  nanC?: boolean;
}

function check(C: Ctor, c: Case, g: Generator): void {
  const { transA, transB, M, N, K, alpha, beta, pad, off } = c;
  const aRows = transA ? K : M;
  const aCols = transA ? M : K;
  const bRows = transB ? N : K;
  const bCols = transB ? K : N;
  const lda = aCols + pad;
  const ldb = bCols + pad;
  const ldc = N + pad;
  const A = randArray(C, off + aRows * lda, g);
  const B = randArray(C, off + bRows * ldb, g);
  const Cm = randArray(C, off + M * ldc + 3, g); // 3 trailing guard elements
  if (c.nanC) Cm.fill(NaN, off);
  const before = Float64Array.from(Cm);
  const want = naive(transA, transB, M, N, K, alpha, A, off, lda, B, off, ldb, beta, Cm, off, ldc);
  gemmRef(transA, transB, M, N, K, alpha, A, off, lda, B, off, ldb, beta, Cm, off, ldc);
  const f32 = C === Float32Array;
  const label = `${f32 ? 'f32' : 'f64'} tA=${transA} tB=${transB} M=${M} N=${N} K=${K} alpha=${alpha} beta=${beta} pad=${pad} off=${off}`;
  for (let p = 0; p < Cm.length; p++) {
    const row = Math.floor((p - off) / ldc);
    const col = (p - off) % ldc;
    const inside = p >= off && row < M && col < N;
    if (!inside) {
      // padding, offset and guard elements are never touched
      assert.ok(Object.is(Cm[p], before[p]), `${label}: element ${p} outside C changed`);
      continue;
    }
    const e = f32 ? Math.fround(want[p]) : want[p];
    const tol = f32 ? 1e-6 * (1 + K) : 1e-13 * (1 + K);
    assert.ok(!Number.isNaN(Cm[p]), `${label}: C[${row},${col}] is NaN`);
    assert.ok(Math.abs(Cm[p] - e) <= tol, `${label}: C[${row},${col}] expected ${e}, got ${Cm[p]}`);
  }
}

describe('gemmRef vs a naive triple loop', () => {
  for (const C of [Float32Array, Float64Array] as const) {
    const name = C === Float32Array ? 'float32' : 'float64';
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`${name} transA=${transA} transB=${transB}: every size remainder (M, N, K in ${SIZES.join(',')})`, () => {
          const g = new Generator(101 + (transA ? 2 : 0) + (transB ? 1 : 0));
          for (const M of SIZES) {
            for (const N of SIZES) {
              // K sweeps too, on a diagonal to keep the run short
              for (const K of [SIZES[(M + N) % SIZES.length], 5, 16]) {
                check(C, { transA, transB, M, N, K, alpha: 1, beta: 0, pad: 0, off: 0 }, g);
              }
            }
          }
        });
        it(`${name} transA=${transA} transB=${transB}: alpha/beta, offsets and leading dims > width`, () => {
          const g = new Generator(7);
          for (const [alpha, beta] of [
            [1, 1],
            [0.5, -2],
            [-1.25, 0],
            [2, 0.5],
            [0, 3],
            [0, 0],
          ]) {
            for (const [M, N, K] of [
              [3, 5, 7],
              [9, 4, 13],
              [1, 17, 2],
              [16, 1, 1],
            ]) {
              check(C, { transA, transB, M, N, K, alpha, beta, pad: 3, off: 5 }, g);
              check(C, { transA, transB, M, N, K, alpha, beta, pad: 1, off: 0 }, g);
            }
          }
        });
        it(`${name} transA=${transA} transB=${transB}: beta 0 overwrites NaN in C (as BLAS)`, () => {
          const g = new Generator(3);
          for (const [M, N, K] of [
            [3, 4, 5],
            [8, 9, 17],
            [2, 2, 0],
          ]) {
            check(C, { transA, transB, M, N, K, alpha: 1.5, beta: 0, pad: 2, off: 4, nanC: true }, g);
          }
        });
      }
    }
  }

  it('K = 0 scales C by beta (and zeroes it for beta 0)', () => {
    const Cm = new Float64Array([1, 2, 3, 4]);
    gemmRef(false, false, 2, 2, 0, 1, new Float64Array(0), 0, 0, new Float64Array(0), 0, 2, 3, Cm, 0, 2);
    assert.deepEqual(Array.from(Cm), [3, 6, 9, 12]);
    gemmRef(false, false, 2, 2, 0, 1, new Float64Array(0), 0, 0, new Float64Array(0), 0, 2, 0, Cm, 0, 2);
    assert.deepEqual(Array.from(Cm), [0, 0, 0, 0]);
  });

  it('a worked 2x3 @ 3x2 example', () => {
    const A = new Float64Array([1, 2, 3, 4, 5, 6]);
    const B = new Float64Array([7, 8, 9, 10, 11, 12]);
    const Cm = new Float64Array(4);
    gemmRef(false, false, 2, 2, 3, 1, A, 0, 3, B, 0, 2, 0, Cm, 0, 2);
    assert.deepEqual(Array.from(Cm), [58, 64, 139, 154]);
    gemmRef(true, true, 2, 2, 3, 1, B, 0, 2, A, 0, 3, 0, Cm, 0, 2); // (A B)^T = B^T A^T
    assert.deepEqual(Array.from(Cm), [58, 139, 64, 154]);
  });
});
