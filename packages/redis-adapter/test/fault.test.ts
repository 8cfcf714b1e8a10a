import { type AuctionHouse, createAuctionHouse, isOutcryError } from '@outcry/core';
import { partitionOf } from '@outcry/core/adapter-kit';
import { commitBatchOf, eventually, ScriptedAuction } from '@outcry/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAdapters } from '../src/create-redis-adapters.js';
import { checkAuctions, createAuctions } from './support/auction-checks.js';
import { ChildHouse } from './support/child-house.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the fault tests');
const PARTITIONS = 4;

/** A new auction whose id belongs to `partition`, where a house would commit it. */
function auctionOfPartition(partition: number): ScriptedAuction {
  for (;;) {
    const auction = ScriptedAuction.create();
    if (partitionOf(auction.id, PARTITIONS) === partition) return auction;
  }
}

/** Kills every connection whose name is `name` (CLIENT KILL ID), from `admin`; answers how many. */
async function killConnections(admin: Redis, name: string): Promise<number> {
  const list = (await admin.client('LIST')) as string;
  const ids = list
    .split('\n')
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
  for (const id of ids) await admin.client('KILL', 'ID', id);
  return ids.length;
}

describe.skipIf(!up)('faults', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  const fresh = (label: string) => {
    const prefix = uniquePrefix(label);
    prefixes.push(prefix);
    return prefix;
  };
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    for (const prefix of prefixes) await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('a process killed with SIGKILL mid-load loses no accepted bid: another takes its partitions over', async () => {
    const prefix = fresh('kill:');
    const auctionIds = await createAuctions(redis, prefix, PARTITIONS, 4, 60_000);
    const env = {
      REDIS_URL,
      PREFIX: prefix,
      PARTITIONS: String(PARTITIONS),
      AUCTIONS: auctionIds.join(','),
      CONCURRENCY: '24',
      LEASE_TTL_MS: '1000',
      ANSWER_TIMEOUT_MS: '5000',
    };
    const victim = new ChildHouse({ ...env, HOUSE_ID: 'victim', DURATION_MS: '10000' });
    const victimReady = await victim.waitFor('ready');
    // Started first, the victim owns every partition.
    expect(JSON.parse(victimReady.split(' ')[2] as string)).toEqual([0, 1, 2, 3]);
    // Paced: its bids are checked one by one afterwards, however fast this machine serves them.
    const survivor = new ChildHouse({ ...env, HOUSE_ID: 'survivor', DURATION_MS: '4000', PAUSE_MS: '10' });
    await survivor.waitFor('ready');
    victim.send('go');
    survivor.send('go');
    await eventually(() => victim.accepted().length >= 100, 15_000, 'the victim to have bids accepted');
    victim.kill();
    expect(await victim.exited).toBe('SIGKILL');
    const done = await survivor.waitFor('done', 30_000);
    const summary = JSON.parse(done.slice('done '.length)) as { accepted: number; owned: number[] };
    // The survivor took every partition once the dead owner's leases expired, and its bids to them were answered.
    expect(summary.owned).toEqual([0, 1, 2, 3]);
    await survivor.stop();
    const adapters = createRedisAdapters({ redis, prefix, partitions: PARTITIONS });
    // A survivor's bid judged by the victim just before it died may have lost its answer (the
    // victim died between its commit and its broadcast): the caller got TIMEOUT, never a wrong
    // answer, and the bid was judged: its outcome is in the store.
    const unanswered = survivor.failures();
    for (const line of unanswered) expect(line).toMatch(/^failed \S+ No outcome for/);
    const unansweredIds = unanswered.map((line) => line.split(' ')[1] as string);
    expect((await adapters.store.getOutcomes(unansweredIds)).filter((outcome) => outcome === null)).toEqual([]);
    const accepted = [...victim.accepted(), ...survivor.accepted()];
    await checkAuctions(adapters.store, auctionIds, accepted, false);
    // Nothing stays unacknowledged: the survivor reclaimed what the victim had been delivered.
    for (let partition = 0; partition < PARTITIONS; partition++) expect(await adapters.queue.depth(partition)).toBe(0);
    await adapters.close();
  });

  it('refuses the late commit of a stale owner by its fencing token, and writes nothing of it', async () => {
    const prefix = fresh('stale:');
    const adapters = createRedisAdapters({ redis, prefix, partitions: PARTITIONS });
    const { lock, store } = adapters;
    const old = await lock.acquire('partition:1', 'old-owner', 150);
    expect(old).not.toBeNull();
    const auction = auctionOfPartition(1);
    await store.commit(commitBatchOf(1, old?.token ?? 0, [auction]));
    const stale = auction.fork();
    await new Promise((resolve) => setTimeout(resolve, 250));
    const next = await lock.acquire('partition:1', 'new-owner', 10_000);
    expect(next?.token).toBeGreaterThan(old?.token ?? Number.POSITIVE_INFINITY);
    auction.bid('new-bidder', 2_000);
    await store.commit(commitBatchOf(1, next?.token ?? 0, [auction]));
    // The old owner wakes up and commits what it judged meanwhile.
    stale.bid('old-bidder', 5_000);
    const other = auctionOfPartition(1);
    const late = store.commit(commitBatchOf(1, old?.token ?? 0, [stale, other]));
    await expect(late).rejects.toSatisfy((error: unknown) => isOutcryError(error) && error.code === 'STALE_OWNER');
    expect(await store.getMany([auction.id, other.id])).toEqual([auction.state, null]);
    expect((await store.getLedger(auction.id, { afterSeq: 0, limit: 10 })).map((e) => e.seq)).toEqual([1, 2]);
    expect(await lock.renew(old as NonNullable<typeof old>, 1_000)).toBeNull();
    await adapters.close();
  });

  it('survives a CLIENT KILL of every adapter connection: bids go on and broadcasts arrive again', async () => {
    const prefix = fresh('client-kill:');
    const name = `outcry-fault-${process.pid}`;
    const client = new Redis(REDIS_URL, { connectionName: name });
    const adapters = createRedisAdapters({ redis: client, prefix, partitions: PARTITIONS });
    const house: AuctionHouse = createAuctionHouse({ backend: adapters, partitions: PARTITIONS });
    await house.start();
    try {
      const auction = await house.createAuction({
        sellerId: 'seller',
        title: 'Lot',
        currency: 'USD',
        startingPrice: 100,
        increment: { type: 'fixed', amount: 10 },
        startsAt: Date.now(),
        endsAt: Date.now() + 60_000,
      });
      const events: number[] = [];
      house.subscribe(auction.id, (event) => events.push(event.seq));
      const bid = (amount: number) => house.placeBid({ auctionId: auction.id, bidderId: `b${amount}`, amount });
      expect((await bid(1_000)).status).toBe('accepted');
      await eventually(() => events.includes(2), 5_000, 'the first event');
      // The shared client, the blocking readers and the subscriber all carry the name.
      expect(await killConnections(redis, name)).toBeGreaterThanOrEqual(3);
      const outcomes = await Promise.all([bid(2_000), bid(3_000), bid(4_000)]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['accepted', 'accepted', 'accepted']);
      // The subscriber connection subscribed again: later events arrive.
      await eventually(() => events.includes(5), 5_000, 'events after the reconnect');
      const states = await adapters.store.getMany([auction.id]);
      expect(states[0]?.bidCount).toBe(4);
      // The snapshot cache follows the broadcasts again.
      await eventually(async () => (await house.getAuction(auction.id))?.seq === 5, 5_000, 'a fresh snapshot');
    } finally {
      await house.stop();
      await adapters.close();
      await client.quit();
    }
  });
});
