/**
 * Scale-out: does adding processes add throughput? Each process is measured as a small machine
 * of its own: a child process in its own cgroup with a CPU quota (`cpu-caps.ts`), so that N
 * capped processes plus Redis fit on the bench machine's cores and the curve shows what the
 * software does with more machines, not how a few cores are shared.
 *
 * Curves (each point against the curve's first, same run, same cap):
 * - `spread`: library houses (`AuctionHouse` on the Redis adapters, callers in the same process)
 *   on one Redis, every process bidding on every one of 10,000 auctions, default partitions;
 * - `routed`: the same, each process bidding only on the auctions of the partitions it owns
 *   (`house.metrics().partitions.owned`, `partitionOf`), with more partitions than processes;
 * - `http`: example server processes behind HAProxy, HTTP bids (`scale-out-http.ts`);
 * the cost of partitions: one spread process with 64 partitions (and 16, from the wide spread
 * curve) against the default count, CPU per bid; and a Redis Cluster pair (full mode): the same houses on 1 and on 3 masters, each master
 * capped, so that Redis is the limit.
 * After every point every accepted bid must be in its auction's ledger exactly once, or the
 * suite fails. Rows carry per-process CPU per bid and Redis CPU per bid beside bids/s, p50, p99
 * and the partitions each process owned; `scale-out-chart.ts` draws them.
 *
 * `BENCH_SCALE_OUT_CORES` sets the CPU of each capped process (0.15). Run alone:
 * `npx tsx --conditions=@outcry/source src/scale-out.ts [--quick|--tiny]` from bench/.
 */
import { pathToFileURL } from 'node:url';
import type { BidJudging } from '@outcry/core';
import { DEFAULT_SHARED_PARTITIONS } from '@outcry/core';
import type { Routing } from './auction-picker.js';
import { type BenchMode, type BenchRow, createRow, type SuiteContext } from './bench-row.js';
import { type CpuCaps, createCpuCaps } from './cpu-caps.js';
import { formatNumber } from './format-number.js';
import { type CurvePoint, measureInterleaved } from './interleaved-curve.js';
import { hasRedisServer, partitionsPerNode, type RedisServers, startRedisServers } from './redis-servers.js';
import { clusterRedis, type RedisTarget, singleRedis } from './redis-target.js';
import { measureRoundTripCost, type RoundTripCost } from './round-trip-cost.js';
import { type HousePoint, meanOf, measureHousePoint } from './scale-out-houses.js';
import { type HttpPoint, httpCurveUnavailable, meanOfHttpPoints, measureHttpPoint } from './scale-out-http.js';
import { measureWsPoint, type WsPoint } from './ws-scale-out.js';

const SUITE = 'scale-out';

/** The curves, as the chart names them. */
export type ScaleOutCurve =
  | Routing
  | 'spread-wide'
  | 'spread-anywhere'
  | 'http'
  | 'http-any'
  | 'http-any-anywhere'
  | 'cluster';

interface ClusterBudget {
  readonly masters: readonly number[];
  readonly houses: number;
  readonly partitions: number;
  /** CPU of each redis-server, in cores. */
  readonly redisCores: number;
  /** CPU of each house process; null: uncapped, so that Redis is the limit. */
  readonly houseCores: number | null;
  readonly routing: Routing;
}

export interface ScaleOutBudget {
  readonly processCounts: readonly number[];
  readonly auctions: number;
  readonly callersPerProcess: number;
  readonly warmCpuMs: number;
  readonly settleMs: number;
  readonly durationMs: number;
  readonly routedPartitions: number;
  /**
   * Partitions of the one-process point that measures what many partitions cost against the
   * default's (spread, same cap); null: not measured.
   */
  readonly manyPartitions: number | null;
  /** Whether to measure what reading every batch costs a house judging bids where they land. */
  readonly readCost: boolean;
  /** Trips of the round-trip row, one command each, and the commands a trip of its baseline; null: not measured. */
  readonly roundTrip: { readonly trips: number; readonly batch: number } | null;
  readonly cluster: ClusterBudget | null;
  readonly http: {
    readonly serverCounts: readonly number[];
    readonly connectionsPerServer: number;
    readonly auctions: number;
    readonly durationMs: number;
  } | null;
  /** Watchers of one auction on one gateway process, then on two. */
  readonly ws: {
    readonly watchers: number;
    readonly bidsPerSecond: number;
    readonly seconds: number;
    /** CPU of each gateway process, in cores. */
    readonly gatewayCores: number;
  } | null;
}

