/*
 * Methods on Tensor. Each forwards to the function of the same name in ./ops, so
 * `a.add(b).sum()` and `sum(add(a, b))` are the same op. Declared here by module
 * augmentation to keep each op in its own file without an import cycle.
 */
import type { DType } from '../core/dtype.js';
import { DTypeError } from '../core/errors.js';
import type { Shape } from '../core/shape.js';
import { backward, type BackwardOptions } from './record.js';
import * as ew from './ops/elementwise.js';
import * as ip from './ops/in-place.js';
import * as mm from './ops/matmul.js';
import * as rd from './ops/reduce.js';
import * as so from './ops/shape-ops.js';
import * as sm from './ops/softmax.js';
import { castTo, type Operand } from './ops/util.js';
import { Tensor } from './tensor.js';

declare module './tensor.js' {
  interface Tensor {
    /** Computes gradients of this tensor w.r.t. the graph's leaves (see `backward`). */
    backward(grad?: Tensor | null, options?: BackwardOptions): void;
    add(other: Operand): Tensor;
    sub(other: Operand): Tensor;
    mul(other: Operand): Tensor;
    div(other: Operand): Tensor;
    pow(exponent: Operand): Tensor;
    maximum(other: Operand): Tensor;
    minimum(other: Operand): Tensor;
    gt(other: Operand): Tensor;
    lt(other: Operand): Tensor;
    eq(other: Operand): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    abs(): Tensor;
    square(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    relu(): Tensor;
    clamp(min?: number | null, max?: number | null): Tensor;
    matmul(other: Tensor): Tensor;
    sum(dim?: rd.Dims, keepdim?: boolean): Tensor;
    mean(dim?: rd.Dims, keepdim?: boolean): Tensor;
    max(): Tensor;
    max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
    min(): Tensor;
    min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
    argmax(dim?: number, keepdim?: boolean): Tensor;
    argmin(dim?: number, keepdim?: boolean): Tensor;
    logsumexp(dim: number, keepdim?: boolean): Tensor;
    softmax(dim?: number): Tensor;
    logSoftmax(dim?: number): Tensor;
    reshape(shape: Shape): Tensor;
    view(shape: Shape): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    squeeze(dim?: number): Tensor;
    unsqueeze(dim: number): Tensor;
    permute(dims: readonly number[]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    expand(shape: Shape): Tensor;
    slice(dim: number, start?: number, end?: number, step?: number): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    split(splitSize: number | readonly number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
    indexSelect(dim: number, index: Tensor): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    clone(): Tensor;
    detach(): Tensor;
    /** A copy converted to `dtype` (differentiable between float dtypes); `this` if equal. */
    to(dtype: DType): Tensor;
    float(): Tensor;
    double(): Tensor;
    add_(other: Operand, alpha?: number): Tensor;
    sub_(other: Operand): Tensor;
    mul_(other: Operand): Tensor;
    div_(other: Operand): Tensor;
    copy_(src: Tensor): Tensor;
    fill_(value: number): Tensor;
    zero_(): Tensor;
    clamp_(min?: number | null, max?: number | null): Tensor;
    /** Sets `requiresGrad` on a leaf and returns it. */
    requiresGrad_(flag?: boolean): Tensor;
  }
}

const P = Tensor.prototype;

/** The names of Tensor's methods. */
type MethodName = {
  [K in keyof Tensor]: Tensor[K] extends (...args: never[]) => unknown ? K : never;
}[keyof Tensor];

/** The op a method forwards to: the tensor first, then the method's own arguments. */
type OpOf<K extends MethodName> = Tensor[K] extends (...args: infer A) => infer R
  ? (self: Tensor, ...args: A) => R
  : never;

/**
 * Installs each named method as a plain forward to the op of the same name in `ops`:
 * `x.name(...args)` is `ops.name(x, ...args)`. The types check that every op takes the
 * tensor and then the method's arguments, and returns what the method declares.
 */
function forwardTo<K extends MethodName>(
  ops: NoInfer<{ readonly [N in K]: OpOf<N> }>,
  names: readonly K[],
): void {
  const methods = P as unknown as Record<K, (this: Tensor, ...args: unknown[]) => unknown>;
  for (const name of names) {
    const op = ops[name] as (self: Tensor, ...args: unknown[]) => unknown;
    methods[name] = function (this: Tensor, ...args: unknown[]) {
      return op(this, ...args);
    };
  }
}

P.backward = function (this: Tensor, grad?: Tensor | null, options?: BackwardOptions) {
  backward(this, grad, options);
};
forwardTo(ew, ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'gt', 'lt', 'eq', 'neg']);
forwardTo(ew, ['exp', 'log', 'sqrt', 'abs', 'square', 'sigmoid', 'tanh', 'relu', 'clamp']);
forwardTo(mm, ['matmul']);
forwardTo(rd, ['sum', 'mean', 'argmax', 'argmin', 'logsumexp']);
// max() / min() without a dim are the overloads that reduce everything
P.max = function (this: Tensor, dim?: number, keepdim?: boolean) {
  return dim === undefined ? rd.max(this) : rd.max(this, dim, keepdim);
} as Tensor['max'];
P.min = function (this: Tensor, dim?: number, keepdim?: boolean) {
  return dim === undefined ? rd.min(this) : rd.min(this, dim, keepdim);
} as Tensor['min'];
forwardTo(sm, ['softmax', 'logSoftmax']);
forwardTo(so, ['reshape', 'view', 'flatten', 'squeeze', 'unsqueeze', 'permute', 'transpose', 't', 'expand']);
forwardTo(so, ['slice', 'narrow', 'select', 'split', 'chunk', 'indexSelect', 'gather', 'clone', 'detach']);
P.to = function (this: Tensor, dtype: DType) {
  return this.dtype === dtype ? this : castTo(this, dtype);
};
P.float = function (this: Tensor) {
  return this.to('float32');
};
P.double = function (this: Tensor) {
  return this.to('float64');
};
forwardTo(ip, ['add_', 'sub_', 'mul_', 'div_', 'copy_', 'fill_', 'zero_', 'clamp_']);
P.requiresGrad_ = function (this: Tensor, flag = true) {
  if (flag && this.dtype === 'int32')
    throw new DTypeError(
      'requiresGrad_: only float tensors can require gradients; expected float32 or float64, got int32',
    );
  this.requiresGrad = flag;
  return this;
};

export { Tensor };
