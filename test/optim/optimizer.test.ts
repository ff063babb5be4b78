import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ShapeError, StateError } from '../../src/core/errors.js';
import { Parameter } from '../../src/nn/parameter.js';
import { Tensor } from '../../src/tensor/index.js';
import { Adagrad, Adam, AdamW, RMSprop, SGD, type OptimizerStateDict } from '../../src/optim/index.js';

function p64(values: number[], requiresGrad = true): Tensor {
  return new Tensor(Float64Array.from(values), [values.length], { requiresGrad });
}

function withGrad(p: Tensor, g: number[]): Tensor {
  p.grad = new Tensor(p.dtype === 'float64' ? Float64Array.from(g) : Float32Array.from(g), p.shape);
  return p;
}

function isConfig(re: RegExp) {
  return (e: unknown): boolean => e instanceof ConfigError && re.test(e.message);
}

test('hyper-parameters are validated like torch (ConfigError with the value)', () => {
  const ps = [p64([1, 2])];
  const cases: Array<[() => unknown, RegExp]> = [
    [() => new SGD(ps, { lr: -1 }), /^SGD: lr must be a non-negative number; got -1$/],
    [() => new SGD(ps, { momentum: -0.1 }), /SGD: momentum must be a non-negative number; got -0.1/],
    [() => new SGD(ps, { weightDecay: -1 }), /SGD: weightDecay must be/],
    [() => new SGD(ps, { nesterov: true }), /Nesterov momentum requires a momentum and zero dampening/],
    [() => new SGD(ps, { nesterov: true, momentum: 0.9, dampening: 0.1 }), /zero dampening/],
    [() => new SGD(ps, { lr: NaN }), /lr must be a non-negative number; got NaN/],
    [() => new Adam(ps, { lr: -1 }), /^Adam: lr must be a non-negative number; got -1$/],
    [() => new Adam(ps, { eps: -1e-8 }), /Adam: eps must be a non-negative number/],
    [() => new Adam(ps, { betas: [1, 0.999] }), /Adam: betas\[0\] must be in \[0, 1\); got 1/],
    [() => new Adam(ps, { betas: [0.9, -0.1] }), /Adam: betas\[1\] must be in \[0, 1\); got -0.1/],
    [() => new Adam(ps, { betas: [0.9] as never }), /betas must be a pair/],
    [() => new Adam(ps, { weightDecay: -1 }), /Adam: weightDecay/],
    [() => new AdamW(ps, { betas: [0.9, 1] }), /AdamW: betas\[1\]/],
    [() => new AdamW(ps, { amsgrad: 1 as never }), /AdamW: amsgrad must be a boolean/],
    [() => new RMSprop(ps, { alpha: -0.5 }), /RMSprop: alpha must be a non-negative number; got -0.5/],
    [() => new RMSprop(ps, { momentum: -1 }), /RMSprop: momentum/],
    [() => new RMSprop(ps, { eps: -1 }), /RMSprop: eps/],
    [() => new Adagrad(ps, { lrDecay: -1 }), /Adagrad: lrDecay must be a non-negative number; got -1/],
    [() => new Adagrad(ps, { initialAccumulatorValue: -1 }), /Adagrad: initialAccumulatorValue/],
    [() => new Adagrad(ps, { eps: -1 }), /Adagrad: eps/],
    // per-group values are checked too
    [() => new SGD([{ params: ps, lr: -2 }]), /SGD: lr must be a non-negative number; got -2/],
    // unknown option names are rejected, not ignored
    [
      () => new Adam(ps, { weight_decay: 0.1 } as never),
      /Adam: unknown option "weight_decay"; expected one of lr, betas/,
    ],
    [() => new SGD([{ params: ps, mom: 0.9 } as never]), /SGD \(a parameter group\): unknown option "mom"/],
    // parameter lists
    [() => new SGD([]), /SGD: got an empty parameter list/],
    [() => new SGD(p64([1]) as never), /a single Tensor/],
    [() => new SGD([ps[0], ps[0]]), /same parameter twice/],
    [() => new SGD([{ params: ps }, { params: ps }]), /more than one parameter group/],
    [() => new SGD([p64([1]).mul(2)]), /non-leaf/],
    [() => new SGD([new Tensor(Int32Array.of(1), [1])]), /float tensors/],
  ];
  for (const [fn, re] of cases) assert.throws(fn, isConfig(re), String(re));
  // edge values torch accepts
  new Adam(ps, { betas: [0, 0], eps: 0, lr: 0 });
  new RMSprop(ps, { alpha: 0 });
  new SGD(ps, { nesterov: true, momentum: 0.5 });
});

