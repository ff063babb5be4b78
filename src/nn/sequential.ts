import { ConfigError } from '../core/errors.js';
import type { Tensor } from '../tensor/index.js';
import { Module } from './module.js';

/**
 * A module with a single-tensor forward: what `Sequential` chains.
 *
 * @example
 * const mlp = new Sequential(new Linear(4, 8), new Linear(8, 1)); // each a TensorModule
 */
export type TensorModule = Module & { forward(x: Tensor): Tensor };

/**
 * A container that applies its modules in order, like `torch.nn.Sequential`. The
 * children are named '0', '1', ..., so state-dict keys are PyTorch's ('0.weight',
 * '2.bias', and '1.0.weight' for a nested Sequential).
 *
 * Shapes: whatever the first module takes to whatever the last returns.
 *
 * @example
 * const mlp = new Sequential(new Linear(4, 8), new Dropout(0.1), new Linear(8, 2));
 * mlp.forward(randn([16, 4])).shape; // [16, 2]
 * Object.keys(mlp.stateDict());      // ['0.weight', '0.bias', '2.weight', '2.bias']
 */
export class Sequential extends Module {
  private readonly items: TensorModule[] = [];

  constructor(...modules: TensorModule[]) {
    super();
    for (const m of modules) this.append(m);
  }

  /** Adds a module at the end (named by its position); returns this. */
  append(module: TensorModule): this {
    if (!(module instanceof Module) || typeof (module as { forward?: unknown }).forward !== 'function') {
      throw new ConfigError(
        `Sequential: every item must be a Module with a forward(x) method; got ${describe(module)}`,
      );
    }
    this.registerModule(String(this.items.length), module);
    this.items.push(module);
    return this;
  }

  /** Number of modules. */
  get length(): number {
    return this.items.length;
  }

  /** The module at position `index`; negative indices count from the end, as in Python. */
  at(index: number): TensorModule {
    const n = this.items.length;
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new ConfigError(
        `Sequential.at: index out of range; expected an integer in [${-n}, ${n - 1}], got ${index}`,
      );
    }
    return this.items[index < 0 ? index + n : index];
  }

  /** Iterates over the modules in order. */
  [Symbol.iterator](): Iterator<TensorModule> {
    return this.items[Symbol.iterator]();
  }

  /** Feeds `input` through every module in order; an empty Sequential is the identity. */
  forward(input: Tensor): Tensor {
    let x = input;
    for (const m of this.items) x = m.forward(x);
    return x;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return v.constructor?.name ?? 'object';
  return typeof v;
}
