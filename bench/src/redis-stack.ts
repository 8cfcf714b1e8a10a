// Redis stack vs one bid-shaped Lua call per bid. Call `runRedisStackSuite` as a Suite from
// main.ts (needs a Redis at REDIS_URL), or `measureRedisStack()` for the raw figures.
import { type AuctionHouse, createAuctionHouse, DEFAULT_SHARED_PARTITIONS } from '@outcry/core';
import { createRedisAdapters, deleteMatching } from '@outcry/redis-adapter';
import { Redis } from 'ioredis';
import { type BenchMode, type BenchRow, createRow, type SuiteContext } from './bench-row.js';
import { runClosedLoop } from './closed-loop.js';
import { quantile } from './quantile.js';

/** Bids/s and latency of one measured run. */
export interface RedisStackFigures {
  readonly bids: number;
  readonly bidsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** Commands the Redis server ran during the run, per bid (INFO commandstats). */
  readonly redisCallsPerBid: number;
  /** CPU time the Redis server used during the run, per bid, in µs (INFO cpu, user + sys). */
  readonly redisCpuUsPerBid: number;
  /** CPU time this process (callers and contender) used during the run, per bid, in µs. */
  readonly nodeCpuUsPerBid: number;
  /** Bytes the Redis server read from and wrote to its clients during the run, per bid (INFO stats). */
  readonly redisBytesInPerBid: number;
  readonly redisBytesOutPerBid: number;
}

/** One scenario: the AuctionHouse on Redis next to the per-bid Lua baseline, same run, same Redis. */
export interface RedisStackComparison {
  readonly outcry: RedisStackFigures;
  readonly baseline: RedisStackFigures;
  /** The same baseline on a client with ioredis auto-pipelining. */
  readonly pipelinedBaseline: RedisStackFigures;
  /** outcry.bidsPerSecond / baseline.bidsPerSecond */
  readonly ratio: number;
  /** Commands per group commit of the house during the run. */
  readonly averageBatch: number;
}

export interface RedisStackOptions {
  readonly redisUrl?: string;
  /** Measured time per scenario and contender (4,000 ms). */
  readonly durationMs?: number;
  /** Bids in flight at any time, for both contenders (100). */
  readonly concurrency?: number;
  /** Auctions of the spread scenario (10,000). */
  readonly auctions?: number;
  /** Bids in flight of the busy spread scenario, on as many fresh auctions (1,000). */
  readonly busyConcurrency?: number;
  /** Partitions of the house (the default, `DEFAULT_SHARED_PARTITIONS`). */
  readonly partitions?: number;
  /** Partitions of a second house, measured on the spread scenario too (16). */
  readonly finePartitions?: number;
  readonly log?: (line: string) => void;
  /** Wraps the measured runs of the house (not the baseline), e.g. in the CPU profiler. */
  readonly profile?: <T>(label: string, work: () => Promise<T>) => Promise<T>;
}

export interface RedisStackResult {
  readonly hot: RedisStackComparison;
  readonly spread: RedisStackComparison;
  /** The spread scenario again, on fresh auctions, with `busyConcurrency` bids in flight. */
  readonly busySpread: RedisStackComparison;
  /** The spread scenario again, on fresh auctions, by a house with `finePartitions` partitions. */
  readonly fineSpread: RedisStackComparison;
  readonly partitions: number;
  readonly finePartitions: number;
  readonly concurrency: number;
  readonly busyConcurrency: number;
  readonly auctions: number;
}

/**
 * The baseline: what a per-bid Redis backend does, in one EVALSHA per bid. It reads the auction
 * hash, applies the same proxy rule (increment 1), and on acceptance updates the hash, appends
 * to the ledger list and records the outcome by bidId: the same writes as the group commit.
 */
