/**
 * One house process of the scale-out suite: an AuctionHouse on Redis (one server or a Cluster)
 * sharing a prefix and partitions with its siblings, with its own closed-loop callers in the
 * same process, as an application server with its users would be. Started by
 * `scale-out-houses.ts` with `forkScript`, driven over IPC (the messages below). It writes the
 * bidIds it was told were accepted to a file, so that the parent can check each is in its
 * auction's ledger once.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type AuctionHouse, createAuctionHouse, type HouseMetrics } from '@outcry/core';
import { createRedisAdapters } from '@outcry/redis-adapter';
import { Cluster, Redis } from 'ioredis';
import { auctionPicker, type Routing } from './auction-picker.js';
import { boundChildLifetime } from './fork-script.js';

const STARTING_PRICE = 1_000;

/** What the callers bid on, and how many there are. */
export interface Load {
  readonly auctionIds: readonly string[];
  readonly routing: Routing;
  readonly callers: number;
}

export type ToChild =
  | { readonly cmd: 'create'; readonly count: number }
  | { readonly cmd: 'settle' }
  /** Bid until this process has used `cpuMs` of CPU (at most `maxMs`): the JIT's warm-up, before any cap. */
  | { readonly cmd: 'warm'; readonly load: Load; readonly cpuMs: number; readonly maxMs: number }
  | {
      readonly cmd: 'run';
      readonly load: Load;
      /** Epoch ms: callers start; the measured window is [startAt + settleMs, + durationMs). */
      readonly startAt: number;
      readonly settleMs: number;
      readonly durationMs: number;
      /** Where to write every bid answered accepted (warm-up included), `<auctionId>\t<bidId>` a line. */
      readonly acceptedFile: string;
    };

/** What the house counted over the window (`house.metrics()` at its start and end). */
export interface HouseCounts {
  /** Commands judged by this process's own sequencers without a trip through the queue. */
  readonly inMemory: number;
  /** Commands sent through the queue to another process's partitions. */
  readonly queued: number;
  /** Bids handed to another process's sequencer directly. */
  readonly direct: number;
  readonly batches: number;
  readonly commands: number;
  /** Broadcast messages this process received. */
  readonly received: number;
  /** Partitions this house took or gave up (lease moves), sampled every 100 ms. */
  readonly partitionMoves: number;
  /** Group commits refused because another house committed to one of their auctions first (judged again). */
  readonly conflicts: number;
}

export interface ChildResult {
  readonly kind: 'result';
  /** Latencies (ms) of the calls answered inside the window. */
  readonly latencies: number[];
  /** Calls answered inside the window with an error instead of an outcome. */
  readonly errors: number;
  /** Calls answered with an error since the process started bidding (their bids may be in a ledger). */
  readonly errorsInRun: number;
  /** CPU time (user + system) of this process over the window, µs. */
  readonly cpuUs: number;
  readonly windowMs: number;
  readonly owned: readonly number[];
  readonly accepted: number;
  readonly firstError: string | null;
  readonly counts: HouseCounts;
  /** Write and read system calls of the process over the window (Linux); null where unknown. */
  readonly systemCalls: SystemCalls | null;
}

function countsBetween(before: HouseMetrics, after: HouseMetrics, partitionMoves: number): HouseCounts {
  return {
    inMemory: after.queue.inMemory - before.queue.inMemory,
    direct: after.queue.direct - before.queue.direct,
    queued: after.queue.queued - before.queue.queued,
    batches: after.sequencer.batches - before.sequencer.batches,
    commands: after.sequencer.commands - before.sequencer.commands,
    received: after.broadcaster.received - before.broadcaster.received,
    partitionMoves,
    conflicts: after.sequencer.conflicts - before.sequencer.conflicts,
  };
}

/** Counts the partitions a house takes or gives up, looking every 100 ms, until stopped. */
function watchOwnership(house: AuctionHouse): { moves(): number; stop(): void } {
  let owned = new Set(house.metrics().partitions.owned);
  let moves = 0;
  const look = setInterval(() => {
    const now = new Set(house.metrics().partitions.owned);
    for (const partition of now) if (!owned.has(partition)) moves++;
    for (const partition of owned) if (!now.has(partition)) moves++;
    owned = now;
  }, 100);
  return { moves: () => moves, stop: () => clearInterval(look) };
}

