import { checkOptions } from '../core/check.js';
import type { GradNode } from '../autograd/node.js';
import { allocate, dtypeOf, type DataArray, type DType, type FloatArray } from '../core/dtype.js';
import { DTypeError, ShapeError, StateError } from '../core/errors.js';
import { checkShape, formatShape, normalizeDim, numel, type Shape } from '../core/shape.js';
import { formatTensor } from './format.js';
import { isGradEnabled } from './grad-mode.js';

/**
 * The memory behind one or more tensors (views share it) and its in-place version.
 *
 * @example
 * const a = zeros([4]);
 * const b = a.reshape([2, 2]); // a view: the same storage
 * a.storage === b.storage;      // true
 */
export interface Storage {
  readonly data: DataArray;
  version: number;
}

/**
 * @example
 * const w = new Tensor(new Float32Array(6), [2, 3], { requiresGrad: true });
 */
export interface TensorOptions {
  requiresGrad?: boolean;
}

/**
 * Nested arrays of numbers, as returned by `toNested()`.
 *
 * @example
 * const rows: NestedArray = tensor([[1, 2], [3, 4]]).toNested(); // [[1, 2], [3, 4]]
 */
export type NestedArray = number | NestedArray[];

/**
 * An n-dimensional array with reverse-mode autograd.
 *
 * Storage is a contiguous, row-major typed array: `Float32Array` (the default),
 * `Float64Array` (reference precision and gradient checks) or `Int32Array` (indices).
 * Tensors are garbage-collected; there is nothing to dispose.
 *
 * @example
 * const a = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const loss = a.mul(a).sum();
 * loss.backward();
 * a.grad?.toArray(); // [2, 4, 6, 8]
 */
export class Tensor {
  /** Sizes of each dimension, outermost first. */
  readonly shape: readonly number[];
  private storageRef: Storage;
  private dtypeRef: DType;
  /** Whether gradients are computed for this tensor. */
  requiresGrad: boolean;
  /** Accumulated gradient of a leaf after `backward()`, same shape as the tensor. */
  grad: Tensor | null = null;
  /** The node that produced this tensor (null for leaves). */
  gradFn: GradNode<Tensor> | null = null;
  /** @internal the leaf's gradient accumulator, created on first use. */
  accumulatorNode: GradNode<Tensor> | null = null;

  constructor(data: DataArray | Storage, shape: Shape, options: TensorOptions = {}) {
    checkOptions('Tensor', options, ['requiresGrad']);
    const storage: Storage = ArrayBuffer.isView(data) ? { data, version: 0 } : data;
    checkShape(shape, 'Tensor');
    if (numel(shape) !== storage.data.length) {
      throw new ShapeError(
        `Tensor: data length must equal the number of elements of shape ${formatShape(shape)}; ` +
          `expected ${numel(shape)}, got ${storage.data.length}`,
      );
    }
    this.storageRef = storage;
    this.shape = Object.freeze(shape.slice());
    this.dtypeRef = dtypeOf(storage.data);
    const rg = options.requiresGrad ?? false;
    if (rg && this.dtype === 'int32') {
      throw new DTypeError(
        'Tensor: only floating-point tensors can require gradients; expected float32 or float64, got int32',
      );
    }
    this.requiresGrad = rg;
  }

  /** Element type: 'float32', 'float64' or 'int32'. */
  get dtype(): DType {
    return this.dtypeRef;
  }

  /** The memory behind this tensor (shared with its views) and its version counter. */
  get storage(): Storage {
    return this.storageRef;
  }

  /**
   * Replaces the values (and possibly the dtype) of this tensor with `data` of the same
   * length, like assigning `param.data` in PyTorch. Used by `Module.to(dtype)` and loads.
   * The tensor gets fresh storage; views of the old storage keep the old values.
   */
  setData(data: DataArray): void {
    if (data.length !== this.storageRef.data.length) {
      throw new ShapeError(
        `setData: data length must equal numel; expected ${this.storageRef.data.length}, got ${data.length}`,
      );
    }
    this.storageRef = { data, version: this.storageRef.version + 1 };
    this.dtypeRef = dtypeOf(data);
  }

  /** The flat, row-major typed array behind this tensor (shared with its views). */
  get data(): DataArray {
    return this.storage.data;
  }

  /** The data as a float array; throws for int32 tensors. */
  get floatData(): FloatArray {
    if (this.dtype === 'int32') throw new DTypeError('Tensor: expected a float tensor, got int32');
    return this.storage.data as FloatArray;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  numel(): number {
    return this.storage.data.length;
  }

  /** `size()` is the shape; `size(dim)` one size, negative dims counted from the end. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return this.shape.slice();
    return this.shape[normalizeDim(dim, this.ndim, 'size')];
  }

  /** True for tensors created by the user rather than by an op. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.numel() !== 1) {
      throw new ShapeError(
        `item: only one-element tensors can be converted to a number; expected 1 element, got ${this.numel()}`,
      );
    }
    return this.storage.data[0];
  }

  /** A flat copy of the values as a plain array. */
  toArray(): number[] {
    return Array.from(this.storage.data);
  }

  /** The values as nested arrays shaped like the tensor. */
  toNested(): NestedArray {
    const data = this.storage.data;
    const shape = this.shape;
    if (shape.length === 0) return data[0];
    let offset = 0;
    const build = (d: number): NestedArray[] => {
      const out: NestedArray[] = [];
      for (let i = 0; i < shape[d]; i++) {
        if (d === shape.length - 1) out.push(data[offset++]);
        else out.push(build(d + 1));
      }
      return out;
    };
    return build(0);
  }

  /** @internal bumps the version after an in-place change. */
  markModified(): void {
    this.storage.version++;
  }

  /** @internal throws unless the tensor may be changed in place. */
  checkInPlace(op: string): void {
    if (this.requiresGrad && this.isLeaf && isGradEnabled()) {
      throw new StateError(
        `${op}: a leaf tensor that requires grad cannot be changed in place while gradients are recorded; wrap the update in noGrad()`,
      );
    }
    if (!this.isLeaf && this.requiresGrad && isGradEnabled()) {
      throw new StateError(
        `${op}: in-place changes to a tensor that is part of a recorded graph are not supported; use the out-of-place op`,
      );
    }
  }

  /**
   * The values as PyTorch prints them: `tensor([[0.1000, 0.2000]])`, `dtype=` when not the
   * default float dtype, summarized past 1000 elements (`setPrintOptions` changes the rules).
   * @example String(tensor([[1, 2.5]]));   // 'tensor([[1.0000, 2.5000]])'
   */
  toString(): string {
    return formatTensor(this);
  }

  /** What `console.log` and Node's `util.inspect` show: `toString()`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Allocates an uninitialised (zero) tensor; internal helper for ops. */
export function emptyTensor(shape: Shape, dtype: DType): Tensor {
  return new Tensor(allocate(dtype, numel(shape)), shape);
}
