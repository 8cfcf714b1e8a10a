import { partitionOf } from '@outcry/core/adapter-kit';
import { BidLoad, type BidRecord, type LoadAuction } from './bid-load.js';
import { FaultStack, type StackName } from './fault-stack.js';
import { checkLedger, type LedgerCheck } from './ledger-check.js';
import { PostgresServerProcess } from './postgres-server-process.js';
import { RedisServerProcess } from './redis-server-process.js';
import type { ServerProcess } from './server-process.js';
import { sleep } from './wait-until.js';

/** The server a fault kills with SIGKILL and starts again. */
export type FaultTarget = 'redis' | 'postgres';

export interface FaultRunOptions {
  readonly stack: StackName;
  readonly target: FaultTarget;
  /** Kills of the target, one after another. */
  readonly faults: number;
  readonly bidsPerSecond: number;
  readonly leaseTtlMs: number;
  /** How long the target stays dead each time. */
  readonly downMs: number;
  /** Load before the first kill. */
  readonly warmMs: number;
  /** Load after each recovery, before the next kill or the end. */
  readonly afterMs: number;
  /** Leases taken and given back per partition before the houses start: tokens with a past. */
  readonly tokenHistory?: number;
  readonly partitions?: number;
  readonly houses?: number;
  /** The longest recovery waited for (4 lease TTLs); one that takes longer is reported as null. */
  readonly recoveryLimitMs?: number;
  readonly log?: (line: string) => void;
}

/** The figures of a run. */
export interface FaultRunReport {
  readonly stack: StackName;
  readonly target: FaultTarget;
  readonly faultsInjected: number;
  readonly bidsSent: number;
  readonly rejected: number;
  /** Callers answered with an error, by code (TIMEOUT, UNAVAILABLE...): their bids may or may not have landed. */
  readonly errors: Readonly<Record<string, number>>;
  /** Per fault: from the restarted server answering to bids being served again (see serviceResumed); null past the limit. */
  readonly recoveryMs: readonly (number | null)[];
  /** Per fault: from the kill to the sending of the last bid not served (0 when every bid was). */
  readonly disruptionMs: readonly number[];
  readonly check: LedgerCheck;
  readonly durationMs: number;
}

const AUCTIONS_PER_PARTITION = 2;

/** Auction ids chosen so that every partition has `AUCTIONS_PER_PARTITION` of them. */
function auctionsOverPartitions(label: string, partitions: number): LoadAuction[] {
  const auctions: LoadAuction[] = [];
  const perPartition = new Map<number, number>();
  for (let i = 0; auctions.length < partitions * AUCTIONS_PER_PARTITION; i++) {
    const id = `${label}-auction-${i}`;
    const partition = partitionOf(id, partitions);
    const count = perPartition.get(partition) ?? 0;
    if (count >= AUCTIONS_PER_PARTITION) continue;
    perPartition.set(partition, count + 1);
    auctions.push({ id, partition });
  }
  return auctions;
}

/** The servers of a run: those its stack uses. */
interface FaultServers {
  readonly redis?: RedisServerProcess;
  readonly postgres?: PostgresServerProcess;
}

async function startServers(stack: StackName): Promise<FaultServers> {
  // Redis alone keeps the ledger, so it must persist it; beside PostgreSQL it keeps nothing durable.
  const redis = stack === 'postgres' ? undefined : await RedisServerProcess.start(stack === 'redis' ? 'aof' : 'none');
  try {
    const postgres = stack === 'redis' ? undefined : await PostgresServerProcess.start();
    return { ...(redis === undefined ? {} : { redis }), ...(postgres === undefined ? {} : { postgres }) };
  } catch (error) {
    await redis?.stop();
    throw error;
  }
}

/** Leases taken and given back on every partition, so that the houses start with tokens that have a past. */
async function giveTokensAPast(stack: FaultStack, partitions: number, leases: number): Promise<void> {
  if (leases <= 0) return;
  await stack.withPorts(async ({ lock }) => {
    for (let p = 0; p < partitions; p++) {
      for (let i = 0; i < leases; i++) {
        const lease = await lock.acquire(`partition:${p}`, 'history', 1_000);
        if (lease !== null) await lock.release(lease);
      }
    }
  });
}

async function createAuctions(stack: FaultStack, auctions: readonly LoadAuction[]): Promise<void> {
  const [house] = stack.houses;
  if (house === undefined) throw new Error('A run needs a house.');
  for (const { id } of auctions) {
    await house.createAuction({
      id,
      sellerId: 'seller',
      title: id,
      currency: 'USD',
      startingPrice: 1_000,
      increment: { type: 'fixed', amount: 10 },
      startsAt: Date.now(),
      endsAt: Date.now() + 3_600_000,
    });
  }
}