const BUDGETS: Record<BenchMode, ScaleOutBudget> = {
  full: {
    processCounts: [1, 2, 4, 8],
    auctions: 10_000,
    callersPerProcess: 100,
    warmCpuMs: 1_500,
    settleMs: 2_000,
    durationMs: 6_000,
    routedPartitions: 16,
    manyPartitions: 64,
    readCost: true,
    roundTrip: { trips: 4_000, batch: 10 },
    cluster: { masters: [1, 3], houses: 4, partitions: 24, redisCores: 0.1, houseCores: null, routing: 'routed' },
    http: { serverCounts: [1, 2, 4], connectionsPerServer: 50, auctions: 1_000, durationMs: 6_000 },
    ws: { watchers: 10_000, bidsPerSecond: 5, seconds: 6, gatewayCores: 0.5 },
  },
  quick: {
    processCounts: [1, 2, 4],
    auctions: 10_000,
    callersPerProcess: 100,
    warmCpuMs: 1_000,
    settleMs: 1_000,
    durationMs: 3_000,
    routedPartitions: 16,
    manyPartitions: 64,
    readCost: false,
    roundTrip: { trips: 2_000, batch: 10 },
    cluster: null,
    http: { serverCounts: [1, 2], connectionsPerServer: 50, auctions: 1_000, durationMs: 3_000 },
    ws: { watchers: 4_000, bidsPerSecond: 5, seconds: 3, gatewayCores: 0.5 },
  },
  tiny: {
    processCounts: [1, 2],
    auctions: 200,
    callersPerProcess: 10,
    warmCpuMs: 100,
    settleMs: 200,
    durationMs: 500,
    routedPartitions: 4,
    manyPartitions: 8,
    readCost: true,
    roundTrip: { trips: 200, batch: 10 },
    cluster: null,
    http: null,
    ws: null,
  },
};

/** CPU of each capped process: `BENCH_SCALE_OUT_CORES`, else 0.15 of a core. */
export function coresPerProcess(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.BENCH_SCALE_OUT_CORES;
  if (text === undefined || text === '') return 0.15;
  const cores = Number(text);
  if (!Number.isFinite(cores) || cores < 0.01 || cores > 64)
    throw new Error(`BENCH_SCALE_OUT_CORES must be a number of cores from 0.01 to 64, not "${text}"`);
  return cores;
}

type HouseCurvePoint = CurvePoint<HousePoint>;

const us = (n: number) => `${formatNumber(n)} µs`;
const ms = (n: number) => `${formatNumber(n)} ms`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 'es'}`;

/** What every row of one curve says about its setting. */
function capNote(caps: CpuCaps, cores: number | null): string {
  if (cores === null) return 'house processes uncapped';
  return caps.enabled ? `${cores} core each (${caps.description})` : `UNCAPPED (${caps.description})`;
}

function housePointNotes({ point, baseline }: HouseCurvePoint, partitions: number): string {
  const owned = point.owned.map((p) => p.length).join('/');
  const rates = (p: HousePoint) => (p.repeats ?? [p.bidsPerSecond]).map((n) => formatNumber(n)).join(' and ');
  return [
    `process CPU per bid ${us(point.meanProcessCpuUsPerBid)} (each ${point.processCpuUsPerBid.map((n) => formatNumber(n)).join('/')}; 1 process ${us(baseline.meanProcessCpuUsPerBid)})`,
    `Redis CPU per bid ${us(point.redisCpuUsPerBid)} (1 process ${us(baseline.redisCpuUsPerBid)})`,
    `p50 ${ms(point.p50Ms)}, p99 ${ms(point.p99Ms)}`,
    `partitions owned ${owned} of ${partitions}, taken or given up in the window ${point.partitionMoves}`,
    `cores used by each process ${point.processCores.map((c) => c.toFixed(2)).join('/')}, by Redis ${point.redisCores.map((c) => c.toFixed(2)).join('/')}`,
    `${(point.forwardedShare * 100).toFixed(0)}% of commands sent through the queue to another process; ${formatNumber(point.broadcastsPerBid)} broadcasts received per bid; group commits of ${formatNumber(point.averageBatch)}, ${(point.conflictShare * 100).toFixed(2)}% of them refused because another process committed first (judged again); Redis bytes per bid in/out ${point.redisBytesInPerBid.toFixed(0)}/${point.redisBytesOutPerBid.toFixed(0)}`,
    `system calls a bid ${point.writesPerBid.toFixed(3)} writes, ${point.readsPerBid.toFixed(3)} reads (1 process ${baseline.writesPerBid.toFixed(3)}, ${baseline.readsPerBid.toFixed(3)}): its trips to Redis and wake-ups`,
    `load average ${point.loadAverage.toFixed(2)}`,
    ...(point.repeats === undefined
      ? []
      : [
          `measured before, between and after the curve's other points, ${rates(point)} bids/s: the figures are their means`,
        ]),
    ...(baseline === point || baseline.repeats === undefined
      ? []
      : [`compared with one process measured just before and just after it, ${rates(baseline)} bids/s`]),
    `ledgers: all ${formatNumber(point.ledger.accepted)} accepted bids there once`,
    ...(point.errors > 0 ? [`${point.errors} calls failed`] : []),
  ].join('; ');
}

