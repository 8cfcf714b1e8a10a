import type { BenchRow } from './bench-row.js';
import { decades, escapeXml, linearTicks, shortNumber } from './chart-scales.js';
import { formatNumber } from './format-number.js';
import type { ScalingCurve, ScalingPoint } from './scaling.js';

/** One panel column: a curve, its x label and what its two rows plot. */
interface CurveLayout {
  readonly curve: ScalingCurve;
  readonly title: string;
  readonly x: string;
  readonly y: string;
  readonly y2: string;
  readonly color: string;
}

const CURVES: readonly CurveLayout[] = [
  {
    curve: 'auctions',
    title: 'Auctions the bids spread over',
    x: 'auctions (1,000 callers, memory)',
    y: 'bids/s',
    y2: 'p99 latency, ms',
    color: '#1f6feb',
  },
  {
    curve: 'bidders',
    title: 'Concurrent bidders',
    x: 'placeBid calls in flight (memory)',
    y: 'bids/s',
    y2: 'p99 latency, ms',
    color: '#8250df',
  },
  {
    curve: 'processes',
    title: 'Processes on one Redis',
    x: 'processes (100 callers each)',
    y: 'bids/s, all processes',
    y2: 'p99 latency, ms',
    color: '#cf222e',
  },
  {
    curve: 'scheduled',
    title: 'Scheduled auctions, idle',
    x: 'auctions waiting to open',
    y: 'heap held, MB',
    y2: 'CPU while idle, ms/s',
    color: '#1a7f37',
  },
];

/** The points the scaling suite put in its rows' details (one per point, the first row of each). */
export function scalingPointsOf(rows: readonly BenchRow[]): ScalingPoint[] {
  const seen = new Set<string>();
  const points: ScalingPoint[] = [];
  for (const row of rows) {
    const { curve, x, y, y2 } = row.details;
    if (typeof curve !== 'string' || typeof x !== 'number' || typeof y !== 'number' || typeof y2 !== 'number') continue;
    const key = `${curve}:${x}`;
    if (seen.has(key)) continue;
    seen.add(key);
    points.push({ curve: curve as ScalingCurve, x, y, y2 });
  }
  return points;
}

const PANEL_W = 270;
const PANEL_H = 190;
const MARGIN = { left: 62, right: 14, top: 30, bottom: 44 };
const GAP_X = 22;
const GAP_Y = 18;
const HEADER = 80;

interface PanelSpec {
  readonly left: number;
  readonly top: number;
  readonly layout: CurveLayout;
  readonly points: ReadonlyArray<{ x: number; y: number }>;
  readonly yLabel: string;
  readonly logY: boolean;
  readonly showTitle: boolean;
}

function panel(spec: PanelSpec): string {
  const { left, top, layout, points } = spec;
  const plotW = PANEL_W - MARGIN.left - MARGIN.right;
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
  const x0 = left + MARGIN.left;
  const y0 = top + MARGIN.top;
  const out: string[] = [];
  out.push(`<rect x="${left}" y="${top}" width="${PANEL_W}" height="${PANEL_H}" class="panel"/>`);
  if (spec.showTitle)
    out.push(`<text x="${left + PANEL_W / 2}" y="${top - 8}" class="title">${escapeXml(layout.title)}</text>`);
  if (points.length === 0) {
    out.push(`<text x="${left + PANEL_W / 2}" y="${top + PANEL_H / 2}" class="none">not measured in this run</text>`);
    return out.join('\n');
  }
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => Math.max(p.y, 1e-3));
  const xTicks = decades(Math.min(...xs), Math.max(...xs));
  const xLo = Math.log10(xTicks[0] as number);
  const xHi = Math.log10(xTicks.at(-1) as number);
  // A curve of 1, 2, 4 processes gets its own ticks: powers of ten would leave it in a corner.
  const xTickValues = Math.max(...xs) / Math.min(...xs) < 20 ? xs : xTicks;
  const xScale = (v: number) =>
    xTickValues === xs
      ? x0 +
        ((Math.log10(v) - Math.log10(Math.min(...xs))) / (Math.log10(Math.max(...xs) / Math.min(...xs)) || 1)) * plotW
      : x0 + ((Math.log10(v) - xLo) / (xHi - xLo)) * plotW;
  let yScale: (v: number) => number;
  let yTicks: number[];
  if (spec.logY) {
    yTicks = decades(Math.min(...ys), Math.max(...ys));
    const lo = Math.log10(yTicks[0] as number);
    const hi = Math.log10(yTicks.at(-1) as number);
    yScale = (v) => y0 + plotH - ((Math.log10(Math.max(v, 1e-3)) - lo) / (hi - lo)) * plotH;
  } else {
    yTicks = linearTicks(Math.max(...ys) * 1.08);
    const hi = yTicks.at(-1) as number;
    yScale = (v) => y0 + plotH - (v / hi) * plotH;
  }
  for (const t of yTicks) {
    const y = yScale(t);
    out.push(`<line x1="${x0}" y1="${y}" x2="${x0 + plotW}" y2="${y}" class="grid"/>`);
    out.push(`<text x="${x0 - 6}" y="${y + 4}" class="tick" text-anchor="end">${shortNumber(t)}</text>`);
  }
  for (const t of xTickValues) {
    const x = xScale(t);
    out.push(`<line x1="${x}" y1="${y0}" x2="${x}" y2="${y0 + plotH}" class="grid"/>`);
    out.push(`<text x="${x}" y="${y0 + plotH + 15}" class="tick" text-anchor="middle">${shortNumber(t)}</text>`);
  }
  out.push(`<rect x="${x0}" y="${y0}" width="${plotW}" height="${plotH}" class="frame"/>`);
  out.push(
    `<text x="${x0 + plotW / 2}" y="${y0 + plotH + 33}" class="axis" text-anchor="middle">${escapeXml(layout.x)}, log scale</text>`,
  );
  out.push(
    `<text x="${left + 13}" y="${y0 + plotH / 2}" class="axis" text-anchor="middle" transform="rotate(-90 ${left + 13} ${y0 + plotH / 2})">${escapeXml(spec.yLabel)}${spec.logY ? ' (log)' : ''}</text>`,
  );
  const sorted = [...points].sort((a, b) => a.x - b.x);
  const path = sorted.map((p, i) => `${i === 0 ? 'M' : 'L'}${xScale(p.x).toFixed(1)},${yScale(p.y).toFixed(1)}`);
  out.push(`<path d="${path.join(' ')}" fill="none" stroke="${layout.color}" stroke-width="2"/>`);
  for (const [i, p] of sorted.entries()) {
    const cx = xScale(p.x);
    const cy = yScale(p.y);
    out.push(`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="3.2" fill="${layout.color}"/>`);
    // Labels alternate above and below the line so that neighbours do not overlap.
    let dy = i % 2 === 0 ? -7 : 14;
    if (cy + dy < y0 + 10) dy = 14;
    else if (cy + dy > y0 + plotH - 3) dy = -7;
    const anchor = i === 0 ? 'start' : i === sorted.length - 1 ? 'end' : 'middle';
    out.push(
      `<text x="${cx.toFixed(1)}" y="${(cy + dy).toFixed(1)}" class="value" text-anchor="${anchor}">${shortNumber(p.y)}</text>`,
    );
  }
  return out.join('\n');
}