function errorsByCode(records: readonly BidRecord[]): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const { status, code } of records) if (status === 'error') errors[code ?? '?'] = (errors[code ?? '?'] ?? 0) + 1;
  return errors;
}

/**
 * Waits until bids have been served for two lease TTLs in a row (every caller judged within a
 * TTL, and every partition accepting): answers how long after `back` that began, or null when
 * it did not within `limitMs`.
 */
async function serviceResumed(
  load: BidLoad,
  back: number,
  partitions: number,
  leaseTtlMs: number,
  limitMs: number,
): Promise<number | null> {
  const windowMs = 2 * leaseTtlMs;
  while (Date.now() - back < limitMs + windowMs) {
    const from = load.lastUnservedSince(back, leaseTtlMs) ?? back;
    if (Date.now() - from >= windowMs && load.partitionsAcceptingSince(from).size === partitions)
      return from - back <= limitMs ? from - back : null;
    await sleep(50);
  }
  return null;
}

/**
 * Houses on a stack of servers of their own take a steady load of bids while one server is
 * killed (SIGKILL) and started again, `faults` times. Afterwards every answer is held against
 * the ledger. The report says how long each recovery took and what the check found.
 */
export async function runFaults(options: FaultRunOptions): Promise<FaultRunReport> {
  const started = Date.now();
  const partitions = options.partitions ?? 4;
  const servers = await startServers(options.stack);
  const target: ServerProcess | undefined = options.target === 'redis' ? servers.redis : servers.postgres;
  const stack = new FaultStack(
    options.stack,
    {
      ...(servers.redis === undefined ? {} : { redisUrl: servers.redis.url }),
      ...(servers.postgres === undefined ? {} : { postgresUrl: servers.postgres.url }),
    },
    { partitions, leaseTtlMs: options.leaseTtlMs, answerTimeoutMs: Math.max(5_000, options.leaseTtlMs * 2) },
  );
  const label = `${options.stack}-${options.target}`;
  try {
    if (target === undefined) throw new Error(`The ${options.stack} stack has no ${options.target} to kill.`);
    await stack.prepare();
    await giveTokensAPast(stack, partitions, options.tokenHistory ?? 0);
    for (let i = 0; i < (options.houses ?? 2); i++) await stack.addHouse(`${label}-house-${i}`);
    const auctions = auctionsOverPartitions(label, partitions);
    await createAuctions(stack, auctions);
    const load = new BidLoad({ houses: stack.houses, auctions, bidsPerSecond: options.bidsPerSecond, label });
    load.start();
    await sleep(options.warmMs);
    const { recoveryMs, disruptionMs } = await injectFaults(target, load, label, { ...options, partitions });
    await load.stop();
    await stack.stop();
    const check = await stack.withPorts(({ store }) =>
      checkLedger(
        store,
        auctions.map((auction) => auction.id),
        load.records,
      ),
    );
    return {
      stack: options.stack,
      target: options.target,
      faultsInjected: recoveryMs.length,
      bidsSent: load.records.length,
      rejected: load.records.filter((record) => record.status === 'rejected').length,
      errors: errorsByCode(load.records),
      recoveryMs,
      disruptionMs,
      check,
      durationMs: Date.now() - started,
    };
  } finally {
    await stack.stop();
    await Promise.allSettled([servers.redis?.stop(), servers.postgres?.stop()]);
  }
}

/** Kills the target and starts it again, `faults` times under the load; answers how each went. */
async function injectFaults(
  target: ServerProcess,
  load: BidLoad,
  label: string,
  options: FaultRunOptions & { readonly partitions: number },
): Promise<Pick<FaultRunReport, 'recoveryMs' | 'disruptionMs'>> {
  const log = options.log ?? (() => undefined);
  const limitMs = options.recoveryLimitMs ?? options.leaseTtlMs * 4;
  const recoveryMs: (number | null)[] = [];
  const disruptionMs: number[] = [];
  for (let f = 0; f < options.faults; f++) {
    const killedAt = Date.now();
    await target.kill();
    log(`${label}: killed ${options.target} (${f + 1}/${options.faults})`);
    await sleep(options.downMs);
    await target.restart();
    const back = Date.now();
    const recovered = await serviceResumed(load, back, options.partitions, options.leaseTtlMs, limitMs);
    recoveryMs.push(recovered);
    disruptionMs.push((load.lastUnservedSince(killedAt, options.leaseTtlMs) ?? killedAt) - killedAt);
    log(`${label}: ${options.target} back, bids served again after ${recovered ?? `more than ${limitMs}`} ms`);
    await sleep(options.afterMs);
  }
  return { recoveryMs, disruptionMs };
}
