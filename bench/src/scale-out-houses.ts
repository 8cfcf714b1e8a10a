/**
 * One point of the scale-out suite's library curves: N house processes (`scale-out-child.ts`),
 * each in its own cgroup with a CPU quota once set up, on one Redis or Cluster and one fresh
 * prefix; aggregate bids/s over a measured window that every process shares (wall clock), each
 * process's CPU per bid, the Redis servers' CPU per bid, p50 and p99 over every call, the
 * partitions each process owned; then the ledger check of every accepted bid.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BidJudging } from '@outcry/core';
import { createRedisAdapters, deleteMatching } from '@outcry/redis-adapter';
import type { Routing } from './auction-picker.js';
import type { CpuCaps } from './cpu-caps.js';
import { forkScript, nextMessage, stopChild } from './fork-script.js';
import { meanBy } from './interleaved-curve.js';
import { assertLedgersHold, checkLedgers, type LedgerCheck, parseAccepted } from './ledger-check.js';
import { quantile } from './quantile.js';
import type { RedisUsage } from './redis-servers.js';
import type { RedisTarget } from './redis-target.js';
import type { ChildResult, FromChild, HouseCounts, Load, ToChild } from './scale-out-child.js';

export interface HousePointSetup {
  readonly redis: RedisTarget;
  readonly processes: number;
  readonly partitions: number;
  readonly routing: Routing;
  /** Where each house judges bids (`bidJudging` of its house). */
  readonly bidJudging: BidJudging;
  readonly auctions: number;
  readonly callersPerProcess: number;
  /** Callers of each process in the window, by index; `callersPerProcess` for all when absent (and in the warm-up). */
  readonly callersOfEach?: readonly number[];
  /** CPU each process spends bidding before it is capped (the JIT's warm-up), ms. */
  readonly warmCpuMs: number;
  /** Capped bidding before the window, ms. */
  readonly settleMs: number;
  readonly durationMs: number;
  readonly caps: CpuCaps;
  /** CPU of each house process, in cores; null leaves them uncapped. */
  readonly cores: number | null;
}

/** What one point measured. */
export interface HousePoint {
  readonly processes: number;
  readonly bids: number;
  readonly bidsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** Each process's CPU over the window / its bids, µs. */
  readonly processCpuUsPerBid: readonly number[];
  /** All processes' CPU / all bids, µs. */
  readonly meanProcessCpuUsPerBid: number;
  /** Cores each process used over the window. */
  readonly processCores: readonly number[];
  /** Redis servers' CPU (all of them) / all bids, µs. */
  readonly redisCpuUsPerBid: number;
  /** Cores each Redis server used over the window. */
  readonly redisCores: readonly number[];
  /** Bytes Redis read from and wrote to its clients over the window / all bids. */
  readonly redisBytesInPerBid: number;
  readonly redisBytesOutPerBid: number;
  /** Share of the commands the houses took in that went to another process (queued or handed over directly). */
  readonly forwardedShare: number;
  /** Broadcast messages all processes received / all bids. */
  readonly broadcastsPerBid: number;
  /** Commands per group commit, over every process's sequencers. */
  readonly averageBatch: number;
  /** Write and read system calls of the processes a bid (their trips to Redis, their wake-ups); NaN off Linux. */
  readonly writesPerBid: number;
  readonly readsPerBid: number;
  /**
   * Group commits refused because another process committed to one of their auctions first, and
   * judged again, over all group commits (bids judged where they land; 0 otherwise).
   */
  readonly conflictShare: number;
  /** The machine's 1-minute load average at the end of the window (a shared machine is noisy). */
  readonly loadAverage: number;
  /** Partitions taken or given up over the window, all processes together: not a steady state when above 0. */
  readonly partitionMoves: number;
  /** Partitions owned by each process at the end. */
  readonly owned: readonly (readonly number[])[];
  readonly ledger: LedgerCheck;
  /**
   * Bids/s of each measurement when the point is the mean of several (a one-process baseline,
   * measured between a curve's points); absent for a point measured once.
   */
  readonly repeats?: readonly number[];
}

/**
 * One point from several measurements of the same setting, taken at different moments of a
 * curve: the machine's speed drifts over minutes, and a baseline measured between a curve's
 * points holds the drift out of its ratios. Rates, CPU per bid and latencies are the means; what
 * only describes the run (partitions owned, the ledger check) is the first's.
 */
