import { describe, expect, it } from 'vitest';
import type { BenchRow, Suite } from '../src/bench-row.js';
import { runEngineSuite } from '../src/engine.js';
import { runHouseMemorySuite } from '../src/house-memory.js';
import { renderTable } from '../src/results-report.js';
import { runScheduledAuctionsSuite } from '../src/scheduled-auctions.js';

// Each suite in its tiny mode: a few thousand operations, so this proves that the suites run and
// report well-formed rows. It asserts nothing about speed: figures from a tiny run mean nothing.
const suites: Array<[string, Suite]> = [
  ['engine', runEngineSuite],
  ['house-memory', runHouseMemorySuite],
  ['scheduled-auctions', runScheduledAuctionsSuite],
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
    });
  }
});
