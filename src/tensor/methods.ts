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
P.backward = function (this: Tensor, grad?: Tensor | null, options?: BackwardOptions) {
  backward(this, grad, options);
};
P.add = function (this: Tensor, o: Operand) {
  return ew.add(this, o);
};
P.sub = function (this: Tensor, o: Operand) {
  return ew.sub(this, o);
};
P.mul = function (this: Tensor, o: Operand) {
  return ew.mul(this, o);
};
P.div = function (this: Tensor, o: Operand) {
  return ew.div(this, o);
};
P.pow = function (this: Tensor, o: Operand) {
  return ew.pow(this, o);
};
P.maximum = function (this: Tensor, o: Operand) {
  return ew.maximum(this, o);
};
P.minimum = function (this: Tensor, o: Operand) {
  return ew.minimum(this, o);
};
P.gt = function (this: Tensor, o: Operand) {
  return ew.gt(this, o);
};
P.lt = function (this: Tensor, o: Operand) {
  return ew.lt(this, o);
};
P.eq = function (this: Tensor, o: Operand) {
  return ew.eq(this, o);
};
P.neg = function (this: Tensor) {
  return ew.neg(this);
};
P.exp = function (this: Tensor) {
  return ew.exp(this);
};
P.log = function (this: Tensor) {
  return ew.log(this);
};
P.sqrt = function (this: Tensor) {
  return ew.sqrt(this);
};
P.abs = function (this: Tensor) {
  return ew.abs(this);
};
P.square = function (this: Tensor) {
  return ew.square(this);
};
P.sigmoid = function (this: Tensor) {
  return ew.sigmoid(this);
};
P.tanh = function (this: Tensor) {
  return ew.tanh(this);
};
P.relu = function (this: Tensor) {
  return ew.relu(this);
};
P.clamp = function (this: Tensor, lo?: number | null, hi?: number | null) {
  return ew.clamp(this, lo, hi);
};
P.matmul = function (this: Tensor, o: Tensor) {
  return mm.matmul(this, o);
};
P.sum = function (this: Tensor, dim?: rd.Dims, keepdim?: boolean) {
  return rd.sum(this, dim, keepdim);
};
P.mean = function (this: Tensor, dim?: rd.Dims, keepdim?: boolean) {
  return rd.mean(this, dim, keepdim);
};
P.max = function (this: Tensor, dim?: number, keepdim?: boolean) {
  return dim === undefined ? rd.max(this) : rd.max(this, dim, keepdim);
} as Tensor['max'];
P.min = function (this: Tensor, dim?: number, keepdim?: boolean) {
  return dim === undefined ? rd.min(this) : rd.min(this, dim, keepdim);
} as Tensor['min'];
P.argmax = function (this: Tensor, dim?: number, keepdim?: boolean) {
  return rd.argmax(this, dim, keepdim);
};
P.argmin = function (this: Tensor, dim?: number, keepdim?: boolean) {
  return rd.argmin(this, dim, keepdim);
};
P.logsumexp = function (this: Tensor, dim: number, keepdim?: boolean) {
  return rd.logsumexp(this, dim, keepdim);
};
P.softmax = function (this: Tensor, dim?: number) {
  return sm.softmax(this, dim);
};
P.logSoftmax = function (this: Tensor, dim?: number) {
  return sm.logSoftmax(this, dim);
};
P.reshape = function (this: Tensor, s: Shape) {
  return so.reshape(this, s);
};
P.view = function (this: Tensor, s: Shape) {
  return so.view(this, s);
};
P.flatten = function (this: Tensor, a?: number, b?: number) {
  return so.flatten(this, a, b);
};
P.squeeze = function (this: Tensor, d?: number) {
  return so.squeeze(this, d);
};
P.unsqueeze = function (this: Tensor, d: number) {
  return so.unsqueeze(this, d);
};
P.permute = function (this: Tensor, d: readonly number[]) {
  return so.permute(this, d);
};
P.transpose = function (this: Tensor, a: number, b: number) {
  return so.transpose(this, a, b);
};
P.t = function (this: Tensor) {
  return so.t(this);
};
P.expand = function (this: Tensor, s: Shape) {
  return so.expand(this, s);
};
P.slice = function (this: Tensor, d: number, s?: number, e?: number, st?: number) {
  return so.slice(this, d, s, e, st);
};
P.narrow = function (this: Tensor, d: number, s: number, l: number) {
  return so.narrow(this, d, s, l);
};
P.select = function (this: Tensor, d: number, i: number) {
  return so.select(this, d, i);
};
P.split = function (this: Tensor, s: number | readonly number[], d?: number) {
  return so.split(this, s, d);
};
P.chunk = function (this: Tensor, c: number, d?: number) {
  return so.chunk(this, c, d);
};
P.indexSelect = function (this: Tensor, d: number, i: Tensor) {
  return so.indexSelect(this, d, i);
};
P.gather = function (this: Tensor, d: number, i: Tensor) {
  return so.gather(this, d, i);
};
P.clone = function (this: Tensor) {
  return so.clone(this);
};
P.detach = function (this: Tensor) {
  return so.detach(this);
};
P.to = function (this: Tensor, dtype: DType) {
  return this.dtype === dtype ? this : castTo(this, dtype);
};
P.float = function (this: Tensor) {
  return this.to('float32');
};
P.double = function (this: Tensor) {
  return this.to('float64');
};
P.add_ = function (this: Tensor, o: Operand, alpha?: number) {
  return ip.add_(this, o, alpha);
};
P.sub_ = function (this: Tensor, o: Operand) {
  return ip.sub_(this, o);
};
P.mul_ = function (this: Tensor, o: Operand) {
  return ip.mul_(this, o);
};
P.div_ = function (this: Tensor, o: Operand) {
  return ip.div_(this, o);
};
P.copy_ = function (this: Tensor, s: Tensor) {
  return ip.copy_(this, s);
};
P.fill_ = function (this: Tensor, v: number) {
  return ip.fill_(this, v);
};
P.zero_ = function (this: Tensor) {
  return ip.zero_(this);
};
P.clamp_ = function (this: Tensor, lo?: number | null, hi?: number | null) {
  return ip.clamp_(this, lo, hi);
};
P.requiresGrad_ = function (this: Tensor, flag = true) {
  if (flag && this.dtype === 'int32')
    throw new DTypeError(
      'requiresGrad_: only float tensors can require gradients; expected float32 or float64, got int32',
    );
  this.requiresGrad = flag;
  return this;
};

export { Tensor };
