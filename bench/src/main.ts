import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchMode, BenchRow, SuiteContext } from './bench-row.js';
import { createCpuProfiler } from './cpu-profiler.js';
import { runEngineSuite } from './engine.js';
import { runHouseMemorySuite } from './house-memory.js';
import { collectMachineFacts } from './machine-facts.js';
import { describeRun, renderTable, type SuiteResult, writeResults } from './results-report.js';
import { renderScaleOutChart, scaleOutPointsOf, scaleOutSettingOf } from './scale-out-chart.js';
import { chartSubtitle, renderScalingChart, scalingPointsOf } from './scaling-chart.js';
import { runScheduledAuctionsSuite } from './scheduled-auctions.js';
import { probeService, SERVICE_URLS, type Service } from './service-probe.js';

/** One entry of the run: its name is the name of its results file. */
interface SuiteEntry {
  readonly name: string;
  readonly title: string;
  /** Part of `npm run bench:quick`. */
  readonly quick: boolean;
  /** Services that must answer, or the suite is skipped with a note. */
  readonly needs: readonly Service[];
  /** Services the suite uses when they answer (it leaves out what needs them otherwise). */
  readonly wants?: readonly Service[];
  /** `services`: the needed and wanted services that answer. */
  readonly run: (context: SuiteContext, services: ReadonlySet<Service>) => Promise<BenchRow[]>;
}

/**
 * Every suite, in the order they run. A new suite is a file exporting a `Suite` (or a function
 * adapted to one here) and one line in this list.
 */
const SUITES: readonly SuiteEntry[] = [
  { name: 'engine', title: 'pure engine, one hot auction', quick: true, needs: [], run: runEngineSuite },
  { name: 'house-memory', title: 'in-memory AuctionHouse', quick: true, needs: [], run: runHouseMemorySuite },
  {
    name: 'scheduled-auctions',
    title: '100,000 scheduled auctions idling',
    quick: true,
    needs: [],
    run: runScheduledAuctionsSuite,
  },
  // Stacks on real services, each behind its service probe. Imported lazily: a run without the
  // service never loads its driver, and one stack failing to load fails only its own suite.
  {
    name: 'redis-stack',
    title: 'Redis stack vs one Lua call per bid',
    quick: false,
    needs: ['redis'],
    run: async (context) => (await import('./redis-stack.js')).runRedisStackSuite(context),
  },
  {
    name: 'postgres-stack',
    title: 'Postgres stack vs one transaction per bid',
    quick: false,
    needs: ['postgres'],
    run: async (context) => (await import('./postgres-stack.js')).runPostgresStackSuite(context),
  },
  {
    name: 'http',
    title: 'HTTP bid placement vs a bare Fastify route; rate limits in Redis vs in process',
    quick: false,
    needs: [],
    wants: ['redis'],
    run: async (context, services) =>
      (await import('./http.js')).runHttpSuite(context, { redis: services.has('redis') }),
  },
  {
    name: 'ws-fanout',
    title: 'WebSocket fan-out vs bare ws broadcast',
    quick: false,
    needs: [],
    run: async (context) => (await import('./ws-fanout-suite.js')).runWsFanoutSuite(context),
  },
  // The headline: the whole server against the usual architecture, placing the same bids.
  {
    name: 'users-build-instead',
    title: 'whole server vs what users build instead (BullMQ, redlock, Postgres tx per bid)',
    quick: true,
    needs: ['redis', 'postgres'],
    run: async (context) => (await import('./users-build-instead.js')).runUsersBuildInsteadSuite(context),
  },
  {
    name: 'faults',
    title: 'fault soak: Redis and PostgreSQL killed and restarted under load (servers of its own)',
    quick: false,
    needs: [],
    run: async (context) => (await import('./faults-soak.js')).runFaultsSoakSuite(context),
  },
  {
    name: 'scale-out',
    title: 'scale-out: N capped processes (library houses, servers behind HAProxy) on Redis and Redis Cluster',
    quick: false,
    needs: [],
    run: async (context) => (await import('./scale-out.js')).runScaleOutSuite(context),
  },
  {
    name: 'scaling',
    title: 'scaling curves: auctions, bidders, processes on Redis, scheduled auctions',
    quick: true,
    needs: [],
    wants: ['redis'],
    run: async (context, services) =>
      (await import('./scaling.js')).runScalingSuite(context, { redis: services.has('redis') }),
  },
];

const HELP = `Usage: npm run bench [-- options]

  --quick            a representative subset in about a minute
  --tiny             a few thousand operations per suite: checks that everything runs, figures mean nothing
  --only <a,b>       run only these suites
  --skip <a,b>       skip these suites
  --no-services      skip the suites that need Redis or PostgreSQL
  --no-write         print the table only, write nothing to bench/results
  --cpu-profile      profile the system under test (not the baselines) of each suite that supports it
                     into bench/results/profiles/<label>.cpuprofile; summarise with
                     npx tsx src/cpu-profile-summary.ts results/profiles/<label>.cpuprofile
  --list             list the suites and exit

Redis and PostgreSQL are found through REDIS_URL and DATABASE_URL; a suite whose service does not
answer is skipped with a note. Run with --expose-gc (the npm scripts do) for exact heap figures.`;