export type FromChild =
  | { readonly kind: 'ready' }
  | { readonly kind: 'created'; readonly auctionIds: string[] }
  | { readonly kind: 'settled'; readonly owned: readonly number[] }
  | { readonly kind: 'warmed'; readonly bids: number }
  | ChildResult;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function createAuctions(house: AuctionHouse, count: number): Promise<string[]> {
  const ids: string[] = [];
  const endsAt = Date.now() + 3_600_000;
  for (let from = 0; from < count; from += 1_000) {
    const created = await Promise.all(
      Array.from({ length: Math.min(1_000, count - from) }, (_, k) =>
        house.createAuction({
          sellerId: 'seller',
          title: `Scale-out lot ${from + k}`,
          currency: 'USD',
          startingPrice: STARTING_PRICE,
          increment: { type: 'fixed', amount: 1 },
          endsAt,
        }),
      ),
    );
    for (const auction of created) ids.push(auction.id);
  }
  return ids;
}

/** Waits (up to 15 s) until this house owns its fair share of the partitions. */
async function untilFairShare(house: AuctionHouse, partitions: number, processes: number): Promise<void> {
  const low = Math.floor(partitions / processes);
  const high = Math.ceil(partitions / processes);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const owned = house.metrics().partitions.owned.length;
    if ((owned >= low && owned <= high) || Date.now() > deadline) return;
    await sleep(100);
  }
}

/** The callers of this process, and what they were answered over its life. */
class Bidders {
  readonly accepted: string[] = [];
  errors = 0;
  firstError: string | null = null;
  readonly #amounts = new Map<string, number>();
  // Each process starts somewhere else in the list, as independent users would.
  #turn = Math.floor(Math.random() * 1_000_000);
  readonly #house: AuctionHouse;
  readonly #partitions: number;

  constructor(house: AuctionHouse, partitions: number) {
    this.#house = house;
    this.#partitions = partitions;
  }