const BASELINE_BID_LUA = `
local auction = KEYS[1]
local ledger = KEYS[2]
local outcomes = KEYS[3]
local bidId, bidderId, amount = ARGV[1], ARGV[2], tonumber(ARGV[3])
if redis.call('HEXISTS', outcomes, bidId) == 1 then return redis.call('HGET', outcomes, bidId) end
local f = redis.call('HMGET', auction, 'price', 'leader', 'max', 'seq')
local price, leader, max, seq = tonumber(f[1]), f[2], tonumber(f[3] or '0'), tonumber(f[4] or '1')
local answer
if leader and amount < price + 1 then
  answer = 'rejected'
else
  if not leader then leader = bidderId; max = amount
  elseif leader == bidderId then max = math.max(max, amount)
  elseif amount > max then price = math.min(amount, max + 1); leader = bidderId; max = amount
  else price = math.min(max, amount + 1) end
  seq = seq + 1
  redis.call('HSET', auction, 'price', price, 'leader', leader, 'max', max, 'seq', seq)
  redis.call('RPUSH', ledger, cjson.encode({ seq = seq, bidId = bidId, bidderId = bidderId, amount = amount, price = price }))
  answer = 'accepted'
end
redis.call('HSET', outcomes, bidId, answer)
return answer
`;

type NextBid = () => { auctionId: string; amount: number };

function risingBids(ids: readonly string[]): NextBid {
  const amounts = new Map<string, number>();
  return () => {
    const auctionId = ids.length === 1 ? (ids[0] as string) : (ids[Math.floor(Math.random() * ids.length)] as string);
    const amount = (amounts.get(auctionId) ?? 1_000) + 1 + Math.floor(Math.random() * 3);
    amounts.set(auctionId, amount);
    return { auctionId, amount };
  };
}

/** Total commands the server ran so far (sum of INFO commandstats calls). */
async function serverCalls(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let calls = 0;
  for (const match of info.matchAll(/calls=(\d+)/g)) calls += Number(match[1]);
  return calls;
}

/** CPU seconds the Redis server has used so far (INFO cpu: user + sys, main thread and I/O). */
async function serverCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** Bytes the Redis server has read from and written to clients so far (INFO stats). */
async function serverNetBytes(redis: Redis): Promise<{ input: number; output: number }> {
  const info = await redis.info('stats');
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return { input: field('total_net_input_bytes'), output: field('total_net_output_bytes') };
}

/** Runs `concurrency` callers, each placing one bid after another, for `durationMs`. */
async function drive(
  admin: Redis,
  concurrency: number,
  durationMs: number,
  next: NextBid,
  place: (auctionId: string, bidderId: string, amount: number) => Promise<unknown>,
): Promise<RedisStackFigures> {
  const callsBefore = await serverCalls(admin);
  const cpuBefore = await serverCpuSeconds(admin);
  const netBefore = await serverNetBytes(admin);
  const nodeBefore = process.cpuUsage();
  const {
    latencies,
    errors,
    elapsedMs: elapsed,
  } = await runClosedLoop(concurrency, durationMs, (lane) => {
    const { auctionId, amount } = next();
    return place(auctionId, `bidder-${lane % 50}`, amount);
  });
  const node = process.cpuUsage(nodeBefore);
  // Minus the INFO call itself.
  const cpu = (await serverCpuSeconds(admin)) - cpuBefore;
  const net = await serverNetBytes(admin);
  const calls = (await serverCalls(admin)) - callsBefore - 2;
  return {
    bids: latencies.length,
    bidsPerSecond: (latencies.length * 1_000) / elapsed,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    errors,
    redisCallsPerBid: latencies.length === 0 ? 0 : calls / latencies.length,
    redisCpuUsPerBid: latencies.length === 0 ? 0 : (cpu * 1e6) / latencies.length,
    nodeCpuUsPerBid: latencies.length === 0 ? 0 : (node.user + node.system) / latencies.length,
    redisBytesInPerBid: latencies.length === 0 ? 0 : (net.input - netBefore.input) / latencies.length,
    redisBytesOutPerBid: latencies.length === 0 ? 0 : (net.output - netBefore.output) / latencies.length,
  };
}

/**
 * Bids/s and p50/p99 latency of an AuctionHouse on Redis (one process: callers, house and its
 * group commits), next to the per-bid Lua baseline with the same callers and concurrency, for a
 * hot auction and for bids spread over `auctions` auctions. Uses and then deletes its own prefix.
 */
