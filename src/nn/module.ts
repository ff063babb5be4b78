import { checkBoolean, checkOptions } from '../core/check.js';
import { type DataArray, type FloatDType } from '../core/dtype.js';
import { ConfigError, DTypeError, ShapeError, StateError } from '../core/errors.js';
import { formatShape, shapesEqual } from '../core/shape.js';
import { noGrad, Tensor } from '../tensor/index.js';
import { Parameter } from './parameter.js';

/**
 * A state dict: PyTorch-named tensors (`weight_ih_l0`, `lstm.bias_hh_l1_reverse`, ...).
 *
 * @example
 * const sd: StateDict = lstm.stateDict(); // { weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 }
 */
export type StateDict = Record<string, Tensor>;

/**
 * @example
 * const { missingKeys, unexpectedKeys } = lstm.loadStateDict(tensors, { strict: false });
 */
export interface LoadStateDictOptions {
  /** Require the keys to match exactly (PyTorch's default: true). */
  strict?: boolean;
}

/**
 * @example
 * const r: LoadStateDictResult = model.loadStateDict(tensors, { strict: false });
 * console.log(r.missingKeys, r.unexpectedKeys);
 */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * Base class of every layer and model, after `torch.nn.Module`: a tree of named
 * sub-modules, parameters and buffers, with PyTorch's dotted names.
 *
 * Subclasses register what they own in their constructor or field initialisers:
 *
 * @example
 * class TwoLayer extends Module {
 *   readonly fc1 = this.registerModule('fc1', new Linear(4, 8));
 *   readonly fc2 = this.registerModule('fc2', new Linear(8, 2));
 *   forward(x: Tensor): Tensor { return this.fc2.forward(this.fc1.forward(x).relu()); }
 * }
 * new TwoLayer().stateDict(); // { 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias' }
 */
export abstract class Module {
  /** True in training mode (dropout active); see `train()` / `eval()`. */
  training = true;
  private readonly paramMap = new Map<string, Parameter | null>();
  private readonly bufferMap = new Map<string, Tensor | null>();
  private readonly childMap = new Map<string, Module>();

  /** Registers (or replaces) a parameter under `name`; returns it. */
  registerParameter<P extends Parameter | null>(name: string, param: P): P {
    checkName(name, this);
    this.paramMap.set(name, param);
    return param;
  }

  /** Registers a buffer: state saved in the state dict but not trained. */
  registerBuffer<B extends Tensor | null>(name: string, buffer: B): B {
    checkName(name, this);
    this.bufferMap.set(name, buffer);
    return buffer;
  }

  /** Registers a sub-module under `name`; returns it. */
  registerModule<M extends Module>(name: string, module: M): M {
    checkName(name, this);
    this.childMap.set(name, module);
    return module;
  }

  /** The parameter registered as `name` on this module (not recursive), or undefined. */
  getParameter(name: string): Parameter | null | undefined {
    return this.paramMap.get(name);
  }

  /** Direct children with their names. */
  namedChildren(): Array<[string, Module]> {
    return [...this.childMap.entries()];
  }

  children(): Module[] {
    return [...this.childMap.values()];
  }