function housePointDetails(
  curve: ScaleOutCurve,
  { point, baseline }: HouseCurvePoint,
  cores: number | null,
  caps: CpuCaps,
) {
  return {
    scaleOutCurve: curve,
    processes: point.processes,
    bidsPerSecond: point.bidsPerSecond,
    baselineBidsPerSecond: baseline.bidsPerSecond,
    processCpuUsPerBid: point.meanProcessCpuUsPerBid,
    processCpuUsPerBidEach: point.processCpuUsPerBid.map((n) => n.toFixed(1)).join('/'),
    processCores: point.processCores.map((n) => n.toFixed(3)).join('/'),
    redisCpuUsPerBid: point.redisCpuUsPerBid,
    redisCores: point.redisCores.map((n) => n.toFixed(3)).join('/'),
    redisBytesInPerBid: point.redisBytesInPerBid,
    redisBytesOutPerBid: point.redisBytesOutPerBid,
    forwardedShare: point.forwardedShare,
    broadcastsPerBid: point.broadcastsPerBid,
    averageBatch: point.averageBatch,
    conflictShare: point.conflictShare,
    writesPerBid: point.writesPerBid,
    readsPerBid: point.readsPerBid,
    loadAverage: point.loadAverage,
    p50Ms: point.p50Ms,
    p99Ms: point.p99Ms,
    bids: point.bids,
    errors: point.errors,
    partitionsOwned: point.owned.map((p) => `[${p.join(',')}]`).join(' '),
    partitionMoves: point.partitionMoves,
    capped: cores !== null && caps.enabled,
    capCores: cores ?? 0,
    ledgerAccepted: point.ledger.accepted,
    ledgerMissing: point.ledger.missing,
    ledgerDoubled: point.ledger.doubled,
    ledgerUnanswered: point.ledger.unanswered,
  };
}

/** Rows of one curve of houses: bids/s per point, then the issue's two goals at the largest N. */
function houseCurveRows(
  curve: ScaleOutCurve,
  label: string,
  curvePoints: readonly HouseCurvePoint[],
  partitions: number,
  setting: string,
  details: (point: HouseCurvePoint) => BenchRow['details'],
): BenchRow[] {
  const [firstPoint] = curvePoints;
  if (firstPoint === undefined) return [];
  const first = firstPoint.point;
  const rows = curvePoints.map((curvePoint) =>
    createRow({
      suite: SUITE,
      name: `scale-out: ${plural(curvePoint.point.processes, 'house process')}, ${label}`,
      figure: curvePoint.point.bidsPerSecond,
      unit: 'bids/s',
      baseline:
        curvePoint.point.processes === 1
          ? '1 house process, same curve (same run)'
          : '1 house process, same curve, measured just before and after it (same run)',
      baselineFigure: curvePoint.baseline.bidsPerSecond,
      better: 'higher',
      notes: `${setting}; ${housePointNotes(curvePoint, partitions)}`,
      details: details(curvePoint),
    }),
  );
  const lastPoint = curvePoints.at(-1) as HouseCurvePoint;
  const points = curvePoints.map((p) => p.point);
  const last = points.at(-1) as HousePoint;
  const two = points.find((p) => p.processes === 2);
  if (two !== undefined && last.processes > 2) {
    rows.push(
      createRow({
        suite: SUITE,
        name: `scale-out: CPU per bid of a house process at ${last.processes} processes vs 2, ${label}`,
        figure: last.meanProcessCpuUsPerBid,
        unit: 'µs',
        baseline: 'the same at 2 processes (same run)',
        baselineFigure: two.meanProcessCpuUsPerBid,
        better: 'lower',
        notes: `target <= 1.2x; all processes' CPU over the window / their bids; each at ${last.processes}: ${last.processCpuUsPerBid.map((n) => formatNumber(n)).join('/')} µs; at 1 process ${us(first.meanProcessCpuUsPerBid)}`,
        details: { ...details(lastPoint), scaleOutCurve: `${curve}-cpu-goal` },
      }),
    );
  }
  if (last.processes > 1) {
    rows.push(
      createRow({
        suite: SUITE,
        name: `scale-out: p99 at ${last.processes} house processes vs 1, ${label}`,
        figure: last.p99Ms,
        unit: 'ms',
        baseline: 'p99 of 1 house process just before and after (same run, same load per process)',
        baselineFigure: lastPoint.baseline.p99Ms,
        better: 'lower',
        notes: `target <= 2x; p50 ${ms(last.p50Ms)} vs ${ms(lastPoint.baseline.p50Ms)}`,
        details: { ...details(lastPoint), scaleOutCurve: `${curve}-p99-goal` },
      }),
    );
  }
  return rows;
}

/**
 * One process bidding on every auction with each partition count, measured in one block, in
 * order and then in reverse (4, 16, 64, 64, 16, 4): each count's figures are the means of its
 * two runs, which sit the same distance either side of the block's middle, so that a drift of
 * the machine's speed over the block weighs on every count alike.
 */
async function measurePartitionCosts(
  counts: readonly number[],
  measure: (partitions: number) => Promise<HousePoint>,
): Promise<Map<number, HousePoint>> {
  const runs = new Map<number, HousePoint[]>();
  for (const partitions of [...counts, ...[...counts].reverse()]) {
    const point = await measure(partitions);
    runs.set(partitions, [...(runs.get(partitions) ?? []), point]);
  }
  return new Map([...runs].map(([partitions, points]) => [partitions, meanOf(points)]));
}

