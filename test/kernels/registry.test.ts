// The kernel registry: names, the probe, the environment override, typed errors, the
// reference set's self-containment, and the per-call step option resolved through it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/core/errors.js';
import { f32GemmWasmSimdCalls } from '../../src/kernels/f32-gemm-5x8-wasmsimd.js';
import {
  activeKernelSet,
  KERNEL_SET_NAMES,
  kernelSetName,
  kernelsFor,
  REF_KERNELS,
  resolveKernelSet,
  setKernelSet,
} from '../../src/kernels/registry.js';
import { rnnSequenceForwardRef } from '../../src/kernels/ref/rnn-sequence-ref.js';
import { wasmSimdSupported } from '../../src/kernels/wasm/simd-probe.js';
import { Tensor } from '../../src/tensor/index.js';
import { createRecurrentStep } from '../../src/tensor/ops/recurrent-step.js';

const simd = wasmSimdSupported();

function lstmInputs(n: number) {
  const r = (k: number): Float32Array => Float32Array.from({ length: k }, (_, i) => Math.sin(3 * i + k));
  const I = 3;
  const H = 5;
  return {
    kind: 'lstm' as const,
    I,
    H,
    Hout: H,
    batchSizes: Int32Array.from([n, n]),
    reverse: false,
    x: r(2 * n * I),
    h0: r(n * H),
    c0: r(n * H),
    wIh: r(4 * H * I),
    wHh: r(4 * H * H),
    bIh: r(4 * H),
    bHh: null,
    wHr: null,
  };
}