export function meanOf(points: readonly HousePoint[]): HousePoint {
  const [first] = points;
  if (first === undefined) throw new Error('meanOf needs at least one point');
  if (points.length === 1) return first;
  return {
    ...first,
    bids: points.reduce((sum, point) => sum + point.bids, 0),
    bidsPerSecond: meanBy(points, (p) => p.bidsPerSecond),
    p50Ms: meanBy(points, (p) => p.p50Ms),
    p99Ms: meanBy(points, (p) => p.p99Ms),
    errors: points.reduce((sum, point) => sum + point.errors, 0),
    meanProcessCpuUsPerBid: meanBy(points, (p) => p.meanProcessCpuUsPerBid),
    processCpuUsPerBid: first.processCpuUsPerBid.map((_, i) =>
      meanBy(points, (p) => p.processCpuUsPerBid[i] ?? first.processCpuUsPerBid[i] ?? 0),
    ),
    redisCpuUsPerBid: meanBy(points, (p) => p.redisCpuUsPerBid),
    averageBatch: meanBy(points, (p) => p.averageBatch),
    writesPerBid: meanBy(points, (p) => p.writesPerBid),
    readsPerBid: meanBy(points, (p) => p.readsPerBid),
    conflictShare: meanBy(points, (p) => p.conflictShare),
    repeats: points.map((p) => p.bidsPerSecond),
  };
}

const childFile = fileURLToPath(new URL('./scale-out-child.ts', import.meta.url));

const is =
  <K extends FromChild['kind']>(kind: K) =>
  (message: unknown): message is Extract<FromChild, { kind: K }> =>
    (message as FromChild | null)?.kind === kind;

const sleepUntil = (epochMs: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now())));

function ask<K extends FromChild['kind']>(
  children: readonly ChildProcess[],
  message: ToChild,
  kind: K,
  timeoutMs: number,
): Promise<Array<Extract<FromChild, { kind: K }>>> {
  return Promise.all(
    children.map((child, i) => {
      const answer = nextMessage(child, is(kind), timeoutMs, `scale-out house ${i} (${kind})`);
      child.send(message);
      return answer;
    }),
  );
}

/** Measures one point; throws when a child fails or the ledger check finds a lost or doubled bid. */
function perBidOfCalls(answers: readonly ChildResult[], bids: number, kind: 'writes' | 'reads'): number {
  let calls = 0;
  for (const answer of answers) {
    if (answer.systemCalls === null) return Number.NaN;
    calls += answer.systemCalls[kind];
  }
  return bids === 0 ? Number.NaN : calls / bids;
}

