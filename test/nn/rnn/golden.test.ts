// Golden tests against PyTorch 1.13: a data-driven harness over every *.json in the
// fixture folder (test/fixtures/torch, or $LONGSHORT_FIXTURES), dispatching on each
// file's `module`. Never lists fixture names; an unknown module kind fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { assertClose } from '../../helpers/gradcheck.js';
import { fixtureDir, loadFixtures, toTensor, type FixtureTensor } from '../../helpers/fixtures.js';
import type { FloatDType } from '../../../src/core/dtype.js';
import { Embedding, Linear, crossEntropy, mseLoss, type Module } from '../../../src/nn/index.js';
import {
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  RNN,
  RNNCell,
  packPaddedSequence,
  padPackedSequence,
  PackedSequence,
  type RNNBase,
  type RNNCellBase,
} from '../../../src/nn/rnn/index.js';
import { Adam, AdamW, RMSprop, SGD, clipGradNorm } from '../../../src/optim/index.js';
import {
  add,
  mul,
  noGrad,
  reshape,
  select,
  slice,
  squeeze,
  stack,
  Tensor,
} from '../../../src/tensor/index.js';

type Fx = Record<string, unknown>;
type TensorMap = Record<string, FixtureTensor>;

interface Tol {
  rtol: number;
  atol: number;
}
const TOL: Record<FloatDType, Tol> = {
  float64: { rtol: 1e-9, atol: 1e-11 },
  float32: { rtol: 1e-4, atol: 1e-5 },
};
/** Loss sums many terms: its tolerance scales with the number of terms. */
function lossTol(dtype: FloatDType, terms: number): Tol {
  return dtype === 'float64'
    ? { rtol: 1e-9, atol: 1e-11 * terms }
    : { rtol: 1e-4, atol: 1e-5 * Math.sqrt(terms) };
}

function close(actual: Tensor, expected: FixtureTensor, tol: Tol, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assertClose(actual.data, expected.data, { ...tol, what });
}

function tensors(fx: Fx, key: string): TensorMap {
  const v = fx[key];
  assert.ok(v !== null && typeof v === 'object', `fixture has no "${key}" object`);
  return v as TensorMap;
}

// ---- layer fixtures: LSTM, GRU, RNN -------------------------------------------------

const LAYER_KEYS: Record<string, string> = {
  num_layers: 'numLayers',
  bias: 'bias',
  batch_first: 'batchFirst',
  dropout: 'dropout',
  bidirectional: 'bidirectional',
  proj_size: 'projSize',
  nonlinearity: 'nonlinearity',
};

function layerFromConfig(kind: string, cfg: Record<string, unknown>): RNNBase {
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cfg)) {
    if (k === 'input_size' || k === 'hidden_size') continue;
    const mapped = LAYER_KEYS[k];
    assert.ok(mapped !== undefined, `unknown config key "${k}"`);
    // PyTorch's LSTM stores proj_size 0 in the config; GRU/RNN never carry it
    if (k === 'proj_size' && kind !== 'LSTM') assert.fail(`proj_size on ${kind}`);
    options[mapped] = v;
  }
  const I = cfg.input_size as number;
  const H = cfg.hidden_size as number;
  switch (kind) {
    case 'LSTM':
      return new LSTM(I, H, options);
    case 'GRU':
      return new GRU(I, H, options);
    case 'RNN':
      return new RNN(I, H, options);
    default:
      return assert.fail(`not a layer kind: ${kind}`);
  }
}

function loadParams(m: Module, params: TensorMap, dtype: FloatDType): void {
  m.to(dtype);
  const dict: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(params)) dict[k] = toTensor(v, dtype);
  m.loadStateDict(dict); // strict: names and shapes must be PyTorch's exactly
}

function weightedSum(pairs: Array<[Tensor, FixtureTensor]>, dtype: FloatDType): Tensor {
  let loss: Tensor | null = null;
  for (const [t, w] of pairs) {
    const term = mul(t, toTensor(w, dtype)).sum();
    loss = loss === null ? term : add(loss, term);
  }
  return loss as Tensor;
}

