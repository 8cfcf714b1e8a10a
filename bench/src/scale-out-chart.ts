/**
 * The scale-out curves as one SVG (`bench/results/scale-out.svg`): on top, aggregate bids/s
 * against processes for each curve, every point labelled with its bids/s and, beneath, the CPU
 * per bid of a process and of Redis; a dashed line shows what N times the first point would be.
 * Below, per-process CPU per bid, Redis CPU per bid and p99 against processes, every curve
 * together. Hand-written, like the scaling chart: no chart dependency.
 */
import type { BenchRow } from './bench-row.js';
import { escapeXml, linearTicks, shortNumber } from './chart-scales.js';
import type { ScaleOutCurve } from './scale-out.js';

/** One point of a curve, read back from a row's details. */
export interface ScaleOutPoint {
  readonly curve: ScaleOutCurve;
  /** Processes (servers for `http`, masters for `cluster`). */
  readonly x: number;
  readonly bidsPerSecond: number;
  readonly processCpuUsPerBid: number;
  readonly redisCpuUsPerBid: number;
  readonly p99Ms: number;
  /** The one-process figure this point is compared with, when it is not the curve's first point's. */
  readonly baselineBidsPerSecond?: number;
}

const CURVES: ReadonlyArray<{ curve: ScaleOutCurve; label: string; color: string }> = [
  { curve: 'spread', label: 'library houses, spread', color: '#cf222e' },
  { curve: 'spread-wide', label: 'library houses, spread, 16 partitions', color: '#bf8700' },
  { curve: 'spread-anywhere', label: 'library houses, spread, bids judged where they land', color: '#0a7d74' },
  { curve: 'routed', label: 'library houses, routed', color: '#1f6feb' },
  { curve: 'http', label: 'servers behind HAProxy, bids to their owner', color: '#8250df' },
  { curve: 'http-any', label: 'servers behind HAProxy, round robin', color: '#d63384' },
  {
    curve: 'http-any-anywhere',
    label: 'servers behind HAProxy, round robin, bids judged where they land',
    color: '#0a7d74',
  },
  { curve: 'cluster', label: 'Redis Cluster, masters capped', color: '#1a7f37' },
];

/** The points the scale-out suite put in its rows' details (the goal rows repeat a point: skipped). */
export function scaleOutPointsOf(rows: readonly BenchRow[]): ScaleOutPoint[] {
  const points: ScaleOutPoint[] = [];
  for (const row of rows) {
    const d = row.details;
    const curve = CURVES.find((c) => c.curve === d.scaleOutCurve)?.curve;
    if (curve === undefined) continue;
    const x = curve === 'cluster' ? d.masters : d.processes;
    if (typeof x !== 'number') continue;
    points.push({
      curve,
      x,
      bidsPerSecond: Number(d.bidsPerSecond),
      processCpuUsPerBid: Number(d.processCpuUsPerBid),
      redisCpuUsPerBid: Number(d.redisCpuUsPerBid),
      p99Ms: Number(d.p99Ms),
      ...(typeof d.baselineBidsPerSecond === 'number' ? { baselineBidsPerSecond: d.baselineBidsPerSecond } : {}),
    });
  }
  return points;
}

const PANEL_W = 440;
const PANEL_H = 250;
const SMALL_W = 290;
const SMALL_H = 200;
const MARGIN = { left: 58, right: 16, top: 16, bottom: 40 };
const GAP = 24;
/** Height of a line of the legend. */
const LEGEND_LINE = 16;
const HEADER = 84;

interface Series {
  readonly color: string;
  readonly points: ReadonlyArray<{ x: number; y: number; labels?: readonly string[] }>;
  readonly dashed?: boolean;
}

interface PanelSpec {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
}

