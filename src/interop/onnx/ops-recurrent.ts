// The ONNX recurrent ops LSTM, GRU and RNN: every attribute of the operator spec
// (direction, layout, activations with alpha/beta, clip, input_forget,
// linear_before_reset, hidden_size), the optional inputs (B, sequence_lens, initial_h,
// initial_c, P) and outputs (Y, Y_h, Y_c). The reference math runs in float64 and is
// rounded to the input's precision once, at the end.
import { ConfigError, ShapeError, UnsupportedError } from '../../core/errors.js';
import type { RecurrentMode } from '../../tensor/ops/recurrent.js';
import { resolveActivations, type Activation } from './activations.js';
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
import { onnxRecurrentFastPath, runFast } from './recurrent-fast.js';
import { allocValue, type Value } from './value.js';

type Kind = 'LSTM' | 'GRU' | 'RNN';
const GATES: Record<Kind, number> = { LSTM: 4, GRU: 3, RNN: 1 };
const DEFAULT_ACTS: Record<Kind, string[]> = {
  LSTM: ['Sigmoid', 'Tanh', 'Tanh'],
  GRU: ['Sigmoid', 'Tanh'],
  RNN: ['Tanh'],
};

interface Setup {
  kind: Kind;
  seq: number;
  batch: number;
  input: number;
  hidden: number;
  dirs: number;
  reverse: boolean[]; // per direction
  x: Float64Array; // (seq, batch, input)
  lens: Int32Array; // (batch,)
  acts: Activation[][]; // per direction
  clip: number;
  inputForget: boolean;
  linearBeforeReset: boolean;
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
  s: Setup,
  layout: number,
): Float64Array | undefined {
  if (!v) return undefined;
  checkShape(ctx, what, v, layout === 0 ? [s.dirs, s.batch, s.hidden] : [s.batch, s.dirs, s.hidden]);
  return Float64Array.from(layout === 0 ? v.data : transpose(v, [1, 0, 2]).data);
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
    const s: Setup = {
      kind,
      seq,
      batch,
      input,
      hidden,
      dirs,
      lens,
      reverse: direction === 'bidirectional' ? [false, true] : [direction === 'reverse'],
      x: Float64Array.from(xs.data),
      acts: Array.from({ length: dirs }, (_, d) => all.slice(d * per, (d + 1) * per)),
      clip: attrFloat(ctx, 'clip', Infinity),
      inputForget: attrInt(ctx, 'input_forget', 0) !== 0,
      linearBeforeReset: attrInt(ctx, 'linear_before_reset', 0) !== 0,
    };
    if (s.inputForget && kind !== 'LSTM')
      throw new ConfigError(`${ctx.where}: input_forget is an LSTM attribute`);
    if (s.linearBeforeReset && kind !== 'GRU')
      throw new ConfigError(`${ctx.where}: linear_before_reset is a GRU attribute`);
    const h0 = stateInput(ctx, inputs[5], 'initial_h', s, layout);
    const c0 = kind === 'LSTM' ? stateInput(ctx, inputs[6], 'initial_c', s, layout) : undefined;
    const P = kind === 'LSTM' ? inputs[7] : undefined;
    if (P) checkShape(ctx, 'P', P, [dirs, 3 * hidden]);
    if (kind !== 'LSTM' && inputs.length > 6 && inputs.slice(6).some((v) => v)) {
      throw new UnsupportedError(`${ctx.where}: ${kind} takes at most 6 inputs; got ${inputs.length}`);
    }

    const Y = new Float64Array(seq * dirs * batch * hidden); // (seq, dirs, batch, hidden)
    const Yh = new Float64Array(dirs * batch * hidden); // (dirs, batch, hidden)
    const Yc = new Float64Array(dirs * batch * hidden);
    const mode = fastMode(s, names, P !== undefined);
    if (mode !== null) {
      runFast(
        { kind, mode, seq, batch, input, hidden, reverse: s.reverse, x: xs, W, R, B, h0, c0 },
        Y,
        Yh,
        Yc,
      );
    } else
      for (let d = 0; d < dirs; d++) {
        const off = (a: Value | undefined, size: number): Float64Array | undefined =>
          a ? Float64Array.from(a.data.subarray(d * size, (d + 1) * size)) : undefined;
        runDirection(
          s,
          d,
          {
            W: off(W, G * hidden * input)!,
            R: off(R, G * hidden * hidden)!,
            B: off(B, 2 * G * hidden) ?? new Float64Array(2 * G * hidden),
            P: off(P, 3 * hidden),
            h0: h0?.subarray(d * batch * hidden, (d + 1) * batch * hidden),
            c0: c0?.subarray(d * batch * hidden, (d + 1) * batch * hidden),
          },
          Y,
          Yh,
          Yc,
        );
      }
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

/** The fused op's mode when the node is PyTorch's cell (and the fast path is on), else null. */
function fastMode(s: Setup, names: readonly string[], peepholes: boolean): RecurrentMode | null {
  if (
    !onnxRecurrentFastPath.enabled ||
    peepholes ||
    s.clip !== Infinity ||
    s.inputForget ||
    s.seq === 0 ||
    s.batch === 0
  )
    return null;
  if (s.lens.some((l) => l !== s.seq)) return null;
  if (s.kind === 'GRU' && !s.linearBeforeReset) return null;
  const per = DEFAULT_ACTS[s.kind].length;
  const lower = names.map((n) => n.toLowerCase());
  const same = (want: readonly string[]): boolean => lower.every((n, i) => n === want[i % per]);
  if (s.kind === 'RNN') {
    if (lower.length === 0 || same(['tanh'])) return 'rnn_tanh';
    return same(['relu']) ? 'rnn_relu' : null;
  }
  if (lower.length > 0 && !same(DEFAULT_ACTS[s.kind].map((n) => n.toLowerCase()))) return null;
  return s.kind === 'LSTM' ? 'lstm' : 'gru';
}

interface DirParams {
  W: Float64Array; // (G*H, I)
  R: Float64Array; // (G*H, H)
  B: Float64Array; // (2*G*H,) Wb then Rb
  P: Float64Array | undefined; // (3*H,) i, o, f
  h0: Float64Array | undefined; // (batch, H)
  c0: Float64Array | undefined; // (batch, H)
}

function runDirection(
  s: Setup,
  d: number,
  p: DirParams,
  Y: Float64Array,
  Yh: Float64Array,
  Yc: Float64Array,
): void {
  const { kind, batch, input: I, hidden: H } = s;
  const G = GATES[kind];
  const [f, g, h] = s.acts[d];
  const clip = (v: number): number => (v > s.clip ? s.clip : v < -s.clip ? -s.clip : v);
  const xw = new Float64Array(G * H); // (G*H,) x_t W^T + Wb
  const hr = new Float64Array(G * H); // (G*H,) h_{t-1} R^T + Rb
  for (let b = 0; b < batch; b++) {
    const hs = p.h0 ? p.h0.slice(b * H, (b + 1) * H) : new Float64Array(H);
    const cs = p.c0 ? p.c0.slice(b * H, (b + 1) * H) : new Float64Array(H);
    const L = s.lens[b];
    for (let step = 0; step < L; step++) {
      const t = s.reverse[d] ? L - 1 - step : step;
      const xo = (t * batch + b) * I;
      for (let r = 0; r < G * H; r++) {
        let a = p.B[r];
        for (let k = 0; k < I; k++) a += s.x[xo + k] * p.W[r * I + k];
        xw[r] = a;
        let c = p.B[G * H + r];
        for (let k = 0; k < H; k++) c += hs[k] * p.R[r * H + k];
        hr[r] = c;
      }
      if (kind === 'LSTM') {
        // gate order i, o, f, c; peepholes P: i, o, f
        for (let j = 0; j < H; j++) {
          const pi = p.P ? p.P[j] : 0,
            po = p.P ? p.P[H + j] : 0,
            pf = p.P ? p.P[2 * H + j] : 0;
          const it = f(clip(xw[j] + hr[j] + pi * cs[j]));
          const ft = s.inputForget ? 1 - it : f(clip(xw[2 * H + j] + hr[2 * H + j] + pf * cs[j]));
          const ct = g(clip(xw[3 * H + j] + hr[3 * H + j]));
          const c = ft * cs[j] + it * ct;
          const ot = f(clip(xw[H + j] + hr[H + j] + po * c));
          cs[j] = c;
          hs[j] = ot * h(c);
        }
      } else if (kind === 'GRU') {
        // gate order z, r, h
        const next = new Float64Array(H);
        const rt = new Float64Array(H);
        for (let j = 0; j < H; j++) rt[j] = f(clip(xw[H + j] + hr[H + j]));
        for (let j = 0; j < H; j++) {
          const zt = f(clip(xw[j] + hr[j]));
          let pre: number;
          if (s.linearBeforeReset) pre = xw[2 * H + j] + rt[j] * hr[2 * H + j];
          else {
            let a = p.B[G * H + 2 * H + j];
            for (let k = 0; k < H; k++) a += rt[k] * hs[k] * p.R[(2 * H + j) * H + k];
            pre = xw[2 * H + j] + a;
          }
          const ht = g(clip(pre));
          next[j] = (1 - zt) * ht + zt * hs[j];
        }
        hs.set(next);
      } else {
        for (let j = 0; j < H; j++) hs[j] = f(clip(xw[j] + hr[j]));
      }
      Y.set(hs, ((t * s.dirs + d) * batch + b) * H);
    }
    Yh.set(hs, (d * batch + b) * H);
    Yc.set(cs, (d * batch + b) * H);
  }
}

export const RECURRENT_OPS: Record<string, OpImpl> = {
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  RNN: recurrent('RNN'),
};