function checkGrads(fx: Fx, dtype: FloatDType, named: Map<string, Tensor>): void {
  const grads = tensors(fx, 'grads');
  const tol = TOL[dtype];
  for (const [name, expected] of Object.entries(grads)) {
    const t = named.get(name);
    assert.ok(t !== undefined, `gradient "${name}" names no input or parameter`);
    assert.ok(t.grad !== null, `no gradient reached "${name}"`);
    close(t.grad, expected, tol, `grad ${name}`);
  }
  // every parameter's gradient is in the fixture and was checked
  for (const name of named.keys()) assert.ok(name in grads, `fixture has no gradient for "${name}"`);
}

function runLayer(fx: Fx, dtype: FloatDType): void {
  const kind = fx.module as string;
  const cfg = fx.config as Record<string, unknown>;
  const m = layerFromConfig(kind, cfg);
  loadParams(m, tensors(fx, 'params'), dtype);
  const inputs = tensors(fx, 'inputs');
  const x = toTensor(inputs.input, dtype, true);
  const h0 = inputs.h0 ? toTensor(inputs.h0, dtype, true) : null;
  const c0 = inputs.c0 ? toTensor(inputs.c0, dtype, true) : null;
  const lengths = (fx.inputs as Record<string, unknown>).lengths as number[] | undefined;
  const batchFirst = cfg.batch_first === true;

  let input: Tensor | PackedSequence = x;
  if (lengths !== undefined) input = packPaddedSequence(x, lengths, { batchFirst, enforceSorted: false });
  let out: Tensor | PackedSequence;
  let hN: Tensor;
  let cN: Tensor | null = null;
  if (m instanceof LSTM) {
    assert.equal(h0 === null, c0 === null, 'LSTM fixtures give both h0 and c0 or neither');
    [out, [hN, cN]] = m.forward(input, h0 === null ? null : [h0, c0 as Tensor]);
  } else {
    [out, hN] = (m as GRU | RNN).forward(input, h0);
  }
  let output: Tensor;
  if (out instanceof PackedSequence) {
    const L = x.shape[batchFirst ? 1 : 0];
    [output] = padPackedSequence(out, { batchFirst, totalLength: L });
  } else output = out;

  const outputs = tensors(fx, 'outputs');
  const tol = TOL[dtype];
  close(output, outputs.output, tol, 'output');
  close(hN, outputs.h_n, tol, 'h_n');
  if (outputs.c_n) close(cN as Tensor, outputs.c_n, tol, 'c_n');
  else assert.equal(cN, null);

  const w = tensors(fx, 'loss_weights');
  const pairs: Array<[Tensor, FixtureTensor]> = [
    [output, w.output],
    [hN, w.h_n],
  ];
  if (w.c_n) pairs.push([cN as Tensor, w.c_n]);
  const loss = weightedSum(pairs, dtype);
  const terms = output.numel() + hN.numel() + (cN?.numel() ?? 0);
  assertClose([loss.item()], [fx.loss as number], { ...lossTol(dtype, terms), what: 'loss' });
  loss.backward();

  const named = new Map<string, Tensor>(m.namedParameters());
  named.set('input', x);
  if (h0 !== null) named.set('h0', h0);
  if (c0 !== null) named.set('c0', c0);
  checkGrads(fx, dtype, named);
}

// ---- cell fixtures: LSTMCell, GRUCell, RNNCell --------------------------------------

function cellFromConfig(kind: string, cfg: Record<string, unknown>): RNNCellBase {
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cfg)) {
    if (k === 'input_size' || k === 'hidden_size') continue;
    if (k === 'bias' || k === 'nonlinearity') options[k] = v;
    else assert.fail(`unknown cell config key "${k}"`);
  }
  const I = cfg.input_size as number;
  const H = cfg.hidden_size as number;
  if (kind === 'LSTMCell') return new LSTMCell(I, H, options);
  if (kind === 'GRUCell') return new GRUCell(I, H, options);
  if (kind === 'RNNCell') return new RNNCell(I, H, options);
  return assert.fail(`not a cell kind: ${kind}`);
}

