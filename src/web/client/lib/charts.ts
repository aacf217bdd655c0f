/**
 * uPlot charts in the page's dark theme, sized to their container: a time series chart and a
 * categorical bar chart (models, agents, statuses).
 */
import uPlot from 'uplot';

export const PALETTE = ['#5b9cf6', '#f2a93b', '#3fc58a', '#e0607e', '#a987f5', '#35c2d1', '#d6c94a', '#f07f4f'];
/** Room for the widest tick label (uPlot calls this with the labels it is about to draw). */
const ySize = (_u: uPlot, values: string[] | null) => Math.max(40, 22 + 7 * Math.max(0, ...(values ?? []).map((v) => v.length)));

const AXIS = { stroke: '#9aa4b2', grid: { stroke: '#252b36', width: 1 }, ticks: { stroke: '#252b36', width: 1 }, font: '11px system-ui, sans-serif' };

function sizeOf(el: HTMLElement, height: number): { width: number; height: number } {
  return { width: Math.max(200, Math.floor(el.clientWidth || 320)), height };
}

/** Keeps a chart as wide as its container. */
function follow(el: HTMLElement, chart: () => uPlot | undefined, height: number): void {
  let last = 0;
  new ResizeObserver(() => {
    const w = Math.floor(el.clientWidth);
    const c = chart();
    if (!c || w === last || w < 50) return;
    last = w;
    c.setSize(sizeOf(el, height));
  }).observe(el);
}

export interface SeriesSpec {
  label: string;
  color?: string;
  /** Formats the legend value. */
  value?: (v: number | null) => string;
  fill?: boolean;
  scale?: string;
  /** Draw as bars (hourly buckets): one active hour stays visible, unlike a line. */
  bars?: boolean;
}

/** A line chart over time (x in epoch seconds). */
export class TimeChart {
  private chart: uPlot | undefined;
  /** Spacing of the x values: bars drawn from each x need this much room after the last one. */
  private step = 0;

  constructor(
    private readonly el: HTMLElement,
    private readonly series: SeriesSpec[],
    private readonly height = 150,
    private readonly yFormat: (v: number) => string = (v) => String(v),
  ) {
    follow(el, () => this.chart, height);
  }

  setData(x: number[], ys: (number | null)[][]): void {
    const data = [x, ...ys] as uPlot.AlignedData;
    this.step = this.series.some((s) => s.bars) && x.length > 1 ? x[1] - x[0] : 0;
    // One sample has no time span to draw on (uPlot would spread it over years): wait for a second.
    if (!this.chart && x.length < 2) return;
    if (this.chart) {
      this.chart.setData(data);
      return;
    }
    const fmt = this.yFormat;
    const opts: uPlot.Options = {
      ...sizeOf(this.el, this.height),
      cursor: { drag: { x: false, y: false } },
      legend: { show: this.series.length > 1, live: false },
      scales: { x: { time: true, range: (_u, min, max) => [min, max + this.step] } },
      axes: [{ ...AXIS }, { ...AXIS, size: ySize, values: (_u, splits) => splits.map((v) => fmt(v)) }],
      series: [
        {},
        ...this.series.map((s, i) => {
          const color = s.color ?? PALETTE[i % PALETTE.length];
          // uPlot merges options with Object.assign: a key set to undefined would erase its default
          // (an undefined `scale` leaves the y axis without a scale), so only set what is meant.
          const series: uPlot.Series = {
            label: s.label,
            stroke: color,
            width: s.bars ? 0 : 1.5,
            // Isolated points (one active hour between gaps) would be invisible as a line.
            points: { show: !s.bars && (x.length < 40 || ys[i].filter((v) => v !== null).length < 3) },
          };
          if (s.bars) {
            series.fill = `${color}bb`;
            series.paths = uPlot.paths.bars!({ size: [0.7, 24], align: 1 });
          } else if (s.fill) series.fill = `${color}33`;
          if (s.scale) series.scale = s.scale;
          if (s.value) series.value = (_u: uPlot, v: number | null) => s.value!(v);
          return series;
        }),
      ],
    };
    this.chart = new uPlot(opts, data, this.el);
  }
}

/** Vertical bars for named categories (the label under each bar is cut to fit). */
export class BarChart {
  private chart: uPlot | undefined;
  private labels: string[] = [];
  private key = '';

  constructor(
    private readonly el: HTMLElement,
    private readonly label: string,
    private readonly color = PALETTE[0],
    private readonly height = 150,
    private readonly yFormat: (v: number) => string = (v) => String(v),
  ) {
    follow(el, () => this.chart, height);
  }

  setData(labels: string[], values: number[]): void {
    const x = labels.map((_, i) => i);
    const data = [x, values] as uPlot.AlignedData;
    // Bars are indexed 0..n-1 and labelled at draw time, so a new order of the same number of
    // categories is only new data; a different count needs new splits and range: rebuild.
    const key = String(labels.length);
    this.labels = labels;
    if (this.chart && key === this.key) {
      this.chart.setData(data);
      return;
    }
    this.chart?.destroy();
    this.key = key;
    const fmt = this.yFormat;
    const n = Math.max(1, labels.length);
    const opts: uPlot.Options = {
      ...sizeOf(this.el, this.height),
      cursor: { show: false },
      legend: { show: false },
      scales: { x: { time: false, range: [-0.5, n - 0.5] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        {
          ...AXIS,
          splits: () => x,
          values: (u, splits) => {
            const room = Math.max(4, Math.floor(u.bbox.width / devicePixelRatio / n / 7));
            return splits.map((i) => {
              const l = this.labels[i] ?? '';
              return l.length > room ? l.slice(0, room - 1) + '…' : l;
            });
          },
        },
        { ...AXIS, size: ySize, values: (_u, splits) => splits.map((v) => fmt(v)) },
      ],
      series: [{}, { label: this.label, stroke: this.color, fill: `${this.color}bb`, width: 0, paths: uPlot.paths.bars!({ size: [0.6, 64] }), points: { show: false } }],
    };
    this.chart = new uPlot(opts, data, this.el);
  }
}
