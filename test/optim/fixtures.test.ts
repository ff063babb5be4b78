import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../helpers/gradcheck.js';
import { clipGradNorm, clipGradValue, type OptimizerStateDict } from '../../src/optim/index.js';
import { Tensor } from '../../src/tensor/index.js';
import {
  fxTensor,
  loadOptimFixtures,
  makeOptimizer,
  mseLossOf,
  type OptCase,
  type OptFile,
} from './helpers.js';

const files = loadOptimFixtures();
const optFiles = files.filter((f) => f.doc.kind === 'optimizer') as Array<{ file: string; doc: OptFile }>;

test('optimizer fixtures exist', () => {
  assert.ok(optFiles.length > 0, 'no optimizer fixtures in test/fixtures/optim');
  assert.ok(optFiles.reduce((n, f) => n + f.doc.cases.length, 0) >= 10);
});

/** Trains like the fixture script; calls `check` after each step. */
function train(
  doc: OptFile,
  c: OptCase,
  dtype: 'float32' | 'float64',
  nSteps: number,
  check: (step: number, loss: number, params: Tensor[], clipNorm: number | undefined) => void,
  resumeAt?: number,
): void {
  const n = c.unused_param ? 5 : 4;
  let params = doc.init.slice(0, n).map((t) => fxTensor(t, dtype, true));
  const x = fxTensor(doc.x, dtype);
  const y = fxTensor(doc.y, dtype);
  let opt = makeOptimizer(c, params);
  for (let s = 0; s < nSteps; s++) {
    if (resumeAt !== undefined && s === resumeAt) {
      // a fresh model and optimizer, loaded from the saved states
      const saved: OptimizerStateDict = opt.stateDict();
      const copies = params.map((p) => new Tensor(p.data.slice(), p.shape, { requiresGrad: true }));
      // scramble the old optimizer's buffers to prove the saved dict is a copy
      for (const st of opt.state.values())
        for (const v of Object.values(st)) if (v instanceof Tensor) v.data.fill(123);
      params = copies;
      opt = makeOptimizer(c, params);
      opt.loadStateDict(saved);
    }
    opt.zeroGrad();
    const loss = mseLossOf(params, x, y);
    loss.backward();
    let clipNorm: number | undefined;
    if (c.clip?.type === 'norm') {
      const nt = c.clip.normType === 'Infinity' ? Infinity : c.clip.normType;
      clipNorm = clipGradNorm(params, c.clip.maxNorm, nt === undefined ? {} : { normType: nt });
    } else if (c.clip?.type === 'value') {
      clipGradValue(params, c.clip.clipValue);
    }
    opt.step();
    if (c.unused_param) assert.equal(params[4].grad, null);
    check(s, loss.item(), params, clipNorm);
  }
}

for (const { file, doc } of optFiles) {
  for (const c of doc.cases) {
    for (const dtype of ['float64', 'float32'] as const) {
      test(`${file} ${c.name} ${dtype}: step-by-step match with torch`, () => {
        const ref = dtype === 'float64' ? c.steps : c.steps32;
        const tol = dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-4, atol: 1e-6 };
        train(doc, c, dtype, ref.length, (s, loss, params, clipNorm) => {
          assertClose([loss], [ref[s].loss], { ...tol, what: `${c.name} step ${s} loss` });
          if (ref[s].clip_norm !== undefined) {
            assert.ok(clipNorm !== undefined);
            assertClose([clipNorm], [ref[s].clip_norm], { ...tol, what: `${c.name} step ${s} clip norm` });
          }
          params.forEach((p, i) => {
            assert.equal(p.dtype, dtype);
            assertClose(p.data, ref[s].params[i], { ...tol, what: `${c.name} step ${s} param ${i}` });
          });
        });
      });
    }

    test(`${file} ${c.name}: state dict has torch's layout`, () => {
      const n = c.unused_param ? 5 : 4;
      const params = doc.init.slice(0, n).map((t) => fxTensor(t, 'float64', true));
      const opt = makeOptimizer(c, params);
      const x = fxTensor(doc.x, 'float64');
      const y = fxTensor(doc.y, 'float64');
      for (let s = 0; s < c.steps.length; s++) {
        opt.zeroGrad();
        mseLossOf(params, x, y).backward();
        opt.step();
      }
      const sd = opt.stateDict();
      assert.deepEqual(Object.keys(sd.state).sort(), Object.keys(c.state_layout).sort());
      for (const [idx, entry] of Object.entries(c.state_layout)) {
        const ours = sd.state[Number(idx)];
        assert.deepEqual(Object.keys(ours).sort(), Object.keys(entry).sort(), `state[${idx}] keys`);
        for (const [k, v] of Object.entries(entry)) {
          const o = ours[k];
          if (v === null) assert.equal(o, null);
          else if (typeof v === 'number') assert.equal(o, v, `state[${idx}].${k}`);
          else {
            assert.ok(o instanceof Tensor, `state[${idx}].${k} should be a Tensor`);
            assert.deepEqual([...o.shape], v.tensor);
            if (v.value !== null && o.numel() === 1) assert.equal(o.data[0], v.value);
          }
        }
      }
      // param_groups: params are indices in order
      const flatIdx = sd.param_groups.flatMap((g) => g.params as number[]);
      assert.deepEqual(flatIdx, [...Array(n).keys()].slice(0, flatIdx.length));
    });

    test(`${file} ${c.name}: resume from a state dict continues the same trajectory`, () => {
      const ref = c.steps;
      train(
        doc,
        c,
        'float64',
        ref.length,
        (s, loss, params) => {
          assertClose([loss], [ref[s].loss], {
            rtol: 1e-10,
            atol: 1e-12,
            what: `${c.name} resumed step ${s} loss`,
          });
          params.forEach((p, i) =>
            assertClose(p.data, ref[s].params[i], {
              rtol: 1e-10,
              atol: 1e-12,
              what: `${c.name} resumed step ${s} param ${i}`,
            }),
          );
        },
        3,
      );
    });
  }
}