function runCell(fx: Fx, dtype: FloatDType): void {
  const kind = fx.module as string;
  const m = cellFromConfig(kind, fx.config as Record<string, unknown>);
  loadParams(m, tensors(fx, 'params'), dtype);
  const inputs = tensors(fx, 'inputs');
  const xs = toTensor(inputs.inputs, dtype, true);
  const h0 = toTensor(inputs.h0, dtype, true);
  const c0 = inputs.c0 ? toTensor(inputs.c0, dtype, true) : null;
  let h = h0;
  let c = c0;
  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  for (let s = 0; s < xs.shape[0]; s++) {
    const xt = select(xs, 0, s);
    if (m instanceof LSTMCell) {
      [h, c] = m.forward(xt, [h, c as Tensor]);
      cs.push(c);
    } else h = (m as GRUCell | RNNCell).forward(xt, h);
    hs.push(h);
  }
  const outputs = tensors(fx, 'outputs');
  const tol = TOL[dtype];
  const hsT = stack(hs, 0);
  close(hsT, outputs.h, tol, 'h');
  const w = tensors(fx, 'loss_weights');
  const pairs: Array<[Tensor, FixtureTensor]> = [[hsT, w.h]];
  if (outputs.c) {
    const csT = stack(cs, 0);
    close(csT, outputs.c, tol, 'c');
    pairs.push([csT, w.c]);
  }
  const loss = weightedSum(pairs, dtype);
  assertClose([loss.item()], [fx.loss as number], {
    ...lossTol(dtype, hsT.numel() * pairs.length),
    what: 'loss',
  });
  loss.backward();
  const named = new Map<string, Tensor>(m.namedParameters());
  named.set('inputs', xs);
  named.set('h0', h0);
  if (c0 !== null) named.set('c0', c0);
  checkGrads(fx, dtype, named);
}

// ---- training fixtures: Embedding? -> LSTM -> Linear, a few optimizer steps ---------

const OPTIM_KEYS: Record<string, string> = {
  lr: 'lr',
  momentum: 'momentum',
  dampening: 'dampening',
  nesterov: 'nesterov',
  weight_decay: 'weightDecay',
  betas: 'betas',
  eps: 'eps',
  amsgrad: 'amsgrad',
  alpha: 'alpha',
  centered: 'centered',
  maximize: 'maximize',
};

interface Stepper {
  step(): void;
  zeroGrad(): void;
}

function makeOptimizer(spec: Record<string, unknown>, params: Tensor[]): Stepper {
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) {
    if (k === 'kind') continue;
    const mapped = OPTIM_KEYS[k];
    assert.ok(mapped !== undefined, `unknown optimizer argument "${k}"`);
    opts[mapped] = v;
  }
  switch (spec.kind) {
    case 'SGD':
      return new SGD(params, opts);
    case 'Adam':
      return new Adam(params, opts);
    case 'AdamW':
      return new AdamW(params, opts);
    case 'RMSprop':
      return new RMSprop(params, opts);
    default:
      return assert.fail(`unknown optimizer kind ${String(spec.kind)}`);
  }
}