export async function measureHousePoint(setup: HousePointSetup): Promise<HousePoint> {
  const prefix = `outcry-bench-scale-out:${process.pid}:${setup.processes}:${Date.now().toString(36)}:`;
  const folder = mkdtempSync(join(tmpdir(), 'outcry-scale-out-'));
  const env = {
    ...setup.redis.env,
    BENCH_PREFIX: prefix,
    BENCH_PARTITIONS: String(setup.partitions),
    BENCH_PROCESSES: String(setup.processes),
    BENCH_BID_JUDGING: setup.bidJudging,
  };
  const children = Array.from({ length: setup.processes }, () => forkScript(childFile, [], { env }));
  const admin = setup.redis.client();
  try {
    await Promise.all(
      children.map((child, i) => nextMessage(child, is('ready'), 120_000, `scale-out house ${i} (start)`)),
    );
    const [first] = children;
    if (first === undefined) throw new Error('no house process');
    // Set-up runs uncapped: auctions are created once every house runs (their sequencers judge them).
    const [created] = await ask([first], { cmd: 'create', count: setup.auctions }, 'created', 120_000);
    const auctionIds = created?.auctionIds ?? [];
    await ask(children, { cmd: 'settle' }, 'settled', 60_000);
    const load: Load = { auctionIds, routing: setup.routing, callers: setup.callersPerProcess };
    await ask(children, { cmd: 'warm', load, cpuMs: setup.warmCpuMs, maxMs: 60_000 }, 'warmed', 120_000);
    if (setup.cores !== null)
      for (const [i, child] of children.entries()) setup.caps.cap(child.pid as number, `house-${i}`, setup.cores);

    const startAt = Date.now() + 300;
    const files = children.map((_, i) => join(folder, `accepted-${i}.tsv`));
    const results = Promise.all(
      children.map((child, i) => {
        const answer = nextMessage(
          child,
          is('result'),
          setup.settleMs + setup.durationMs + 120_000,
          `scale-out house ${i} (run)`,
        );
        child.send({
          cmd: 'run',
          load: { ...load, callers: setup.callersOfEach?.[i] ?? setup.callersPerProcess },
          startAt,
          settleMs: setup.settleMs,
          durationMs: setup.durationMs,
          acceptedFile: files[i] as string,
        } satisfies ToChild);
        return answer;
      }),
    );
    // A rejection before the window must not go unobserved while the timers below wait.
    results.catch(() => undefined);
    await sleepUntil(startAt + setup.settleMs);
    const redisBefore = await setup.redis.usage();
    const windowStarted = performance.now();
    await sleepUntil(startAt + setup.settleMs + setup.durationMs);
    const redisAfter = await setup.redis.usage();
    const windowS = (performance.now() - windowStarted) / 1_000;
    const loadAverage = loadavg()[0] ?? Number.NaN;
    const answers: ChildResult[] = await results;

    const accepted = files.flatMap((file) => parseAccepted(readFileSync(file, 'utf8')));
    const errorsInRun = answers.reduce((sum, r) => sum + r.errorsInRun, 0);
    const reader = createRedisAdapters({ redis: admin, prefix, partitions: setup.partitions });
    const ledger = await checkLedgers(reader.store, auctionIds, accepted).finally(() => reader.close());
    assertLedgersHold(
      ledger,
      errorsInRun,
      `${setup.processes} processes, ${setup.routing}, ${setup.redis.label}; first error: ${answers.find((r) => r.firstError !== null)?.firstError ?? 'none'}`,
    );

    const latencies = answers.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const bids = latencies.length;
    const seconds = setup.durationMs / 1_000;
    const cpuUs = answers.reduce((sum, r) => sum + r.cpuUs, 0);
    const redisDelta = (field: keyof RedisUsage) =>
      redisAfter.reduce((sum, after, i) => sum + after[field] - (redisBefore[i]?.[field] ?? 0), 0);
    const total = (field: keyof HouseCounts) => answers.reduce((sum, r) => sum + r.counts[field], 0);
    const perBid = (n: number) => (bids === 0 ? Number.NaN : n / bids);
    return {
      processes: setup.processes,
      bids,
      bidsPerSecond: bids / seconds,
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      errors: answers.reduce((sum, r) => sum + r.errors, 0),
      processCpuUsPerBid: answers.map((r) => (r.latencies.length === 0 ? Number.NaN : r.cpuUs / r.latencies.length)),
      meanProcessCpuUsPerBid: bids === 0 ? Number.NaN : cpuUs / bids,
      processCores: answers.map((r) => r.cpuUs / 1_000 / r.windowMs),
      redisCpuUsPerBid: perBid(redisDelta('cpuSeconds') * 1e6),
      redisCores: redisAfter.map((after, i) => (after.cpuSeconds - (redisBefore[i]?.cpuSeconds ?? 0)) / windowS),
      redisBytesInPerBid: perBid(redisDelta('bytesIn')),
      redisBytesOutPerBid: perBid(redisDelta('bytesOut')),
      forwardedShare:
        (total('queued') + total('direct')) / Math.max(1, total('queued') + total('direct') + total('inMemory')),
      broadcastsPerBid: perBid(total('received')),
      averageBatch: total('commands') / Math.max(1, total('batches')),
      writesPerBid: perBidOfCalls(answers, bids, 'writes'),
      readsPerBid: perBidOfCalls(answers, bids, 'reads'),
      conflictShare: total('conflicts') / Math.max(1, total('batches')),
      loadAverage,
      partitionMoves: total('partitionMoves'),
      owned: answers.map((r) => r.owned),
      ledger,
    };
  } finally {
    await Promise.all(children.map((child) => stopChild(child)));
    await deleteMatching(admin, `${prefix}*`).catch(() => undefined);
    await admin.quit().catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
  }
}
