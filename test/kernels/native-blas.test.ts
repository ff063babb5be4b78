// The 'native-blas' kernel set: engaged wherever koffi and a BLAS are installed (this
// test fails if it silently did not), GEMM parity with the reference over transposes,
// strides, offsets and remainders, the recurrent layer on BLAS for its large GEMMs
// against the reference for every cell kind, and bit-identical results for 1 and 2
// threads.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, describe, it } from 'node:test';
import { CELL_KINDS, gateCount, type CellKind } from '../../src/core/cell-kind.js';
import { f32GemmBlas, f32GemmBlasCalls, setF32GemmBlasMinVolume } from '../../src/kernels/f32-gemm-blas.js';
import { f32RnnSequenceBlasCalls } from '../../src/kernels/f32-rnn-sequence-blas.js';
import { nativeBlas } from '../../src/kernels/native/blas-loader.js';
import { REF_KERNELS, resolveKernelSet, setKernelSet } from '../../src/kernels/registry.js';
import { gemmRef } from '../../src/kernels/ref/f-gemm-ref.js';
import type { RnnSequenceInputGrads, RnnSequenceInputs } from '../../src/kernels/ref/rnn-sequence-ref.js';
import { getNumThreads, setNumThreads } from '../../src/parallel/index.js';
import { setParallelThresholds } from '../../src/parallel/pool.js';
import { recurrentLayer, Tensor } from '../../src/tensor/index.js';

function koffiInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('koffi');
    return true;
  } catch {
    return false;
  }
}
const KNOWN_BLAS = [
  '/usr/lib/x86_64-linux-gnu/libopenblas.so.0',
  '/usr/lib/aarch64-linux-gnu/libopenblas.so.0',
  '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0',
  '/System/Library/Frameworks/Accelerate.framework/Accelerate',
];
const blasInstalled = (process.env.LONGSHORT_BLAS ?? '') !== '' || KNOWN_BLAS.some((f) => existsSync(f));
const haveBlas = nativeBlas() !== null;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 2 - 1;
  };
}
const fill = (n: number, rnd: () => number): Float32Array => Float32Array.from({ length: n }, rnd);

function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string, tol = 1e-5): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < b.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i]))))
      assert.fail(`${what}[${i}]: got ${a[i]}, reference ${b[i]}`);
  }
}

function sameBytes(a: Float32Array, b: Float32Array, what: string): void {
  assert.deepEqual(
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
    new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
    what,
  );
}

