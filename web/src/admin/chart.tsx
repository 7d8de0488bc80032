// chart.tsx - a chart of figures per day for the back office, drawn with
// uPlot on a canvas (this module is the only one that imports uPlot, so it
// stays in the admin bundle). Every chart has a visible title, a sentence
// that says what it shows, and a <details> table of the same numbers: the
// canvas itself is hidden from assistive technology, which reads those.
import 'uplot/dist/uPlot.min.css';
import uPlot from 'uplot';
import { useEffect, useRef } from 'preact/hooks';

const DAY = 86400;

/** One line or set of bars: the values line up with ChartProps.days. */
export interface ChartSeries {
  label: string;
  values: number[];
  /** how a value is written (legend, table) */
  format: (n: number) => string;
  /** how an axis tick is written (shorter) */
  tick?: (n: number) => string;
  kind?: 'line' | 'bars';
  /** series on the same axis share a scale name; 'money' (paise) steps by whole rupees, others by whole numbers */
  scale?: string;
  color: string;
  dashed?: boolean;
}

export interface ChartProps {
  /** stable selector for tests: data-chart="<id>" */
  id: string;
  title: string;
  /** the days, YYYY-MM-DD (the shop's days) */
  days: string[];
  series: ChartSeries[];
  /** one or two sentences that say what the chart shows */
  summary: string;
  /** shown beside the chart when there is nothing to see (all zeros) */
  empty?: string | null;
  height?: number;
}

/** 'YYYY-MM-DD' as seconds at UTC midnight (the axis is drawn in UTC, so a day stays that day). */
export function daySeconds(d: string): number {
  const [y, m, dd] = d.split('-').map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, dd ?? 1) / 1000;
}

const shortDay = new Intl.DateTimeFormat('en-IN', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const longDay = new Intl.DateTimeFormat('en-IN', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
/** 'YYYY-MM-DD' written for people ("Mon, 7 Dec 2026"). */
export const dayLabel = (d: string) => longDay.format(new Date(daySeconds(d) * 1000));

/** whole steps from `least` up: 1, 2, 5, 10, 20, 50... (counts: 1; paise: 100, whole rupees) */
function steps(least: number): number[] {
  const out: number[] = [];
  for (let p = least; p <= 1e14; p *= 10) out.push(p, 2 * p, 5 * p);
  return out;
}

function options(p: ChartProps, width: number): uPlot.Options {
  const scales: uPlot.Scales = {
    x: {
      time: true,
      // half a day either side, so the first and last bars are whole
      range: (_u, min, max) => [min - DAY / 2, max + DAY / 2],
    },
  };
  const names = [...new Set(p.series.map((s) => s.scale ?? 'y'))];
  for (const n of names) scales[n] = { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : n === 'money' ? 10000 : 5] };
  const few = p.days.length <= 62;
  const series: uPlot.Series[] = [
    { label: 'Day', value: (_u, v) => (v == null ? '—' : longDay.format(new Date(v * 1000))) },
    ...p.series.map((s): uPlot.Series => ({
      label: s.label,
      scale: s.scale ?? 'y',
      stroke: s.color,
      width: s.kind === 'bars' ? 1 : 2,
      fill: s.kind === 'bars' ? s.color + 'b3' : undefined,
      dash: s.dashed ? [6, 4] : undefined,
      paths: s.kind === 'bars' ? uPlot.paths.bars!({ size: [0.6, 40] }) : undefined,
      points: s.kind === 'bars' ? { show: false } : { show: few, size: 5, fill: '#fff' },
      value: (_u, v) => (v == null ? '—' : s.format(v)),
    })),
  ];
  const axes: uPlot.Axis[] = [
    {
      stroke: '#4b5563',
      grid: { show: false },
      incrs: [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY, 56 * DAY, 91 * DAY],
      space: 60,
      values: (_u, splits) => splits.map((v) => shortDay.format(new Date(v * 1000))),
    },
  ];
  names.forEach((n, i) => {
    const first = p.series.find((s) => (s.scale ?? 'y') === n)!;
    const fmt = first.tick ?? first.format;
    axes.push({
      scale: n,
      side: i === 0 ? 3 : 1,
      stroke: '#4b5563',
      grid: { show: i === 0, stroke: '#e5e8ec', width: 1 },
      size: 70,
      incrs: steps(n === 'money' ? 100 : 1),
      values: (_u, splits) => splits.map((v) => fmt(v)),
    });
  });
  return {
    width,
    height: p.height ?? 240,
    // days are drawn as UTC midnights: no shift by the browser's zone
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'UTC'),
    scales,
    series,
    axes,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
  };
}

function data(p: ChartProps): uPlot.AlignedData {
  return [p.days.map(daySeconds), ...p.series.map((s) => s.values)];
}

/** A chart of figures per day (see the file's comment). */
export function DayChart(p: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const titleId = `chart-${p.id}-title`;
  const summaryId = `chart-${p.id}-summary`;

  // (re)build on new figures; resize with the container
  useEffect(() => {
    const el = box.current;
    if (!el || p.days.length === 0) return;
    const width = () => Math.max(280, Math.floor(el.clientWidth || 600));
    const u = new uPlot(options(p, width()), data(p), el);
    plot.current = u;
    let frame = 0;
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const w = width();
        if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height: u.height });
      });
    });
    ro?.observe(el);
    return () => {
      ro?.disconnect();
      cancelAnimationFrame(frame);
      u.destroy();
      plot.current = null;
    };
  }, [p.id, p.days.join(','), ...p.series.map((s) => s.label + ':' + s.values.join(','))]);

  return (
    <figure class="admin-chart card" data-chart={p.id} aria-labelledby={titleId}>
      <h3 id={titleId} class="admin-chart-title">{p.title}</h3>
      <p id={summaryId} class="admin-chart-summary">{p.summary}</p>
      {p.empty && <p class="muted admin-chart-empty">{p.empty}</p>}
      {p.days.length > 0 && (
        // the picture; its words are the summary above and the table below
        <div class="admin-chart-canvas" ref={box} role="img" aria-labelledby={titleId} aria-describedby={summaryId} />
      )}
      {p.days.length > 0 && (
        <details class="admin-chart-table">
          <summary>Table of these figures</summary>
          <div class="admin-table-wrap">
            <table class="admin-table">
              <caption class="visually-hidden">{p.title}</caption>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  {p.series.map((s) => <th key={s.label} scope="col" class="num">{s.label}</th>)}
                </tr>
              </thead>
              <tbody>
                {p.days.map((d, i) => (
                  <tr key={d}>
                    <th scope="row">{dayLabel(d)}</th>
                    {p.series.map((s) => <td key={s.label} class="num">{s.format(s.values[i] ?? 0)}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </figure>
  );
}
