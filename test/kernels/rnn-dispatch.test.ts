// recurrentLayer's float32 dispatch through the kernel registry: the fused WebAssembly
// SIMD kernel with the 'wasm-simd' set, the reference driver for float64 and for the
// 'ref' set; both sets agree in float32.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { f32RnnSequenceWasmSimdCalls } from '../../src/kernels/f32-rnn-sequence-wasmsimd.js';
import { activeKernelSet, setKernelSet } from '../../src/kernels/registry.js';
import { wasmSimdSupported } from '../../src/kernels/wasm/simd-probe.js';
import { recurrentLayer, Tensor, type RecurrentWeights } from '../../src/tensor/index.js';

function layer(dtype: 'float32' | 'float64'): { run: () => Tensor } {
  const arr = (n: number): Float32Array | Float64Array => {
    const a = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = Math.sin(i + n);
    return a;
  };
  const I = 3;
  const H = 4;
  const B = 2;
  const L = 3;
  const t = (n: number, shape: number[], grad = false): Tensor =>
    new Tensor(arr(n), shape, { requiresGrad: grad });
  const w: RecurrentWeights = {
    wIh: t(4 * H * I, [4 * H, I], true),
    wHh: t(4 * H * H, [4 * H, H], true),
    bIh: t(4 * H, [4 * H]),
    bHh: null,
    wHr: null,
  };
  const x = t(L * B * I, [L * B, I], true);
  const run = (): Tensor => {
    const { output } = recurrentLayer(
      'lstm',
      x,
      new Int32Array(L).fill(B),
      t(B * H, [B, H]),
      t(B * H, [B, H]),
      w,
      false,
    );
    output.sum().backward();
    return output;
  };
  return { run };
}

const simd = wasmSimdSupported();

it(
  "recurrentLayer runs the fused wasm kernel for float32 with the 'wasm-simd' set (forward and backward)",
  { skip: !simd && 'no WebAssembly SIMD here' },
  () => {
    const env = process.env.LONGSHORT_KERNELS;
    if (env === undefined || env === '' || env === 'fast')
      assert.notEqual(activeKernelSet().name, 'ref', 'the probe picks a fast set where SIMD runs');
    const prev = setKernelSet('wasm-simd');
    try {
      const before = f32RnnSequenceWasmSimdCalls();
      layer('float32').run();
      assert.equal(f32RnnSequenceWasmSimdCalls(), before + 2);
    } finally {
      setKernelSet(prev);
    }
  },
);

it(
  "float64, and the 'ref' kernel set, run the reference driver; both sets agree in float32",
  { skip: !simd && 'no WebAssembly SIMD here' },
  () => {
    const prev = setKernelSet('wasm-simd');
    try {
      const before = f32RnnSequenceWasmSimdCalls();
      layer('float64').run();
      assert.equal(f32RnnSequenceWasmSimdCalls(), before);
      const fast = layer('float32').run();
      setKernelSet('ref');
      const mid = f32RnnSequenceWasmSimdCalls();
      const ref = layer('float32').run();
      assert.equal(f32RnnSequenceWasmSimdCalls(), mid);
      const a = fast.data as Float32Array;
      const b = ref.data as Float32Array;
      for (let i = 0; i < a.length; i++)
        assert.ok(Math.abs(a[i] - b[i]) <= 1e-5, `output[${i}]: ${a[i]} vs ${b[i]}`);
    } finally {
      setKernelSet(prev);
    }
  },
);
