import { CELL_KINDS, gateCount, type CellKind } from '../../core/cell-kind.js';
import type { DataArray, FloatArray, FloatDType } from '../../core/dtype.js';
import { ConfigError, DTypeError, ShapeError, StateError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import { linearRowsRef, type RnnStepConfig, type RnnStepKernel } from '../../kernels/ref/rnn-step-ref.js';
import { kernelsFor, REF_KERNELS, resolveKernelSet, type KernelSetRequest } from '../../kernels/registry.js';
import type { RnnVariant } from '../../kernels/ref/rnn-variant-ref.js';
import { Tensor, type Storage } from '../tensor.js';
import type { RecurrentWeights } from './recurrent.js';

/**
 * Options of `createRecurrentStep`.
 *
 * @example
 * const s = createRecurrentStep('lstm', weights, 1, { op: 'LSTM.step', kernels: 'ref' });
 */
export interface RecurrentStepOptions {
  /** Name used in error messages (e.g. 'LSTM.step'). Default: 'recurrentStep'. */
  op?: string;
  /**
   * The kernel set of this stepper (float32; float64 always runs the reference):
   * 'ref', 'js', 'wasm-simd' or 'fast' (the fastest available). Default: the active set
   * (`setKernelSet`, `LONGSHORT_KERNELS`).
   */
  kernels?: KernelSetRequest;
  /** A cell variant (see `RnnVariant`); the step runs it on the reference kernel. */
  variant?: RnnVariant;
}

const MODES = Object.keys(CELL_KINDS) as CellKind[];

/**
 * A stack of recurrent layers stepped one time step per call (streaming inference),
 * with every buffer allocated once: the input `x` is copied into the kernel's input
 * buffer, every layer runs one step, and the top layer's h comes back as `output`, the
 * same `(N, Hout)` tensor every call, a view of the state (overwritten by the next
 * step). `h` `(numLayers, N, Hout)` and `c` `(numLayers, N, H)` (LSTM) are views of
 * the running states, like h_n / c_n.
 *
 * Inference only: no autograd graph is recorded, and there is no dropout. The step
 * reads the current parameter values: before each step it compares every weight's
 * storage and `storage.version` with the ones it last saw and re-packs the weights
 * when one changed (in-place writes, optimizer steps, `loadStateDict`, `to()`).
 * Create with `createRecurrentStep`.
 *
 * @example
 * const s: RecurrentStep = createRecurrentStep('lstm', [{ wIh, wHh, bIh, bHh, wHr: null }], 1);
 * const h = s.step(new Float32Array([0.5])); // (1, H): the same tensor every step
 * s.h; // (numLayers, 1, H)
 */
export class RecurrentStep {
  readonly mode: CellKind;
  readonly dtype: FloatDType;
  /** Batch rows N. */
  readonly batch: number;
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** Width of h: the LSTM projection size, else hiddenSize. */
  readonly outputSize: number;
  readonly numLayers: number;
  /** The kernel that runs the step, e.g. 'f32-rnn-step-wasmsimd' or 'rnn-step-ref'. */
  readonly implementation: string;
  /** (numLayers, N, Hout) the hidden states (a view of the kernel's state). */
  readonly h: Tensor;
  /** (numLayers, N, H) the LSTM cell states; null for GRU and RNN. */
  readonly c: Tensor | null;
  /** (N, Hout) the top layer's hidden state: what `step` returns. */
  readonly output: Tensor;
  private readonly op: string;
  private readonly kernel: RnnStepKernel;
  private readonly kx: FloatArray;
  private readonly layers: readonly RecurrentWeights[];
  /** every weight tensor, its layer, and the storage and version last packed */
  private readonly tensors: Tensor[];
  private readonly seenStorage: Storage[];
  private readonly seenVersion: number[];

  /** @internal use `createRecurrentStep` */
  constructor(
    mode: CellKind,
    layers: readonly RecurrentWeights[],
    batch: number,
    options: RecurrentStepOptions,
  ) {
    const op = options.op ?? 'recurrentStep';
    this.op = op;
    if (!MODES.includes(mode)) {
      throw new ConfigError(
        `${op}: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}; got ${String(mode)}`,
      );
    }
    if (!Number.isInteger(batch) || batch < 1)
      throw new ConfigError(`${op}: batch must be a positive integer; got ${String(batch)}`);
    if (!Array.isArray(layers) || layers.length === 0)
      throw new ConfigError(`${op}: layers must be a non-empty array of weights`);
    const G = gateCount(mode);
    const dtype = layers[0].wIh.dtype;
    if (dtype !== 'float32' && dtype !== 'float64')
      throw new DTypeError(`${op}: weights must be float; expected float32 or float64, got ${dtype}`);
    const H = layers[0].wIh.shape[0] / G;
    const wHr0 = layers[0].wHr;
    const Hout = wHr0 === null ? H : wHr0.shape[0];
    const sizes: Array<{ I: number; H: number; Hout: number }> = [];
    const tensors: Tensor[] = [];
    layers.forEach((w, l) => {
      const I = w.wIh.shape[1];
      const expect = (t: Tensor | null, name: string, shape: number[]): void => {
        if (t === null) return;
        if (t.dtype !== dtype)
          throw new DTypeError(
            `${op}: layer ${l} ${name} must have the dtype of the others; expected ${dtype}, got ${t.dtype}`,
          );
        if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
          throw new ShapeError(
            `${op}: layer ${l} ${name} has the wrong shape; expected ${formatShape(shape)}, got ${formatShape(t.shape)}`,
          );
        }
        tensors.push(t);
      };
      if (w.wIh.ndim !== 2)
        throw new ShapeError(
          `${op}: layer ${l} wIh must be 2-D; expected (G*H, I), got ${formatShape(w.wIh.shape)}`,
        );
      if (mode !== 'lstm' && w.wHr !== null)
        throw new ConfigError(
          `${op}: wHr (projection) is only used by mode 'lstm'; got one for mode '${mode}'`,
        );
      if ((w.wHr === null) !== (wHr0 === null))
        throw new ConfigError(`${op}: layer ${l}: every layer or none must have a projection`);
      if (l > 0 && I !== Hout)
        throw new ShapeError(
          `${op}: layer ${l} input size must equal the previous layer's output size; expected ${Hout}, got ${I}`,
        );
      expect(w.wIh, 'wIh', [G * H, I]);
      expect(w.wHh, 'wHh', [G * H, Hout]);
      expect(w.bIh, 'bIh', [G * H]);
      expect(w.bHh, 'bHh', [G * H]);
      expect(w.wHr, 'wHr', [Hout, H]);
      const wPh = w.wPh ?? null;
      if ((wPh !== null) !== (options.variant?.peepholes === true))
        throw new ConfigError(
          `${op}: layer ${l} wPh must be given exactly when the variant has peepholes; got ${wPh === null ? 'none' : 'a tensor'}`,
        );
      expect(wPh, 'wPh', [3 * H]);
      sizes.push({ I, H, Hout });
    });
    const cfg: RnnStepConfig = { kind: mode, dtype, N: batch, layers: sizes };
    const chosen = options.kernels === undefined ? kernelsFor(dtype) : resolveKernelSet(options.kernels, op);
    if (options.variant !== undefined) cfg.variant = options.variant;
    const set = dtype === 'float64' || options.variant !== undefined ? REF_KERNELS : chosen;
    const kernel = set.createStep(cfg);
    this.kernel = kernel;
    this.kx = kernel.x;
    this.mode = mode;
    this.dtype = dtype;
    this.batch = batch;
    this.inputSize = sizes[0].I;
    this.hiddenSize = H;
    this.outputSize = Hout;
    this.numLayers = layers.length;
    this.implementation = kernel.name;
    this.layers = layers.map((w) => ({ ...w }));
    this.tensors = tensors;
    this.seenStorage = tensors.map((t) => t.storage);
    this.seenVersion = tensors.map((t) => t.storage.version);
    this.h = new Tensor(kernel.h, [layers.length, batch, Hout]);
    this.c = mode === 'lstm' ? new Tensor(kernel.c, [layers.length, batch, H]) : null;
    this.output = new Tensor(kernel.y, [batch, Hout]);
    this.repack();
  }

  /** Hands every layer's current weights to the kernel and records what it saw. */
  private repack(): void {
    const { tensors, dtype, op } = this;
    for (let i = 0; i < tensors.length; i++) {
      if (tensors[i].dtype !== dtype) {
        throw new StateError(
          `${op}: a weight changed dtype after the state was created; expected ${dtype}, got ${tensors[i].dtype} (create a new state)`,
        );
      }
      this.seenStorage[i] = tensors[i].storage;
      this.seenVersion[i] = tensors[i].storage.version;
    }
    const fd = (t: Tensor | null): FloatArray | null => (t === null ? null : (t.data as FloatArray));
    this.layers.forEach((w, l) => {
      this.kernel.setWeights(l, {
        wIh: w.wIh.data as FloatArray,
        wHh: w.wHh.data as FloatArray,
        bIh: fd(w.bIh),
        bHh: fd(w.bHh),
        wHr: fd(w.wHr),
        wPh: fd(w.wPh ?? null),
      });
    });
  }

  /**
   * Sets the states: h0 `(numLayers * N * Hout)` values, c0 `(numLayers * N * H)`
   * (LSTM); null means zeros. Sizes are the caller's to check.
   */
  load(h0: FloatArray | null, c0: FloatArray | null): void {
    if (h0 === null) this.kernel.h.fill(0);
    else this.kernel.h.set(h0);
    if (this.kernel.c.length > 0) {
      if (c0 === null) this.kernel.c.fill(0);
      else this.kernel.c.set(c0);
    }
  }

  /**
   * One time step of every layer. `x`: an `(N, H_in)` tensor (`(H_in)` when N = 1) or a
   * typed array of N * H_in values, of the state's dtype. Returns `output`, the same
   * `(N, Hout)` tensor every call, overwritten by the next step.
   */
  step(x: Tensor | FloatArray): Tensor {
    let src: DataArray;
    if (x instanceof Tensor) {
      const s = x.shape;
      const N = this.batch;
      const I = this.inputSize;
      if (!((s.length === 2 && s[0] === N && s[1] === I) || (s.length === 1 && N === 1 && s[0] === I))) {
        throw new ShapeError(
          `${this.op}: input must have shape (N, H_in); expected ${formatShape([N, I])}, got ${formatShape(s)}`,
        );
      }
      if (x.dtype !== this.dtype)
        throw new DTypeError(
          `${this.op}: input dtype must match the parameters'; expected ${this.dtype}, got ${x.dtype}`,
        );
      src = x.data;
    } else if (x instanceof Float32Array || x instanceof Float64Array) {
      if (x.length !== this.kx.length) {
        throw new ShapeError(
          `${this.op}: input array must hold N * H_in values; expected ${this.kx.length}, got ${x.length}`,
        );
      }
      if (x instanceof Float64Array !== (this.dtype === 'float64')) {
        throw new DTypeError(
          `${this.op}: input array type must match the parameters' dtype; expected ${this.dtype}, got ${x.constructor.name}`,
        );
      }
      src = x;
    } else {
      throw new ShapeError(
        `${this.op}: input must be a Tensor or a Float32Array/Float64Array; got ${String(x)}`,
      );
    }
    const kx = this.kx;
    const n = kx.length;
    if (n <= 16) for (let i = 0; i < n; i++) kx[i] = src[i];
    else kx.set(src);
    const { tensors, seenStorage, seenVersion } = this;
    for (let i = 0; i < tensors.length; i++) {
      const st = tensors[i].storage;
      if (st !== seenStorage[i] || st.version !== seenVersion[i]) {
        this.repack();
        break;
      }
    }
    this.kernel.step();
    return this.output;
  }
}