  /**
   * Every caller bids, one bid after another, while `going()`; `answered(started, ended, ok)`
   * sees every call.
   */
  async drive(load: Load, going: () => boolean, answered: (started: number, ended: number, ok: boolean) => void) {
    const picker = auctionPicker(
      load.auctionIds,
      load.routing,
      this.#partitions,
      () => this.#house.metrics().partitions.owned,
    );
    const bidderPrefix = `p${process.pid}-`;
    try {
      await Promise.all(
        Array.from({ length: load.callers }, async (_, lane) => {
          const bidderId = `${bidderPrefix}${lane % 64}`;
          while (going()) {
            const ids = picker.current();
            if (ids.length === 0) {
              await sleep(20);
              continue;
            }
            const auctionId = ids[this.#turn++ % ids.length] as string;
            const amount = (this.#amounts.get(auctionId) ?? STARTING_PRICE) + 10;
            this.#amounts.set(auctionId, amount);
            const started = performance.now();
            try {
              // Amounts rise with time too, so that bids from every process compete on the same auctions.
              const outcome = await this.#house.placeBid({ auctionId, bidderId, amount: amount + Date.now() * 10 });
              if (outcome.status === 'accepted') this.accepted.push(`${outcome.auctionId}\t${outcome.bidId}`);
              answered(started, performance.now(), true);
            } catch (error) {
              this.errors++;
              this.firstError ??= error instanceof Error ? error.message : String(error);
              answered(started, performance.now(), false);
            }
          }
        }),
      );
    } finally {
      picker.stop();
    }
  }
}

async function warm(bidders: Bidders, message: Extract<ToChild, { cmd: 'warm' }>): Promise<number> {
  const cpuBefore = process.cpuUsage();
  const deadline = performance.now() + message.maxMs;
  let bids = 0;
  let done = false;
  await bidders.drive(
    message.load,
    () => !done,
    () => {
      // process.cpuUsage is a system call: asked every 64 answers.
      if (++bids % 64 !== 0) return;
      const cpu = process.cpuUsage(cpuBefore);
      done = (cpu.user + cpu.system) / 1_000 >= message.cpuMs || performance.now() >= deadline;
    },
  );
  return bids;
}

export interface SystemCalls {
  readonly writes: number;
  readonly reads: number;
}

/**
 * The process's write and read system calls so far (`/proc/self/io`, Linux): a count of the
 * trips to Redis and wake-ups a bid takes, which this machine's noise does not move as it does CPU.
 */
function systemCalls(): SystemCalls | null {
  try {
    const io = readFileSync('/proc/self/io', 'utf8');
    const writes = Number(/^syscw: (\d+)$/m.exec(io)?.[1]);
    const reads = Number(/^syscr: (\d+)$/m.exec(io)?.[1]);
    return Number.isFinite(writes) && Number.isFinite(reads) ? { writes, reads } : null;
  } catch {
    return null;
  }
}

async function run(house: AuctionHouse, bidders: Bidders, message: Extract<ToChild, { cmd: 'run' }>) {
  await sleep(Math.max(0, message.startAt - Date.now()));
  const measureFrom = performance.now() + message.settleMs;
  const stopAt = measureFrom + message.durationMs;
  const latencies: number[] = [];
  let errors = 0;
  // The window opens and closes at the first moment a caller (or a timer, for idle callers) sees
  // its time come: a timer alone may fire after the callers have finished.
  let cpuBefore: NodeJS.CpuUsage | null = null;
  let cpuUs = 0;
  let metricsBefore: HouseMetrics | null = null;
  let counts: HouseCounts = {
    inMemory: 0,
    queued: 0,
    direct: 0,
    batches: 0,
    commands: 0,
    received: 0,
    partitionMoves: 0,
    conflicts: 0,
  };
  // Set by markWindow, which TypeScript does not follow: declared wide.
  let ownership = null as ReturnType<typeof watchOwnership> | null;
  let windowStart = measureFrom;
  let windowEnd = stopAt;
  let closed = false;
  let callsBefore: SystemCalls | null = null;
  let calls: SystemCalls | null = null;
  const markWindow = () => {
    const now = performance.now();
    if (cpuBefore === null && now >= measureFrom) {
      cpuBefore = process.cpuUsage();
      callsBefore = systemCalls();
      metricsBefore = house.metrics();
      ownership = watchOwnership(house);
      windowStart = now;
    }
    if (!closed && cpuBefore !== null && now >= stopAt) {
      const used = process.cpuUsage(cpuBefore);
      cpuUs = used.user + used.system;
      const callsAfter = systemCalls();
      calls =
        callsBefore === null || callsAfter === null
          ? null
          : { writes: callsAfter.writes - callsBefore.writes, reads: callsAfter.reads - callsBefore.reads };
      ownership?.stop();
      if (metricsBefore !== null) counts = countsBetween(metricsBefore, house.metrics(), ownership?.moves() ?? 0);
      windowEnd = now;
      closed = true;
    }
  };
  const windowOpens = setTimeout(markWindow, message.settleMs);
  await bidders.drive(
    message.load,
    () => {
      markWindow();
      return performance.now() < stopAt;
    },
    (started, ended, ok) => {
      markWindow();
      if (ended < measureFrom || ended >= stopAt) return;
      if (ok) latencies.push(ended - started);
      else errors++;
    },
  );
  clearTimeout(windowOpens);
  markWindow();
  ownership?.stop();
  const { accepted } = bidders;
  writeFileSync(message.acceptedFile, accepted.length === 0 ? '' : `${accepted.join('\n')}\n`);
  const result: ChildResult = {
    kind: 'result',
    latencies,
    errors,
    errorsInRun: bidders.errors,
    cpuUs,
    windowMs: windowEnd - windowStart,
    owned: house.metrics().partitions.owned,
    accepted: accepted.length,
    firstError: bidders.firstError,
    counts,
    systemCalls: calls,
  };
  return result;
}

function redisClient(): Redis | Cluster {
  const nodes = process.env.BENCH_REDIS_CLUSTER;
  if (nodes !== undefined && nodes !== '') {
    return new Cluster(
      nodes.split(',').map((node) => {
        const [host = '127.0.0.1', port = '6379'] = node.split(':');
        return { host, port: Number(port) };
      }),
      // No auto-pipelining on a Cluster: ioredis refuses automatic pipelines whose keys span nodes.
    );
  }
  return new Redis(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', { enableAutoPipelining: true });
}

async function main(): Promise<void> {
  boundChildLifetime(600_000);
  const partitions = Number(process.env.BENCH_PARTITIONS);
  const processes = Number(process.env.BENCH_PROCESSES);
  const redis = redisClient();
  const adapters = createRedisAdapters({ redis, prefix: process.env.BENCH_PREFIX as string, partitions });
  // Short leases: the houses share the partitions out within a few seconds of starting.
  const house = createAuctionHouse({
    backend: adapters,
    partitions,
    houseId: `scale-out-${process.pid}`,
    leaseTtlMs: 3_000,
    bidJudging: process.env.BENCH_BID_JUDGING === 'anywhere' ? 'anywhere' : 'owner',
  });
  await house.start();
  const bidders = new Bidders(house, partitions);
  const send = (message: FromChild) => process.send?.(message);
  process.on('SIGTERM', () => {
    void (async () => {
      await house.stop();
      await adapters.close();
      await redis.quit();
    })().finally(() => process.exit(0));
  });
  process.on('message', (message: ToChild) => {
    void (async () => {
      if (message.cmd === 'create') send({ kind: 'created', auctionIds: await createAuctions(house, message.count) });
      else if (message.cmd === 'settle') {
        await untilFairShare(house, partitions, processes);
        send({ kind: 'settled', owned: house.metrics().partitions.owned });
      } else if (message.cmd === 'warm') send({ kind: 'warmed', bids: await warm(bidders, message) });
      else send(await run(house, bidders, message));
    })().catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  });
  send({ kind: 'ready' });
}

await main();
