import { missingServers, reportLine, runFaults } from '@outcry/faults';
import { type BenchRow, createRow, type SuiteContext } from './bench-row.js';

/** Kills per scenario, and how long the killed server stays down, per mode. */
const BUDGETS = {
  full: { faults: 6, downMs: 3_000, afterMs: 4_000 },
  quick: { faults: 2, downMs: 1_000, afterMs: 1_000 },
  tiny: { faults: 1, downMs: 500, afterMs: 0 },
} as const;

const SCENARIOS = [
  { stack: 'hybrid', target: 'redis' },
  { stack: 'hybrid', target: 'postgres' },
  { stack: 'redis', target: 'redis' },
  { stack: 'postgres', target: 'postgres' },
] as const;

const LEASE_TTL_MS = 2_000;

/**
 * The fault battery of `@outcry/faults`, longer: on each stack, its own servers, 300 bids/s
 * through two houses, the server killed with SIGKILL and started again several times, each
 * time down longer than a lease TTL in the full run. A row per scenario: how long callers went
 * unserved after each kill, against how long the server was down. A lost or doubled accepted
 * bid fails the suite.
 */
export async function runFaultsSoakSuite(context: SuiteContext): Promise<BenchRow[]> {
  const missing = missingServers();
  if (missing !== null) throw new Error(`The fault soak cannot start its servers: ${missing}.`);
  const budget = BUDGETS[context.mode];
  const rows: BenchRow[] = [];
  for (const scenario of SCENARIOS) {
    const report = await runFaults({
      ...scenario,
      ...budget,
      bidsPerSecond: 300,
      leaseTtlMs: LEASE_TTL_MS,
      warmMs: 2_000,
      tokenHistory: 5,
      log: context.log,
    });
    context.log(reportLine(report));
    const { check } = report;
    const broken =
      check.lost.length + check.doubled.length + check.rejectedButWritten.length + check.unreplayable.length;
    if (broken > 0)
      throw new Error(`${scenario.stack}/${scenario.target}: the ledger check failed: ${reportLine(report)}`);
    const disruption = report.disruptionMs.reduce((sum, ms) => sum + ms, 0) / report.disruptionMs.length;
    const recoveries = report.recoveryMs.filter((ms): ms is number => ms !== null);
    rows.push(
      createRow({
        suite: 'faults',
        name: `${scenario.stack} stack, ${scenario.target} killed (SIGKILL) ${report.faultsInjected}x under 300 bids/s: callers unserved after a kill, mean`,
        figure: disruption,
        unit: 'ms',
        baseline: `the ${budget.downMs} ms the server was down`,
        baselineFigure: budget.downMs,
        better: 'lower',
        notes: `${check.bidsChecked} bids checked, ${check.accepted} accepted: 0 lost, 0 doubled; all served again at most ${recoveries.length === report.recoveryMs.length ? Math.max(...recoveries) : 'never'} ms after the server was back (lease TTL ${LEASE_TTL_MS} ms)`,
        details: {
          faultsInjected: report.faultsInjected,
          bidsSent: report.bidsSent,
          bidsChecked: check.bidsChecked,
          accepted: check.accepted,
          rejected: report.rejected,
          errors: JSON.stringify(report.errors),
          lost: check.lost.length,
          doubled: check.doubled.length,
          disruptionMs: report.disruptionMs.join(','),
          recoveryMs: report.recoveryMs.join(','),
          leaseTtlMs: LEASE_TTL_MS,
          downMs: budget.downMs,
        },
      }),
    );
  }
  return rows;
}