/**
 * What a process pays for more partitions than the default, where nothing is forwarded: one
 * process bidding on every auction, its CPU per bid against the same with the default count.
 * More partitions make smaller group commits (about callers / (2 x partitions) bids each).
 */
function partitionCostRows(lonePoints: ReadonlyMap<number, HousePoint>, setting: string): BenchRow[] {
  const base = lonePoints.get(DEFAULT_SHARED_PARTITIONS);
  if (base === undefined) return [];
  const counts = [...lonePoints.keys()];
  const order = [...counts, ...[...counts].reverse()].join(', ');
  const rows: BenchRow[] = [];
  for (const [partitions, point] of [...lonePoints].sort(([a], [b]) => a - b)) {
    if (partitions === DEFAULT_SHARED_PARTITIONS) continue;
    rows.push(
      createRow({
        suite: SUITE,
        name: `scale-out: CPU per bid of 1 house process, ${partitions} partitions vs ${DEFAULT_SHARED_PARTITIONS} (the default), bids spread over every auction`,
        figure: point.meanProcessCpuUsPerBid,
        unit: 'µs',
        baseline: `the same with ${DEFAULT_SHARED_PARTITIONS} partitions (same run)`,
        baselineFigure: base.meanProcessCpuUsPerBid,
        better: 'lower',
        notes: `target <= 1x (many partitions cost no more than the default's); ${setting}; measured in one block, each count twice in mirrored order (${order}): the figures are the means of both runs; bids/s ${formatNumber(point.bidsPerSecond)} vs ${formatNumber(base.bidsPerSecond)}; Redis CPU per bid ${us(point.redisCpuUsPerBid)} vs ${us(base.redisCpuUsPerBid)}; group commits of ${formatNumber(point.averageBatch)} vs ${formatNumber(base.averageBatch)}; p99 ${ms(point.p99Ms)} vs ${ms(base.p99Ms)}; ledgers: all ${formatNumber(point.ledger.accepted)} accepted bids there once`,
        details: {
          scaleOutCurve: 'partition-cost',
          partitions,
          bidsPerSecond: point.bidsPerSecond,
          processCpuUsPerBid: point.meanProcessCpuUsPerBid,
          redisCpuUsPerBid: point.redisCpuUsPerBid,
          averageBatch: point.averageBatch,
          p99Ms: point.p99Ms,
          ledgerAccepted: point.ledger.accepted,
          ledgerMissing: point.ledger.missing,
          ledgerDoubled: point.ledger.doubled,
        },
      }),
    );
  }
  return rows;
}

/**
 * What reading costs a house judging bids where they land. Alone, a house reads nothing (nobody
 * else writes); beside another house bidding on the same auctions, every batch of a partition
 * reads its auctions first. Measured with one house alone, then beside a second house with one
 * caller (enough to keep the first reading, too few to load Redis), in a mirrored block (alone,
 * beside, beside, alone): the first house's CPU per bid beside the other against alone.
 */
async function measureReadCost(
  measure: (besideOne: boolean) => Promise<HousePoint>,
): Promise<{ alone: HousePoint; beside: HousePoint }> {
  const alone: HousePoint[] = [];
  const beside: HousePoint[] = [];
  for (const besideOne of [false, true, true, false]) {
    const point = await measure(besideOne);
    (besideOne ? beside : alone).push(point);
  }
  return { alone: meanOf(alone), beside: meanOf(beside) };
}

function readCostRow({ alone, beside }: { alone: HousePoint; beside: HousePoint }, setting: string): BenchRow {
  const [first = Number.NaN, second = Number.NaN] = beside.processCpuUsPerBid;
  return createRow({
    suite: SUITE,
    name: `scale-out: CPU per bid of a house judging bids where they land, beside another house bidding on its auctions (it reads every batch) vs alone, ${DEFAULT_SHARED_PARTITIONS} partitions`,
    figure: first,
    unit: 'µs',
    baseline: 'the same house alone, reading nothing (same run)',
    baselineFigure: alone.meanProcessCpuUsPerBid,
    better: 'lower',
    notes: `what keeps the curve of bids judged where they land below N times one process; ${setting}; the other house has 1 caller; measured in one block (alone, beside, beside, alone): the figures are the means of both runs; the other house ${us(second)} a bid; Redis bytes out per bid ${beside.redisBytesOutPerBid.toFixed(0)} vs ${alone.redisBytesOutPerBid.toFixed(0)} (the states read); group commits of both houses ${formatNumber(beside.averageBatch)} bids (the other's of about one) vs ${formatNumber(alone.averageBatch)}, ${(beside.conflictShare * 100).toFixed(2)}% of them refused because the other house committed first; Redis CPU per bid of both ${us(beside.redisCpuUsPerBid)} vs ${us(alone.redisCpuUsPerBid)}; ledgers: all ${formatNumber(beside.ledger.accepted)} accepted bids there once`,
    details: {
      scaleOutCurve: 'read-cost',
      processes: 1,
      processCpuUsPerBid: first,
      otherProcessCpuUsPerBid: second,
      redisBytesOutPerBid: beside.redisBytesOutPerBid,
      aloneRedisBytesOutPerBid: alone.redisBytesOutPerBid,
      averageBatch: beside.averageBatch,
      conflictShare: beside.conflictShare,
      ledgerAccepted: beside.ledger.accepted,
      ledgerMissing: beside.ledger.missing,
      ledgerDoubled: beside.ledger.doubled,
    },
  });
}

