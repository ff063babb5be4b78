/*
 * A small hand-written SVG line chart for the forecasting examples and the CLI: axes with
 * "nice" ticks, x tick labels (time indices or dates), a legend, a dashed marker where the
 * forecast starts, and one polyline per series. No dependencies; written atomically
 * (temporary file in the same folder, then rename), so a crash never leaves half a plot.
 */

/** One line of the chart: `y[i]` is drawn at x = `start + i`; NaN values leave a gap. */
export interface PlotSeries {
  name: string;
  start: number;
  y: ArrayLike<number>;
  color: string;
  /** SVG stroke-dasharray, e.g. '6 4'. Default solid. */
  dash?: string;
  /** Stroke width. Default 2. */
  width?: number;
}

/** What {@link lineChartSvg} draws. */
export interface LineChart {
  title: string;
  /** Axis captions. */
  xLabel?: string;
  yLabel?: string;
  series: PlotSeries[];
  /** A label per x position (e.g. dates); default the index itself. */
  xTickLabel?: (x: number) => string;
  /** Preferred x tick positions (e.g. every January); default nice numbers. */
  xTicks?: number[];
  /** A dashed vertical marker with a caption, e.g. where the held-out tail starts. */
  marker?: { x: number; label: string };
  width?: number;
  height?: number;
}

/** Escapes text for SVG/XML content and attributes. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Tick step of about `span / count` rounded to 1, 2, 2.5 or 5 times a power of ten. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / Math.max(count, 1);
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  const m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return m * p;
}

/** Ticks covering [lo, hi] with a nice step; also returns the rounded-out range. */
export function niceTicks(lo: number, hi: number, count = 6): { ticks: number[]; lo: number; hi: number; step: number } {
  if (lo === hi) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  const step = niceStep(hi - lo, count);
  const a = Math.floor(lo / step) * step;
  const b = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let v = a; v <= b + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return { ticks, lo: a, hi: b, step };
}

function fmt(v: number, step: number): string {
  let d = 0;
  while (d < 6 && Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) > 1e-6) d++;
  return v.toFixed(d);
}

/** The chart as SVG text (a complete document starting with `<svg`). */
export function lineChartSvg(chart: LineChart): string {
  const W = chart.width ?? 960;
  const H = chart.height ?? 480;
  const m = { left: 72, right: 24, top: 70, bottom: 64 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const s of chart.series) {
    for (let i = 0; i < s.y.length; i++) {
      const v = s.y[i];
      if (!Number.isFinite(v)) continue;
      xMin = Math.min(xMin, s.start + i);
      xMax = Math.max(xMax, s.start + i);
      yMin = Math.min(yMin, v);
      yMax = Math.max(yMax, v);
    }
  }
  if (!Number.isFinite(xMin)) [xMin, xMax, yMin, yMax] = [0, 1, 0, 1];
  if (xMin === xMax) xMax = xMin + 1;
  const pad = (yMax - yMin) * 0.05;
  const yt = niceTicks(yMin - pad, yMax + pad, 6);
  const sx = (x: number): number => m.left + ((x - xMin) / (xMax - xMin)) * pw;
  const sy = (y: number): number => m.top + (1 - (y - yt.lo) / (yt.hi - yt.lo)) * ph;
  const label = chart.xTickLabel ?? ((x: number) => String(x));
  let xticks = chart.xTicks?.filter((x) => x >= xMin && x <= xMax);
  if (xticks === undefined || xticks.length === 0) {
    const step = Math.max(1, niceStep(xMax - xMin, 8));
    xticks = [];
    for (let x = Math.ceil(xMin / step) * step; x <= xMax; x += step) xticks.push(x);
  }
  // thin out x ticks whose labels would overlap (about 7 px per character)
  const maxLabel = Math.max(...xticks.map((x) => label(x).length), 1);
  const minGap = maxLabel * 7 + 12;
  const kept: number[] = [];
  for (const x of xticks) if (kept.length === 0 || sx(x) - sx(kept[kept.length - 1]) >= minGap) kept.push(x);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${esc(chart.title)}</text>`);
  // grid and y ticks
  for (const v of yt.ticks) {
    const y = sy(v).toFixed(1);
    out.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="#e5e5e5" stroke-width="1"/>`);
    out.push(`<line x1="${m.left - 5}" y1="${y}" x2="${m.left}" y2="${y}" stroke="#333" stroke-width="1"/>`);
    out.push(`<text x="${m.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(fmt(v, yt.step))}</text>`);
  }
  // x ticks
  for (const x of kept) {
    const px = sx(x).toFixed(1);
    out.push(`<line x1="${px}" y1="${m.top + ph}" x2="${px}" y2="${m.top + ph + 5}" stroke="#333" stroke-width="1"/>`);
    out.push(`<text x="${px}" y="${m.top + ph + 19}" text-anchor="middle">${esc(label(x))}</text>`);
  }
  // axes
  out.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}" stroke="#333" stroke-width="1"/>`);
  out.push(`<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}" stroke="#333" stroke-width="1"/>`);
  if (chart.xLabel) out.push(`<text x="${m.left + pw / 2}" y="${H - 16}" text-anchor="middle">${esc(chart.xLabel)}</text>`);
  if (chart.yLabel) {
    out.push(`<text x="18" y="${m.top + ph / 2}" text-anchor="middle" transform="rotate(-90 18 ${m.top + ph / 2})">${esc(chart.yLabel)}</text>`);
  }
  // forecast-start marker
  if (chart.marker && chart.marker.x >= xMin && chart.marker.x <= xMax) {
    const px = sx(chart.marker.x).toFixed(1);
    out.push(`<line x1="${px}" y1="${m.top}" x2="${px}" y2="${m.top + ph}" stroke="#888" stroke-width="1" stroke-dasharray="4 4"/>`);
    out.push(`<text x="${(sx(chart.marker.x) + 6).toFixed(1)}" y="${m.top + 14}" fill="#555">${esc(chart.marker.label)}</text>`);
  }
  // lines (clipped to the plot area)
  out.push(`<clipPath id="plot-area"><rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}"/></clipPath>`);
  for (const s of chart.series) {
    let pts: string[] = [];
    const flush = (): void => {
      if (pts.length > 0) {
        const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
        out.push(`<polyline clip-path="url(#plot-area)" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 2}"${dash} stroke-linejoin="round" points="${pts.join(' ')}"/>`);
      }
      pts = [];
    };
    for (let i = 0; i < s.y.length; i++) {
      const v = s.y[i];
      if (!Number.isFinite(v)) {
        flush();
        continue;
      }
      pts.push(`${sx(s.start + i).toFixed(1)},${sy(v).toFixed(1)}`);
    }
    flush();
  }
  // legend: one row under the title, above the plot, centred
  const itemWidth = (s: PlotSeries): number => 36 + s.name.length * 6.6 + 24;
  const total = chart.series.reduce((a, s) => a + itemWidth(s), 0);
  let lx = Math.max(m.left, m.left + (pw - total) / 2);
  const ly = 50;
  for (const s of chart.series) {
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    out.push(`<line x1="${lx.toFixed(1)}" y1="${ly}" x2="${(lx + 28).toFixed(1)}" y2="${ly}" stroke="${s.color}" stroke-width="${s.width ?? 2}"${dash}/>`);
    out.push(`<text x="${(lx + 36).toFixed(1)}" y="${ly}" dominant-baseline="middle">${esc(s.name)}</text>`);
    lx += itemWidth(s);
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