describe('native BLAS kernel set', () => {
  it(
    'engages wherever koffi and a BLAS are installed (and is the probed default there)',
    { skip: !(koffiInstalled() && blasInstalled) && 'koffi or a BLAS is not installed here' },
    () => {
      assert.ok(haveBlas, 'koffi and a BLAS library are installed, yet nativeBlas() did not load one');
      assert.equal(resolveKernelSet('fast').name, 'native-blas');
      const before = f32GemmBlasCalls();
      const M = 96;
      const rnd = lcg(1);
      f32GemmBlas(
        false,
        false,
        M,
        M,
        M,
        1,
        fill(M * M, rnd),
        0,
        M,
        fill(M * M, rnd),
        0,
        M,
        0,
        new Float32Array(M * M),
        0,
        M,
      );
      assert.equal(f32GemmBlasCalls(), before + 1, 'a 96^3 GEMM ran in BLAS');
    },
  );

  describe('with a BLAS', { skip: !haveBlas && 'no native BLAS here' }, () => {
    const prevVolume = setF32GemmBlasMinVolume(1); // every GEMM to BLAS, however small
    after(() => setF32GemmBlasMinVolume(prevVolume));

    it('GEMM parity with gemmRef: transposes, strides, offsets, alpha/beta, remainder sizes', () => {
      const rnd = lcg(7);
      for (const [M, N, K] of [
        [1, 1, 1],
        [5, 8, 3],
        [7, 9, 17],
        [33, 31, 65],
        [64, 1, 13],
      ]) {
        for (const tA of [false, true]) {
          for (const tB of [false, true]) {
            for (const [alpha, beta] of [
              [1, 0],
              [0.5, 1],
              [-1, 0.25],
            ]) {
              const lda = (tA ? M : K) + 2;
              const ldb = (tB ? K : N) + 1;
              const ldc = N + 3;
              const A = fill(3 + (tA ? K : M) * lda, rnd);
              const B = fill(2 + (tB ? N : K) * ldb, rnd);
              const C0 = fill(5 + M * ldc, rnd);
              const c1 = C0.slice();
              const c2 = C0.slice();
              const before = f32GemmBlasCalls();
              f32GemmBlas(tA, tB, M, N, K, alpha, A, 3, lda, B, 2, ldb, beta, c1, 5, ldc);
              assert.equal(f32GemmBlasCalls(), before + 1);
              gemmRef(tA, tB, M, N, K, alpha, A, 3, lda, B, 2, ldb, beta, c2, 5, ldc);
              close(c1, c2, `${M}x${N}x${K} tA=${tA} tB=${tB} a=${alpha} b=${beta}`);
            }
          }
        }
      }
    });

    const set = resolveKernelSet('native-blas');
    for (const kind of Object.keys(CELL_KINDS) as CellKind[]) {
      for (const proj of kind === 'lstm' ? [0, 3] : [0]) {
        it(`${kind}${proj > 0 ? ' with projection' : ''}: forward and backward on BLAS match the reference`, () => {
          const rnd = lcg(11);
          const I = 5;
          const H = 7;
          const Hout = proj > 0 ? proj : H;
          const GH = gateCount(kind) * H;
          const bs = Int32Array.from([4, 4, 3, 1]);
          const rows = 12;
          const p: RnnSequenceInputs = {
            kind,
            I,
            H,
            Hout,
            batchSizes: bs,
            reverse: kind === 'gru',
            x: fill(rows * I, rnd),
            h0: fill(4 * Hout, rnd),
            c0: kind === 'lstm' ? fill(4 * H, rnd) : null,
            wIh: fill(GH * I, rnd),
            wHh: fill(GH * Hout, rnd),
            bIh: fill(GH, rnd),
            bHh: fill(GH, rnd),
            wHr: proj > 0 ? fill(Hout * H, rnd) : null,
          };
          const before = f32GemmBlasCalls();
          const loops = f32RnnSequenceBlasCalls();
          const a = set.rnnSequenceForward(p, { saved: true });
          const perStep = bs.length * (proj > 0 ? 2 : 1);
          assert.equal(f32RnnSequenceBlasCalls(), loops + 1, 'the time loop ran with BLAS per step');
          assert.equal(
            f32GemmBlasCalls(),
            before + 1 + perStep,
            'the input projection and every step GEMM ran in BLAS',
          );
          const b = REF_KERNELS.rnnSequenceForward(p, {});
          close(a.out.output, b.out.output, 'output');
          close(a.out.hN, b.out.hN, 'hN');
          const grads = (): RnnSequenceInputGrads => ({
            dX: new Float32Array(rows * I),
            dh0: new Float32Array(4 * Hout),
            dc0: kind === 'lstm' ? new Float32Array(4 * H) : null,
            dWIh: new Float32Array(GH * I),
            dWHh: new Float32Array(GH * Hout),
            dBIh: new Float32Array(GH),
            dBHh: new Float32Array(GH),
            dWHr: proj > 0 ? new Float32Array(Hout * H) : null,
          });
          const og = {
            dOutput: fill(rows * Hout, rnd),
            dhN: fill(4 * Hout, rnd),
            dcN: kind === 'lstm' ? fill(4 * H, rnd) : null,
          };
          const ga = grads();
          const gb = grads();
          const mid = f32GemmBlasCalls();
          set.rnnSequenceBackward(p, a.saved, og, ga, null);
          assert.equal(f32RnnSequenceBlasCalls(), loops + 2, 'the backward loop ran with BLAS per step');
          assert.equal(
            f32GemmBlasCalls(),
            mid + perStep + 3 + (proj > 0 ? 1 : 0),
            'every step GEMM and dX, dW_ih, dW_hh (and dW_hr) ran in BLAS',
          );
          REF_KERNELS.rnnSequenceBackward(p, b.saved, og, gb, null);
          for (const k of ['dX', 'dh0', 'dWIh', 'dWHh', 'dBIh', 'dBHh', 'dWHr'] as const) {
            if (ga[k] !== null) close(ga[k], gb[k] as Float32Array, k, 2e-5);
          }
        });
      }
    }

    it(
      '1 and 2 threads give the same bytes (forward and every gradient)',
      { skip: getNumThreads() === 1 && process.env.LONGSHORT_NUM_THREADS !== '1' && 'no threads here' },
      () => {
        const prevSet = setKernelSet('native-blas');
        const prevThreads = getNumThreads();
        const prevThr = setParallelThresholds(0, 0);
        try {
          const run = (threads: number): Float32Array[] => {
            setNumThreads(threads);
            const I = 48;
            const H = 80;
            const B = 16;
            const L = 12;
            const rnd = lcg(42);
            const t = (shape: number[], grad: boolean): Tensor =>
              new Tensor(
                fill(
                  shape.reduce((x, y) => x * y, 1),
                  rnd,
                ),
                shape,
                { requiresGrad: grad },
              );
            const x = t([L * B, I], true);
            const w = {
              wIh: t([4 * H, I], true),
              wHh: t([4 * H, H], true),
              bIh: t([4 * H], true),
              bHh: t([4 * H], true),
              wHr: null,
            };
            const { output, hN } = recurrentLayer(
              'lstm',
              x,
              new Int32Array(L).fill(B),
              t([B, H], false),
              t([B, H], false),
              w,
              false,
            );
            output.sum().add(hN.sum()).backward();
            return [output, x.grad, w.wIh.grad, w.wHh.grad, w.bIh.grad].map(
              (v) => (v as Tensor).data as Float32Array,
            );
          };
          const before = f32GemmBlasCalls();
          const loops = f32RnnSequenceBlasCalls();
          const one = run(1);
          const two = run(2);
          assert.ok(f32GemmBlasCalls() >= before + 8, 'both runs used BLAS');
          assert.equal(f32RnnSequenceBlasCalls(), loops + 4, 'both runs looped with BLAS per step');
          one.forEach((a, i) => sameBytes(two[i], a, `tensor ${i}`));
        } finally {
          setParallelThresholds(...prevThr);
          setNumThreads(prevThreads);
          setKernelSet(prevSet);
        }
      },
    );
  });
});
