/*
 * Tensor printing with PyTorch's rules (torch/_tensor_str.py, as of PyTorch 2): one formatter per tensor
 * chooses integer, fixed or scientific notation and a common width from the values
 * printed; rows wrap at the line width; tensors of more than `threshold` elements show
 * `edgeitems` at each end of every dimension with `...` between.
 */
import { checkBoolean, checkNonNegativeInt, checkOptions, checkPositiveInt } from '../core/check.js';
import { ConfigError } from '../core/errors.js';
import { getDefaultDtype, type DataArray } from '../core/dtype.js';

/**
 * Options of `setPrintOptions`, PyTorch's `torch.set_printoptions`.
 *
 * @example
 * setPrintOptions({ precision: 2, threshold: 10, edgeitems: 2 });
 * console.log(String(arange(100))); // tensor([ 0.,  1., ..., 98., 99.])
 */
export interface PrintOptions {
  /** Digits after the decimal point. Default 4. */
  precision?: number;
  /** Tensors with more elements are summarized. Default 1000. */
  threshold?: number;
  /** Items shown at the start and the end of each summarized dimension. Default 3. */
  edgeitems?: number;
  /** Characters per line for wrapping. Default 80. */
  linewidth?: number;
  /** true: always scientific; false: never; null: chosen from the values (default). */
  sciMode?: boolean | null;
}

const DEFAULTS = {
  precision: 4,
  threshold: 1000,
  edgeitems: 3,
  linewidth: 80,
  sciMode: null as boolean | null,
};
const opts = { ...DEFAULTS };

/**
 * Sets how tensors print (`toString()`, `console.log`, `util.inspect`), like
 * `torch.set_printoptions`; `setPrintOptions()` without options restores the defaults.
 *
 * @example
 * setPrintOptions({ precision: 2 });
 * String(tensor([1 / 3, 2 / 3]));   // 'tensor([0.33, 0.67])'
 * setPrintOptions();
 */
export function setPrintOptions(options?: PrintOptions): void {
  if (options === undefined) {
    Object.assign(opts, DEFAULTS);
    return;
  }
  const op = 'setPrintOptions';
  checkOptions(op, options, ['precision', 'threshold', 'edgeitems', 'linewidth', 'sciMode']);
  const next = { ...opts };
  if (options.precision !== undefined)
    next.precision = checkNonNegativeInt(op, 'precision', options.precision);
  if (next.precision > 20)
    throw new ConfigError(`${op}: precision must be at most 20; got ${next.precision}`);
  if (options.threshold !== undefined)
    next.threshold = checkNonNegativeInt(op, 'threshold', options.threshold);
  if (options.edgeitems !== undefined)
    next.edgeitems = checkNonNegativeInt(op, 'edgeitems', options.edgeitems);
  if (options.linewidth !== undefined) next.linewidth = checkPositiveInt(op, 'linewidth', options.linewidth);
  if (options.sciMode !== undefined)
    next.sciMode = options.sciMode === null ? null : checkBoolean(op, 'sciMode', options.sciMode);
  Object.assign(opts, next);
}

/** The digits of `x` (finite, >= 0) rounded to `digits` places, ties to even (Python's format). */
function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  const exact = x.toFixed(Math.min(100, digits + 30)); // long enough to see a tie of a double >= 1e-4
  const rest = exact.slice(exact.length - 30);
  if (!/^50*$/.test(rest)) return s; // not a tie: toFixed rounds correctly
  const kept = exact.slice(0, exact.length - 30).replace(/\.$/, ''); // truncated to `digits` places
  return Number(kept[kept.length - 1]) % 2 === 0 ? kept : s; // toFixed rounds ties up; an even digit stays
}

/** `x` (finite, >= 0) as Python's `{:.Ne}`: ties to even, a signed exponent of at least 2 digits. */
function exponential(x: number, digits: number): string {
  let s = x.toExponential(digits);
  const exact = x.toExponential(Math.min(100, digits + 25));
  const [mant] = exact.split('e');
  const rest = mant.slice(mant.length - 25);
  if (/^50*$/.test(rest)) {
    const kept = mant.slice(0, mant.length - 25).replace(/\.$/, '');
    if (Number(kept[kept.length - 1]) % 2 === 0) s = `${kept}e${exact.split('e')[1]}`;
  }
  const [m, e] = s.split('e');
  const n = Number(e);
  return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

/** Python's `{:.Nf}` / `{:.Ne}` of any double (sign, nan, inf, -0 included). */
function pyFormat(v: number, digits: number, sci: boolean): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const neg = v < 0 || Object.is(v, -0);
  const body = sci ? exponential(Math.abs(v), digits) : fixed(Math.abs(v), digits);
  return neg ? `-${body}` : body;
}

/** torch's _Formatter: the notation and width of one tensor's printed values. */
class Formatter {
  intMode = true;
  sciMode = false;
  maxWidth = 1;

