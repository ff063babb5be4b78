import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, StateError } from '../../src/core/errors.js';
import { Tensor } from '../../src/tensor/index.js';
import {
  Adam,
  CosineAnnealingLR,
  ExponentialLR,
  LambdaLR,
  LRScheduler,
  ReduceLROnPlateau,
  SGD,
  StepLR,
} from '../../src/optim/index.js';
import { assertClose } from '../helpers/gradcheck.js';
import { loadOptimFixtures, type SchedCase, type SchedFile } from './helpers.js';

const schedFiles = loadOptimFixtures().filter((f) => f.doc.kind === 'scheduler') as Array<{
  file: string;
  doc: SchedFile;
}>;

function param(): Tensor {
  return new Tensor(new Float64Array(2), [2], { requiresGrad: true });
}

function twoGroupSgd(lrs: number[]): SGD {
  return new SGD(
    lrs.map((lr) => ({ params: [param()], lr })),
    { lr: 0.1 },
  );
}

type AnySched = LRScheduler | ReduceLROnPlateau;

function makeScheduler(c: SchedCase, opt: SGD): AnySched {
  const o = (c.options ?? {}) as never;
  switch (c.scheduler) {
    case 'StepLR':
      return new StepLR(opt, o);
    case 'ExponentialLR':
      return new ExponentialLR(opt, o);
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(opt, o);
    case 'LambdaLR': {
      const f = c.factors!;
      const fns = f.map((vals) => (e: number) => vals[e]);
      return new LambdaLR(opt, { lrLambda: c.per_group ? fns : fns[0] });
    }
    case 'ReduceLROnPlateau':
      return new ReduceLROnPlateau(opt, o);
    default:
      throw new Error(`unknown scheduler in fixture: ${c.scheduler}`);
  }
}

function stepOnce(s: AnySched, c: SchedCase, epoch: number): void {
  if (s instanceof ReduceLROnPlateau) s.step(c.metrics![epoch]);
  else s.step();
}

test('scheduler fixtures exist', () => {
  assert.ok(schedFiles.length > 0);
  assert.ok(schedFiles.reduce((n, f) => n + f.doc.cases.length, 0) >= 5);
});

for (const { file, doc } of schedFiles) {
  for (const c of doc.cases) {
    test(`${file} ${c.name}: lr sequence matches torch`, () => {
      const opt = twoGroupSgd(c.group_lrs);
      const s = makeScheduler(c, opt);
      assertClose(s.getLastLr(), c.lrs[0], { rtol: 1e-12, atol: 0, what: `${c.name} epoch 0` });
      for (let e = 0; e < c.lrs.length - 1; e++) {
        opt.step();
        stepOnce(s, c, e);
        assertClose(s.getLastLr(), c.lrs[e + 1], {
          rtol: 1e-12,
          atol: 1e-18,
          what: `${c.name} epoch ${e + 1}`,
        });
        assert.deepEqual(
          s.getLastLr(),
          opt.paramGroups.map((g) => g.lr),
        );
      }
    });

    test(`${file} ${c.name}: state dict round trip resumes the same sequence`, () => {
      const opt = twoGroupSgd(c.group_lrs);
      const s = makeScheduler(c, opt);
      const half = Math.floor((c.lrs.length - 1) / 2);
      for (let e = 0; e < half; e++) stepOnce(s, c, e);
      const saved = JSON.parse(JSON.stringify(s.stateDict())) as ReturnType<typeof s.stateDict>;
      const savedOpt = opt.stateDict();
      // a fresh optimizer + scheduler, loaded
      const opt2 = twoGroupSgd(c.group_lrs);
      const s2 = makeScheduler(c, opt2);
      opt2.loadStateDict(savedOpt);
      s2.loadStateDict(saved);
      for (let e = half; e < c.lrs.length - 1; e++) {
        stepOnce(s2, c, e);
        assertClose(s2.getLastLr(), c.lrs[e + 1], {
          rtol: 1e-12,
          atol: 1e-18,
          what: `${c.name} resumed epoch ${e + 1}`,
        });
      }
    });
  }
}

test('CosineAnnealingLR keeps matching the closed form over several periods (etaMin 0)', () => {
  const opt = twoGroupSgd([0.1, 0.05]);
  const s = new CosineAnnealingLR(opt, { tMax: 4 });
  for (let t = 1; t <= 40; t++) {
    s.step();
    const closed = [0.1, 0.05].map((b) => (b * (1 + Math.cos((Math.PI * t) / 4))) / 2);
    assertClose(s.getLastLr(), closed, { rtol: 1e-9, atol: 1e-15, what: `t=${t}` });
  }
});