/** A panel with a linear y from zero and the x values as evenly spaced categories. */
function panel(spec: PanelSpec): string {
  const plotW = spec.width - MARGIN.left - MARGIN.right;
  const plotH = spec.height - MARGIN.top - MARGIN.bottom;
  const x0 = spec.left + MARGIN.left;
  const y0 = spec.top + MARGIN.top;
  const out = [
    `<rect x="${spec.left}" y="${spec.top}" width="${spec.width}" height="${spec.height}" class="panel"/>`,
    `<text x="${spec.left + spec.width / 2}" y="${spec.top - 8}" class="title">${escapeXml(spec.title)}</text>`,
  ];
  // The scale follows what was measured; a dashed reference that leaves the plot is cut at its edge.
  const all = spec.series
    .filter((s) => s.dashed !== true)
    .flatMap((s) => s.points)
    .filter((p) => Number.isFinite(p.y));
  if (all.length === 0) {
    out.push(
      `<text x="${spec.left + spec.width / 2}" y="${spec.top + spec.height / 2}" class="none">not measured in this run</text>`,
    );
    return out.join('\n');
  }
  const xs = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
  const xAt = (x: number) => x0 + (xs.length === 1 ? plotW / 2 : (xs.indexOf(x) / (xs.length - 1)) * plotW);
  const yTicks = linearTicks(Math.max(...all.map((p) => p.y)) * 1.15);
  const top = yTicks.at(-1) as number;
  const yAt = (y: number) => y0 + plotH - (y / top) * plotH;
  for (const t of yTicks) {
    out.push(`<line x1="${x0}" y1="${yAt(t)}" x2="${x0 + plotW}" y2="${yAt(t)}" class="grid"/>`);
    out.push(`<text x="${x0 - 6}" y="${yAt(t) + 4}" class="tick" text-anchor="end">${shortNumber(t)}</text>`);
  }
  for (const x of xs)
    out.push(`<text x="${xAt(x)}" y="${y0 + plotH + 15}" class="tick" text-anchor="middle">${x}</text>`);
  out.push(`<rect x="${x0}" y="${y0}" width="${plotW}" height="${plotH}" class="frame"/>`);
  const clip = `plot-${spec.left}-${spec.top}`;
  out.push(`<clipPath id="${clip}"><rect x="${x0}" y="${y0}" width="${plotW}" height="${plotH}"/></clipPath>`);
  out.push(
    `<text x="${x0 + plotW / 2}" y="${y0 + plotH + 32}" class="axis" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
    `<text x="${spec.left + 13}" y="${y0 + plotH / 2}" class="axis" text-anchor="middle" transform="rotate(-90 ${spec.left + 13} ${y0 + plotH / 2})">${escapeXml(spec.yLabel)}</text>`,
  );
  for (const series of spec.series) {
    const points = series.points.filter((p) => Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
    if (points.length === 0) continue;
    const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${xAt(p.x).toFixed(1)},${yAt(p.y).toFixed(1)}`);
    const dash = series.dashed === true ? ` stroke-dasharray="4 4" stroke-opacity="0.5" clip-path="url(#${clip})"` : '';
    out.push(`<path d="${path.join(' ')}" fill="none" stroke="${series.color}" stroke-width="2"${dash}/>`);
    if (series.dashed === true) continue;
    for (const p of points) {
      const cx = xAt(p.x);
      const cy = yAt(p.y);
      out.push(`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="3.2" fill="${series.color}"/>`);
      const first = xs.indexOf(p.x) === 0;
      const last = xs.indexOf(p.x) === xs.length - 1;
      let anchor = first ? 'start' : last ? 'end' : 'middle';
      const lines = p.labels ?? [];
      const room = 14 * lines.length + 6;
      // Labels go above the point, or below it when another curve is higher at the same x; below
      // with no room there, beside the point.
      const under = all.some((q) => q.x === p.x && q.y > p.y && !series.points.includes(q));
      let at = (i: number) => ({ x: cx, y: cy - 8 - (lines.length - 1 - i) * 12 });
      if (under && y0 + plotH - cy > room) at = (i) => ({ x: cx, y: cy + 14 + i * 12 });
      else if (under) {
        anchor = last ? 'end' : 'start';
        at = (i) => ({ x: cx + (last ? -8 : 8), y: cy + 4 + i * 12 });
      } else if (cy - y0 < room) at = (i) => ({ x: cx, y: cy + 14 + i * 12 });
      for (const [i, label] of lines.entries()) {
        const { x, y } = at(i);
        out.push(
          `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" class="${i === 0 ? 'value' : 'note'}" fill="${series.color}" text-anchor="${anchor}">${escapeXml(label)}</text>`,
        );
      }
    }
  }
  return out.join('\n');
}

const us = (n: number) => (Number.isFinite(n) ? shortNumber(n) : '?');

function throughputSeries(points: readonly ScaleOutPoint[], curve: ScaleOutCurve, color: string): Series[] {
  const mine = points.filter((p) => p.curve === curve).sort((a, b) => a.x - b.x);
  const first = mine[0];
  if (first === undefined) return [];
  return [
    { color, dashed: true, points: mine.map((p) => ({ x: p.x, y: (first.bidsPerSecond * p.x) / first.x })) },
    {
      color,
      points: mine.map((p) => ({
        x: p.x,
        y: p.bidsPerSecond,
        labels: [
          `${shortNumber(p.bidsPerSecond)} (${(p.bidsPerSecond / (p.baselineBidsPerSecond ?? first.bidsPerSecond)).toFixed(2)}x)`,
          `${us(p.processCpuUsPerBid)} · ${us(p.redisCpuUsPerBid)} µs`,
        ],
      })),
    },
  ];
}

/** What the processes were given, from the first row of the suite: their CPU cap. */
export function scaleOutSettingOf(rows: readonly BenchRow[]): string {
  const first = rows.find((row) => typeof row.details.scaleOutCurve === 'string');
  if (first === undefined) return '';
  const { capped, capCores } = first.details;
  return capped === true
    ? `Each house or server process in a cgroup of its own, capped at ${capCores} core; Redis and HAProxy uncapped unless said.`
    : 'UNCAPPED: cgroups could not be written here (see the rows), so the processes shared the cores.';
}

