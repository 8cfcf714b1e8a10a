// Postgres stack vs one transaction per bid. Call `runPostgresStackSuite` as a Suite from
// main.ts (needs: ['postgres']), or `measurePostgresStack()` for the raw figures.
import { createAuctionHouse } from '@outcry/core';
import { createPostgresAdapters } from '@outcry/postgres-adapter';
import pg from 'pg';
import { type BenchMode, type BenchRow, createRow, type SuiteContext } from './bench-row.js';
import { runClosedLoop } from './closed-loop.js';
import { quantile } from './quantile.js';

/** Bids/s and latency of one measured run. */
export interface StackFigures {
  readonly bids: number;
  readonly bidsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

/** One scenario: the AuctionHouse on PostgreSQL next to the per-bid transaction baseline. */
export interface StackComparison {
  readonly outcry: StackFigures;
  readonly baseline: StackFigures;
  /** outcry.bidsPerSecond / baseline.bidsPerSecond */
  readonly ratio: number;
  /** Commands per group commit of the house during the run. */
  readonly averageBatch: number;
}

export interface PostgresStackOptions {
  readonly databaseUrl?: string;
  /** Measured time per scenario and contender (4,000 ms). */
  readonly durationMs?: number;
  /** Bids in flight at any time, for both contenders (64). */
  readonly concurrency?: number;
  /** Auctions of the spread scenario (10,000). */
  readonly auctions?: number;
  readonly log?: (line: string) => void;
  /** Wraps the measured runs of the house (not the baseline), e.g. in the CPU profiler. */
  readonly profile?: <T>(label: string, work: () => Promise<T>) => Promise<T>;
}

export interface PostgresStackResult {
  readonly hot: StackComparison;
  readonly spread: StackComparison;
  readonly concurrency: number;
  readonly auctions: number;
}

/** A bid source: which auction, and an amount that keeps rising so that most bids are accepted. */
type NextBid = () => { auctionId: string; amount: number };

/** Runs `concurrency` callers, each placing one bid after another, for `durationMs`. */
async function drive(
  concurrency: number,
  durationMs: number,
  next: NextBid,
  place: (auctionId: string, bidderId: string, amount: number) => Promise<unknown>,
): Promise<StackFigures> {
  const {
    latencies,
    errors,
    elapsedMs: elapsed,
  } = await runClosedLoop(concurrency, durationMs, (w) => {
    const { auctionId, amount } = next();
    return place(auctionId, `bidder-${w % 50}`, amount);
  });
  return {
    bids: latencies.length,
    bidsPerSecond: (latencies.length * 1_000) / elapsed,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    errors,
  };
}

function risingBids(ids: readonly string[]): NextBid {
  const amounts = new Map<string, number>();
  return () => {
    const auctionId = ids.length === 1 ? (ids[0] as string) : (ids[Math.floor(Math.random() * ids.length)] as string);
    const amount = (amounts.get(auctionId) ?? 1_000) + 1 + Math.floor(Math.random() * 3);
    amounts.set(auctionId, amount);
    return { auctionId, amount };
  };
}

/** The baseline's tables: what a typical backend keeps, one row per auction and one per bid. */
const BASELINE_SCHEMA = (s: string) => `
  create table ${s}.baseline_auctions (id text primary key, price bigint not null, leader_id text,
    leader_max bigint not null default 0, bid_count integer not null default 0, seq integer not null default 1);
  create table ${s}.baseline_bids (auction_id text not null, seq integer not null, bid_id text not null unique,
    bidder_id text not null, amount bigint not null, price bigint not null, primary key (auction_id, seq));`;

/** One bid the usual way: a transaction with SELECT … FOR UPDATE, INSERT, UPDATE, with the same proxy rule. */
async function baselineBid(
  pool: pg.Pool,
  s: string,
  auctionId: string,
  bidderId: string,
  amount: number,
  bidId: string,
) {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{ price: string; leader_id: string | null; leader_max: string; seq: number }>({
      name: 'b-lock',
      text: `select price, leader_id, leader_max, seq from ${s}.baseline_auctions where id = $1 for update`,
      values: [auctionId],
    });
    const row = rows[0];
    if (row === undefined) throw new Error('no such auction');
    const price = Number(row.price);
    const leaderMax = Number(row.leader_max);
    const increment = 1;
    if (amount < price + increment) {
      await client.query('rollback');
      return;
    }
    let nextPrice = price;
    let leader = row.leader_id;
    let max = leaderMax;
    if (row.leader_id === null) nextPrice = price;
    else if (row.leader_id === bidderId) max = Math.max(max, amount);
    else if (amount > leaderMax) {
      nextPrice = Math.min(amount, leaderMax + increment);
      leader = bidderId;
      max = amount;
    } else nextPrice = Math.min(leaderMax, amount + increment);
    if (row.leader_id === null) {
      leader = bidderId;
      max = amount;
    }
    const seq = row.seq + 1;
    await client.query({
      name: 'b-insert',
      text: `insert into ${s}.baseline_bids (auction_id, seq, bid_id, bidder_id, amount, price) values ($1, $2, $3, $4, $5, $6)`,
      values: [auctionId, seq, bidId, bidderId, amount, nextPrice],
    });
    await client.query({
      name: 'b-update',
      text: `update ${s}.baseline_auctions set price = $2, leader_id = $3, leader_max = $4, bid_count = bid_count + 1, seq = $5 where id = $1`,
      values: [auctionId, nextPrice, leader, max, seq],
    });
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Measures bids/s and latency of an AuctionHouse on PostgreSQL (group commit, one
 * `commit_batch` per batch) next to a baseline doing one transaction per bid, with the same
 * number of callers, on one hot auction and on many auctions. Uses (and drops) its own schema.
 */
export async function measurePostgresStack(options: PostgresStackOptions = {}): Promise<PostgresStackResult> {
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const durationMs = options.durationMs ?? 4_000;
  const concurrency = options.concurrency ?? 64;
  const auctionCount = options.auctions ?? 10_000;
  const log = options.log ?? (() => undefined);

  const schema = `outcry_bench_${process.pid}_${Math.random().toString(36).slice(2, 6)}`;
  const adapters = createPostgresAdapters({ connectionString: databaseUrl, schema });
  const basePool = new pg.Pool({ connectionString: databaseUrl, max: concurrency });
  basePool.on('error', () => undefined);
  const s = `"${schema}"`;
  try {
    await adapters.migrate();
    await basePool.query(BASELINE_SCHEMA(s));
    const house = createAuctionHouse({ backend: adapters });
    await house.start();
    const create = async (n: number) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i += 500) {
        const chunk = await Promise.all(
          Array.from({ length: Math.min(500, n - i) }, () =>
            house.createAuction({
              sellerId: 'seller',
              title: 'Bench lot',
              currency: 'USD',
              startingPrice: 1_000,
              increment: { type: 'fixed', amount: 1 },
              startsAt: Date.now(),
              endsAt: Date.now() + 3_600_000,
            }),
          ),
        );
        ids.push(...chunk.map((a) => a.id));
      }
      await basePool.query(`insert into ${s}.baseline_auctions (id, price) select unnest($1::text[]), 1000`, [ids]);
      return ids;
    };
    let bidNumber = 0;
    const outcryBid = (auctionId: string, bidderId: string, amount: number) =>
      house.placeBid({ auctionId, bidderId, amount });
    const baseBid = (auctionId: string, bidderId: string, amount: number) =>
      baselineBid(basePool, s, auctionId, bidderId, amount, `base-${++bidNumber}`);

    const compare = async (name: string, ids: readonly string[]): Promise<StackComparison> => {
      // Warm both up (prepared statements, caches), then measure each on its own.
      await drive(concurrency, Math.min(500, durationMs / 4), risingBids(ids), baseBid);
      const baseline = await drive(concurrency, durationMs, risingBids(ids), baseBid);
      log(`${name}: baseline ${baseline.bidsPerSecond.toFixed(0)} bids/s, p99 ${baseline.p99Ms.toFixed(1)} ms`);
      await drive(concurrency, Math.min(500, durationMs / 4), risingBids(ids), outcryBid);
      const before = house.metrics().sequencer;
      const measure = () => drive(concurrency, durationMs, risingBids(ids), outcryBid);
      const outcry = await (options.profile?.(`postgres-stack-${ids.length === 1 ? 'hot' : 'spread'}`, measure) ??
        measure());
      const after = house.metrics().sequencer;
      const batches = after.batches - before.batches;
      log(`${name}: outcry ${outcry.bidsPerSecond.toFixed(0)} bids/s, p99 ${outcry.p99Ms.toFixed(1)} ms`);
      return {
        outcry,
        baseline,
        ratio: outcry.bidsPerSecond / baseline.bidsPerSecond,
        averageBatch: batches === 0 ? 0 : (after.commands - before.commands) / batches,
      };
    };
    const hot = await compare('hot auction', await create(1));
    const spread = await compare(`${auctionCount} auctions`, await create(auctionCount));
    await house.stop();
    return { hot, spread, concurrency, auctions: auctionCount };
  } finally {
    await adapters.pool.query(`drop schema if exists ${s} cascade`).catch(() => undefined);
    await adapters.close();
    await basePool.end();
  }
}