test('schedulers set initialLr and resume with lastEpoch', () => {
  const opt = twoGroupSgd([0.1, 0.05]);
  assert.throws(
    () => new StepLR(opt, { stepSize: 2, lastEpoch: 3 }),
    (e: unknown) => e instanceof ConfigError && /initial_lr/.test(e.message),
  );
  const s = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
  assert.deepEqual(
    opt.paramGroups.map((g) => g.initialLr),
    [0.1, 0.05],
  );
  assert.equal(s.lastEpoch, 0);
  s.step();
  s.step();
  assert.deepEqual(s.getLastLr(), [0.05, 0.025]);
  // initial_lr is saved with the optimizer's groups
  const sd = opt.stateDict();
  assert.equal(sd.param_groups[0].initial_lr, 0.1);
  const c = new CosineAnnealingLR(twoGroupSgd([0.1, 0.05]), { tMax: 10 });
  assert.deepEqual(c.baseLrs, [0.1, 0.05]);
  // resuming cosine at epoch 3 uses the closed form first (PyTorch's _step_count == 1 branch)
  const opt3 = twoGroupSgd([0.1, 0.05]);
  for (const g of opt3.paramGroups) g.initialLr = g.lr;
  const c3 = new CosineAnnealingLR(opt3, { tMax: 10, lastEpoch: 3 });
  assertClose(
    c3.getLastLr(),
    [0.1, 0.05].map((b) => (b * (1 + Math.cos((Math.PI * 4) / 10))) / 2),
    { rtol: 1e-12 },
  );
});

test('scheduler options are validated', () => {
  const opt = new Adam([param()]);
  const bad: Array<[() => unknown, RegExp]> = [
    [() => new StepLR(opt, { stepSize: 0 }), /StepLR: stepSize must be a positive integer; got 0/],
    [() => new StepLR(opt, { stepSize: 2.5 }), /stepSize/],
    [() => new StepLR(opt, { stepSize: 2, step_size: 3 } as never), /unknown option "step_size"/],
    [
      () => new ExponentialLR(opt, {} as never),
      /ExponentialLR: gamma must be a finite number; got undefined/,
    ],
    [() => new CosineAnnealingLR(opt, { tMax: 0 }), /tMax must be a positive number/],
    [() => new LambdaLR(opt, { lrLambda: [(e: number) => e, (e: number) => e] }), /expected 1 lrLambdas/],
    [() => new LambdaLR(opt, { lrLambda: 3 as never }), /lrLambda must be a function/],
    [() => new ReduceLROnPlateau(opt, { factor: 1 }), /factor must be less than 1.0; got 1/],
    [() => new ReduceLROnPlateau(opt, { mode: 'up' as never }), /mode must be 'min' or 'max'/],
    [() => new ReduceLROnPlateau(opt, { thresholdMode: 'x' as never }), /thresholdMode/],
    [() => new ReduceLROnPlateau(opt, { minLr: [0, 0] }), /expected 1 minLrs/],
    [() => new StepLR({} as never, { stepSize: 1 }), /expected an Optimizer/],
  ];
  for (const [fn, re] of bad)
    assert.throws(fn, (e: unknown) => e instanceof ConfigError && re.test(e.message), String(re));
});

test('scheduler loadStateDict validates and changes nothing on failure', () => {
  const opt = twoGroupSgd([0.1, 0.05]);
  const s = new StepLR(opt, { stepSize: 2 });
  s.step();
  const before = s.stateDict();
  assert.throws(() => s.loadStateDict({ ...before, base_lrs: [0.1] }), StateError);
  assert.throws(() => s.loadStateDict({ ...before, step_size: 0 }), StateError);
  assert.throws(() => s.loadStateDict({ ...before, last_epoch: 'x' }), StateError);
  // the own numbers are checked as at construction, naming the key
  assert.throws(
    () => s.loadStateDict({ ...before, gamma: Infinity }),
    (e: unknown) => e instanceof StateError && /"gamma" must be a finite number; got null/.test(e.message),
  );
  assert.throws(
    () => s.loadStateDict({ ...before, step_size: 1.5 }),
    /"step_size" must be a positive integer/,
  );
  assert.deepEqual(s.stateDict(), before);
  const cos = new CosineAnnealingLR(opt, { tMax: 4, etaMin: 0.01 });
  assert.deepEqual([cos.stateDict().T_max, cos.stateDict().eta_min], [4, 0.01]);
  assert.throws(() => cos.loadStateDict({ ...cos.stateDict(), T_max: -1 }), StateError);
  const exp = new ExponentialLR(opt, { gamma: 0.5 });
  exp.loadStateDict({ ...exp.stateDict(), gamma: 0.25 });
  assert.equal(exp.gamma, 0.25);
  assert.deepEqual(Object.keys(before).sort(), [
    '_last_lr',
    '_step_count',
    'base_lrs',
    'gamma',
    'last_epoch',
    'step_size',
  ]);
  const p = new ReduceLROnPlateau(opt);
  p.step(1);
  const pb = p.stateDict();
  assert.equal(pb.best, 1);
  assert.throws(() => p.loadStateDict({ ...pb, mode: 'x' }), StateError);
  assert.throws(() => p.loadStateDict({ ...pb, min_lrs: [0] }), StateError);
  assert.deepEqual(p.stateDict(), pb);
  // Infinity survives a JSON round trip as null
  const fresh = new ReduceLROnPlateau(opt).stateDict();
  const q = new ReduceLROnPlateau(opt);
  q.loadStateDict(JSON.parse(JSON.stringify(fresh)) as typeof fresh);
  assert.equal(q.best, Infinity);
});
