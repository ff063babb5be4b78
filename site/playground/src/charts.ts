/*
 * The playground's charts: Vega-Lite specifications compiled to Vega and drawn as SVG
 * (the same library the CLI's plots use). The loss chart is one View whose data set is
 * appended to as epochs arrive; the forecast chart is drawn once per run.
 */
import { View, changeset, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface LossPoint {
  epoch: number;
  loss: number;
  series: 'training' | 'validation';
}

function view(spec: TopLevelSpec, el: HTMLElement): View {
  const v = new View(parse(compile(spec).spec), { renderer: 'svg', container: el, hover: true });
  return v;
}

export class LossChart {
  private readonly v: View;
  constructor(el: HTMLElement) {
    this.v = view(
      {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: 'container',
        height: 220,
        data: { name: 'loss', values: [] },
        mark: { type: 'line', point: false },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
          y: { field: 'loss', type: 'quantitative', title: 'MSE (scaled)', scale: { type: 'log' } },
          color: { field: 'series', type: 'nominal', title: null, scale: { range: ['#d62728', '#1f77b4'] } },
        },
      },
      el,
    );
    void this.v.runAsync();
  }
  async add(points: LossPoint[]): Promise<void> {
    await this.v.change('loss', changeset().insert(points)).runAsync();
  }
  async clear(): Promise<void> {
    await this.v
      .change(
        'loss',
        changeset().remove(() => true),
      )
      .runAsync();
  }
}

export interface ForecastChartData {
  /** Values of the series, with `labels` (YYYY-MM) or null for time steps. */
  values: Float64Array;
  labels: string[] | null;
  testStart: number;
  predicted: Float64Array;
  baseline: Float64Array;
  /** The forecast's 95% interval. */
  lower: Float64Array;
  upper: Float64Array;
  /** Points before the tail to show. */
  context: number;
  baselineName: string;
}

/** Draws actual, the LSTM forecast with its interval band and the baseline over the tail, with the held-out marker. */
export async function drawForecast(el: HTMLElement, d: ForecastChartData): Promise<void> {
  const from = Math.max(0, d.testStart - d.context);
  const x = (i: number): string | number => (d.labels ? d.labels[i] : i);
  const rows: { t: string | number; value: number; series: string }[] = [];
  for (let i = from; i < d.values.length; i++) rows.push({ t: x(i), value: d.values[i], series: 'actual' });
  for (let i = 0; i < d.predicted.length; i++) {
    rows.push({ t: x(d.testStart + i), value: d.predicted[i], series: 'LSTM forecast' });
    rows.push({ t: x(d.testStart + i), value: d.baseline[i], series: d.baselineName });
  }
  const band = Array.from(d.lower, (lo, i) => ({ t: x(d.testStart + i), lo, hi: d.upper[i] }));
  const xField = d.labels
    ? { field: 't', type: 'temporal' as const, title: 'month' }
    : { field: 't', type: 'quantitative' as const, title: 'time step' };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 280,
    layer: [
      {
        data: { values: band },
        mark: { type: 'area', color: '#d62728', opacity: 0.25 },
        encoding: { x: xField, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
      },
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: xField,
          y: { field: 'value', type: 'quantitative', title: 'value', scale: { zero: false } },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: {
              domain: ['actual', 'LSTM forecast', d.baselineName],
              range: ['#222222', '#d62728', '#1f77b4'],
            },
          },
          strokeDash: {
            field: 'series',
            type: 'nominal',
            legend: null,
            scale: {
              domain: ['actual', 'LSTM forecast', d.baselineName],
              range: [
                [1, 0],
                [1, 0],
                [6, 4],
              ],
            },
          },
        },
      },
      {
        data: { values: [{ t: x(d.testStart), label: 'held-out tail' }] },
        layer: [
          { mark: { type: 'rule', color: '#888', strokeDash: [2, 2] }, encoding: { x: xField } },
          {
            mark: { type: 'text', align: 'left', dx: 4, dy: -120, color: '#555' },
            encoding: { x: xField, text: { field: 'label' } },
          },
        ],
      },
    ],
  };
  el.replaceChildren();
  await view(spec, el).runAsync();
}