test('defaults and the harness call forms', () => {
  const ps = [p64([1, 2])];
  assert.deepEqual(
    { ...new SGD(ps).defaults },
    { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
  );
  assert.deepEqual(
    { ...new Adam(ps).defaults },
    { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
  );
  assert.equal(new AdamW(ps).defaults.weightDecay, 1e-2);
  assert.deepEqual(
    { ...new RMSprop(ps).defaults },
    { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false },
  );
  assert.deepEqual(
    { ...new Adagrad(ps).defaults },
    { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false },
  );
  // undefined values take the default
  const lr: number | undefined = undefined;
  assert.equal(
    new SGD(ps, { lr, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 }).paramGroups[0].lr,
    1e-3,
  );
  // Module parameters (Parameter) work
  const w = new Parameter(new Float32Array([1, 2, 3]), [3]);
  const opt = new Adam([w], { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
  withGrad(w, [1, -1, 0]);
  opt.step();
  assert.ok(Math.abs(w.data[0] - 0.9) < 1e-6 && Math.abs(w.data[1] - 2.1) < 1e-6 && w.data[2] === 3);
});

test('param groups: per-group options, defaults, mutable lr, addParamGroup', () => {
  const a = withGrad(p64([1]), [1]);
  const b = withGrad(p64([1]), [1]);
  const opt = new SGD([{ params: [a], lr: 0.5 }, { params: [b] }], { lr: 0.1, momentum: 0 });
  assert.equal(opt.paramGroups.length, 2);
  assert.equal(opt.paramGroups[0].lr, 0.5);
  assert.equal(opt.paramGroups[1].lr, 0.1);
  opt.step();
  assert.equal(a.data[0], 0.5);
  assert.ok(Math.abs(b.data[0] - 0.9) < 1e-15);
  opt.paramGroups[1].lr = 0;
  opt.step();
  assert.ok(Math.abs(b.data[0] - 0.9) < 1e-15);
  const c = withGrad(p64([2]), [1]);
  opt.addParamGroup({ params: [c], lr: 1 });
  opt.step();
  assert.equal(c.data[0], 1);
  assert.throws(() => opt.addParamGroup({ params: [a] }), isConfig(/more than one parameter group/));
});

test('step skips parameters without grad, bumps versions, records no graph, runs the closure', () => {
  const a = withGrad(p64([1, 2]), [1, 1]);
  const b = p64([5]);
  const opt = new Adam([a, b], { lr: 0.1 });
  const v0 = a.storage.version;
  const r = opt.step(() => 42);
  assert.equal(r, 42);
  assert.equal(opt.step(), undefined);
  assert.ok(a.storage.version > v0);
  assert.deepEqual(b.toArray(), [5]);
  assert.equal(opt.state.has(b), false);
  assert.equal(a.gradFn, null);
  assert.ok(a.isLeaf);
  a.grad = new Tensor(new Float64Array(3), [3]);
  assert.throws(() => opt.step(), ShapeError);
});

test('zeroGrad sets grads to null by default, or to zeros', () => {
  const a = withGrad(p64([1, 2]), [3, 4]);
  const b = p64([1]);
  const opt = new SGD([a, b], { lr: 0.1 });
  opt.zeroGrad(false);
  assert.deepEqual(a.grad!.toArray(), [0, 0]);
  assert.equal(b.grad, null);
  opt.zeroGrad();
  assert.equal(a.grad, null);
});

test('SGD without momentum keeps momentum_buffer null; Adagrad creates state eagerly', () => {
  const a = withGrad(p64([1]), [1]);
  const sgd = new SGD([a], { lr: 0.1 });
  assert.deepEqual(sgd.stateDict().state, {});
  sgd.step();
  assert.deepEqual(sgd.stateDict().state, { 0: { momentum_buffer: null } });
  const b = p64([1, 2]);
  const ada = new Adagrad([b], { initialAccumulatorValue: 0.25 });
  const st = ada.stateDict().state[0];
  assert.ok(st.step instanceof Tensor && st.step.item() === 0 && st.step.dtype === 'float32');
  assert.deepEqual((st.sum as Tensor).toArray(), [0.25, 0.25]);
});

test('stateDict layout: snake_case group options, indices, copies', () => {
  const a = withGrad(p64([1, 2]), [1, 1]);
  const b = withGrad(p64([3]), [1]);
  const opt = new Adam([{ params: [a], weightDecay: 0.1 }, { params: [b] }], { lr: 0.01, amsgrad: true });
  opt.step();
  const sd = opt.stateDict();
  assert.deepEqual(sd.param_groups, [
    {
      lr: 0.01,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weight_decay: 0.1,
      amsgrad: true,
      maximize: false,
      params: [0],
    },
    {
      lr: 0.01,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weight_decay: 0,
      amsgrad: true,
      maximize: false,
      params: [1],
    },
  ]);
  assert.deepEqual(Object.keys(sd.state[0]), ['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']);
  assert.equal((sd.state[0].step as Tensor).item(), 1);
  const copy = (sd.state[0].exp_avg as Tensor).toArray();
  opt.step();
  assert.deepEqual((sd.state[0].exp_avg as Tensor).toArray(), copy);
  const rms = new RMSprop([withGrad(p64([1]), [1])], { momentum: 0.5, centered: true });
  rms.step();
  const rs = rms.stateDict();
  assert.deepEqual(Object.keys(rs.state[0]).sort(), ['grad_avg', 'momentum_buffer', 'square_avg', 'step']);
  assert.equal(rs.state[0].step, 1);
  assert.deepEqual(Object.keys(rs.param_groups[0]).sort(), [
    'alpha',
    'centered',
    'eps',
    'lr',
    'maximize',
    'momentum',
    'params',
    'weight_decay',
  ]);
});

function trainedAdam(): { opt: Adam; params: Tensor[] } {
  const params = [withGrad(p64([1, 2]), [0.5, -1]), withGrad(p64([3]), [2])];
  const opt = new Adam([{ params: [params[0]] }, { params: [params[1]], lr: 0.5 }], { lr: 0.1 });
  opt.step();
  opt.step();
  return { opt, params };
}

test('loadStateDict validates everything and changes nothing on failure', () => {
  const { opt } = trainedAdam();
  const good = opt.stateDict();
  const before = opt.stateDict();
  const variants: Array<
    [(d: OptimizerStateDict) => OptimizerStateDict, RegExp, typeof StateError | typeof ShapeError]
  > = [
    [
      (d) => ({ ...d, param_groups: d.param_groups.slice(0, 1) }),
      /different number of parameter groups; expected 2, got 1/,
      StateError,
    ],
    [
      (d) => ({
        ...d,
        param_groups: [
          { ...d.param_groups[0], params: [0, 1] },
          { ...d.param_groups[1], params: [] },
        ],
      }),
      /doesn't match the size/,
      StateError,
    ],
    [
      (d) => ({ ...d, param_groups: [{ ...d.param_groups[0], lr: -1 }, d.param_groups[1]] }),
      /lr must be a non-negative number/,
      StateError,
    ],
    [
      (d) => ({ ...d, param_groups: [{ ...d.param_groups[0], momentum: 0.9 }, d.param_groups[1]] }),
      /unknown option "momentum"/,
      StateError,
    ],
    [
      (d) => ({ ...d, param_groups: [{ ...d.param_groups[0], betas: 0.9 }, d.param_groups[1]] }),
      /betas must be like/,
      StateError,
    ],
    [
      (d) => {
        const { amsgrad: _a, ...g0 } = d.param_groups[0];
        return { ...d, param_groups: [g0, d.param_groups[1]] };
      },
      /lacks the option "amsgrad"/,
      StateError,
    ],
    [
      (d) => ({
        ...d,
        state: { ...d.state, 0: { ...d.state[0], exp_avg: new Tensor(new Float64Array(3), [3]) } },
      }),
      /expected \[2\], got \[3\]/,
      ShapeError,
    ],
    [
      (d) => ({ ...d, state: { ...d.state, 1: { step: 1, exp_avg: d.state[1].exp_avg } } }),
      /lacks "exp_avg_sq"/,
      StateError,
    ],
    [
      (d) => ({ ...d, state: { ...d.state, 1: { ...d.state[1], momentum_buffer: null } } }),
      /unexpected key "momentum_buffer"/,
      StateError,
    ],
    [(d) => ({ ...d, state: { ...d.state, 7: d.state[0] } }), /state for parameter 7/, StateError],
    [
      (d) => ({ ...d, state: { ...d.state, 0: { ...d.state[0], step: -1 } } }),
      /step must be a non-negative integer/,
      StateError,
    ],
  ];
  for (const [mutate, re, cls] of variants) {
    assert.throws(
      () => opt.loadStateDict(mutate(good)),
      (e: unknown) => e instanceof cls && re.test(e.message),
      String(re),
    );
    const now = opt.stateDict();
    assert.deepEqual(now.param_groups, before.param_groups);
    assert.deepEqual(Object.keys(now.state), Object.keys(before.state));
    assert.deepEqual(
      (now.state[0].exp_avg as Tensor).toArray(),
      (before.state[0].exp_avg as Tensor).toArray(),
    );
  }
  // an SGD state dict does not load into Adam
  const sgd = new SGD([withGrad(p64([1, 2]), [1, 1]), withGrad(p64([3]), [1])], { momentum: 0.9 });
  sgd.step();
  assert.throws(() => opt.loadStateDict(sgd.stateDict()), StateError);
});

test('loadStateDict restores hyper-parameters and converts buffers to the parameter dtype', () => {
  const { opt } = trainedAdam();
  const sd = opt.stateDict();
  const f32 = [
    new Tensor(Float32Array.of(1, 2), [2], { requiresGrad: true }),
    new Tensor(Float32Array.of(3), [1], { requiresGrad: true }),
  ];
  const other = new Adam([{ params: [f32[0]] }, { params: [f32[1]] }], { lr: 7 });
  other.loadStateDict({
    ...sd,
    param_groups: sd.param_groups.map((g) => ({ ...g, foreach: null, differentiable: false })),
  });
  assert.equal(other.paramGroups[1].lr, 0.5);
  assert.equal(other.paramGroups[0].lr, 0.1);
  assert.equal(other.paramGroups[0].params[0], f32[0]);
  const st = other.state.get(f32[0])!;
  assert.equal(st.step, 2);
  assert.equal((st.exp_avg as Tensor).dtype, 'float32');
  // the step may also be a plain number
  const sd2 = opt.stateDict();
  sd2.state[0].step = 2;
  other.loadStateDict(sd2);
  assert.equal(other.state.get(f32[0])!.step, 2);
});
