import { checkOptions } from '../core/check.js';
import { runBackward } from '../autograd/engine.js';
import type { GradNode } from '../autograd/node.js';
import { DTypeError, ShapeError, StateError } from '../core/errors.js';
import { formatShape, shapesEqual } from '../core/shape.js';
import { isGradEnabled, noGrad } from './grad-mode.js';
import { Tensor } from './tensor.js';

/**
 * Computes the input gradients of one op from the gradient of its output.
 *
 * @example
 * const rule: BackwardRule = (grad) => [grad.mul(2)]; // d(2x)/dx
 * const out = record('double', [x], x.detach().mul(2), [], rule);
 */
export type BackwardRule = (grad: Tensor) => ReadonlyArray<Tensor | null>;

/** A recorded op: its backward rule and the versions of the tensors it saved. */
class OpNode implements GradNode<Tensor> {
  private rule: BackwardRule | null;
  private readonly saved: Tensor[];
  private readonly versions: number[];
  private onRelease: (() => void) | null;

  constructor(
    readonly name: string,
    readonly next: ReadonlyArray<GradNode<Tensor> | null>,
    rule: BackwardRule,
    saved: Tensor[],
    onRelease: (() => void) | null = null,
  ) {
    this.rule = rule;
    this.saved = saved;
    this.versions = saved.map((t) => t.storage.version);
    this.onRelease = onRelease;
  }

  backward(grad: Tensor): ReadonlyArray<Tensor | null> {
    if (this.rule === null) {
      throw new StateError(
        `${this.name}: trying to backward through the graph a second time; ` +
          'pass { retainGraph: true } to the first backward(), or detach() state carried between batches',
      );
    }
    for (let i = 0; i < this.saved.length; i++) {
      const v = this.saved[i].storage.version;
      if (v !== this.versions[i]) {
        throw new StateError(
          `${this.name}: a tensor needed for the gradient was modified by an in-place operation; ` +
            `expected version ${this.versions[i]}, got ${v}`,
        );
      }
    }
    return this.rule(grad);
  }

  release(): void {
    this.rule = null;
    const f = this.onRelease;
    this.onRelease = null;
    if (f !== null) f();
  }
}

/** Accumulates gradients into a leaf's `.grad`. */
class AccumulateGrad implements GradNode<Tensor> {
  readonly name = 'AccumulateGrad';
  readonly next: ReadonlyArray<GradNode<Tensor> | null> = [];
  constructor(private readonly leaf: Tensor) {}

  backward(grad: Tensor): ReadonlyArray<Tensor | null> {
    const leaf = this.leaf;
    if (leaf.grad === null) {
      // own the memory: the incoming gradient may alias another tensor
      leaf.grad = new Tensor(grad.data.slice(), leaf.shape);
    } else {
      const g = leaf.grad.data;
      const d = grad.data;
      for (let i = 0; i < g.length; i++) g[i] += d[i];
      leaf.grad.markModified();
    }
    return [];
  }
}

function edgeOf(t: Tensor): GradNode<Tensor> | null {
  if (!t.requiresGrad) return null;
  if (t.gradFn !== null) return t.gradFn;
  if (t.accumulatorNode === null) t.accumulatorNode = new AccumulateGrad(t);
  return t.accumulatorNode;
}

/**
 * Attaches a backward rule to `out` when gradients are recorded and any input needs one.
 * `saved` lists the tensors whose values the rule reads (checked for in-place changes).
 * The rule runs without recording a graph and returns one gradient (or null) per input.
 *
 * @example
 * const out = record('double', [x], x.detach().mul(2), [], (grad) => [grad.mul(2)]);
 * out.sum().backward(); // x.grad = 2
 */
export function record(
  name: string,
  inputs: ReadonlyArray<Tensor>,
  out: Tensor,
  saved: Tensor[],
  rule: BackwardRule,
): Tensor {
  if (!isGradEnabled()) return out;
  let any = false;
  for (const t of inputs) if (t.requiresGrad) any = true;
  if (!any) return out;
  out.requiresGrad = true;
  out.gradFn = new OpNode(name, inputs.map(edgeOf), rule, saved);
  return out;
}

/**
 * Whether an op on these inputs will be recorded.
 *
 * @example
 * needsGrad(tensor([1], { requiresGrad: true })); // true (outside noGrad)
 */