function roundTripRow(cost: RoundTripCost, setting: string): BenchRow {
  return createRow({
    suite: SUITE,
    name: `scale-out: CPU of one Redis round trip to a process capped like the houses (a PUBLISH of 300 bytes a trip) vs a command sent ${cost.batch} to a trip`,
    figure: cost.tripCpuUs,
    unit: 'µs',
    baseline: `the same command, ${cost.batch} in one pipeline (same process, same run)`,
    baselineFigure: cost.batchedCpuUsPerCommand,
    better: 'lower',
    notes: `what a trip costs beside what it carries (a write, a wake-up for the reply, a read): a bid pays its share of every trip it needs (a commit; a read, where others write its auctions; a hand-over and an answer, where another process owns them), so the curves follow the trips a bid; ${setting}; measured in one block (1, ${cost.batch}, ${cost.batch}, 1 a trip): the figures are the means of both runs; ${formatNumber(cost.tripsPerSecond)} trips a second one command each`,
    details: {
      scaleOutCurve: 'round-trip',
      tripCpuUs: cost.tripCpuUs,
      batchedCpuUsPerCommand: cost.batchedCpuUsPerCommand,
      batch: cost.batch,
      tripsPerSecond: cost.tripsPerSecond,
    },
  });
}

/** The Redis the library curves run on: a redis-server of the suite's own when it can start one. */
async function openRedis(context: SuiteContext): Promise<{ target: RedisTarget; servers: RedisServers | null }> {
  if (hasRedisServer()) {
    const servers = await startRedisServers(1, { cluster: false });
    const node = servers.nodes[0] as (typeof servers.nodes)[number];
    return {
      target: singleRedis(node.url, `a redis-server of the suite's own (port ${node.port}), uncapped`),
      servers,
    };
  }
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  context.log(`redis-server is not installed: using ${url}, whose CPU figures include its other clients'`);
  return { target: singleRedis(url, `${url} (shared: its CPU includes other clients')`), servers: null };
}

