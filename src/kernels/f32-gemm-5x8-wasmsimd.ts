import { f32Gemm4x4Kernel } from './f32-gemm-4x4-js.js';
import { f32GemmEntry, type F32GemmKernel } from './f32-gemm-entry.js';
import type { Gemm } from './ref/f-gemm-ref.js';
import { f32GemmModule } from './wasm/f32-gemm-module.js';
import type { WasmFlavor } from './wasm/relaxed-probe.js';

/** The kernel name of the WebAssembly SIMD path (5x8 tile of f32x4 accumulators). */
export const F32_GEMM_WASMSIMD_NAME = 'f32-gemm-5x8-wasmsimd';
/** The kernel name of the relaxed-SIMD path (6x8 tile, f32x4.relaxed_madd). */
export const F32_GEMM_WASMRELAXED_NAME = 'f32-gemm-6x8-wasmrelaxed';
/** The kernel name of the pure-JS fallback. */
export const F32_GEMM_JS_NAME = 'f32-gemm-4x4-js';

const wasmCalls: Record<WasmFlavor, number> = { simd: 0, relaxed: 0 };

/**
 * Most bytes one call copies into wasm memory (wasm32 memory tops out at 4 GiB, and
 * growing it that far can fail): larger problems are split by rows of C.
 */
let maxCallBytes = 1 << 30;

/** Sets the per-call byte limit above which calls are split by rows (tests); returns the old one. */
export function setF32GemmWasmSimdCallLimit(bytes: number): number {
  const prev = maxCallBytes;
  maxCallBytes = bytes;
  return prev;
}

/**
 * Which kernel `f32GemmWasmSimd` runs for Float32Array operands on this engine:
 * `'f32-gemm-5x8-wasmsimd'`, or `'f32-gemm-4x4-js'` where WebAssembly SIMD is missing.
 * Loads the module (synchronously) if it is not loaded yet.
 */
export function f32GemmImplementation(): string {
  return f32GemmModule() ? F32_GEMM_WASMSIMD_NAME : F32_GEMM_JS_NAME;
}

/** How many calls have run the WebAssembly kernel itself (for tests that it engaged). */
export function f32GemmWasmSimdCalls(flavor: WasmFlavor = 'simd'): number {
  return wasmCalls[flavor];
}

/** How a strided rows x cols operand is laid out in wasm memory. */
interface Placement {
  /** Copy the whole span [off, off + (rows-1)*ld + cols) with one memcpy, keeping ld. */
  span: boolean;
  /** Elements to allocate. */
  elems: number;
  /** Row stride inside wasm memory. */
  ld: number;
}

function place(rows: number, cols: number, ld: number): Placement {
  if (rows === 1) return { span: true, elems: cols, ld: cols };
  const span = (rows - 1) * ld + cols;
  // One memcpy of the span unless the padding would more than half again the copy.
  if (ld === cols || span <= rows * cols * 1.5) return { span: true, elems: span, ld };
  return { span: false, elems: rows * cols, ld: cols };
}

function copyIn(
  mem: Float32Array,
  dst: number,
  p: Placement,
  src: Float32Array,
  off: number,
  rows: number,
  cols: number,
  ld: number,
): void {
  const d = dst >>> 2;
  if (p.span) mem.set(src.subarray(off, off + p.elems), d);
  else for (let r = 0; r < rows; r++) mem.set(src.subarray(off + r * ld, off + r * ld + cols), d + r * cols);
}

/**
 * The f32 GEMM kernel of one build of the wasm GEMM module ('simd' or 'relaxed'), on
 * arguments `f32GemmEntry` checked: C = alpha * op(A) op(B) + beta * C, row-major.
 *
 * Operands are copied into the module's memory per call (op(A), op(B), and C when
 * beta != 0), the kernel packs and blocks them, and C is copied back. Where the build
 * cannot run, `f32Gemm4x4Kernel` runs instead. Accumulates in float32 (error grows with
 * K, unlike `gemmRef`).
 */
