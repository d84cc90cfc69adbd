/**
 * One uPlot chart per host and application: the active (uncapped) clients per day against the
 * threshold and the cap, dates in ISO form in the page's zone. The forecast "if no client returns"
 * is drawn only for a line at risk or below: for a healthy host it would be a cliff that never comes.
 */
import uPlot from 'uplot';
import type { TimelineSeries } from '../../timeline.js';
import { currentZone, isoDay, num, when } from './format.js';

const THRESHOLD_COLORS = ['#a4161a', '#9a5b00'];

export interface ChartOptions {
  /** Draw the forecast (the line's status is not ok). */
  forecast: boolean;
}

export function countChart(target: HTMLElement, s: TimelineSeries, options: ChartOptions): uPlot {
  const past = s.points.map((p) => Date.parse(p.t) / 1000);
  const future = options.forecast ? s.forecast.map((f) => Date.parse(f.t) / 1000) : [];
  const xs = [...past, ...future];
  const active: (number | null)[] = [...s.points.map((p) => p.active), ...future.map(() => null)];
  const lines: (number | null)[][] = [active];
  const series: uPlot.Series[] = [
    { value: (_u, v) => (v === null ? '' : when(v * 1000)) },
    { label: 'active clients', stroke: '#1f5f99', width: 2, fill: 'rgba(31,95,153,0.08)', value: (_u, v) => (v === null ? '' : num(v)) },
  ];
  if (options.forecast) {
    // joins the last real point, then the count if no client returned (never above the cap)
    lines.push([...past.map((_t, i) => (i === past.length - 1 ? s.points[i].current : null)), ...s.forecast.map((f) => f.count)]);
    series.push({ label: 'if no client returns', stroke: '#5c6670', dash: [6, 4], width: 1.5 });
  }
  for (const [i, m] of s.thresholds.slice(0, 2).entries()) {
    lines.push(xs.map(() => m));
    series.push({ label: `threshold ${m}`, stroke: THRESHOLD_COLORS[i], width: 1.5, dash: [2, 3], points: { show: false } });
  }
  if (s.cap > 0) {
    lines.push(xs.map(() => s.cap));
    series.push({ label: `cap ${s.cap}`, stroke: '#6b4fa0', width: 1, dash: [8, 3], points: { show: false } });
  }
  const top = Math.max(...s.points.map((p) => p.active), ...s.thresholds, s.cap, 1);
  const opts: uPlot.Options = {
    width: Math.max(260, Math.min(target.clientWidth || 560, 720)),
    height: 200,
    series,
    scales: { x: { time: true }, y: { range: () => [0, top * 1.1] } },
    axes: [
      { space: 90, values: (_u, splits) => splits.map((v) => isoDay(v * 1000)) },
      { label: 'clients', values: (_u, splits) => splits.map((v) => num(v)) },
    ],
    legend: { show: true },
    // ticks at midnight of the page's zone (UTC unless the reader switched to the browser's)
    ...(currentZone() === 'utc' ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC') } : {}),
  };
  return new uPlot(opts, [xs, ...lines] as uPlot.AlignedData, target);
}