/** Every curve of the suite, as rows. */
export async function runScaleOutSuite(context: SuiteContext): Promise<BenchRow[]> {
  const b = BUDGETS[context.mode];
  const cores = coresPerProcess();
  const caps = createCpuCaps();
  context.log(
    caps.enabled ? `CPU caps: ${cores} core a process, ${caps.description}` : `CPU caps: ${caps.description}`,
  );
  const rows: BenchRow[] = [];
  try {
    const { target, servers } = await openRedis(context);
    try {
      const spreadLabel = (partitions: number) =>
        `bids spread over ${b.auctions.toLocaleString('en-US')} auctions, every process on every auction, ${partitions} partitions`;
      const curves: Array<{
        curve: ScaleOutCurve;
        routing: Routing;
        partitions: number;
        label: string;
        bidJudging: BidJudging;
      }> = [
        {
          curve: 'spread',
          routing: 'spread',
          partitions: DEFAULT_SHARED_PARTITIONS,
          label: spreadLabel(DEFAULT_SHARED_PARTITIONS),
          bidJudging: 'owner',
        },
        // The same with each bid judged by the house it reaches: no hand-over to the owner.
        {
          curve: 'spread-anywhere',
          routing: 'spread',
          partitions: DEFAULT_SHARED_PARTITIONS,
          label: `${spreadLabel(DEFAULT_SHARED_PARTITIONS)}, bids judged where they land (bidJudging 'anywhere')`,
          bidJudging: 'anywhere',
        },
        // The same with as many partitions as the routed curve: every process can own some.
        ...(b.routedPartitions === DEFAULT_SHARED_PARTITIONS
          ? []
          : [
              {
                curve: 'spread-wide' as const,
                routing: 'spread' as const,
                partitions: b.routedPartitions,
                label: spreadLabel(b.routedPartitions),
                bidJudging: 'owner' as const,
              },
            ]),
        {
          curve: 'routed',
          routing: 'routed',
          partitions: b.routedPartitions,
          label: `routed: each process bids on the auctions of the partitions it owns, ${b.routedPartitions} partitions`,
          bidJudging: 'owner',
        },
      ];
      const measure = async (
        routing: Routing,
        partitions: number,
        processes: number,
        bidJudging: BidJudging = 'owner',
        callersOfEach?: readonly number[],
      ): Promise<HousePoint> => {
        const point = await measureHousePoint({
          redis: target,
          processes,
          ...(callersOfEach === undefined ? {} : { callersOfEach }),
          partitions,
          routing,
          bidJudging,
          auctions: b.auctions,
          callersPerProcess: b.callersPerProcess,
          warmCpuMs: b.warmCpuMs,
          settleMs: b.settleMs,
          durationMs: b.durationMs,
          caps,
          cores,
        });
        context.log(
          `${routing}${bidJudging === 'owner' ? '' : ` (bids judged ${bidJudging})`}, ${partitions} partitions, ${plural(processes, 'process')}: ${formatNumber(point.bidsPerSecond)} bids/s, CPU per bid ${us(point.meanProcessCpuUsPerBid)} a process, Redis ${us(point.redisCpuUsPerBid)}, p99 ${ms(point.p99Ms)}, owned ${point.owned.map((p) => p.length).join('/')} (moves in the window ${point.partitionMoves}), forwarded ${(point.forwardedShare * 100).toFixed(0)}%, refused and judged again ${(point.conflictShare * 100).toFixed(2)}%, broadcasts ${formatNumber(point.broadcastsPerBid)} a bid, load ${point.loadAverage.toFixed(1)}, ledgers hold ${formatNumber(point.ledger.accepted)} accepted bids once`,
        );
        return point;
      };
      const setting = `${capNote(caps, cores)}; ${b.callersPerProcess} callers in each process; ${target.label}; ${b.durationMs / 1_000} s window after ${b.settleMs / 1_000} s capped (and ${b.warmCpuMs} ms of CPU uncapped) warm-up`;
      for (const curve of curves) {
        const points = await measureInterleaved(
          b.processCounts,
          (processes) => measure(curve.routing, curve.partitions, processes, curve.bidJudging),
          meanOf,
        );
        rows.push(
          ...houseCurveRows(curve.curve, curve.label, points, curve.partitions, setting, (point) =>
            housePointDetails(curve.curve, point, cores, caps),
          ),
        );
      }
      if (b.manyPartitions !== null) {
        const counts = [...new Set([DEFAULT_SHARED_PARTITIONS, b.routedPartitions, b.manyPartitions])];
        rows.push(...partitionCostRows(await measurePartitionCosts(counts, (n) => measure('spread', n, 1)), setting));
      }
      if (b.readCost) {
        const cost = await measureReadCost((besideOne) =>
          besideOne
            ? measure('spread', DEFAULT_SHARED_PARTITIONS, 2, 'anywhere', [b.callersPerProcess, 1])
            : measure('spread', DEFAULT_SHARED_PARTITIONS, 1, 'anywhere'),
        );
        rows.push(readCostRow(cost, setting));
      }
      if (b.roundTrip !== null) {
        const cost = await measureRoundTripCost({ redisEnv: target.env, caps, cores, ...b.roundTrip });
        context.log(
          `a Redis round trip: ${us(cost.tripCpuUs)} of CPU, against ${us(cost.batchedCpuUsPerCommand)} a command ${cost.batch} to a trip`,
        );
        rows.push(roundTripRow(cost, `${capNote(caps, cores)}; ${target.label}`));
      }
      if (b.ws !== null) rows.push(...(await wsRows(context, b.ws, target, caps)));
    } finally {
      await target.close();
      await servers?.stop();
    }
    if (b.cluster !== null) {
      if (hasRedisServer()) rows.push(...(await clusterRows(context, b, b.cluster, caps)));
      else context.log('Redis Cluster: skipped, redis-server is not installed');
    }
    if (b.http !== null) rows.push(...(await httpRows(context, b.http, caps, cores)));
  } finally {
    caps.release();
  }
  return rows;
}

/** Watchers of one auction on one gateway process, then split over two on the same Redis. */
async function wsRows(
  context: SuiteContext,
  ws: NonNullable<ScaleOutBudget['ws']>,
  target: RedisTarget,
  caps: CpuCaps,
): Promise<BenchRow[]> {
  const points: WsPoint[] = [];
  for (const gateways of [1, 2]) {
    const point = await measureWsPoint({
      redis: target,
      gateways,
      watchers: ws.watchers,
      bidsPerSecond: ws.bidsPerSecond,
      seconds: ws.seconds,
      caps,
      cores: ws.gatewayCores,
    });
    context.log(
      `${ws.watchers.toLocaleString('en-US')} watchers on ${plural(gateways, 'gateway process')}: delivery p50 ${ms(point.p50Ms)}, p99 ${ms(point.p99Ms)}, delivered ${formatNumber(point.deliveries)}/${formatNumber(point.expected)}, messages from Redis per bid ${point.fromRedisPerBid.map((n) => n.toFixed(2)).join('/')}, gateway CPU per delivery ${us(point.gatewayCpuUsPerDelivery)}`,
    );
    points.push(point);
  }
  const [one, two] = points;
  if (one === undefined || two === undefined) return [];
  return points.map((point) =>
    createRow({
      suite: SUITE,
      name: `scale-out: WebSocket delivery p99, ${ws.watchers.toLocaleString('en-US')} watchers of one auction on ${plural(point.gateways, 'gateway process')}`,
      figure: point.p99Ms,
      unit: 'ms',
      baseline: 'the same watchers on 1 gateway process (same run)',
      baselineFigure: one.p99Ms,
      better: 'lower',
      notes: `target: 2 processes' p99 below 1's; ${ws.bidsPerSecond} bids/s for ${ws.seconds} s placed by the first process, latency from each bid's scheduled time; gateway processes ${caps.enabled ? `${ws.gatewayCores} core each` : 'UNCAPPED'}, houses on ${target.label}; p50 ${ms(point.p50Ms)}, max ${ms(point.maxMs)}; delivered ${formatNumber(point.deliveries)} of ${formatNumber(point.expected)}; messages each process received from Redis per bid ${point.fromRedisPerBid.map((n) => n.toFixed(2)).join('/')} (the partition owner's broadcasts when another process owns it, and the first process's answers); gateway CPU per delivery ${us(point.gatewayCpuUsPerDelivery)}`,
      details: {
        scaleOutCurve: 'ws',
        processes: point.gateways,
        watchers: point.watchers,
        p50Ms: point.p50Ms,
        p99Ms: point.p99Ms,
        deliveries: point.deliveries,
        expected: point.expected,
        fromRedisPerBid: point.fromRedisPerBid.map((n) => n.toFixed(2)).join('/'),
        gatewayCpuUsPerDelivery: point.gatewayCpuUsPerDelivery,
        capped: caps.enabled,
        capCores: ws.gatewayCores,
      },
    }),
  );
}