  constructor(
    readonly floating: boolean,
    values: readonly number[],
  ) {
    const p = opts.precision;
    if (!floating) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, String(v).length);
    } else {
      const nz = values.filter((v) => Number.isFinite(v) && v !== 0);
      if (nz.length > 0) {
        let min = Infinity;
        let max = 0;
        for (const v of nz) {
          const a = Math.abs(v);
          if (a < min) min = a;
          if (a > max) max = a;
        }
        this.intMode = nz.every((v) => v === Math.ceil(v));
        this.sciMode = opts.sciMode ?? (max / min > 1000 || max > 1e8 || min < 1e-4);
        for (const v of nz) {
          const w = this.sciMode
            ? pyFormat(v, p, true).length
            : this.intMode
              ? pyFormat(v, 0, false).length + 1
              : pyFormat(v, p, false).length;
          this.maxWidth = Math.max(this.maxWidth, w);
        }
      }
    }
  }

  format(v: number): string {
    let s: string;
    if (!this.floating) s = String(v);
    else if (this.sciMode) s = pyFormat(v, opts.precision, true);
    else if (this.intMode) s = pyFormat(v, 0, false) + (Number.isFinite(v) ? '.' : '');
    else s = pyFormat(v, opts.precision, false);
    return s.padStart(this.maxWidth);
  }
}

/** A strided view over the flat data: (offset, sizes) with row-major strides. */
interface View {
  data: DataArray;
  offset: number;
  shape: readonly number[];
}

function strideOf(shape: readonly number[]): number {
  let s = 1;
  for (let i = 1; i < shape.length; i++) s *= shape[i];
  return s;
}

function sub(v: View, i: number): View {
  return { data: v.data, offset: v.offset + i * strideOf(v.shape), shape: v.shape.slice(1) };
}

/** The indices shown along a dimension of size n. */
function shown(n: number, summarize: boolean): { head: number[]; tail: number[] } {
  const e = opts.edgeitems;
  if (summarize && n > 2 * e)
    return {
      head: Array.from({ length: e }, (_, i) => i),
      tail: Array.from({ length: e }, (_, i) => n - e + i),
    };
  return { head: Array.from({ length: n }, (_, i) => i), tail: [] };
}

/** The values printed (torch's get_summarized_data), in order. */
function summarizedValues(v: View, summarize: boolean, out: number[]): void {
  if (v.shape.length === 0) {
    out.push(v.data[v.offset]);
    return;
  }
  const { head, tail } = shown(v.shape[0], summarize);
  for (const i of [...head, ...tail]) {
    if (v.shape.length === 1) out.push(v.data[v.offset + i]);
    else summarizedValues(sub(v, i), summarize, out);
  }
}

function vectorStr(v: View, indent: number, summarize: boolean, f: Formatter): string {
  const elementLength = f.maxWidth + 2;
  const perLine = Math.max(1, Math.floor((opts.linewidth - indent) / elementLength));
  let data: string[];
  const n = v.shape[0];
  if (summarize && opts.edgeitems === 0) data = ['...'];
  else {
    const { head, tail } = shown(n, summarize);
    data = head.map((i) => f.format(v.data[v.offset + i]));
    if (tail.length > 0) data.push(' ...', ...tail.map((i) => f.format(v.data[v.offset + i])));
  }
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(', '));
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

function tensorStr(v: View, indent: number, summarize: boolean, f: Formatter): string {
  const dim = v.shape.length;
  if (dim === 0) return f.format(v.data[v.offset]);
  if (dim === 1) return vectorStr(v, indent, summarize, f);
  const { head, tail } = shown(v.shape[0], summarize);
  const slices = head.map((i) => tensorStr(sub(v, i), indent + 1, summarize, f));
  if (tail.length > 0) slices.push('...', ...tail.map((i) => tensorStr(sub(v, i), indent + 1, summarize, f)));
  return `[${slices.join(`,${'\n'.repeat(dim - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/** torch's _add_suffixes: `, suffix` on the last line, or on a new line past the line width. */
function addSuffixes(body: string, suffixes: readonly string[], indent: number): string {
  const parts = [body];
  let lastLineLen = body.length - body.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLineLen + s.length + 2 > opts.linewidth) {
      parts.push(`,\n${' '.repeat(indent)}${s}`);
      lastLineLen = indent + s.length;
    } else {
      parts.push(`, ${s}`);
      lastLineLen += s.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/** What `formatTensor` needs of a tensor. */
export interface Printable {
  readonly data: DataArray;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly requiresGrad: boolean;
  readonly gradFn: { readonly name: string } | null;
}

/**
 * The tensor as PyTorch prints it: `tensor([[0.1000, 0.2000]])`, with `dtype=float64`
 * (longshort's dtype names) when the dtype is not the default float one,
 * `requires_grad=True` or `grad_fn=<MulBackward>`.
 */
export function formatTensor(t: Printable): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  const n = t.data.length;
  let body: string;
  if (n === 0) {
    if (t.shape.length !== 1) suffixes.push(`size=(${t.shape.join(', ')}${t.shape.length === 1 ? ',' : ''})`);
    if (t.dtype !== getDefaultDtype()) suffixes.push(`dtype=${t.dtype}`);
    body = '[]';
  } else {
    if (t.dtype !== getDefaultDtype()) suffixes.push(`dtype=${t.dtype}`);
    const summarize = n > opts.threshold;
    const view: View = { data: t.data, offset: 0, shape: t.shape };
    const values: number[] = [];
    if (summarize) summarizedValues(view, true, values);
    else for (let i = 0; i < n; i++) values.push(t.data[i]);
    const f = new Formatter(t.dtype !== 'int32', values);
    body = tensorStr(view, indent, summarize, f);
  }
  if (t.gradFn !== null)
    suffixes.push(`grad_fn=<${t.gradFn.name.charAt(0).toUpperCase()}${t.gradFn.name.slice(1)}Backward>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent);
}