/**
 * A streaming stepper for a stack of unidirectional recurrent layers (see
 * `RecurrentStep`): `layers[l]` are layer l's weights with PyTorch's shapes (all of one
 * dtype; layer l > 0 takes the previous layer's h). States start at zero (`load` sets
 * them). The float32 kernel is the kernel set's step kernel (`options.kernels`, else the
 * active set: WebAssembly SIMD where available); float64 runs the reference kernel.
 *
 * @throws ConfigError for an unknown mode, a bad batch or mixed projections;
 *   ShapeError / DTypeError for inconsistent weights
 * @example
 * const s = createRecurrentStep('lstm', [{ wIh, wHh, bIh, bHh, wHr: null }], 1);
 * const y = s.step(new Float32Array([0.5])); // (1, H), overwritten by the next step
 */
export function createRecurrentStep(
  mode: CellKind,
  layers: readonly RecurrentWeights[],
  batch: number,
  options: RecurrentStepOptions = {},
): RecurrentStep {
  return new RecurrentStep(mode, layers, batch, options);
}

/**
 * out = x W^T + b written into `out` without allocating (a dense head in a streaming
 * loop): x `(*, K)`, weight `(N, K)`, bias `(N)` or null, out `(*, N)` with x's
 * leading dims. No autograd graph is recorded. Returns `out`.
 *
 * @throws ShapeError for mismatched shapes, DTypeError for mixed dtypes
 *
 * @example
 * const y = zeros([1, 1]);
 * linearInto(h, head.weight, head.bias, y); // y = h W^T + b, no allocation
 */
