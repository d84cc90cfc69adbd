/** One uPlot chart per host and application: the count per day, the thresholds, the forecast. */
import uPlot from 'uplot';
import type { TimelineSeries } from '../../timeline.js';

const COLORS = ['#c0392b', '#d68910'];

export function countChart(target: HTMLElement, s: TimelineSeries): uPlot {
  const past = s.points.map((p) => Date.parse(p.t) / 1000);
  const future = s.forecast.map((f) => Date.parse(f.t) / 1000);
  const xs = [...past, ...future];
  const current: (number | null)[] = [...s.points.map((p) => p.current), ...future.map(() => null)];
  // The forecast starts at the last real point so the two lines join.
  const forecast: (number | null)[] = [...past.map((_t, i) => (i === past.length - 1 ? s.points[i].current : null)), ...s.forecast.map((f) => f.count)];
  const thresholds = s.thresholds.slice(0, 2).map((m) => xs.map(() => m));
  const series: uPlot.Series[] = [
    {},
    { label: 'count', stroke: '#1f6fb2', width: 2, fill: 'rgba(31,111,178,0.08)' },
    { label: 'forecast (no new clients)', stroke: '#7f8c8d', dash: [6, 4], width: 1.5 },
    ...s.thresholds.slice(0, 2).map((m, i): uPlot.Series => ({ label: `threshold ${m}`, stroke: COLORS[i], width: 1, dash: [2, 3] })),
  ];
  const opts: uPlot.Options = {
    width: Math.max(320, Math.min(target.clientWidth || 560, 720)),
    height: 200,
    series,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, ...s.thresholds, 1) * 1.1] } },
    axes: [{}, { label: 'clients' }],
    legend: { show: true },
  };
  return new uPlot(opts, [xs, current, forecast, ...thresholds] as uPlot.AlignedData, target);
}
