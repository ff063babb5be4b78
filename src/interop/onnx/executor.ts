// Runs an ONNX graph node by node over executor values. The graph is checked when the
// model is imported (known ops, a known opset, every input produced before it is used),
// so a model that imports runs.
import { FormatError, UnsupportedError } from '../../core/errors.js';
import type { OnnxGraph, OnnxModelProto, OnnxNode } from './model.js';
import type { OpContext, OpImpl } from './op-context.js';
import { ELEMENTWISE_OPS } from './ops-elementwise.js';
import { LINALG_OPS } from './ops-linalg.js';
import { RECURRENT_OPS } from './ops-recurrent.js';
import { SHAPE_OPS } from './ops-shape.js';
import { SCAN_OPS } from './ops-scan.js';
import type { Value } from './value.js';

const OPS: Record<string, OpImpl> = {
  ...ELEMENTWISE_OPS,
  ...SHAPE_OPS,
  ...LINALG_OPS,
  ...RECURRENT_OPS,
  ...SCAN_OPS,
};

/**
 * The ONNX ops (default domain) that `importOnnx` models can contain, sorted.
 * @example SUPPORTED_ONNX_OPS.includes('LSTM'); // true
 */
export const SUPPORTED_ONNX_OPS: readonly string[] = Object.keys(OPS).sort();

/** The oldest and newest default-domain opsets accepted. */
export const MIN_OPSET = 7;
export const MAX_OPSET = 23;

export interface CompiledGraph {
  readonly steps: readonly { ctx: OpContext; impl: OpImpl; subgraphs: ReadonlyMap<string, CompiledGraph> }[];
  readonly graph: OnnxGraph;
  /** Graph inputs the caller feeds (those that are not initializers). */
  readonly feeds: readonly string[];
}

/** Checks a parsed model and prepares it to run; throws before anything runs. */
export function compileGraph(model: OnnxModelProto, file: string): CompiledGraph {
  const opsetEntry = model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  const opset = opsetEntry?.version ?? 1;
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new UnsupportedError(
      `${file}: the default-domain opset must be in [${MIN_OPSET}, ${MAX_OPSET}]; got ${opset}`,
    );
  }
  return compileSubgraph(model.graph, opset, file, new Set());
}

/**
 * Checks one graph (the main graph, or a Scan/Loop body that may read `outer` names of
 * the enclosing scopes) and prepares it to run.
 */
export function compileSubgraph(
  g: OnnxGraph,
  opset: number,
  file: string,
  outer: ReadonlySet<string>,
): CompiledGraph {
  const known = new Set<string>([...outer, ...g.initializers.keys()]);
  const feeds = g.inputs.map((i) => i.name).filter((n) => !g.initializers.has(n));
  for (const n of feeds) known.add(n);
  const steps = g.nodes.map((node: OnnxNode) => {
    const where = `${file} node '${node.name}' (${node.opType})`;
    if (node.domain !== '' && node.domain !== 'ai.onnx') {
      throw new UnsupportedError(`${where}: op domain must be the default ONNX domain; got '${node.domain}'`);
    }
    const impl = OPS[node.opType];
    if (!impl)
      throw new UnsupportedError(
        `${file}: op ${node.opType} (node '${node.name}') is not supported; supported ops: ${SUPPORTED_ONNX_OPS.join(', ')}`,
      );
    for (const i of node.inputs) {
      if (i !== '' && !known.has(i))
        throw new FormatError(
          `${where}: input '${i}' must be produced by an earlier node, an initializer or a graph input; got none`,
        );
    }
    const subgraphs = new Map<string, CompiledGraph>();
    for (const [k, v] of node.attributes) {
      if (typeof v === 'object' && 'nodes' in v)
        subgraphs.set(k, compileSubgraph(v, opset, `${file} node '${node.name}' ${k}`, known));
    }
    for (const o of node.outputs) if (o !== '') known.add(o);
    return { ctx: { node, where, opset }, impl, subgraphs };
  });
  for (const o of g.outputs) {
    if (!known.has(o.name))
      throw new FormatError(
        `${file}: graph output '${o.name}' must be produced by a node, an initializer or an input; got none`,
      );
  }
  return { steps, graph: g, feeds };
}

/** Runs a compiled graph on the given feeds (and the values of enclosing scopes); returns every graph output. */
export function runGraph(
  c: CompiledGraph,
  feeds: ReadonlyMap<string, Value>,
  outer?: ReadonlyMap<string, Value>,
): Map<string, Value> {
  const env = new Map<string, Value>(outer ?? []);
  for (const [k, v] of c.graph.initializers) env.set(k, v);
  for (const [k, v] of feeds) env.set(k, v);
  for (const { ctx, impl, subgraphs } of c.steps) {
    const ins = ctx.node.inputs.map((n) => (n === '' ? undefined : env.get(n)));
    const runSubgraph = (name: string, inputs: readonly Value[]): Value[] => {
      const sub = subgraphs.get(name);
      if (!sub) throw new FormatError(`${ctx.where}: attribute ${name} must be a graph; got none`);
      if (inputs.length !== sub.feeds.length) {
        throw new FormatError(
          `${ctx.where}: ${name} must take ${inputs.length} inputs; got a graph with ${sub.feeds.length}`,
        );
      }
      const out = runGraph(sub, new Map(sub.feeds.map((n, i) => [n, inputs[i]])), env);
      return sub.graph.outputs.map((o) => out.get(o.name)!);
    };
    const outs = impl(subgraphs.size > 0 ? { ...ctx, runSubgraph } : ctx, ins);
    ctx.node.outputs.forEach((name, i) => {
      const v = outs[i];
      if (name !== '' && v) env.set(name, v);
    });
  }
  const result = new Map<string, Value>();
  for (const o of c.graph.outputs) result.set(o.name, env.get(o.name)!);
  return result;
}
