/**
 * Scaling curves: how bids/s and p99 latency move with
 *   (a) the number of auctions the bids are spread over (in-memory house, 1,000 callers),
 *   (b) the number of concurrent bidders, i.e. placeBid calls in flight (in-memory house, 10,000 auctions),
 *   (c) the number of processes sharing one Redis (each a child process running an AuctionHouse
 *       on the Redis adapters with the same prefix and partitions, and its own load),
 * and (d) what scheduled auctions cost while idle (heap, CPU) as their number grows.
 * Each point is reported against the first point of its curve, measured in the same run, so a
 * ratio reads "how much of the small case's throughput is left" (or "how much more it costs").
 *
 * Run alone: `npx tsx --conditions=@outcry/source src/scaling.ts [--quick|--tiny]` from bench/.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type AuctionHouse, createAuctionHouse } from '@outcry/core';
import { type BenchMode, type BenchRow, createRow, type SuiteContext } from './bench-row.js';
import { boundChildLifetime, forkScript, nextMessage, stopChild } from './fork-script.js';
import { quantile } from './quantile.js';
import { measureScheduledCost } from './scheduled-auctions.js';

const SUITE = 'scaling';
const CHILD_FLAG = '--scaling-child';
const STARTING_PRICE = 1_000;
const INCREMENT = 1;

/** The curves, in the order of the chart. */
export type ScalingCurve = 'auctions' | 'bidders' | 'processes' | 'scheduled';

interface ScalingBudget {
  readonly auctionCounts: readonly number[];
  /** Callers in flight on curve (a). */
  readonly callers: number;
  readonly bidderCounts: readonly number[];
  /** Auctions of curve (b). */
  readonly biddersAuctions: number;
  readonly processCounts: readonly number[];
  /** Callers in flight in each process of curve (c), and its auctions. */
  readonly callersPerProcess: number;
  readonly processAuctions: number;
  readonly scheduledCounts: readonly number[];
  readonly scheduledIdleMs: number;
  /** Measured time per point (after a quarter of it as warm-up). */
  readonly pointMs: number;
  readonly redisPointMs: number;
}

const BUDGETS: Record<BenchMode, ScalingBudget> = {
  full: {
    auctionCounts: [1, 10, 100, 1_000, 10_000, 100_000],
    callers: 1_000,
    bidderCounts: [1, 10, 100, 1_000, 10_000],
    biddersAuctions: 10_000,
    processCounts: [1, 2, 4],
    callersPerProcess: 100,
    processAuctions: 1_000,
    scheduledCounts: [1_000, 10_000, 100_000],
    scheduledIdleMs: 3_000,
    pointMs: 3_000,
    redisPointMs: 4_000,
  },
  quick: {
    auctionCounts: [1, 100, 10_000, 100_000],
    callers: 1_000,
    bidderCounts: [1, 100, 10_000],
    biddersAuctions: 10_000,
    processCounts: [1, 2],
    callersPerProcess: 100,
    processAuctions: 1_000,
    scheduledCounts: [],
    scheduledIdleMs: 1_000,
    pointMs: 1_000,
    redisPointMs: 1_500,
  },
  tiny: {
    auctionCounts: [1, 10, 100],
    callers: 100,
    bidderCounts: [1, 10, 100],
    biddersAuctions: 100,
    processCounts: [1, 2],
    callersPerProcess: 10,
    processAuctions: 20,
    scheduledCounts: [100, 1_000],
    scheduledIdleMs: 100,
    pointMs: 150,
    redisPointMs: 300,
  },
};

/** One point of a curve; the chart reads these from the rows' details. */
export interface ScalingPoint {
  readonly curve: ScalingCurve;
  readonly x: number;
  /** Throughput curves: bids/s; scheduled: heap MB. */
  readonly y: number;
  /** Throughput curves: p99 ms; scheduled: idle CPU in ms per second. */
  readonly y2: number;
}