export async function measureRedisStack(options: RedisStackOptions = {}): Promise<RedisStackResult> {
  const url = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const durationMs = options.durationMs ?? 4_000;
  const concurrency = options.concurrency ?? 100;
  const busyConcurrency = options.busyConcurrency ?? 1_000;
  const auctionCount = options.auctions ?? 10_000;
  const partitions = options.partitions ?? DEFAULT_SHARED_PARTITIONS;
  const finePartitions = options.finePartitions ?? 16;
  const log = options.log ?? (() => undefined);
  const prefix = `outcry-bench:${process.pid}:${Date.now().toString(36)}:`;
  const redis = new Redis(url);
  const admin = new Redis(url);
  // Auto-pipelining, as the adapter's README advises (and it sets itself when given a URL). The
  // per-bid baseline is measured both without it (what most code does) and with it, on the same
  // client as the house (the contenders run one after the other).
  const pipelinedRedis = new Redis(url, { enableAutoPipelining: true });
  const open: Array<{ house: AuctionHouse; close(): Promise<void> }> = [];
  const openHouse = async (count: number, keyPrefix: string): Promise<AuctionHouse> => {
    const adapters = createRedisAdapters({ redis: pipelinedRedis, prefix: keyPrefix, partitions: count });
    const opened = createAuctionHouse({ backend: adapters, partitions: count });
    open.push({ house: opened, close: () => adapters.close() });
    await opened.start();
    return opened;
  };
  const baselineSha = (await redis.script('LOAD', BASELINE_BID_LUA)) as string;
  let bidSerial = 0;
  try {
    let house = await openHouse(partitions, prefix);
    const createMany = async (count: number): Promise<string[]> => {
      const ids: string[] = [];
      const now = Date.now();
      for (let from = 0; from < count; from += 1_000) {
        const created = await Promise.all(
          Array.from({ length: Math.min(1_000, count - from) }, (_, i) =>
            house.createAuction({
              sellerId: 'seller',
              title: `Bench lot ${from + i}`,
              currency: 'USD',
              startingPrice: 1_000,
              increment: { type: 'fixed', amount: 1 },
              startsAt: now,
              endsAt: now + 3_600_000,
            }),
          ),
        );
        for (const auction of created) ids.push(auction.id);
      }
      return ids;
    };
    const baselineAuctions = async (ids: readonly string[]) => {
      for (let from = 0; from < ids.length; from += 1_000) {
        const pipeline = redis.pipeline();
        for (const id of ids.slice(from, from + 1_000))
          pipeline.hset(`${prefix}baseline:{${id}}:auction`, 'price', 1_000, 'seq', 1);
        await pipeline.exec();
      }
    };
    const baselineBidOn = (client: Redis) => (auctionId: string, bidderId: string, amount: number) =>
      client.evalsha(
        baselineSha,
        3,
        `${prefix}baseline:{${auctionId}}:auction`,
        `${prefix}baseline:{${auctionId}}:ledger`,
        `${prefix}baseline:{${auctionId}}:outcomes`,
        `bl-${++bidSerial}`,
        bidderId,
        amount,
      );
    const baselineBid = baselineBidOn(redis);
    const pipelinedBaselineBid = baselineBidOn(pipelinedRedis);
    // Reads `house` when called: the last scenario measures another house.
    const houseBid = (auctionId: string, bidderId: string, amount: number) =>
      house.placeBid({ auctionId, bidderId, amount }).then((outcome) => {
        if (outcome.status !== 'accepted' && outcome.status !== 'rejected') throw new Error('no outcome');
      });

    const scenario = async (
      name: string,
      ids: readonly string[],
      label: string,
      lanes = concurrency,
    ): Promise<RedisStackComparison> => {
      await baselineAuctions(ids);
      // Warm both paths (scripts loaded, connections open, JIT) before measuring.
      await drive(admin, lanes, Math.min(500, durationMs / 4), risingBids(ids), baselineBid);
      const baseline = await drive(admin, lanes, durationMs, risingBids(ids), baselineBid);
      log(`${name}: baseline ${Math.round(baseline.bidsPerSecond)} bids/s, p99 ${baseline.p99Ms.toFixed(1)} ms`);
      const pipelinedBaseline = await drive(admin, lanes, durationMs, risingBids(ids), pipelinedBaselineBid);
      log(
        `${name}: auto-pipelined baseline ${Math.round(pipelinedBaseline.bidsPerSecond)} bids/s, p99 ${pipelinedBaseline.p99Ms.toFixed(1)} ms`,
      );
      await drive(admin, lanes, Math.min(500, durationMs / 4), risingBids(ids), houseBid);
      const before = house.metrics().sequencer;
      const measure = () => drive(admin, lanes, durationMs, risingBids(ids), houseBid);
      const outcry = await (options.profile?.(`redis-stack-${label}`, measure) ?? measure());
      const after = house.metrics().sequencer;
      const batches = after.batches - before.batches;
      const averageBatch = batches === 0 ? 0 : (after.commands - before.commands) / batches;
      log(
        `${name}: outcry ${Math.round(outcry.bidsPerSecond)} bids/s, p99 ${outcry.p99Ms.toFixed(1)} ms, batch ${averageBatch.toFixed(1)}`,
      );
      return {
        outcry,
        baseline,
        pipelinedBaseline,
        ratio: outcry.bidsPerSecond / baseline.bidsPerSecond,
        averageBatch,
      };
    };

    const hot = await scenario('hot auction', await createMany(1), 'hot');
    log(`creating ${auctionCount} auctions`);
    const spread = await scenario(`${auctionCount} auctions`, await createMany(auctionCount), 'spread');
    // Fresh auctions: on the first ones the house's prices have moved on and new rising bids would be refused.
    log(`creating ${auctionCount} more auctions`);
    const busySpread = await scenario(
      `${auctionCount} auctions, ${busyConcurrency} in flight`,
      await createMany(auctionCount),
      'spread-busy',
      busyConcurrency,
    );
    await house.stop();
    house = await openHouse(finePartitions, `${prefix}fine:`);
    log(`creating ${auctionCount} auctions on ${finePartitions} partitions`);
    const fineSpread = await scenario(
      `${auctionCount} auctions, ${finePartitions} partitions`,
      await createMany(auctionCount),
      'spread-fine',
    );
    return {
      hot,
      spread,
      busySpread,
      fineSpread,
      partitions,
      finePartitions,
      concurrency,
      busyConcurrency,
      auctions: auctionCount,
    };
  } finally {
    for (const { house, close } of open) {
      await house.stop();
      await close();
    }
    // The house's client first: QUIT waits for what it still had to send (a lease's last renewal
    // would otherwise write its token again after the keys are gone).
    await pipelinedRedis.quit();
    await redis.quit();
    await deleteMatching(admin, `${prefix}*`);
    await admin.quit();
  }
}