describe('kernel registry', () => {
  it('names every set, and the probe picks the fastest that can run here', () => {
    assert.deepEqual([...KERNEL_SET_NAMES], ['native-blas', 'wasm-relaxed', 'wasm-simd', 'js', 'ref']);
    const first = KERNEL_SET_NAMES.find((n) => {
      try {
        return resolveKernelSet(n).available();
      } catch {
        return false;
      }
    });
    assert.equal(resolveKernelSet('fast').name, first);
    assert.notEqual(first, 'ref');
    if (simd && first !== 'native-blas' && first !== 'wasm-relaxed') assert.equal(first, 'wasm-simd');
    assert.equal(kernelsFor('float64'), REF_KERNELS);
  });

  it('setKernelSet switches every op and returns the previous name; kernelSetName says which runs', () => {
    const prev = setKernelSet('ref');
    try {
      assert.equal(activeKernelSet().name, 'ref');
      assert.match(kernelSetName(), /^ref \(f32-gemm-ref/);
      assert.equal(setKernelSet('js'), 'ref');
      assert.match(kernelSetName(), /^js \(f32-gemm-4x4-js/);
      if (simd) {
        setKernelSet('wasm-simd');
        assert.match(
          kernelSetName(),
          /^wasm-simd \(f32-gemm-5x8-wasmsimd, f32-rnn-sequence-wasmsimd, f32-rnn-step-wasmsimd\)$/,
        );
      }
    } finally {
      setKernelSet(prev);
    }
  });

  it('rejects an unknown set with a ConfigError naming the choices, and changes nothing', () => {
    const before = activeKernelSet();
    assert.throws(
      () => setKernelSet('wasm' as 'ref'),
      (e: unknown) =>
        e instanceof ConfigError &&
        /setKernelSet: kernel set must be one of 'fast', 'native-blas', 'wasm-relaxed', 'wasm-simd', 'js', 'ref'; got wasm/.test(
          e.message,
        ),
    );
    assert.equal(activeKernelSet(), before);
  });

  it(
    "the reference driver never reaches the active set's GEMM",
    { skip: !simd && 'no WebAssembly SIMD here' },
    () => {
      const prev = setKernelSet('wasm-simd');
      try {
        const before = f32GemmWasmSimdCalls();
        rnnSequenceForwardRef(lstmInputs(7));
        REF_KERNELS.rnnSequenceForward(lstmInputs(7), {});
        assert.equal(f32GemmWasmSimdCalls(), before, 'no wasm GEMM call from the reference driver');
      } finally {
        setKernelSet(prev);
      }
    },
  );

  it(
    "the step's kernels option goes through the registry (and is checked)",
    { skip: !simd && 'no WebAssembly SIMD here' },
    () => {
      const H = 4;
      const w = {
        wIh: new Tensor(new Float32Array(4 * H * 2).fill(0.1), [4 * H, 2]),
        wHh: new Tensor(new Float32Array(4 * H * H).fill(0.1), [4 * H, H]),
        bIh: null,
        bHh: null,
        wHr: null,
      };
      assert.equal(createRecurrentStep('lstm', [w], 1, { kernels: 'ref' }).implementation, 'rnn-step-ref');
      assert.equal(
        createRecurrentStep('lstm', [w], 1, { kernels: 'wasm-simd' }).implementation,
        'f32-rnn-step-wasmsimd',
      );
      const prev = setKernelSet('ref');
      try {
        assert.equal(
          createRecurrentStep('lstm', [w], 1).implementation,
          'rnn-step-ref',
          'the active set by default',
        );
      } finally {
        setKernelSet(prev);
      }
      assert.throws(
        () => createRecurrentStep('lstm', [w], 1, { kernels: 'nope' as 'ref' }),
        /recurrentStep: kernel set must be one of/,
      );
    },
  );

  it('LONGSHORT_KERNELS selects the set at load; an unknown value is a ConfigError at first use', () => {
    const url = new URL('../../src/kernels/registry.js', import.meta.url).href;
    const code = `import(${JSON.stringify(url)}).then((m) => { try { console.log(m.activeKernelSet().name); } catch (e) { console.log(e.name + ': ' + e.message); } });`;
    const run = (v: string): string =>
      spawnSync(process.execPath, ['--input-type=module', '-e', code], {
        env: { ...process.env, LONGSHORT_KERNELS: v },
        encoding: 'utf8',
      }).stdout.trim();
    assert.equal(run('ref'), 'ref');
    assert.equal(run('js'), 'js');
    assert.equal(run('fast'), resolveKernelSet('fast').name);
    assert.match(run('bogus'), /^ConfigError: LONGSHORT_KERNELS: kernel set must be one of .*got bogus$/);
  });
});

describe('relaxed SIMD', () => {
  it(
    "is probed with WebAssembly.validate, and 'wasm-simd' keeps the 128-bit kernels",
    { skip: !simd && 'no WebAssembly SIMD here' },
    async () => {
      const { wasmRelaxedSimdSupported } = await import('../../src/kernels/wasm/relaxed-probe.js');
      const { f32GemmWasmSimdCalls } = await import('../../src/kernels/f32-gemm-5x8-wasmsimd.js');
      const relaxed = wasmRelaxedSimdSupported();
      // Node >= 20 runs relaxed SIMD (Node 20 behind the V8 flag the probe sets)
      if (Number(process.versions.node.split('.')[0]) >= 20)
        assert.ok(relaxed, 'relaxed SIMD validates in this Node');
      if (!relaxed) return;
      const M = 40;
      const A = Float32Array.from({ length: M * M }, (_, i) => Math.sin(i));
      const run = (): Float32Array => {
        const C = new Float32Array(M * M);
        activeKernelSet().gemm(false, false, M, M, M, 1, A, 0, M, A, 0, M, 0, C, 0, M);
        return C;
      };
      const prev = setKernelSet('wasm-relaxed');
      try {
        const r0 = f32GemmWasmSimdCalls('relaxed');
        const cr = run();
        assert.equal(f32GemmWasmSimdCalls('relaxed'), r0 + 1, 'the relaxed build ran');
        setKernelSet('wasm-simd');
        const s0 = f32GemmWasmSimdCalls('simd');
        const r1 = f32GemmWasmSimdCalls('relaxed');
        const cs = run();
        assert.equal(f32GemmWasmSimdCalls('simd'), s0 + 1, 'the 128-bit build ran');
        assert.equal(f32GemmWasmSimdCalls('relaxed'), r1, 'and not the relaxed one');
        const ref = new Float32Array(M * M);
        REF_KERNELS.gemm(false, false, M, M, M, 1, A, 0, M, A, 0, M, 0, ref, 0, M);
        for (let i = 0; i < ref.length; i++) {
          assert.ok(Math.abs(cr[i] - ref[i]) <= 1e-4 * (1 + Math.abs(ref[i])), `relaxed [${i}]`);
          assert.ok(Math.abs(cs[i] - ref[i]) <= 1e-4 * (1 + Math.abs(ref[i])), `simd [${i}]`);
        }
      } finally {
        setKernelSet(prev);
      }
    },
  );
});