interface LoadFigures {
  readonly bids: number;
  readonly bidsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

/**
 * `callers` closed-loop callers, each placing one bid after another (next auction in turn, its
 * amount one step above the last on that auction) for `durationMs`; latency of every call.
 */
async function driveClosedLoop(
  callers: number,
  durationMs: number,
  auctionIds: readonly string[],
  amounts: number[],
  place: (auctionId: string, bidderId: string, amount: number) => Promise<unknown>,
): Promise<{ latencies: number[]; elapsedMs: number; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let turn = 0;
  const started = performance.now();
  const stopAt = started + durationMs;
  await Promise.all(
    Array.from({ length: callers }, async (_, lane) => {
      const bidderId = `bidder-${lane % 64}`;
      while (performance.now() < stopAt) {
        const k = turn++ % auctionIds.length;
        amounts[k] = (amounts[k] as number) + 10;
        const t0 = performance.now();
        try {
          await place(auctionIds[k] as string, bidderId, amounts[k] as number);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { latencies, elapsedMs: performance.now() - started, errors };
}

function summarize(latencies: number[], elapsedMs: number, errors: number): LoadFigures {
  latencies.sort((a, b) => a - b);
  return {
    bids: latencies.length,
    bidsPerSecond: (latencies.length * 1_000) / elapsedMs,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    errors,
  };
}

async function createAuctions(house: AuctionHouse, count: number, window = 10_000): Promise<string[]> {
  const ids: string[] = [];
  const endsAt = Date.now() + 3_600_000;
  for (let start = 0; start < count; start += window) {
    const created = await Promise.all(
      Array.from({ length: Math.min(window, count - start) }, (_, k) =>
        house.createAuction({
          sellerId: 'seller',
          title: `Scaling lot ${start + k}`,
          currency: 'USD',
          startingPrice: STARTING_PRICE,
          increment: { type: 'fixed', amount: INCREMENT },
          endsAt,
        }),
      ),
    );
    for (const auction of created) ids.push(auction.id);
  }
  return ids;
}

/** Warm up for a quarter of `durationMs`, then measure. */
async function measureHouse(house: AuctionHouse, ids: readonly string[], callers: number, durationMs: number) {
  const amounts = ids.map(() => STARTING_PRICE);
  const place = (auctionId: string, bidderId: string, amount: number) =>
    house.placeBid({ auctionId, bidderId, amount });
  await driveClosedLoop(callers, durationMs / 4, ids, amounts, place);
  const run = await driveClosedLoop(callers, durationMs, ids, amounts, place);
  return summarize(run.latencies, run.elapsedMs, run.errors);
}

// ---- curve (c): processes on Redis ----------------------------------------------------------

type ToChild =
  | { cmd: 'create'; count: number }
  | { cmd: 'go'; auctionIds: readonly string[]; warmupMs: number; durationMs: number; callers: number };
type FromChild =
  | { kind: 'ready'; owned: number }
  | { kind: 'created'; auctionIds: string[] }
  | { kind: 'result'; latencies: number[]; elapsedMs: number; errors: number; owned: number };

const is =
  <K extends FromChild['kind']>(kind: K) =>
  (message: unknown): message is Extract<FromChild, { kind: K }> =>
    (message as FromChild | null)?.kind === kind;

/** Wait (up to 10 s) until this house owns its fair share of the partitions. */
async function untilFairShare(house: AuctionHouse, partitions: number, processes: number): Promise<void> {
  const low = Math.floor(partitions / processes);
  const high = Math.ceil(partitions / processes);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const owned = house.metrics().partitions.owned.length;
    if ((owned >= low && owned <= high) || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A child process: an AuctionHouse on Redis (shared prefix and partitions) that bids when told. */
async function runChild(): Promise<void> {
  boundChildLifetime(300_000);
  const [{ createRedisAdapters }] = await Promise.all([import('@outcry/redis-adapter')]);
  const partitions = Number(process.env.BENCH_PARTITIONS ?? '16');
  const adapters = createRedisAdapters({
    redis: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: process.env.BENCH_PREFIX as string,
    partitions,
  });
  // Short leases: the houses share the partitions out within a second or two of starting.
  const house = createAuctionHouse({
    backend: adapters,
    partitions,
    houseId: `scaling-${process.pid}`,
    leaseTtlMs: 3_000,
  });
  await house.start();
  const send = (message: FromChild) => process.send?.(message);
  process.on('SIGTERM', () => {
    void (async () => {
      await house.stop();
      await adapters.close();
    })().finally(() => process.exit(0));
  });
  process.on('message', (message: ToChild) => {
    void (async () => {
      if (message.cmd === 'create') {
        send({ kind: 'created', auctionIds: await createAuctions(house, message.count, 1_000) });
      } else {
        // Steady state only: wait until the houses have shared the partitions out.
        await untilFairShare(house, partitions, Number(process.env.BENCH_PROCESSES ?? '1'));
        const amounts = message.auctionIds.map(() => STARTING_PRICE);
        // Amounts rise with time too, so bids from every process compete on the same auctions.
        const place = (auctionId: string, bidderId: string, amount: number) =>
          house.placeBid({ auctionId, bidderId: `${process.pid}-${bidderId}`, amount: amount + Date.now() * 10 });
        await driveClosedLoop(message.callers, message.warmupMs, message.auctionIds, amounts, place);
        const run = await driveClosedLoop(message.callers, message.durationMs, message.auctionIds, amounts, place);
        send({ kind: 'result', ...run, owned: house.metrics().partitions.owned.length });
      }
    })().catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  });
  send({ kind: 'ready', owned: house.metrics().partitions.owned.length });
}

/** `processes` children on one fresh prefix; aggregate bids/s and p99 over every call of every child. */
async function measureProcesses(
  processes: number,
  budget: ScalingBudget,
  redisUrl: string,
): Promise<LoadFigures & { owned: string }> {
  const prefix = `outcry-bench-scaling:${process.pid}:${processes}:${Date.now().toString(36)}:`;
  const env = {
    BENCH_REDIS_URL: redisUrl,
    BENCH_PREFIX: prefix,
    BENCH_PARTITIONS: '16',
    BENCH_PROCESSES: String(processes),
  };
  const file = fileURLToPath(import.meta.url);
  const children = Array.from({ length: processes }, () => forkScript(file, [CHILD_FLAG], { env }));
  try {
    await Promise.all(children.map((child, i) => nextMessage(child, is('ready'), 60_000, `scaling child ${i}`)));
    const first = children[0];
    if (first === undefined) throw new Error('no child');
    // Created once every process runs (their sequencers judge the creates).
    const created = nextMessage(first, is('created'), 60_000, 'creating auctions');
    first.send({ cmd: 'create', count: budget.processAuctions } satisfies ToChild);
    const { auctionIds } = await created;
    const go: ToChild = {
      cmd: 'go',
      auctionIds,
      warmupMs: budget.redisPointMs / 4,
      durationMs: budget.redisPointMs,
      callers: budget.callersPerProcess,
    };
    const results = await Promise.all(
      children.map((child, i) => {
        const result = nextMessage(child, is('result'), budget.redisPointMs * 4 + 60_000, `scaling child ${i}`);
        child.send(go);
        return result;
      }),
    );
    const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const errors = results.reduce((sum, r) => sum + r.errors, 0);
    const bidsPerSecond = results.reduce((sum, r) => sum + (r.latencies.length * 1_000) / r.elapsedMs, 0);
    return {
      bids: latencies.length,
      bidsPerSecond,
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      errors,
      owned: results.map((r) => r.owned).join('/'),
    };
  } finally {
    await Promise.all(children.map((child) => stopChild(child)));
    const [{ Redis }, { deleteMatching }] = await Promise.all([import('ioredis'), import('@outcry/redis-adapter')]);
    const admin = new Redis(redisUrl);
    await deleteMatching(admin, `${prefix}*`).catch(() => undefined);
    await admin.quit();
  }
}

// ---- the suite ---------------------------------------------------------------------------

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Options of the suite beyond its context (main.ts passes whether Redis answers). */
export interface ScalingOptions {
  /** Run curve (c); it needs Redis. */
  readonly redis: boolean;
  readonly redisUrl?: string;
}

/** Every curve as rows, each point against the first point of its curve. */
export async function runScalingSuite(context: SuiteContext, options: ScalingOptions): Promise<BenchRow[]> {
  const b = BUDGETS[context.mode];
  const rows: BenchRow[] = [];
  const throughputRows = (
    curve: ScalingCurve,
    label: (x: number) => string,
    points: Readonly<Array<{ x: number; figures: LoadFigures; extra?: Record<string, string | number> }>>,
    setting: string,
  ) => {
    const base = points[0];
    if (base === undefined) return;
    for (const { x, figures, extra } of points) {
      rows.push(
        createRow({
          suite: SUITE,
          name: `scaling: ${label(x)}`,
          figure: figures.bidsPerSecond,
          unit: 'bids/s',
          baseline: `${label(base.x)} (same run)`,
          baselineFigure: base.figures.bidsPerSecond,
          better: 'higher',
          notes: `${setting}; p99 ${figures.p99Ms.toFixed(2)} ms (${(figures.p99Ms / base.figures.p99Ms).toFixed(2)}x the first point's ${base.figures.p99Ms.toFixed(2)} ms); p50 ${figures.p50Ms.toFixed(2)} ms`,
          details: {
            curve,
            x,
            y: figures.bidsPerSecond,
            y2: figures.p99Ms,
            p50Ms: figures.p50Ms,
            p99Ms: figures.p99Ms,
            bids: figures.bids,
            errors: figures.errors,
            ...extra,
          },
        }),
      );
    }
  };

  // (a) number of auctions, fresh in-memory house per point.
  const byAuctions: Array<{ x: number; figures: LoadFigures }> = [];
  for (const count of b.auctionCounts) {
    const house = createAuctionHouse();
    await house.start();
    try {
      const ids = await createAuctions(house, count);
      const figures = await measureHouse(house, ids, b.callers, b.pointMs);
      context.log(`${fmt(count)} auctions: ${fmt(figures.bidsPerSecond)} bids/s, p99 ${figures.p99Ms.toFixed(2)} ms`);
      byAuctions.push({ x: count, figures });
    } finally {
      await house.stop();
    }
  }
  throughputRows(
    'auctions',
    (x) => `${fmt(x)} auction${x === 1 ? '' : 's'}, in memory`,
    byAuctions,
    `${fmt(b.callers)} callers in flight, ${b.pointMs / 1_000} s per point`,
  );

  // (b) number of concurrent bidders, one house with a fixed number of auctions.
  const byBidders: Array<{ x: number; figures: LoadFigures }> = [];
  {
    const house = createAuctionHouse();
    await house.start();
    try {
      const ids = await createAuctions(house, b.biddersAuctions);
      for (const callers of b.bidderCounts) {
        const figures = await measureHouse(house, ids, callers, b.pointMs);
        context.log(
          `${fmt(callers)} bidders in flight: ${fmt(figures.bidsPerSecond)} bids/s, p99 ${figures.p99Ms.toFixed(2)} ms`,
        );
        byBidders.push({ x: callers, figures });
      }
    } finally {
      await house.stop();
    }
  }
  throughputRows(
    'bidders',
    (x) => `${fmt(x)} concurrent bidder${x === 1 ? '' : 's'}, in memory`,
    byBidders,
    `${fmt(b.biddersAuctions)} auctions, ${b.pointMs / 1_000} s per point`,
  );

  // (c) processes on one Redis.
  if (options.redis) {
    const redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const byProcesses: Array<{ x: number; figures: LoadFigures; extra: Record<string, string | number> }> = [];
    for (const processes of b.processCounts) {
      const figures = await measureProcesses(processes, b, redisUrl);
      context.log(
        `${processes} process${processes === 1 ? '' : 'es'} on Redis: ${fmt(figures.bidsPerSecond)} bids/s, p99 ${figures.p99Ms.toFixed(2)} ms, partitions owned ${figures.owned}`,
      );
      byProcesses.push({ x: processes, figures, extra: { partitionsOwned: figures.owned } });
    }
    throughputRows(
      'processes',
      (x) => `${x} process${x === 1 ? '' : 'es'} on Redis`,
      byProcesses,
      `${b.callersPerProcess} callers in flight per process, ${fmt(b.processAuctions)} auctions, 16 partitions, ${b.redisPointMs / 1_000} s per point`,
    );
  } else {
    context.log('processes on Redis: skipped, Redis does not answer');
  }

  // (d) scheduled auctions idling.
  const scheduled = [];
  for (const count of b.scheduledCounts) {
    const cost = await measureScheduledCost(count, b.scheduledIdleMs, Math.min(500, b.scheduledIdleMs / 2));
    context.log(
      `${fmt(count)} scheduled auctions: ${cost.heapMb.toFixed(1)} MB held, ${cost.idleCpuMsPerSecond.toFixed(2)} ms CPU/s idle`,
    );
    scheduled.push(cost);
  }
  const firstScheduled = scheduled[0];
  for (const cost of scheduled) {
    if (firstScheduled === undefined) break;
    const details = {
      curve: 'scheduled',
      x: cost.auctions,
      y: cost.heapMb,
      y2: cost.idleCpuMsPerSecond,
      deadlines: cost.deadlines,
      bytesPerAuction: Math.round((cost.heapMb * 1024 * 1024) / cost.auctions),
    };
    rows.push(
      createRow({
        suite: SUITE,
        name: `scaling: ${fmt(cost.auctions)} scheduled auctions, heap held`,
        figure: Math.max(cost.heapMb, 1e-3),
        unit: 'MB',
        baseline: `${fmt(firstScheduled.auctions)} scheduled auctions (same run)`,
        baselineFigure: Math.max(firstScheduled.heapMb, 1e-3),
        better: 'lower',
        notes: `${details.bytesPerAuction} bytes per auction; linear growth would be ${fmt(cost.auctions / firstScheduled.auctions)}x; idle CPU ${cost.idleCpuMsPerSecond.toFixed(2)} ms/s`,
        details,
      }),
      createRow({
        suite: SUITE,
        name: `scaling: ${fmt(cost.auctions)} scheduled auctions, CPU while idle`,
        figure: Math.max(cost.idleCpuMsPerSecond, 1e-3),
        unit: 'ms CPU/s',
        baseline: `${fmt(firstScheduled.auctions)} scheduled auctions (same run)`,
        baselineFigure: Math.max(firstScheduled.idleCpuMsPerSecond, 1e-3),
        better: 'lower',
        notes: `whole process, ${b.scheduledIdleMs / 1_000} s of idling; ${fmt(cost.deadlines)} deadlines armed, one timer`,
        details,
      }),
    );
  }
  return rows;
}

// ---- entry points --------------------------------------------------------------------------

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && process.argv.includes(CHILD_FLAG)) {
  await runChild();
} else if (isMain) {
  const mode: BenchMode = process.argv.includes('--tiny')
    ? 'tiny'
    : process.argv.includes('--quick')
      ? 'quick'
      : 'full';
  const rows = await runScalingSuite({ mode, log: (line) => console.log(`[${SUITE}] ${line}`) }, { redis: true });
  for (const row of rows) console.log(`${row.name}: ${fmt(row.figure)} ${row.unit} (${row.ratio.toFixed(2)}x)`);
}