const DURATION: Record<BenchMode, number> = { full: 5_000, quick: 2_000, tiny: 300 };

/** The suite for main.ts: two rows (hot auction, many auctions), each against the per-bid transaction. */
export async function runPostgresStackSuite(context: SuiteContext): Promise<BenchRow[]> {
  const result = await measurePostgresStack({
    durationMs: DURATION[context.mode],
    auctions: context.mode === 'tiny' ? 200 : 10_000,
    log: context.log,
    ...(context.profile === undefined ? {} : { profile: context.profile }),
  });
  const row = (name: string, c: StackComparison) =>
    createRow({
      suite: 'postgres-stack',
      name,
      figure: c.outcry.bidsPerSecond,
      unit: 'bids/s',
      baseline: 'one transaction per bid (SELECT … FOR UPDATE, INSERT, UPDATE)',
      baselineFigure: c.baseline.bidsPerSecond,
      better: 'higher',
      notes: `${result.concurrency} callers each; p99 ${c.outcry.p99Ms.toFixed(1)} ms vs ${c.baseline.p99Ms.toFixed(1)} ms; ${c.averageBatch.toFixed(0)} bids per group commit`,
      details: {
        outcryP50Ms: c.outcry.p50Ms,
        outcryP99Ms: c.outcry.p99Ms,
        baselineP50Ms: c.baseline.p50Ms,
        baselineP99Ms: c.baseline.p99Ms,
        outcryBids: c.outcry.bids,
        baselineBids: c.baseline.bids,
        outcryErrors: c.outcry.errors,
        baselineErrors: c.baseline.errors,
        averageBatch: c.averageBatch,
      },
    });
  return [
    row('Postgres stack, one hot auction', result.hot),
    row(`Postgres stack, ${result.auctions} auctions`, result.spread),
  ];
}