function runTraining(fx: Fx, dtype: FloatDType): void {
  const init = tensors(fx, 'initial_params');
  const shapeOf = (k: string): number[] => {
    assert.ok(init[k] !== undefined, `training fixture lacks "${k}"`);
    return init[k].shape;
  };
  const ce = fx.loss_kind === 'cross_entropy';
  assert.ok(ce || fx.loss_kind === 'mse', `unknown loss_kind ${String(fx.loss_kind)}`);
  const [G4, I] = shapeOf('lstm.weight_ih_l0');
  const H = G4 / 4;
  const [O] = shapeOf('head.weight');
  const hasBias = 'lstm.bias_ih_l0' in init;
  const emb = ce ? new Embedding(...(shapeOf('embedding.weight') as [number, number]), { dtype }) : null;
  const lstm = new LSTM(I, H, { batchFirst: true, bias: hasBias });
  const head = new Linear(H, O, { dtype });
  const mods: Array<[string, Module]> = [
    ['lstm', lstm],
    ['head', head],
  ];
  if (emb !== null) mods.unshift(['embedding', emb]);
  const named = new Map<string, Tensor>();
  for (const [prefix, mod] of mods) {
    const own: TensorMap = {};
    for (const [k, v] of Object.entries(init))
      if (k.startsWith(`${prefix}.`)) own[k.slice(prefix.length + 1)] = v;
    loadParams(mod, own, dtype);
    for (const [k, p] of mod.namedParameters()) named.set(`${prefix}.${k}`, p);
  }
  assert.deepEqual([...named.keys()].sort(), Object.keys(init).sort(), 'parameter names');
  // PyTorch's parameter order: embedding, lstm, head, each in named_parameters order
  const params = Object.keys(init).map((k) => named.get(k) as Tensor);
  const opt = makeOptimizer(fx.optimizer as Record<string, unknown>, params);
  const inputs = tensors(fx, 'inputs');
  const clip = fx.clip_grad_norm as number | null;
  const losses = fx.losses as number[];
  const after = fx.params_after_each_step as TensorMap[];
  assert.equal(after.length, losses.length);
  const tol = TOL[dtype];
  const x = ce ? toTensor(inputs.x, 'float64').to('int32') : toTensor(inputs.x, dtype);
  const y = ce ? toTensor(inputs.y, 'float64').to('int32') : toTensor(inputs.y, dtype);
  for (let step = 0; step < losses.length; step++) {
    opt.zeroGrad();
    let loss: Tensor;
    if (emb !== null) {
      const [out] = lstm.forward(emb.forward(x));
      const logits = head.forward(out); // (B, T, V)
      const V = logits.shape[2];
      loss = crossEntropy(reshape(logits, [-1, V]), reshape(y, [-1]));
    } else {
      const [out] = lstm.forward(x); // (B, T, H)
      const last = squeeze(slice(out, 1, out.shape[1] - 1), 1);
      loss = mseLoss(head.forward(last), y);
    }
    assertClose([loss.item()], [losses[step]], { ...tol, what: `loss at step ${step}` });
    loss.backward();
    if (clip !== null && clip !== undefined) clipGradNorm(params, clip);
    noGrad(() => opt.step());
    for (const [k, expected] of Object.entries(after[step])) {
      const p = named.get(k);
      assert.ok(p !== undefined, `unknown parameter "${k}" after step ${step}`);
      close(
        p,
        expected,
        dtype === 'float64' ? { rtol: 1e-9, atol: 1e-10 } : { rtol: 1e-3, atol: 1e-4 },
        `${k} after step ${step}`,
      );
    }
  }
}

// ---- the harness ---------------------------------------------------------------------

const RUNNERS: Record<string, (fx: Fx, dtype: FloatDType) => void> = {
  LSTM: runLayer,
  GRU: runLayer,
  RNN: runLayer,
  LSTMCell: runCell,
  GRUCell: runCell,
  RNNCell: runCell,
  training: runTraining,
};

const all = loadFixtures();

test(`golden: the fixture folder is not empty (${fixtureDir()})`, () => {
  assert.ok(all.length > 0, `no *.json fixtures in ${fixtureDir()}`);
});

for (const { file, fx } of all) {
  for (const dtype of ['float64', 'float32'] as const) {
    test(`golden ${file} [${String(fx.module)}] ${dtype}`, () => {
      const run = RUNNERS[fx.module as string];
      assert.ok(run !== undefined, `unknown fixture module kind "${String(fx.module)}" in ${file}`);
      run(fx, dtype);
    });
  }
}
