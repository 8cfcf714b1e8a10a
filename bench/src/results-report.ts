import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchMode, BenchRow } from './bench-row.js';
import { formatNumber } from './format-number.js';
import type { MachineFacts } from './machine-facts.js';

/** What one suite's JSON file holds. */
export interface SuiteResult {
  readonly suite: string;
  readonly mode: BenchMode;
  readonly machine: MachineFacts;
  readonly durationMs: number;
  readonly rows: readonly BenchRow[];
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The Markdown table: name | figure | baseline | baseline figure | ratio | notes. */
export function renderTable(rows: readonly BenchRow[]): string {
  const lines = ['| name | figure | baseline | baseline figure | ratio | notes |', '|---|---:|---|---:|---:|---|'];
  for (const row of rows) {
    const direction = row.better === 'higher' ? 'higher is better' : 'lower is better';
    lines.push(
      `| ${cell(row.name)} | ${formatNumber(row.figure)} ${row.unit} | ${cell(row.baseline)} | ${formatNumber(row.baselineFigure)} ${row.unit} | ${formatNumber(row.ratio)}x | ${cell(`${direction}; ${row.notes}`)} |`,
    );
  }
  return lines.join('\n');
}

/** One line saying where and how the figures were taken, above the table. */
export function describeRun(mode: BenchMode, machine: MachineFacts, command: string): string {
  return [
    `Measured with \`${command}\` (${mode} mode) on ${machine.date.slice(0, 10)}, commit ${machine.gitCommit.slice(0, 10)}${machine.gitDirty ? ' (with uncommitted changes)' : ''}:`,
    `${machine.cpuCount} x ${machine.cpuModel}, ${formatNumber(machine.totalMemoryMb / 1024)} GB, Node ${machine.node}, ${machine.os};`,
    `load average ${machine.loadAverage.join(' / ')} at the start.`,
    'Ratio = figure / baseline figure, both measured in the same run.',
  ].join(' ');
}

/** Write `<suite>.json` for each suite and `latest.md` with the whole table. */
export function writeResults(
  dir: string,
  results: readonly SuiteResult[],
  header: string,
  notes: readonly string[],
): void {
  mkdirSync(dir, { recursive: true });
  for (const result of results)
    writeFileSync(join(dir, `${result.suite}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const rows = results.flatMap((r) => r.rows);
  const text = [header, '', renderTable(rows), ...(notes.length > 0 ? ['', ...notes.map((n) => `- ${n}`)] : []), ''];
  writeFileSync(join(dir, 'latest.md'), text.join('\n'));
}
