import { describe, expect, it } from 'vitest';
import type { BenchRow, Suite } from '../src/bench-row.js';
import { runEngineSuite } from '../src/engine.js';
import { runHouseMemorySuite } from '../src/house-memory.js';
import { renderTable } from '../src/results-report.js';
import { runScalingSuite } from '../src/scaling.js';
import { renderScalingChart, scalingPointsOf } from '../src/scaling-chart.js';
import { runScheduledAuctionsSuite } from '../src/scheduled-auctions.js';
import { probeService } from '../src/service-probe.js';
import { runUsersBuildInsteadSuite } from '../src/users-build-instead.js';

const redisUp = await probeService('redis');
const postgresUp = await probeService('postgres');

// Each suite in its tiny mode: a few thousand operations, so this proves that the suites run and
// report well-formed rows. It asserts nothing about speed: figures from a tiny run mean nothing.
const suites: Array<[string, Suite]> = [
  ['engine', runEngineSuite],
  ['house-memory', runHouseMemorySuite],
  ['scheduled-auctions', runScheduledAuctionsSuite],
  // Processes on Redis (child processes) when Redis answers; the in-memory curves always.
  ['scaling', (context) => runScalingSuite(context, { redis: redisUp })],
];

function expectWellFormed(row: BenchRow, suite: string): void {
  expect(row.suite).toBe(suite);
  expect(row.name.length).toBeGreaterThan(0);
  expect(row.baseline.length).toBeGreaterThan(0);
  expect(row.unit.length).toBeGreaterThan(0);
  expect(['higher', 'lower']).toContain(row.better);
  for (const [what, value] of [
    ['figure', row.figure],
    ['baselineFigure', row.baselineFigure],
    ['ratio', row.ratio],
  ] as const) {
    expect(Number.isFinite(value), `${row.name}: ${what} is ${value}`).toBe(true);
    expect(value, `${row.name}: ${what}`).toBeGreaterThan(0);
  }
  expect(row.ratio).toBeCloseTo(row.figure / row.baselineFigure, 9);
  expect(row.notes.length).toBeGreaterThan(0);
}

describe('bench suites in tiny mode', () => {
  for (const [name, run] of suites) {
    it(`${name} returns rows with positive finite figures and ratios`, async () => {
      const lines: string[] = [];
      const rows = await run({ mode: 'tiny', log: (line) => lines.push(line) });
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expectWellFormed(row, name);
      expect(lines.length).toBeGreaterThan(0);
      const table = renderTable(rows).split('\n');
      expect(table).toHaveLength(rows.length + 2);
      // Six cells per line: a pipe inside a note must have been escaped.
      for (const line of [table[0], ...table.slice(2)]) expect(line?.split(/(?<!\\)\|/)).toHaveLength(8);
      // The scaling suite starts child processes on Redis, whose start and stop can be slow on a
      // shared machine, so it gets room.
    }, 120_000);
  }
});

// CI sets REQUIRE_SERVICES=1: there a missing service fails the run instead of skipping the test.
it.runIf(process.env.REQUIRE_SERVICES === '1')('Redis and PostgreSQL answer (REQUIRE_SERVICES=1)', () => {
  expect({ redis: redisUp, postgres: postgresUp }).toEqual({ redis: true, postgres: true });
});

// The end-to-end comparison starts 5 child processes and both services: seconds, not minutes, in tiny mode.
describe.skipIf(!redisUp || !postgresUp)('what users build instead, tiny', () => {
  it('returns throughput and latency rows for both contenders, and cleans up', async () => {
    const lines: string[] = [];
    const rows = await runUsersBuildInsteadSuite({ mode: 'tiny', log: (line) => lines.push(line) });
    expect(rows.map((row) => row.unit)).toEqual(['bids/s', 'ms', 'ms']);
    for (const row of rows) expectWellFormed(row, 'users-build-instead');
    const details = rows[0]?.details ?? {};
    // Both answered bids, and the baseline's answers were committed rows.
    expect(details.outcryRequests).toBeGreaterThan(0);
    expect(details.baselineRequests).toBeGreaterThan(0);
    expect(details.baselineBidRows).toBeGreaterThan(0);
    expect(details.outcryErrors).toBe(0);
    expect(details.baselineErrors).toBe(0);
  }, 60_000);
});

describe('scaling chart', () => {
  it('draws one column per curve with every point labelled, from the rows', () => {
    const rows = [1, 10, 100].map((x) => ({
      suite: 'scaling',
      name: `scaling: ${x}`,
      figure: 1_000 * x,
      unit: 'bids/s',
      baseline: '1',
      baselineFigure: 1_000,
      ratio: x,
      better: 'higher' as const,
      notes: 'n',
      details: { curve: 'auctions', x, y: 1_000 * x, y2: x / 10 },
    }));
    const points = scalingPointsOf(rows);
    expect(points).toHaveLength(3);
    const svg = renderScalingChart(points, 'a <test> run');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('a &lt;test&gt; run');
    // Six circles: throughput and p99 of three points; the other curves say they were not measured.
    expect(svg.match(/<circle /g)).toHaveLength(6);
    expect(svg).toContain('100k');
    expect(svg.match(/not measured in this run/g)).toHaveLength(6);
  });
});
