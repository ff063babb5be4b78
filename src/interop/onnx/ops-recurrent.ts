// The ONNX recurrent ops LSTM, GRU and RNN: every attribute of the operator spec
// (direction, layout, activations with alpha/beta, clip, input_forget,
// linear_before_reset, hidden_size), the optional inputs (B, sequence_lens, initial_h,
// initial_c, P) and outputs (Y, Y_h, Y_c). One implementation: every node runs on
// longshort's fused recurrent op (recurrent-fast.ts), with a cell variant for what is
// not PyTorch's cell (other activations, clip, input_forget, peepholes, the
// reset-before GRU); only the empty cases (seq 0, batch 0, every length 0) are
// answered here without it.
import { ConfigError, ShapeError, UnsupportedError } from '../../core/errors.js';
import type { RecurrentMode, RnnActivation, RnnVariant } from '../../tensor/ops/recurrent.js';
import { resolveActivations } from './activations.js';
import {
  attrFloat,
  attrFloats,
  attrInt,
  attrString,
  attrStrings,
  needFloat,
  type OpContext,
  type OpImpl,
} from './op-context.js';
import { transpose } from './ops-shape.js';
import { runFused } from './recurrent-fast.js';
import { allocValue, type Value } from './value.js';

type Kind = 'LSTM' | 'GRU' | 'RNN';
const GATES: Record<Kind, number> = { LSTM: 4, GRU: 3, RNN: 1 };
const DEFAULT_ACTS: Record<Kind, string[]> = {
  LSTM: ['Sigmoid', 'Tanh', 'Tanh'],
  GRU: ['Sigmoid', 'Tanh'],
  RNN: ['Tanh'],
};

interface Shape3 {
  dirs: number;
  batch: number;
  hidden: number;
}

function checkShape(ctx: OpContext, what: string, v: Value, expected: number[]): void {
  if (v.shape.length !== expected.length || v.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      `${ctx.where}: ${what} must have shape [${expected.join(', ')}]; got [${v.shape.join(', ')}]`,
    );
  }
}

/** Reads a [dirs, batch, hidden] state in either layout, as float64 in layout 0. */
function stateInput(
  ctx: OpContext,
  v: Value | undefined,
  what: string,
  s: Shape3,
  layout: number,
): Float64Array | undefined {
  if (!v) return undefined;
  checkShape(ctx, what, v, layout === 0 ? [s.dirs, s.batch, s.hidden] : [s.batch, s.dirs, s.hidden]);
  return Float64Array.from(layout === 0 ? v.data : transpose(v, [1, 0, 2]).data);
}

const plain = (a: RnnActivation, name: string): boolean => a.name === name;

/**
 * The fused op's mode and, per direction, the cell variant of a node's attributes
 * (undefined where the direction is PyTorch's cell).
 */
function cellOf(
  kind: Kind,
  acts: RnnActivation[][],
  clip: number | undefined,
  inputForget: boolean,
  peepholes: boolean,
  linearBeforeReset: boolean,
): { mode: RecurrentMode; variants: Array<RnnVariant | undefined> } {
  const tanh: RnnActivation = { name: 'tanh', alpha: 0, beta: 0 };
  const extra = {
    ...(clip === undefined ? {} : { clip }),
    ...(peepholes ? { peepholes: true } : {}),
    ...(inputForget ? { coupledInputForget: true } : {}),
  };
  const extras = Object.keys(extra).length > 0;
  if (kind === 'RNN') {
    const relu = acts.every(([f]) => plain(f, 'relu'));
    const mode: RecurrentMode = relu ? 'rnn_relu' : 'rnn_tanh';
    const variants = acts.map(([f]) =>
      !extras && (relu || plain(f, 'tanh'))
        ? undefined
        : { gate: tanh, cell: f, out: tanh, resetAfter: true, ...extra },
    );
    return { mode, variants };
  }
  if (kind === 'GRU') {
    const variants = acts.map(([f, g]) =>
      !extras && linearBeforeReset && plain(f, 'sigmoid') && plain(g, 'tanh')
        ? undefined
        : { gate: f, cell: g, out: tanh, resetAfter: linearBeforeReset, ...extra },
    );
    return { mode: 'gru', variants };
  }
  const variants = acts.map(([f, g, h]) =>
    !extras && plain(f, 'sigmoid') && plain(g, 'tanh') && plain(h, 'tanh')
      ? undefined
      : { gate: f, cell: g, out: h, resetAfter: true, ...extra },
  );
  return { mode: 'lstm', variants };
}