/** The same houses on a Redis Cluster of 1 and of 3 masters, each master capped. */
async function clusterRows(
  context: SuiteContext,
  b: ScaleOutBudget,
  cluster: ClusterBudget,
  caps: CpuCaps,
): Promise<BenchRow[]> {
  const points: Array<{ masters: number; point: HousePoint; placement: string }> = [];
  for (const masters of cluster.masters) {
    const servers = await startRedisServers(masters, { cluster: true });
    const target = clusterRedis(servers.nodes);
    try {
      const placement = (await partitionsPerNode(servers.nodes, cluster.partitions)).join('/');
      for (const [i, node] of servers.nodes.entries()) caps.cap(node.pid, `redis-${i}`, cluster.redisCores);
      const point = await measureHousePoint({
        redis: target,
        processes: cluster.houses,
        partitions: cluster.partitions,
        routing: cluster.routing,
        bidJudging: 'owner',
        auctions: b.auctions,
        callersPerProcess: b.callersPerProcess,
        warmCpuMs: b.warmCpuMs,
        settleMs: b.settleMs,
        durationMs: b.durationMs,
        caps,
        cores: cluster.houseCores,
      });
      context.log(
        `Redis Cluster, ${masters} master${masters === 1 ? '' : 's'} (partitions on each ${placement}): ${formatNumber(point.bidsPerSecond)} bids/s, Redis CPU per bid ${us(point.redisCpuUsPerBid)}, masters busy ${point.redisCores.map((c) => c.toFixed(2)).join('/')} core, p99 ${ms(point.p99Ms)}`,
      );
      points.push({ masters, point, placement });
    } finally {
      await target.close();
      await servers.stop();
    }
  }
  const first = points[0];
  if (first === undefined) return [];
  const redisCap = caps.enabled
    ? `each master capped at ${cluster.redisCores} core (${caps.description})`
    : `masters UNCAPPED (${caps.description})`;
  return points.map(({ masters, point, placement }) =>
    createRow({
      suite: SUITE,
      name: `scale-out: Redis Cluster of ${masters} master${masters === 1 ? '' : 's'}, Redis capped`,
      figure: point.bidsPerSecond,
      unit: 'bids/s',
      baseline: `Redis Cluster of ${first.masters} master${first.masters === 1 ? '' : 's'} (same run)`,
      baselineFigure: first.point.bidsPerSecond,
      better: 'higher',
      notes: `target: 3 masters >= 2.5x 1; ${redisCap}; ${cluster.houses} house processes (${cluster.houseCores === null ? 'uncapped' : `${cluster.houseCores} core each`}), ${cluster.routing}, ${cluster.partitions} partitions (on each master ${placement}); masters busy ${point.redisCores.map((c) => c.toFixed(2)).join('/')} core; ${housePointNotes({ point, baseline: first.point }, cluster.partitions)}`,
      details: {
        ...housePointDetails('cluster', { point, baseline: first.point }, cluster.houseCores, caps),
        masters,
        redisCapCores: cluster.redisCores,
        partitionsPerMaster: placement,
      },
    }),
  );
}

