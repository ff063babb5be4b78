import type { GradNode } from './node.js';

/**
 * Runs reverse-mode differentiation from `root` with seed gradient `grad`.
 *
 * Nodes are visited in reverse topological order, so every node runs once, after all
 * the nodes that consume its output; the gradients reaching a node along several paths
 * are summed with `add`. The graph may be arbitrarily deep (iterative traversal).
 */
export function runBackward<G>(
  root: GradNode<G>,
  grad: G,
  add: (a: G, b: G) => G,
  retainGraph = false,
): void {
  // Count, for each node, how many edges point at it from nodes reachable from root.
  const pending = new Map<GradNode<G>, number>();
  const stack: GradNode<G>[] = [root];
  pending.set(root, 0);
  while (stack.length > 0) {
    const node = stack.pop() as GradNode<G>;
    for (const child of node.next) {
      if (child === null) continue;
      const seen = pending.get(child);
      if (seen === undefined) {
        pending.set(child, 1);
        stack.push(child);
      } else pending.set(child, seen + 1);
    }
  }
  const grads = new Map<GradNode<G>, G>();
  grads.set(root, grad);
  const ready: GradNode<G>[] = [root];
  while (ready.length > 0) {
    const node = ready.pop() as GradNode<G>;
    const g = grads.get(node) as G;
    grads.delete(node);
    const inGrads = node.backward(g);
    if (!retainGraph && node.release) node.release();
    for (let i = 0; i < node.next.length; i++) {
      const child = node.next[i];
      if (child === null) continue;
      const gi = inGrads[i];
      if (gi !== null && gi !== undefined) {
        const prev = grads.get(child);
        grads.set(child, prev === undefined ? gi : add(prev, gi));
      }
      const left = (pending.get(child) as number) - 1;
      pending.set(child, left);
      if (left === 0) {
        if (grads.has(child)) ready.push(child);
        else markDone(child, pending, ready, grads);
      }
    }
  }
}

/** A node that received no gradient still releases its children's pending counts. */
function markDone<G>(
  node: GradNode<G>,
  pending: Map<GradNode<G>, number>,
  ready: GradNode<G>[],
  grads: Map<GradNode<G>, G>,
): void {
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop() as GradNode<G>;
    for (const child of n.next) {
      if (child === null) continue;
      const left = (pending.get(child) as number) - 1;
      pending.set(child, left);
      if (left === 0) {
        if (grads.has(child)) ready.push(child);
        else stack.push(child);
      }
    }
  }
}
