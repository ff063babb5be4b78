// What every ONNX op implementation receives, and the attribute/input readers they share.
import { FormatError, ShapeError, UnsupportedError } from '../../core/errors.js';
import type { OnnxAttributeValue, OnnxNode } from './model.js';
import { isFloat, type Value } from './value.js';

export interface OpContext {
  readonly node: OnnxNode;
  /** `file node 'name' (OpType)`, the prefix of every error message. */
  readonly where: string;
  /** The opset version of the node's domain. */
  readonly opset: number;
  /**
   * Runs the node's GRAPH attribute `name` (a Scan/Loop body) on its inputs in order, with
   * the enclosing scopes visible; returns its outputs in order. Set by the executor.
   */
  readonly runSubgraph?: (name: string, inputs: readonly Value[]) => Value[];
}

/** One op: its inputs (undefined for an omitted optional input), its outputs in order. */
export type OpImpl = (ctx: OpContext, inputs: readonly (Value | undefined)[]) => (Value | undefined)[];

export function attr(ctx: OpContext, name: string): OnnxAttributeValue | undefined {
  return ctx.node.attributes.get(name);
}

/**
 * Attribute `name` when it is of the ONNX type `want` (`ok` tells), undefined when the node
 * has none, else a FormatError naming both types. Behind the typed readers below.
 */
function typedAttr<T extends OnnxAttributeValue>(
  ctx: OpContext,
  name: string,
  ok: (v: OnnxAttributeValue) => v is T,
  want: string,
): T | undefined {
  const v = ctx.node.attributes.get(name);
  if (v === undefined || ok(v)) return v;
  throw new FormatError(
    `${ctx.where}: attribute ${name} must be ${want}; got ${Array.isArray(v) ? 'a list' : typeof v}`,
  );
}

const isNumber = (v: OnnxAttributeValue): v is number => typeof v === 'number';
const isInt = (v: OnnxAttributeValue): v is number => typeof v === 'number' && Number.isInteger(v);
const isString = (v: OnnxAttributeValue): v is string => typeof v === 'string';
const isNumbers = (v: OnnxAttributeValue): v is number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number');
const isStrings = (v: OnnxAttributeValue): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string');

export function attrInt(ctx: OpContext, name: string, dflt: number): number {
  return typedAttr(ctx, name, isInt, 'an INT') ?? dflt;
}

export function attrFloat(ctx: OpContext, name: string, dflt: number): number {
  return typedAttr(ctx, name, isNumber, 'a FLOAT') ?? dflt;
}

export function attrString(ctx: OpContext, name: string, dflt: string): string {
  return typedAttr(ctx, name, isString, 'a STRING') ?? dflt;
}

/** INTS (a single INT reads as a list of one). */
export function attrInts(ctx: OpContext, name: string): number[] | undefined {
  const v = ctx.node.attributes.get(name);
  return typeof v === 'number' ? [v] : typedAttr(ctx, name, isNumbers, 'INTS');
}

export function attrFloats(ctx: OpContext, name: string): number[] | undefined {
  return typedAttr(ctx, name, isNumbers, 'FLOATS');
}

export function attrStrings(ctx: OpContext, name: string): string[] | undefined {
  return typedAttr(ctx, name, isStrings, 'STRINGS');
}

/** A required input. */
export function need(ctx: OpContext, inputs: readonly (Value | undefined)[], i: number): Value {
  const v = inputs[i];
  if (!v) throw new FormatError(`${ctx.where}: input ${i} is required; got none`);
  return v;
}

export function needFloat(ctx: OpContext, inputs: readonly (Value | undefined)[], i: number): Value {
  const v = need(ctx, inputs, i);
  if (!isFloat(v))
    throw new UnsupportedError(`${ctx.where}: input ${i} must be float or double; got ${v.kind}`);
  return v;
}

/** An integer-list input (shapes, axes, indices), as plain numbers. */
export function intList(ctx: OpContext, v: Value, what: string): number[] {
  if (v.shape.length > 1)
    throw new ShapeError(`${ctx.where}: ${what} must be a 1-D tensor; got rank ${v.shape.length}`);
  return Array.from(v.data, Number);
}

/** Normalises a possibly negative axis for a rank. */
export function axisOf(ctx: OpContext, axis: number, rank: number, what = 'axis'): number {
  if (axis < -rank || axis >= rank)
    throw new ShapeError(`${ctx.where}: ${what} must be in [${-rank}, ${rank - 1}]; got ${axis}`);
  return axis < 0 ? axis + rank : axis;
}
