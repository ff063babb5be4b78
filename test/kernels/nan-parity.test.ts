// Non-finite inputs: the fast kernel sets give what the reference gives for NaN and
// +-Infinity (NaN where the reference has NaN, the same infinities, and close finite
// values elsewhere), in the fused sequence layer (forward and backward; the native set
// also with its per-step BLAS loop) and the streaming step kernel, for every cell kind.
// relu(NaN) is 0 in the reference (a > 0 ? a : 0).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CELL_KINDS, gateCount, type CellKind } from '../../src/core/cell-kind.js';
import {
  KERNEL_SET_NAMES,
  REF_KERNELS,
  resolveKernelSet,
  type KernelSet,
} from '../../src/kernels/registry.js';
import { setF32GemmBlasMinVolume } from '../../src/kernels/f32-gemm-blas.js';
import { f32RnnSequenceBlasCalls } from '../../src/kernels/f32-rnn-sequence-blas.js';
import type { RnnSequenceInputGrads, RnnSequenceInputs } from '../../src/kernels/ref/rnn-sequence-ref.js';

const SPECIAL = [NaN, Infinity, -Infinity, 1e30, -1e30];

function same(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < b.length; i++) {
    const x = a[i];
    const y = b[i];
    if (Number.isNaN(y)) assert.ok(Number.isNaN(x), `${what}[${i}]: reference NaN, got ${x}`);
    else if (!Number.isFinite(y)) assert.equal(x, y, `${what}[${i}]`);
    else assert.ok(Math.abs(x - y) <= 2e-5 + 2e-5 * Math.abs(y), `${what}[${i}]: got ${x}, reference ${y}`);
  }
}

function inputs(kind: CellKind, special: number): RnnSequenceInputs {
  const I = 3;
  const H = 6;
  const B = 3;
  const L = 3;
  const GH = gateCount(kind) * H;
  const r = (n: number, s: number): Float32Array =>
    Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin(s * 7.3 + i * 1.7));
  const x = r(L * B * I, 1);
  // one special value per step, in different rows and columns (and one in h0)
  x[0] = special;
  x[B * I + 4] = special;
  x[2 * B * I + 8] = special;
  const h0 = r(B * H, 2);
  h0[H + 2] = special;
  return {
    kind,
    I,
    H,
    Hout: H,
    batchSizes: Int32Array.from([B, B, 2]),
    reverse: false,
    x: x.subarray(0, (B + B + 2) * I),
    h0,
    c0: kind === 'lstm' ? r(B * H, 3) : null,
    wIh: r(GH * I, 4),
    wHh: r(GH * H, 5),
    bIh: r(GH, 6),
    bHh: r(GH, 7),
    wHr: null,
  };
}

const fastSets: KernelSet[] = [];
for (const n of KERNEL_SET_NAMES) {
  if (n === 'ref') continue;
  try {
    fastSets.push(resolveKernelSet(n));
  } catch {
    // a set this engine cannot run: not tested here
  }
}

/** Runs `fn` with every GEMM of the native set in BLAS (its per-step loop engaged) when `allBlas`. */
function withBlasLoop(allBlas: boolean, fn: () => void): void {
  if (!allBlas) {
    fn();
    return;
  }
  const prev = setF32GemmBlasMinVolume(1);
  const loops = f32RnnSequenceBlasCalls();
  try {
    fn();
    assert.equal(f32RnnSequenceBlasCalls(), loops + 2, 'forward and backward looped with BLAS per step');
  } finally {
    setF32GemmBlasMinVolume(prev);
  }
}

describe('non-finite values: every kernel set agrees with the reference', () => {
  for (const set of fastSets) {
    for (const allBlas of set.name === 'native-blas' ? [false, true] : [false]) {
      for (const kind of Object.keys(CELL_KINDS) as CellKind[]) {
        for (const special of SPECIAL) {
          const name = `${set.name}${allBlas ? ' (per-step BLAS)' : ''} ${kind} with ${special}`;
          it(`${name}: sequence forward and backward`, () =>
            withBlasLoop(allBlas, () => {
              const p = inputs(kind, special);
              const a = set.rnnSequenceForward(p, { saved: true });
              const b = REF_KERNELS.rnnSequenceForward(p, {});
              same(a.out.output, b.out.output, 'output');
              same(a.out.hN, b.out.hN, 'hN');
              same(a.out.cN, b.out.cN, 'cN');
              const rows = p.x.length / p.I;
              const grads = (): RnnSequenceInputGrads => ({
                dX: new Float32Array(p.x.length),
                dh0: new Float32Array(p.h0.length),
                dc0: p.c0 === null ? null : new Float32Array(p.c0.length),
                dWIh: new Float32Array(p.wIh.length),
                dWHh: new Float32Array(p.wHh.length),
                dBIh: new Float32Array(p.wIh.length / p.I),
                dBHh: new Float32Array(p.wIh.length / p.I),
                dWHr: null,
              });
              const og = { dOutput: new Float32Array(rows * p.H).fill(0.25), dhN: null, dcN: null };
              const ga = grads();
              const gb = grads();
              set.rnnSequenceBackward(p, a.saved, og, ga, null);
              REF_KERNELS.rnnSequenceBackward(p, b.saved, og, gb, null);
              for (const k of ['dX', 'dh0', 'dWIh', 'dWHh', 'dBIh', 'dBHh'] as const)
                same(ga[k] as Float32Array, gb[k] as Float32Array, k);
            }));
          if (allBlas) continue;

          it(`${name}: step kernel`, () => {
            const p = inputs(kind, special);
            const cfg = { kind, dtype: 'float32' as const, N: 3, layers: [{ I: p.I, H: p.H, Hout: p.H }] };
            const run = (s: KernelSet): Float32Array => {
              const k = s.createStep(cfg);
              k.setWeights(0, { wIh: p.wIh, wHh: p.wHh, bIh: p.bIh, bHh: p.bHh, wHr: null });
              k.h.set(p.h0);
              if (p.c0 !== null) k.c.set(p.c0);
              const out: number[] = [];
              for (let t = 0; t < 2; t++) {
                k.x.set(p.x.subarray(t * 3 * p.I, (t + 1) * 3 * p.I));
                k.step();
                out.push(...k.h, ...k.c);
              }
              return Float32Array.from(out);
            };
            same(run(set), run(REF_KERNELS), 'h, c');
          });
        }
      }
    }
  }
});