  /** This module and all descendants with dotted names ('' for this one). */
  namedModules(prefix = ''): Array<[string, Module]> {
    const out: Array<[string, Module]> = [];
    const seen = new Set<Module>();
    const walk = (m: Module, p: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([p, m]);
      for (const [n, c] of m.childMap) walk(c, p === '' ? n : `${p}.${n}`);
    };
    walk(this, prefix);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * Parameters with PyTorch's dotted names, in registration order, each listed once.
   * @example lstm.namedParameters().map(([n]) => n) // ['weight_ih_l0', 'weight_hh_l0', ...]
   */
  namedParameters(prefix = '', recurse = true): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    const seen = new Set<Tensor>();
    const mods: Array<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [p, m] of mods) {
      for (const [n, t] of m.paramMap) {
        if (t === null || seen.has(t)) continue;
        seen.add(t);
        out.push([p === '' ? n : `${p}.${n}`, t]);
      }
    }
    return out;
  }

  /** All parameters (each once). */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /** Buffers with dotted names. */
  namedBuffers(prefix = ''): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    for (const [p, m] of this.namedModules(prefix)) {
      for (const [n, t] of m.bufferMap) if (t !== null) out.push([p === '' ? n : `${p}.${n}`, t]);
    }
    return out;
  }

  /**
   * Parameters and buffers by PyTorch key, sharing memory with the module (detached).
   * Unlike `namedParameters`, a tensor shared under two names appears under both.
   */
  stateDict(prefix = ''): StateDict {
    const out: StateDict = {};
    const walk = (m: Module, p: string): void => {
      for (const [n, t] of m.paramMap) if (t !== null) out[p + n] = t.detach();
      for (const [n, t] of m.bufferMap) if (t !== null) out[p + n] = t.detach();
      for (const [n, c] of m.childMap) walk(c, `${p}${n}.`);
    };
    walk(this, prefix);
    return out;
  }

  /**
   * Copies values from a state dict (PyTorch keys) into this module's parameters and
   * buffers. Every key, shape and dtype is checked before anything is written, so a
   * failed load leaves the module unchanged. Float values are converted to each
   * parameter's dtype. With `strict` (default) missing or unexpected keys are errors;
   * a shape mismatch is always an error, as in PyTorch.
   *
   * A module whose submodules are plain properties (never passed to `registerModule`)
   * owns none of their keys; the error then names those properties.
   *
   * @example
   * const { tensors } = await loadSafetensors('model.safetensors');
   * model.loadStateDict(tensors);
   */
  loadStateDict(
    dict: StateDict | Map<string, Tensor>,
    options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    checkOptions(`${this.constructor.name}.loadStateDict`, options, ['strict']);
    const strict = checkBoolean(`${this.constructor.name}.loadStateDict`, 'strict', options.strict ?? true);
    const entries = dict instanceof Map ? dict : new Map(Object.entries(dict));
    const own = new Map<string, Tensor>();
    const walk = (m: Module, p: string): void => {
      for (const [n, t] of m.paramMap) if (t !== null) own.set(p + n, t);
      for (const [n, t] of m.bufferMap) if (t !== null) own.set(p + n, t);
      for (const [n, c] of m.childMap) walk(c, `${p}${n}.`);
    };
    walk(this, '');
    const missingKeys = [...own.keys()].filter((k) => !entries.has(k));
    const unexpectedKeys = [...entries.keys()].filter((k) => !own.has(k));
    const errors: string[] = [];
    const name = this.constructor.name;
    if (strict && missingKeys.length > 0)
      errors.push(`missing keys: ${missingKeys.map((k) => `"${k}"`).join(', ')}`);
    if (strict && unexpectedKeys.length > 0)
      errors.push(`unexpected keys: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}`);
    const plan: Array<[Tensor, Tensor]> = [];
    for (const [k, target] of own) {
      const src = entries.get(k);
      if (src === undefined) continue;
      if (!(src instanceof Tensor)) {
        errors.push(`"${k}": expected a Tensor, got ${typeof src}`);
        continue;
      }
      if (!shapesEqual(src.shape, target.shape)) {
        errors.push(
          `size mismatch for "${k}": expected ${formatShape(target.shape)}, got ${formatShape(src.shape)}`,
        );
        continue;
      }
      if ((src.dtype === 'int32') !== (target.dtype === 'int32')) {
        errors.push(`dtype mismatch for "${k}": expected ${target.dtype}, got ${src.dtype}`);
        continue;
      }
      plan.push([target, src]);
    }
    if (errors.length > 0) {
      let msg = `loadStateDict: error(s) in loading the state dict for ${name}: ${errors.join('; ')}`;
      const loose = unexpectedKeys.length > 0 ? unregisteredSubmodules(this) : [];
      if (loose.length > 0) {
        const [p, m] = loose[0];
        const field = p.split('.').pop() ?? p;
        msg +=
          `; ${loose.map(([q, c]) => `"${q}" (${c.constructor.name})`).join(', ')} ${loose.length === 1 ? 'is a property' : 'are properties'} but never registered as submodule(s), so their parameters have no keys: ` +
          `create them with this.${field} = this.registerModule('${field}', new ${m.constructor.name}(...))`;
      }
      const onlyShape = errors.every((e) => e.startsWith('size mismatch'));
      throw onlyShape ? new ShapeError(msg) : new StateError(msg);
    }
    noGrad(() => {
      for (const [target, src] of plan) {
        const d = target.data;
        const s = src.data;
        for (let i = 0; i < d.length; i++) d[i] = s[i];
        target.markModified();
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Clears parameter gradients (to null, PyTorch 2's default; or to zeros). */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (setToNone) p.grad = null;
      else p.grad.data.fill(0);
    }
  }

  /** Whether to compute gradients for every parameter. */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad = flag;
    return this;
  }

  /** Calls `fn` on every module (children first, then this), like `nn.Module.apply`. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.childMap.values()) c.apply(fn);
    fn(this);
    return this;
  }

  /** Converts every parameter and buffer to `dtype` in place (the same objects). */
  to(dtype: FloatDType): this {
    if (dtype !== 'float32' && dtype !== 'float64') {
      throw new DTypeError(
        `${this.constructor.name}.to: dtype must be float32 or float64; got ${String(dtype)}`,
      );
    }
    for (const m of this.modules()) {
      for (const t of [...m.paramMap.values(), ...m.bufferMap.values()]) {
        if (t === null || t.dtype === dtype || t.dtype === 'int32') continue;
        const d: DataArray = dtype === 'float64' ? new Float64Array(t.data) : new Float32Array(t.data);
        t.setData(d);
        if (t.grad !== null) t.grad = null;
      }
    }
    return this;
  }

  /** `to('float64')`. */
  double(): this {
    return this.to('float64');
  }

  /** `to('float32')`. */
  float(): this {
    return this.to('float32');
  }

  /** The constructor arguments shown by `toString()`, e.g. `28, 128, num_layers=2`. */
  extraRepr(): string {
    return '';
  }

  /** PyTorch-style description of the module tree. */
  toString(): string {
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (this.childMap.size === 0) return `${head})`;
    const lines = [...this.childMap].map(([n, c]) => `  (${n}): ${c.toString().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}

function checkName(name: string, m: Module): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new ConfigError(
      `${m.constructor.name}: a registered name must be a non-empty string without '.'; got "${String(name)}"`,
    );
  }
}

/**
 * Properties of `root` and its registered descendants that hold a Module (or an array of
 * them) that was never registered: `[dotted path, module]`.
 */
function unregisteredSubmodules(root: Module): Array<[string, Module]> {
  const out: Array<[string, Module]> = [];
  const registered = new Set(root.modules());
  for (const [p, m] of root.namedModules()) {
    for (const [k, v] of Object.entries(m)) {
      const items: unknown[] = Array.isArray(v) ? v : [v];
      items.forEach((c, i) => {
        if (c instanceof Module && !registered.has(c))
          out.push([`${p === '' ? '' : `${p}.`}${k}${Array.isArray(v) ? `[${i}]` : ''}`, c]);
      });
    }
  }
  return out;
}