const DURATION: Record<BenchMode, number> = { full: 4_000, quick: 1_500, tiny: 200 };
const AUCTIONS: Record<BenchMode, number> = { full: 10_000, quick: 10_000, tiny: 200 };
const BUSY: Record<BenchMode, number> = { full: 1_000, quick: 1_000, tiny: 50 };

/** The Redis stack as bench rows: bids/s (ratio to the per-bid Lua baseline) and p99 latency. */
export async function runRedisStackSuite(context: SuiteContext): Promise<BenchRow[]> {
  const result = await measureRedisStack({
    durationMs: DURATION[context.mode],
    auctions: AUCTIONS[context.mode],
    busyConcurrency: BUSY[context.mode],
    log: context.log,
    ...(context.profile === undefined ? {} : { profile: context.profile }),
  });
  const rows: BenchRow[] = [];
  for (const [key, label, concurrency] of [
    ['hot', 'hot auction', result.concurrency],
    ['spread', `${result.auctions} auctions`, result.concurrency],
    ['busySpread', `${result.auctions} auctions, ${result.busyConcurrency} in flight`, result.busyConcurrency],
    ['fineSpread', `${result.auctions} auctions, ${result.finePartitions} partitions`, result.concurrency],
  ] as const) {
    const { outcry, baseline, pipelinedBaseline, averageBatch } = result[key];
    const partitions = key === 'fineSpread' ? result.finePartitions : result.partitions;
    const details = {
      concurrency,
      partitions,
      averageBatch,
      bids: outcry.bids,
      baselineBids: baseline.bids,
      p50Ms: outcry.p50Ms,
      baselineP50Ms: baseline.p50Ms,
      redisCallsPerBid: outcry.redisCallsPerBid,
      baselineRedisCallsPerBid: baseline.redisCallsPerBid,
      redisCpuUsPerBid: outcry.redisCpuUsPerBid,
      baselineRedisCpuUsPerBid: baseline.redisCpuUsPerBid,
      nodeCpuUsPerBid: outcry.nodeCpuUsPerBid,
      baselineNodeCpuUsPerBid: baseline.nodeCpuUsPerBid,
      redisBytesInPerBid: outcry.redisBytesInPerBid,
      baselineRedisBytesInPerBid: baseline.redisBytesInPerBid,
      redisBytesOutPerBid: outcry.redisBytesOutPerBid,
      baselineRedisBytesOutPerBid: baseline.redisBytesOutPerBid,
      errors: outcry.errors + baseline.errors,
    };
    rows.push(
      createRow({
        suite: 'redis-stack',
        name: `AuctionHouse on Redis, ${label}`,
        figure: outcry.bidsPerSecond,
        unit: 'bids/s',
        baseline: 'one bid-shaped Lua EVALSHA per bid (ioredis)',
        baselineFigure: baseline.bidsPerSecond,
        better: 'higher',
        notes: `${concurrency} bids in flight; ${partitions} partitions; group commit of ${averageBatch.toFixed(1)} commands; CPU a bid: Node ${outcry.nodeCpuUsPerBid.toFixed(1)} µs vs ${baseline.nodeCpuUsPerBid.toFixed(1)}, Redis ${outcry.redisCpuUsPerBid.toFixed(1)} µs vs ${baseline.redisCpuUsPerBid.toFixed(1)}; Redis bytes a bid in/out: ${outcry.redisBytesInPerBid.toFixed(0)}/${outcry.redisBytesOutPerBid.toFixed(0)} vs ${baseline.redisBytesInPerBid.toFixed(0)}/${baseline.redisBytesOutPerBid.toFixed(0)}`,
        details,
      }),
      createRow({
        suite: 'redis-stack',
        name: `AuctionHouse on Redis, ${label}, vs an auto-pipelined baseline`,
        figure: outcry.bidsPerSecond,
        unit: 'bids/s',
        baseline: 'one bid-shaped Lua EVALSHA per bid, ioredis enableAutoPipelining',
        baselineFigure: pipelinedBaseline.bidsPerSecond,
        better: 'higher',
        notes: `same run as the row above; the baseline's p99 ${pipelinedBaseline.p99Ms.toFixed(1)} ms`,
        details: {
          ...details,
          pipelinedBaselineBids: pipelinedBaseline.bids,
          pipelinedBaselineP99Ms: pipelinedBaseline.p99Ms,
        },
      }),
      createRow({
        suite: 'redis-stack',
        name: `AuctionHouse on Redis, ${label}, Redis CPU per bid`,
        figure: outcry.redisCpuUsPerBid,
        unit: 'µs',
        baseline: 'one bid-shaped Lua EVALSHA per bid (ioredis), Redis CPU per bid',
        baselineFigure: baseline.redisCpuUsPerBid,
        better: 'lower',
        notes: `same run as the rows above; INFO cpu (user + sys) over the run / bids: what one Redis core can carry when house processes on other cores keep it busy (the design's Redis-bound case); Node ${outcry.nodeCpuUsPerBid.toFixed(1)} µs vs ${baseline.nodeCpuUsPerBid.toFixed(1)}`,
        details,
      }),
      createRow({
        suite: 'redis-stack',
        name: `AuctionHouse on Redis, ${label}, p99 latency`,
        figure: outcry.p99Ms,
        unit: 'ms',
        baseline: 'per-bid Lua EVALSHA p99',
        baselineFigure: baseline.p99Ms,
        better: 'lower',
        notes: `p50 ${outcry.p50Ms.toFixed(2)} ms vs ${baseline.p50Ms.toFixed(2)} ms`,
        details,
      }),
    );
  }
  return rows;
}
