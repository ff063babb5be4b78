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
import { createRecurrentStep, Tensor } from '../../src/tensor/index.js';

const simd = wasmSimdSupported();

function lstmInputs(n: number) {
  const r = (k: number): Float32Array => Float32Array.from({ length: k }, (_, i) => Math.sin(3 * i + k));
  const I = 3;
  const H = 5;
  return {
    kind: 'lstm' as const, I, H, Hout: H, batchSizes: Int32Array.from([n, n]), reverse: false,
    x: r(2 * n * I), h0: r(n * H), c0: r(n * H), wIh: r(4 * H * I), wHh: r(4 * H * H), bIh: r(4 * H), bHh: null, wHr: null,
  };
}

describe('kernel registry', () => {
  it('names every set, and the probe picks the fastest that can run here', () => {
    assert.deepEqual([...KERNEL_SET_NAMES], ['native-blas', 'wasm-simd', 'js', 'ref']);
    const first = KERNEL_SET_NAMES.find((n) => { try { return resolveKernelSet(n).available(); } catch { return false; } });
    assert.equal(resolveKernelSet('fast').name, first);
    assert.notEqual(first, 'ref');
    if (simd && first !== 'native-blas') assert.equal(first, 'wasm-simd');
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
        assert.match(kernelSetName(), /^wasm-simd \(f32-gemm-5x8-wasmsimd, f32-rnn-sequence-wasmsimd, f32-rnn-step-wasmsimd\)$/);
      }
    } finally {
      setKernelSet(prev);
    }
  });

  it('rejects an unknown set with a ConfigError naming the choices, and changes nothing', () => {
    const before = activeKernelSet();
    assert.throws(() => setKernelSet('wasm' as 'ref'), (e: unknown) => e instanceof ConfigError && /setKernelSet: kernel set must be one of 'fast', 'native-blas', 'wasm-simd', 'js', 'ref'; got wasm/.test(e.message));
    assert.equal(activeKernelSet(), before);
  });

  it("the reference driver never reaches the active set's GEMM", { skip: !simd && 'no WebAssembly SIMD here' }, () => {
    const prev = setKernelSet('wasm-simd');
    try {
      const before = f32GemmWasmSimdCalls();
      rnnSequenceForwardRef(lstmInputs(7));
      REF_KERNELS.rnnSequenceForward(lstmInputs(7), {});
      assert.equal(f32GemmWasmSimdCalls(), before, 'no wasm GEMM call from the reference driver');
    } finally {
      setKernelSet(prev);
    }
  });

  it("the step's kernels option goes through the registry (and is checked)", { skip: !simd && 'no WebAssembly SIMD here' }, () => {
    const H = 4;
    const w = {
      wIh: new Tensor(new Float32Array(4 * H * 2).fill(0.1), [4 * H, 2]),
      wHh: new Tensor(new Float32Array(4 * H * H).fill(0.1), [4 * H, H]),
      bIh: null, bHh: null, wHr: null,
    };
    assert.equal(createRecurrentStep('lstm', [w], 1, { kernels: 'ref' }).implementation, 'rnn-step-ref');
    assert.equal(createRecurrentStep('lstm', [w], 1, { kernels: 'wasm-simd' }).implementation, 'f32-rnn-step-wasmsimd');
    const prev = setKernelSet('ref');
    try {
      assert.equal(createRecurrentStep('lstm', [w], 1).implementation, 'rnn-step-ref', 'the active set by default');
    } finally {
      setKernelSet(prev);
    }
    assert.throws(() => createRecurrentStep('lstm', [w], 1, { kernels: 'nope' as 'ref' }), /recurrentStep: kernel set must be one of/);
  });

  it('LONGSHORT_KERNELS selects the set at load; an unknown value is a ConfigError at first use', () => {
    const url = new URL('../../src/kernels/registry.js', import.meta.url).href;
    const code = `import(${JSON.stringify(url)}).then((m) => { try { console.log(m.activeKernelSet().name); } catch (e) { console.log(e.name + ': ' + e.message); } });`;
    const run = (v: string): string =>
      spawnSync(process.execPath, ['--input-type=module', '-e', code], { env: { ...process.env, LONGSHORT_KERNELS: v }, encoding: 'utf8' }).stdout.trim();
    assert.equal(run('ref'), 'ref');
    assert.equal(run('js'), 'js');
    assert.equal(run('fast'), resolveKernelSet('fast').name);
    assert.match(run('bogus'), /^ConfigError: LONGSHORT_KERNELS: kernel set must be one of .*got bogus$/);
  });
});