/**
 * The scaling curves as one SVG of small multiples: one column per curve, throughput (or heap)
 * on the top row with a linear y axis from zero, p99 latency (or idle CPU) below on a log axis;
 * x on a log scale; every point labelled with its value. Hand-written: no chart dependency.
 */
export function renderScalingChart(points: readonly ScalingPoint[], subtitle: string): string {
  const columns = CURVES;
  const width = columns.length * PANEL_W + (columns.length - 1) * GAP_X + 40;
  const height = HEADER + 2 * PANEL_H + GAP_Y + 34;
  const parts: string[] = [];
  for (const [c, layout] of columns.entries()) {
    const mine = points.filter((p) => p.curve === layout.curve);
    const left = 20 + c * (PANEL_W + GAP_X);
    parts.push(
      panel({
        left,
        top: HEADER,
        layout,
        points: mine.map((p) => ({ x: p.x, y: p.y })),
        yLabel: layout.y,
        logY: false,
        showTitle: true,
      }),
      panel({
        left,
        top: HEADER + PANEL_H + GAP_Y,
        layout,
        points: mine.map((p) => ({ x: p.x, y: p.y2 })),
        yLabel: layout.y2,
        logY: true,
        showTitle: false,
      }),
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif">
<style>
  .panel { fill: #ffffff; stroke: none; }
  .frame { fill: none; stroke: #8c959f; stroke-width: 1; }
  .grid { stroke: #eaeef2; stroke-width: 1; }
  .tick { font-size: 10px; fill: #57606a; }
  .axis { font-size: 11px; fill: #24292f; }
  .title { font-size: 13px; font-weight: 600; fill: #24292f; text-anchor: middle; }
  .value { font-size: 10px; fill: #24292f; font-weight: 600; }
  .none { font-size: 11px; fill: #8c959f; text-anchor: middle; }
  .heading { font-size: 16px; font-weight: 700; fill: #24292f; }
  .sub { font-size: 11px; fill: #57606a; }
</style>
<rect width="100%" height="100%" fill="#f6f8fa"/>
<text x="20" y="24" class="heading">Outcry scaling curves: bids/s or heap (top row), p99 latency or idle CPU (bottom row)</text>
<text x="20" y="42" class="sub">${escapeXml(subtitle)}</text>
${parts.join('\n')}
<text x="20" y="${height - 10}" class="sub">Top row: linear y from zero. Bottom row and every x axis: log scale. Written by bench/src/scaling-chart.ts from bench/results/scaling.json.</text>
</svg>
`;
}

/** The subtitle: machine and date, from the run header's facts. */
export function chartSubtitle(date: string, machine: string, load: readonly number[]): string {
  return `${date.slice(0, 10)}, ${machine}; load average ${load.map((l) => formatNumber(l)).join(' / ')} at the start (shared machine: expect noise)`;
}