/** Example servers behind HAProxy, HTTP bids. */
async function httpRows(
  context: SuiteContext,
  http: NonNullable<ScaleOutBudget['http']>,
  caps: CpuCaps,
  cores: number,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // Round robin twice: bids handed to their owners, and bids judged by the server they reach.
  const curves = [
    { routeBids: 'owner', bidJudging: 'owner' },
    { routeBids: 'any', bidJudging: 'owner' },
    { routeBids: 'any', bidJudging: 'anywhere' },
  ] as const;
  const unavailable = httpCurveUnavailable();
  if (unavailable !== null) {
    context.log(`servers behind a load balancer: skipped, ${unavailable}`);
    return [];
  }
  for (const { routeBids, bidJudging } of curves) {
    const options = { ...http, routeBids, bidJudging, caps, cores };
    const measure = async (servers: number) => {
      const point = await measureHttpPoint(servers, options);
      context.log(
        `${servers} server${servers === 1 ? '' : 's'} behind HAProxy (bids to ${routeBids === 'owner' ? 'their owner' : 'any server'}, judged ${bidJudging === 'owner' ? 'by the owner' : 'where they land'}): ${formatNumber(point.bidsPerSecond)} bids/s, ${Math.round(point.forwardedShare * 100)}% to another server, server CPU per bid ${us(point.serverCpuUsPerBid)}, Redis ${us(point.redisCpuUsPerBid)}, HAProxy ${us(point.balancerCpuUsPerBid)}, p99 ${ms(point.p99Ms)}, ${point.statuses}`,
      );
      return point;
    };
    const points = await measureInterleaved(http.serverCounts, measure, meanOfHttpPoints);
    rows.push(...httpCurveRows(points, routeBids, bidJudging, http, caps, cores));
  }
  return rows;
}

function httpCurveRows(
  points: readonly CurvePoint<HttpPoint>[],
  routeBids: 'owner' | 'any',
  bidJudging: BidJudging,
  http: NonNullable<ScaleOutBudget['http']>,
  caps: CpuCaps,
  cores: number,
): BenchRow[] {
  const rates = (p: HttpPoint) => (p.repeats ?? [p.bidsPerSecond]).map((n) => formatNumber(n)).join(' and ');
  const route =
    routeBids === 'owner'
      ? "each bid sent to its partition's owner"
      : bidJudging === 'owner'
        ? 'round robin'
        : 'round robin, bids judged by the server they reach (BID_JUDGING=anywhere)';
  return points.map(({ point, baseline }) =>
    createRow({
      suite: SUITE,
      name: `scale-out: ${point.servers} example server process${point.servers === 1 ? '' : 'es'} behind HAProxy, HTTP bids, ${route}`,
      figure: point.bidsPerSecond,
      unit: 'bids/s',
      baseline:
        point === baseline
          ? `1 server process behind HAProxy, ${route} (same run)`
          : `1 server process behind HAProxy, ${route}, measured just before and after it (same run)`,
      baselineFigure: baseline.bidsPerSecond,
      better: 'higher',
      notes: `target 2 >= 1.6x, 4 >= 3x; ${capNote(caps, cores)}; STORE=redis (a redis-server of the suite's own, uncapped), HAProxy uncapped; ${point.connections} connections (raw HTTP client, ${http.auctions.toLocaleString('en-US')} auctions); ${Math.round(point.forwardedShare * 100)}% of bids sent to another server (queued or handed over directly); server CPU per bid ${us(point.serverCpuUsPerBid)} (1 server ${us(baseline.serverCpuUsPerBid)}), Redis ${us(point.redisCpuUsPerBid)}, HAProxy ${us(point.balancerCpuUsPerBid)}; p50 ${ms(point.p50Ms)}, p99 ${ms(point.p99Ms)}; statuses ${point.statuses}; ledgers: all ${formatNumber(point.ledger.accepted)} accepted bids there once; load average ${point.loadAverage.toFixed(2)}${
        point.repeats === undefined
          ? ''
          : `; measured before, between and after the curve's other points, ${rates(point)} bids/s: the figures are their means`
      }${point === baseline || baseline.repeats === undefined ? '' : `; compared with one server measured just before and just after it, ${rates(baseline)} bids/s`}`,
      details: {
        scaleOutCurve: routeBids === 'owner' ? 'http' : bidJudging === 'owner' ? 'http-any' : 'http-any-anywhere',
        processes: point.servers,
        bidsPerSecond: point.bidsPerSecond,
        baselineBidsPerSecond: baseline.bidsPerSecond,
        processCpuUsPerBid: point.serverCpuUsPerBid,
        redisCpuUsPerBid: point.redisCpuUsPerBid,
        balancerCpuUsPerBid: point.balancerCpuUsPerBid,
        forwardedShare: point.forwardedShare,
        p50Ms: point.p50Ms,
        p99Ms: point.p99Ms,
        statuses: point.statuses,
        loadAverage: point.loadAverage,
        capped: caps.enabled,
        capCores: cores,
        ledgerAccepted: point.ledger.accepted,
        ledgerMissing: point.ledger.missing,
        ledgerDoubled: point.ledger.doubled,
        ledgerUnanswered: point.ledger.unanswered,
      },
    }),
  );
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const mode: BenchMode = process.argv.includes('--tiny')
    ? 'tiny'
    : process.argv.includes('--quick')
      ? 'quick'
      : 'full';
  const rows = await runScaleOutSuite({ mode, log: (line) => console.log(`[${SUITE}] ${line}`) });
  for (const row of rows)
    console.log(`${row.name}: ${formatNumber(row.figure)} ${row.unit} (${row.ratio.toFixed(2)}x)`);
}
