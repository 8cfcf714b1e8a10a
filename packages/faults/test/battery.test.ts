import { describe, expect, it } from 'vitest';
import { type FaultRunOptions, runFaults } from '../src/fault-run.js';
import { reportLine } from '../src/report-line.js';
import { missingServers } from '../src/servers-available.js';

const missing = missingServers();
const required = process.env.CI === 'true' || process.env.REQUIRE_SERVICES === '1';
if (missing !== null && required) throw new Error(`The fault battery cannot run: ${missing}.`);
if (missing !== null) console.warn(`SKIPPED the fault battery: ${missing}.`);

// Long enough that a loaded CI machine (other suites run beside this one) still meets it.
const LEASE_TTL_MS = 4_000;

/** Every scenario: a few hundred bids a second through two houses, one kill, tokens with a past. */
const common = {
  faults: 1,
  bidsPerSecond: 300,
  leaseTtlMs: LEASE_TTL_MS,
  downMs: 1_000,
  warmMs: 1_500,
  afterMs: 0,
  tokenHistory: 5,
  recoveryLimitMs: LEASE_TTL_MS,
} as const;

const scenarios: Array<{ name: string; options: FaultRunOptions }> = [
  // Redis keeps no data: it comes back empty, its lease tokens counting from 1 again.
  { name: 'hybrid, Redis killed and restarted empty', options: { ...common, stack: 'hybrid', target: 'redis' } },
  { name: 'hybrid, PostgreSQL killed', options: { ...common, stack: 'hybrid', target: 'postgres' } },
  // Redis alone keeps the ledger: it runs with an append-only file.
  { name: 'Redis, killed and restarted from its AOF', options: { ...common, stack: 'redis', target: 'redis' } },
  { name: 'PostgreSQL, killed', options: { ...common, stack: 'postgres', target: 'postgres' } },
];

describe.skipIf(missing !== null)('fault battery: servers killed with SIGKILL under load', () => {
  for (const { name, options } of scenarios) {
    it(`${name}: every accepted bid once in the ledger, service back within a lease TTL`, async () => {
      const report = await runFaults(options);
      const { check } = report;
      console.info(`[faults] ${reportLine(report)}`);
      expect(check.bidsChecked).toBe(report.bidsSent);
      expect(check.accepted).toBeGreaterThan(0);
      expect({
        lost: check.lost,
        doubled: check.doubled,
        rejectedButWritten: check.rejectedButWritten,
        unknown: check.unknown,
        unreplayable: check.unreplayable,
      }).toEqual({ lost: [], doubled: [], rejectedButWritten: [], unknown: [], unreplayable: [] });
      expect(report.recoveryMs).toHaveLength(options.faults);
      for (const ms of report.recoveryMs) expect(ms).not.toBeNull();
    });
  }
});