/** The chart; `subtitle` says where and when (see `chartSubtitle`), `setting` what each process had. */
export function renderScaleOutChart(points: readonly ScaleOutPoint[], subtitle: string, setting: string): string {
  const color = (curve: ScaleOutCurve) => CURVES.find((c) => c.curve === curve)?.color ?? '#000';
  const width = 3 * PANEL_W + 2 * GAP + 40;
  const height = HEADER + PANEL_H + GAP + 30 + SMALL_H + 64;
  const parts = [
    panel({
      left: 20,
      top: HEADER,
      width: PANEL_W,
      height: PANEL_H,
      title: 'Library houses on one Redis',
      xLabel: 'house processes (each with its own callers, capped)',
      yLabel: 'bids/s, all processes',
      series: [
        ...throughputSeries(points, 'spread', color('spread')),
        ...throughputSeries(points, 'spread-wide', color('spread-wide')),
        ...throughputSeries(points, 'spread-anywhere', color('spread-anywhere')),
        ...throughputSeries(points, 'routed', color('routed')),
      ],
    }),
    panel({
      left: 20 + PANEL_W + GAP,
      top: HEADER,
      width: PANEL_W,
      height: PANEL_H,
      title: 'Example servers behind HAProxy, HTTP bids',
      xLabel: 'server processes (capped)',
      yLabel: 'bids/s, all servers',
      series: [
        ...throughputSeries(points, 'http', color('http')),
        ...throughputSeries(points, 'http-any', color('http-any')),
        ...throughputSeries(points, 'http-any-anywhere', color('http-any-anywhere')),
      ],
    }),
    panel({
      left: 20 + 2 * (PANEL_W + GAP),
      top: HEADER,
      width: PANEL_W,
      height: PANEL_H,
      title: 'Redis Cluster, each master capped',
      xLabel: 'masters',
      yLabel: 'bids/s',
      series: throughputSeries(points, 'cluster', color('cluster')),
    }),
  ];
  const lower = HEADER + PANEL_H + GAP + 30;
  const byCurve = (value: (p: ScaleOutPoint) => number): Series[] =>
    CURVES.filter((c) => c.curve !== 'cluster').map((c) => ({
      color: c.color,
      points: points
        .filter((p) => p.curve === c.curve)
        .map((p) => ({ x: p.x, y: value(p), labels: [shortNumber(value(p))] })),
    }));
  const smallPanels: Array<[string, string, (p: ScaleOutPoint) => number]> = [
    ['CPU per bid of a process', 'µs a bid', (p) => p.processCpuUsPerBid],
    ['Redis CPU per bid', 'µs a bid', (p) => p.redisCpuUsPerBid],
    ['p99 latency', 'ms', (p) => p.p99Ms],
  ];
  for (const [i, [title, yLabel, value]] of smallPanels.entries()) {
    parts.push(
      panel({
        left: 20 + i * (SMALL_W + GAP),
        top: lower,
        width: SMALL_W,
        height: SMALL_H,
        title,
        xLabel: 'processes',
        yLabel,
        series: byCurve(value),
      }),
    );
  }
  const legendY = lower;
  const legendX = 20 + 3 * (SMALL_W + GAP) + 10;
  const legend = CURVES.map(
    (c, i) =>
      `<rect x="${legendX}" y="${legendY + i * LEGEND_LINE}" width="14" height="4" fill="${c.color}"/><text x="${legendX + 20}" y="${legendY + i * LEGEND_LINE + 6}" class="axis">${escapeXml(c.label)}</text>`,
  ).join('\n');
  const notes = [
    'Top: each point is labelled bids/s (ratio to one',
    'process; for houses, those run just before and',
    'after it), then "process · Redis" CPU per bid in',
    'µs. Dashed: N times the first point.',
    'Process CPU: its CPU / its bids; Redis: INFO cpu',
    '/ all bids. Every point passed the ledger check:',
    'each accepted bid in its ledger exactly once.',
  ]
    .map(
      (line, i) =>
        `<text x="${legendX}" y="${legendY + CURVES.length * LEGEND_LINE + 12 + i * 15}" class="sub">${escapeXml(line)}</text>`,
    )
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif">
<style>
  .panel { fill: #ffffff; stroke: none; }
  .frame { fill: none; stroke: #8c959f; stroke-width: 1; }
  .grid { stroke: #eaeef2; stroke-width: 1; }
  .tick { font-size: 10px; fill: #57606a; }
  .axis { font-size: 11px; fill: #24292f; }
  .title { font-size: 13px; font-weight: 600; fill: #24292f; text-anchor: middle; }
  .value { font-size: 10px; font-weight: 700; }
  .note { font-size: 9px; }
  .none { font-size: 11px; fill: #8c959f; text-anchor: middle; }
  .heading { font-size: 16px; font-weight: 700; fill: #24292f; }
  .sub { font-size: 11px; fill: #57606a; }
</style>
<rect width="100%" height="100%" fill="#f6f8fa"/>
<text x="20" y="24" class="heading">Outcry scale-out: N processes, each capped like a small machine</text>
<text x="20" y="42" class="sub">${escapeXml(subtitle)}</text>
<text x="20" y="58" class="sub">${escapeXml(setting)}</text>
${parts.join('\n')}
${legend}
${notes}
<text x="20" y="${height - 10}" class="sub">Written by bench/src/scale-out-chart.ts from bench/results/scale-out.json.</text>
</svg>
`;
}