export function needsGrad(...inputs: Tensor[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

/**
 * @example
 * const y = x.mul(x).sum();
 * y.backward(null, { retainGraph: true }); // keep the graph
 * y.backward();                            // and run through it again
 */
export interface BackwardOptions {
  /** Keep the graph's saved values so backward can run through it again. */
  retainGraph?: boolean;
}

/**
 * Computes gradients of `root` w.r.t. every leaf that requires grad and adds them to
 * the leaves' `.grad`. `grad` defaults to 1 for a one-element `root`.
 *
 * @example
 * const x = tensor([1, 2], { requiresGrad: true });
 * backward(x.mul(x).sum());
 * x.grad; // [2, 4]
 */
export function backward(root: Tensor, grad?: Tensor | null, options: BackwardOptions = {}): void {
  checkOptions('backward', options, ['retainGraph']);
  if (!root.requiresGrad) {
    throw new StateError(
      'backward: the tensor does not require grad and has no gradFn; expected requiresGrad true, got false',
    );
  }
  let seed: Tensor;
  if (grad === undefined || grad === null) {
    if (root.numel() !== 1) {
      throw new ShapeError(
        `backward: grad can be implicitly created only for scalar outputs; expected 1 element, got ${root.numel()} (shape ${formatShape(root.shape)}); pass a gradient`,
      );
    }
    const one = root.dtype === 'float64' ? new Float64Array([1]) : new Float32Array([1]);
    seed = new Tensor(one, root.shape);
  } else {
    if (!shapesEqual(grad.shape, root.shape)) {
      throw new ShapeError(
        `backward: grad must have the output's shape; expected ${formatShape(root.shape)}, got ${formatShape(grad.shape)}`,
      );
    }
    if (grad.dtype !== root.dtype) {
      throw new DTypeError(
        `backward: grad must have the output's dtype; expected ${root.dtype}, got ${grad.dtype}`,
      );
    }
    seed = grad;
  }
  const node = edgeOf(root) as GradNode<Tensor>;
  noGrad(() => runBackward(node, seed, addGrads, options.retainGraph ?? false));
}

function addGrads(a: Tensor, b: Tensor): Tensor {
  const out = new Tensor(a.data.slice(), a.shape);
  const o = out.data;
  const d = b.data;
  for (let i = 0; i < o.length; i++) o[i] += d[i];
  return out;
}

/**
 * Backward rule of a multi-output op: one gradient per output (null where none flowed).
 *
 * @example
 * // outputs (x, 2x) of one input x: its gradient gathers both
 * const rule: MultiBackwardRule = ([g1, g2]) => [add(g1 ?? 0, mul(g2 ?? 0, 2))];
 */
export type MultiBackwardRule = (grads: ReadonlyArray<Tensor | null>) => ReadonlyArray<Tensor | null>;

/**
 * Like `record`, for an op with several outputs (e.g. a recurrent layer's output, h_n
 * and c_n). Each output gets a slot node; the gradients reaching the slots are kept
 * (not copied: the rule must not modify them) and the op's rule runs once, after every
 * consumer of every output, with one gradient per output (null where none flowed).
 * `onRelease`, when given, runs once the graph no longer needs the op (after its rule
 * ran in a backward pass without `retainGraph`), e.g. to recycle saved buffers.
 *
 * @example
 * const [a, b] = recordMulti('pair', [x], [x.detach(), x.detach().mul(2)], [], ([g1, g2]) => [add(g1 ?? 0, mul(g2 ?? 0, 2))]);
 * add(a.sum(), b.sum()).backward(); // x.grad = 3
 */
export function recordMulti(
  name: string,
  inputs: ReadonlyArray<Tensor>,
  outputs: ReadonlyArray<Tensor>,
  saved: Tensor[],
  rule: MultiBackwardRule,
  onRelease?: () => void,
): ReadonlyArray<Tensor> {
  if (!needsGrad(...inputs)) return outputs;
  const dtype = outputs[0].dtype;
  let got: Array<Tensor | null> = outputs.map(() => null);
  const parent = new OpNode(
    name,
    inputs.map(edgeOf),
    () => {
      const grads = got;
      got = outputs.map(() => null);
      return rule(grads);
    },
    saved,
    onRelease ?? null,
  );
  outputs.forEach((o, k) => {
    o.requiresGrad = true;
    o.gradFn = {
      name: `${name}[${k}]`,
      next: [parent],
      backward(g: Tensor): ReadonlyArray<Tensor | null> {
        got[k] = shapesEqual(g.shape, o.shape) ? g : new Tensor(g.storage, o.shape);
        // a one-element token tells the engine that the op received a gradient (the
        // engine sums the tokens of several slots; their values are not used)
        return [new Tensor(dtype === 'float64' ? new Float64Array(1) : new Float32Array(1), [1])];
      },
    };
  });
  return outputs;
}