function recurrent(kind: Kind): OpImpl {
  return (ctx, inputs) => {
    const G = GATES[kind];
    const X = needFloat(ctx, inputs, 0);
    const W = needFloat(ctx, inputs, 1);
    const R = needFloat(ctx, inputs, 2);
    const layout = attrInt(ctx, 'layout', 0);
    if (layout !== 0 && layout !== 1)
      throw new ConfigError(`${ctx.where}: layout must be 0 or 1; got ${layout}`);
    if (X.shape.length !== 3)
      throw new ShapeError(`${ctx.where}: X must be 3-D; got [${X.shape.join(', ')}]`);
    const xs = layout === 0 ? X : transpose(X, [1, 0, 2]); // (seq, batch, input)
    const [seq, batch, input] = xs.shape;
    const direction = attrString(ctx, 'direction', 'forward');
    if (!['forward', 'reverse', 'bidirectional'].includes(direction)) {
      throw new ConfigError(
        `${ctx.where}: direction must be forward, reverse or bidirectional; got '${direction}'`,
      );
    }
    const dirs = direction === 'bidirectional' ? 2 : 1;
    if (W.shape.length !== 3)
      throw new ShapeError(`${ctx.where}: W must be 3-D; got [${W.shape.join(', ')}]`);
    const hidden = attrInt(ctx, 'hidden_size', W.shape[1] / G);
    checkShape(ctx, 'W', W, [dirs, G * hidden, input]);
    checkShape(ctx, 'R', R, [dirs, G * hidden, hidden]);
    const B = inputs[3];
    if (B) checkShape(ctx, 'B', B, [dirs, 2 * G * hidden]);
    const lensV = inputs[4];
    const lens = new Int32Array(batch).fill(seq);
    if (lensV) {
      checkShape(ctx, 'sequence_lens', lensV, [batch]);
      for (let b = 0; b < batch; b++) {
        const l = lensV.data[b];
        if (!Number.isInteger(l) || l < 0 || l > seq)
          throw new ShapeError(`${ctx.where}: sequence_lens must be in [0, ${seq}]; got ${l}`);
        lens[b] = l;
      }
    }
    const names = attrStrings(ctx, 'activations') ?? [];
    const per = DEFAULT_ACTS[kind].length;
    if (names.length !== 0 && names.length !== per * dirs) {
      throw new ConfigError(
        `${ctx.where}: activations must list ${per * dirs} functions (${per} per direction); got ${names.length}`,
      );
    }
    const all = resolveActivations(
      ctx.where,
      names.length ? names : Array<string[]>(dirs).fill(DEFAULT_ACTS[kind]).flat(),
      attrFloats(ctx, 'activation_alpha') ?? [],
      attrFloats(ctx, 'activation_beta') ?? [],
    );
    const clipAttr = attrFloat(ctx, 'clip', Infinity);
    if (!(clipAttr > 0))
      throw new ConfigError(`${ctx.where}: clip must be a positive number; got ${clipAttr}`);
    const clip = clipAttr === Infinity ? undefined : clipAttr;
    const inputForget = attrInt(ctx, 'input_forget', 0) !== 0;
    const linearBeforeReset = attrInt(ctx, 'linear_before_reset', 0) !== 0;
    if (inputForget && kind !== 'LSTM')
      throw new ConfigError(`${ctx.where}: input_forget is an LSTM attribute`);
    if (linearBeforeReset && kind !== 'GRU')
      throw new ConfigError(`${ctx.where}: linear_before_reset is a GRU attribute`);
    const dims: Shape3 = { dirs, batch, hidden };
    const h0 = stateInput(ctx, inputs[5], 'initial_h', dims, layout);
    const c0 = kind === 'LSTM' ? stateInput(ctx, inputs[6], 'initial_c', dims, layout) : undefined;
    const P = kind === 'LSTM' ? inputs[7] : undefined;
    if (P) checkShape(ctx, 'P', P, [dirs, 3 * hidden]);
    if (kind !== 'LSTM' && inputs.length > 6 && inputs.slice(6).some((v) => v)) {
      throw new UnsupportedError(`${ctx.where}: ${kind} takes at most 6 inputs; got ${inputs.length}`);
    }
    const acts = Array.from({ length: dirs }, (_, d) => all.slice(d * per, (d + 1) * per));
    const { mode, variants } = cellOf(kind, acts, clip, inputForget, P !== undefined, linearBeforeReset);

    const Y = new Float64Array(seq * dirs * batch * hidden); // (seq, dirs, batch, hidden)
    const Yh = new Float64Array(dirs * batch * hidden); // (dirs, batch, hidden)
    const Yc = new Float64Array(dirs * batch * hidden);
    const reverse = direction === 'bidirectional' ? [false, true] : [direction === 'reverse'];
    runFused(
      { kind, mode, seq, batch, input, hidden, reverse, variants, x: xs, W, R, B, P, lens, h0, c0 },
      Y,
      Yh,
      Yc,
    );
    const kindOut = X.kind;
    const toValue = (data: Float64Array, shape: number[]): Value => {
      const v = allocValue(kindOut, shape);
      v.data.set(data);
      return v;
    };
    let yv = toValue(Y, [seq, dirs, batch, hidden]);
    let hv = toValue(Yh, [dirs, batch, hidden]);
    let cv = toValue(Yc, [dirs, batch, hidden]);
    if (layout === 1) {
      yv = transpose(yv, [2, 0, 1, 3]);
      hv = transpose(hv, [1, 0, 2]);
      cv = transpose(cv, [1, 0, 2]);
    }
    return kind === 'LSTM' ? [yv, hv, cv] : [yv, hv];
  };
}

export const RECURRENT_OPS: Record<string, OpImpl> = {
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  RNN: recurrent('RNN'),
};