export function linearInto(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  out: Tensor,
  op = 'linearInto',
): Tensor {
  const K = weight.shape[1];
  const N = weight.shape[0];
  const xs = x.shape;
  const os = out.shape;
  if (weight.ndim !== 2)
    throw new ShapeError(`${op}: weight must be 2-D (N, K); got ${formatShape(weight.shape)}`);
  if (xs.length === 0 || xs[xs.length - 1] !== K) {
    throw new ShapeError(
      `${op}: input.size(-1) must equal in_features; expected ${K}, got ${xs.length === 0 ? 'a 0-d tensor' : xs[xs.length - 1]}`,
    );
  }
  let ok = os.length === xs.length && os[os.length - 1] === N;
  for (let i = 0; ok && i < xs.length - 1; i++) ok = os[i] === xs[i];
  if (!ok) {
    const want = xs.slice(0, -1).concat([N]);
    throw new ShapeError(
      `${op}: out must have the input's leading dims and out_features; expected ${formatShape(want)}, got ${formatShape(os)}`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== N))
    throw new ShapeError(`${op}: bias must have shape (${N}); got ${formatShape(bias.shape)}`);
  const dt = weight.dtype;
  if (x.dtype !== dt || out.dtype !== dt || (bias !== null && bias.dtype !== dt)) {
    throw new DTypeError(
      `${op}: input, weight, bias and out must share one dtype; expected ${dt}, got input ${x.dtype}, out ${out.dtype}`,
    );
  }
  linearRowsRef(
    x.numel() / K,
    N,
    K,
    x.data as FloatArray,
    weight.data as FloatArray,
    bias === null ? null : (bias.data as FloatArray),
    out.data as FloatArray,
  );
  out.storage.version++;
  return out;
}