function wasmGemmKernel(flavor: WasmFlavor): F32GemmKernel {
  const self: F32GemmKernel = (g) => {
    const mod = f32GemmModule(flavor);
    if (mod === null) {
      f32Gemm4x4Kernel(g);
      return;
    }
    const [transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc] = g;
    // Physical shapes: A is M x K (K x M if transA), B is K x N (N x K if transB).
    const aRows = transA ? K : M;
    const aCols = transA ? M : K;
    const bRows = transB ? N : K;
    const bCols = transB ? K : N;
    const pA = place(aRows, aCols, lda);
    const pB = place(bRows, bCols, ldb);
    // beta = 0: C is write-only, so it is placed compactly and not copied in.
    const pC = beta === 0 ? { span: false, elems: M * N, ld: N } : place(M, N, ldc);
    const { KC, MC, NC, MR, NR } = mod;
    const packAElems = Math.min(MC, Math.ceil(M / MR) * MR) * Math.min(KC, K);
    const packBElems = Math.min(KC, K) * Math.ceil(Math.min(NC, N) / NR) * NR;

    const bytes = 4 * (pA.elems + pB.elems + pC.elems + packAElems + packBElems + MR * NR) + 6 * 64;
    if (bytes > maxCallBytes) {
      if (M === 1) {
        // op(B) alone is too large for wasm memory: the JS kernel streams it instead
        f32Gemm4x4Kernel(g);
        return;
      }
      // rows of C are independent: op(A) rows [0, h) and [h, M)
      const h = M >> 1;
      self([transA, transB, h, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc]);
      const aOff2 = transA ? aOff + h : aOff + h * lda;
      self([transA, transB, M - h, N, K, alpha, A, aOff2, lda, B, bOff, ldb, beta, C, cOff + h * ldc, ldc]);
      return;
    }
    const arena = mod.arena;
    arena.reset();
    arena.reserve(bytes);
    const aPtr = arena.alloc(4 * pA.elems);
    const bPtr = arena.alloc(4 * pB.elems);
    const cPtr = arena.alloc(4 * pC.elems);
    const packAPtr = arena.alloc(4 * packAElems);
    const packBPtr = arena.alloc(4 * packBElems);
    const tilePtr = arena.alloc(4 * MR * NR);
    let mem = arena.f32();
    copyIn(mem, aPtr, pA, A, aOff, aRows, aCols, lda);
    copyIn(mem, bPtr, pB, B, bOff, bRows, bCols, ldb);
    if (beta !== 0) copyIn(mem, cPtr, pC, C, cOff, M, N, ldc);

    wasmCalls[flavor]++;
    mod.exports.f32_gemm(
      transA ? 1 : 0,
      transB ? 1 : 0,
      M,
      N,
      K,
      alpha,
      aPtr,
      pA.ld,
      bPtr,
      pB.ld,
      beta,
      cPtr,
      pC.ld,
      packAPtr,
      packBPtr,
      tilePtr,
    );

    mem = arena.f32();
    const c0 = cPtr >>> 2;
    if (ldc === N && pC.ld === N) {
      C.set(mem.subarray(c0, c0 + M * N), cOff);
    } else {
      for (let i = 0; i < M; i++) {
        const s = c0 + i * pC.ld;
        C.set(mem.subarray(s, s + N), cOff + i * ldc);
      }
    }
  };
  return self;
}

/** The kernel of `f32GemmWasmSimd` (the native BLAS GEMM's fallback for small problems). */
export const f32GemmWasmSimdKernel: F32GemmKernel = wasmGemmKernel('simd');

/**
 * f32 GEMM in WebAssembly SIMD (`f32-gemm-5x8-wasmsimd`, 128-bit: deterministic), with
 * the `Gemm` signature and `gemmRef`'s contract (see `wasmGemmKernel`, `f32GemmEntry`).
 */
export const f32GemmWasmSimd: Gemm = f32GemmEntry(f32GemmWasmSimdKernel);

/**
 * The same in relaxed SIMD (`f32-gemm-6x8-wasmrelaxed`: f32x4.relaxed_madd, fused where
 * the CPU has FMA, so results may differ from the 128-bit kernel by rounding); the 4x4 JS
 * kernel where relaxed SIMD is missing.
 */
export const f32GemmWasmRelaxed: Gemm = f32GemmEntry(wasmGemmKernel('relaxed'));