function parseList(value: string | undefined): Set<string> | null {
  return value === undefined
    ? null
    : new Set(
        value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      tiny: { type: 'boolean', default: false },
      only: { type: 'string' },
      skip: { type: 'string' },
      'no-services': { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      'cpu-profile': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.list) {
    for (const s of SUITES) console.log(`${s.name.padEnd(20)} ${s.title}${s.quick ? '' : ' (full run only)'}`);
    return 0;
  }
  const mode: BenchMode = values.tiny ? 'tiny' : values.quick ? 'quick' : 'full';
  const only = parseList(values.only);
  const skip = parseList(values.skip) ?? new Set<string>();
  for (const name of [...(only ?? []), ...skip]) {
    if (!SUITES.some((s) => s.name === name)) throw new Error(`unknown suite "${name}"; try --list`);
  }
  const selected = SUITES.filter(
    (s) => (only === null ? mode !== 'quick' || s.quick : only.has(s.name)) && !skip.has(s.name),
  );

  const machine = collectMachineFacts();
  const command = `npm run bench${mode === 'quick' ? ':quick' : ''}${values.tiny ? ' -- --tiny' : ''}`;
  console.log(`Outcry bench, ${mode} mode: ${selected.map((s) => s.name).join(', ')}`);
  console.log(
    `${machine.cpuCount} x ${machine.cpuModel}, Node ${machine.node}, commit ${machine.gitCommit.slice(0, 10)}`,
  );
  if ((globalThis as { gc?: unknown }).gc === undefined)
    console.log('note: no --expose-gc, heap figures will be noisy');

  const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  const profile = values['cpu-profile'] ? createCpuProfiler(join(resultsDir, 'profiles')) : undefined;
  const results: SuiteResult[] = [];
  const notes: string[] = [];
  let failed = 0;
  const runStarted = performance.now();
  for (const [i, suite] of selected.entries()) {
    const tag = `[${i + 1}/${selected.length} ${suite.name}]`;
    const down: Service[] = [];
    for (const service of suite.needs) {
      if (values['no-services'] || !(await probeService(service))) down.push(service);
    }
    const services = new Set<Service>(suite.needs);
    for (const service of suite.wants ?? []) {
      if (!values['no-services'] && (await probeService(service))) services.add(service);
      else
        notes.push(
          `${suite.name}: ${service} not used (${values['no-services'] ? '--no-services' : 'does not answer'}); its part is left out`,
        );
    }
    if (down.length > 0) {
      const why = values['no-services']
        ? 'skipped (--no-services)'
        : `skipped: ${down.map((s) => `${s} does not answer at ${SERVICE_URLS[s]}`).join('; ')}`;
      console.log(`${tag} ${why}`);
      notes.push(`${suite.name}: ${why}`);
      continue;
    }
    console.log(`${tag} ${suite.title}...`);
    const started = performance.now();
    const elapsed = () => `${((performance.now() - started) / 1_000).toFixed(1)} s`;
    try {
      const log = (line: string) => console.log(`${tag} ${elapsed()} ${line}`);
      const rows: BenchRow[] = await suite.run(
        profile === undefined ? { mode, log } : { mode, log, profile },
        services,
      );
      results.push({ suite: suite.name, mode, machine, durationMs: performance.now() - started, rows });
      console.log(`${tag} done in ${elapsed()}`);
    } catch (error) {
      failed++;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`${tag} FAILED after ${elapsed()}: ${message}`);
      notes.push(`${suite.name}: failed (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  const rows = results.flatMap((r) => r.rows);
  const header = describeRun(mode, machine, command);
  console.log(`\nAll suites in ${((performance.now() - runStarted) / 1_000).toFixed(0)} s. ${header}\n`);
  console.log(renderTable(rows));
  for (const note of notes) console.log(`- ${note}`);
  if (!values['no-write'] && results.length > 0) {
    writeResults(resultsDir, results, header, notes);
    const points = scalingPointsOf(rows);
    const written = [...results.map((r) => `${r.suite}.json`), 'latest.md'];
    const subtitle = chartSubtitle(
      machine.date,
      `${machine.cpuCount} x ${machine.cpuModel}, Node ${machine.node}, ${mode} mode`,
      machine.loadAverage,
    );
    if (points.length > 0) {
      writeFileSync(join(resultsDir, 'scaling.svg'), renderScalingChart(points, subtitle));
      written.push('scaling.svg');
    }
    const scaleOutPoints = scaleOutPointsOf(rows);
    if (scaleOutPoints.length > 0) {
      writeFileSync(
        join(resultsDir, 'scale-out.svg'),
        renderScaleOutChart(scaleOutPoints, subtitle, scaleOutSettingOf(rows)),
      );
      written.push('scale-out.svg');
    }
    console.log(`\nWrote ${written.join(', ')} to bench/results/`);
  }
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
