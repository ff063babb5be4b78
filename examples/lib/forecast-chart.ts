/*
 * The forecast chart as a Vega-Lite specification: the actual series, the model's
 * forecasts with their prediction-interval band, the baselines (dashed), a rule where
 * the held-out tail starts, and the forecast past the end of the data. Plain data in,
 * plain JSON out (no Node APIs), so the same chart renders to SVG in Node
 * (lib/vega-render.ts) and draws in a browser with vega-embed.
 */

/** One line of the chart: a value per x. */
export interface ChartLine {
  name: string;
  /** x positions (indexes into `labels` when given) and values, same length. */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color: string;
  dash?: boolean;
  width?: number;
}

/** An interval band: lower and upper per x. */
export interface ChartBand {
  name: string;
  x: ArrayLike<number>;
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  color: string;
}

export interface ForecastChart {
  title: string;
  yLabel: string;
  lines: ChartLine[];
  bands: ChartBand[];
  /** Vertical rules, e.g. where the held-out tail starts. */
  markers: { x: number; label: string }[];
  /** A label per x index (dates): the x axis becomes temporal; null: the index itself. */
  labels: ((x: number) => string) | null;
  width?: number;
  height?: number;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Dates like `YYYY-MM` as ISO dates Vega parses the same everywhere. */
function isoDate(label: string): string {
  return /^\d{4}-\d{2}$/.test(label) ? `${label}-01` : label;
}

/** The Vega-Lite (v6) specification of a forecast chart. */
export function forecastChartSpec(c: ForecastChart): { [k: string]: Json } {
  const temporal = c.labels !== null;
  const xOf = (x: number): string | number => (c.labels ? isoDate(c.labels(x)) : x);
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
  const lineRows: Json[] = [];
  for (const l of c.lines)
    for (let i = 0; i < l.x.length; i++)
      lineRows.push({ x: xOf(l.x[i]), value: finite(l.y[i]), series: l.name });
  const bandRows: Json[] = [];
  for (const b of c.bands) {
    for (let i = 0; i < b.x.length; i++)
      bandRows.push({ x: xOf(b.x[i]), lower: finite(b.lower[i]), upper: finite(b.upper[i]), series: b.name });
  }
  const names = [...c.bands.map((b) => b.name), ...c.lines.map((l) => l.name)];
  const colors = [...c.bands.map((b) => b.color), ...c.lines.map((l) => l.color)];
  const xField: { [k: string]: Json } = {
    field: 'x',
    type: temporal ? 'temporal' : 'quantitative',
    title: temporal ? 'date' : 'time step',
  };
  const color: { [k: string]: Json } = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: names, range: colors },
    legend: { orient: 'bottom', columns: 3, symbolType: 'stroke', symbolStrokeWidth: 3, labelLimit: 320 },
  };
  const layer: Json[] = [];
  if (bandRows.length > 0) {
    layer.push({
      data: { values: bandRows },
      mark: { type: 'area', opacity: 0.22 },
      encoding: {
        x: xField,
        y: { field: 'lower', type: 'quantitative' },
        y2: { field: 'upper' },
        color,
        detail: { field: 'series' },
      },
    });
  }
  const dashed = c.lines.filter((l) => l.dash).map((l) => l.name);
  layer.push({
    data: { values: lineRows },
    mark: { type: 'line', strokeWidth: 2, interpolate: 'linear' },
    encoding: {
      x: xField,
      y: { field: 'value', type: 'quantitative', title: c.yLabel, scale: { zero: false } },
      color,
      strokeDash: {
        condition: { test: `indexof(${JSON.stringify(dashed)}, datum.series) >= 0`, value: [7, 4] },
        value: [1, 0],
      },
    },
  });
  for (const m of c.markers) {
    const at = xOf(m.x);
    layer.push({
      data: { values: [{ x: at, label: m.label }] },
      layer: [
        { mark: { type: 'rule', color: '#888888', strokeDash: [3, 3] }, encoding: { x: xField } },
        {
          mark: { type: 'text', align: 'left', dx: 4, dy: -4, baseline: 'bottom', color: '#555555', y: 0 },
          encoding: { x: xField, text: { field: 'label' } },
        },
      ],
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: c.title,
    width: c.width ?? 820,
    height: c.height ?? 380,
    background: 'white',
    layer,
  };
}
