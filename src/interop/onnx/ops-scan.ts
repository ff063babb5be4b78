// Scan (opset 9 on): a body graph run once per slice of the scan inputs, carrying state
// variables; what the exporter writes for LSTMs with projections, and what converters
// write for unrolled recurrences.
import { FormatError, ShapeError, UnsupportedError } from '../../core/errors.js';
import { attrInt, attrInts, type OpContext, type OpImpl } from './op-context.js';
import { transpose } from './ops-shape.js';
import { allocValue, makeValue, numelOf, type Value } from './value.js';

/** Slice `t` of `v` along axis 0, without that axis. */
function slice0(v: Value, t: number): Value {
  const inner = numelOf(v.shape.slice(1));
  return makeValue(v.kind, v.data.slice(t * inner, (t + 1) * inner), v.shape.slice(1));
}

/** Moves axis `a` to the front (and back with `inverse`). */
function toFront(v: Value, a: number, inverse = false): Value {
  if (a === 0) return v;
  const r = v.shape.length;
  const perm = Array.from({ length: r }, (_, i) => i);
  perm.splice(a, 1);
  perm.unshift(a);
  if (!inverse) return transpose(v, perm);
  const inv = new Array<number>(r);
  perm.forEach((p, i) => (inv[p] = i));
  return transpose(v, inv);
}

function scanOp(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  if (ctx.opset < 9)
    throw new UnsupportedError(`${ctx.where}: Scan before opset 9 (with a batch axis) is not supported`);
  const run = ctx.runSubgraph;
  if (!run) throw new FormatError(`${ctx.where}: attribute body must be a graph`);
  const m = attrInt(ctx, 'num_scan_inputs', -1);
  const all = inputs.map((v, i) => {
    if (!v) throw new FormatError(`${ctx.where}: input ${i} is required; got none`);
    return v;
  });
  if (m < 1 || m > all.length)
    throw new FormatError(`${ctx.where}: num_scan_inputs must be in [1, ${all.length}]; got ${m}`);
  const nState = all.length - m;
  const inDirs = attrInts(ctx, 'scan_input_directions') ?? new Array<number>(m).fill(0);
  const inAxes = attrInts(ctx, 'scan_input_axes') ?? new Array<number>(m).fill(0);
  const scans = all
    .slice(nState)
    .map((v, i) => toFront(v, inAxes[i] < 0 ? inAxes[i] + v.shape.length : inAxes[i]));
  const T = scans[0].shape[0];
  for (const s of scans)
    if (s.shape[0] !== T)
      throw new ShapeError(`${ctx.where}: scan inputs must have the same length; got ${T} and ${s.shape[0]}`);
  let state = all.slice(0, nState);
  const nOut = ctx.node.outputs.length - nState;
  const outDirs = attrInts(ctx, 'scan_output_directions') ?? new Array<number>(nOut).fill(0);
  const outAxes = attrInts(ctx, 'scan_output_axes') ?? new Array<number>(nOut).fill(0);
  const collected: Value[][] = Array.from({ length: nOut }, () => new Array<Value>(T));
  for (let k = 0; k < T; k++) {
    const slices = scans.map((s, i) => slice0(s, inDirs[i] === 1 ? T - 1 - k : k));
    const outs = run('body', [...state, ...slices]);
    if (outs.length !== nState + nOut)
      throw new FormatError(`${ctx.where}: body must have ${nState + nOut} outputs; got ${outs.length}`);
    state = outs.slice(0, nState);
    for (let j = 0; j < nOut; j++) collected[j][outDirs[j] === 1 ? T - 1 - k : k] = outs[nState + j];
  }
  const scanned = collected.map((parts, j) => {
    const shape = T > 0 ? parts[0].shape : [];
    const out = allocValue(T > 0 ? parts[0].kind : 'float32', [T, ...shape]);
    parts.forEach((p, t) => out.data.set(p.data, t * p.data.length));
    const r = shape.length + 1;
    const a = outAxes[j] < 0 ? outAxes[j] + r : outAxes[j];
    return toFront(out, a, true);
  });
  return [...state, ...scanned];
}

export const SCAN_OPS: Record<string, OpImpl> = { Scan: scanOp };
