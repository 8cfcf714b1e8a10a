import type { FaultRunReport } from './fault-run.js';

/** One line of a run's figures: kills, bids checked, what the ledger check found, disruptions and recoveries. */
export function reportLine(report: FaultRunReport): string {
  const { check } = report;
  const recoveries = report.recoveryMs.map((ms) => (ms === null ? 'never' : `${ms} ms`)).join(', ');
  const disruptions = report.disruptionMs.map((ms) => `${ms} ms`).join(', ');
  return (
    `${report.stack}/${report.target}: ${report.faultsInjected} kill(s), ${check.bidsChecked} bids checked ` +
    `(${check.accepted} accepted, ${report.rejected} rejected, errors ${JSON.stringify(report.errors)}), ` +
    `${check.lost.length} lost, ${check.doubled.length} doubled; bids went unserved for ${disruptions} from each kill, ` +
    `all served again ${recoveries} after the server was back`
  );
}
