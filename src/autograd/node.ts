/**
 * The backward engine's view of a graph: nodes with edges to the nodes that produced
 * their inputs, and a rule that maps the gradient of the node's output to the gradients
 * of its inputs. The engine knows no Tensor: gradients are an opaque type `G` added with
 * a caller-supplied function.
 */
export interface GradNode<G> {
  /** The op's name, used in error messages. */
  readonly name: string;
  /** One entry per differentiable input: the node that produced it, or null. */
  readonly next: ReadonlyArray<GradNode<G> | null>;
  /** Gradients w.r.t. each input (same order as `next`), null where none flows. */
  backward(grad: G): ReadonlyArray<G | null>;
  /** Drops saved values once the node has run (unless the graph is retained). */
  release?(): void;
}
