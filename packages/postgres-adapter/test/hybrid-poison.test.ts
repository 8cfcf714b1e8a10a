// The hybrid composition (PostgreSQL store, Redis queue, lock, broadcaster and cache): a command
// that PostgreSQL refuses sits in the Redis queue, which outlives every process.
import { type AuctionHouse, composeBackend, createAuctionHouse, type HealthEvent, partitionOf } from '@outcry/core';
import { createRedisAdapters, deleteMatching, type RedisAdapters } from '@outcry/redis-adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedAdapters, noDatabase } from './support/database.js';
import { eventually } from './support/manual-clock.js';
import { clientHouse, poisonCreate, routedOutcomes } from './support/poison-commands.js';
import { REDIS_URL, redisUp } from './support/redis-service.js';

const PARTITIONS = 4;
const up = noDatabase ? false : await redisUp('the hybrid poison test');

describe.skipIf(noDatabase || !up)('a command whose content PostgreSQL refuses (hybrid: Redis queue)', () => {
  const prefix = `outcry-hybrid-poison:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  let postgres: Awaited<ReturnType<typeof migratedAdapters>>;
  const redises: RedisAdapters[] = [];
  const houses: AuctionHouse[] = [];
  const redisAdapters = () => {
    const redis = createRedisAdapters({ redis: REDIS_URL, prefix, partitions: PARTITIONS });
    redises.push(redis);
    return redis;
  };
  /** One process owning partitions: its own Redis connections, the shared PostgreSQL store. */
  const owner = () => {
    const redis = redisAdapters();
    const backend = composeBackend({ store: postgres, queue: redis, lock: redis, broadcaster: redis, cache: redis });
    const house = createAuctionHouse({ backend, leaseTtlMs: 2_000 });
    houses.push(house);
    return house;
  };
  beforeAll(async () => {
    postgres = await migratedAdapters({ partitions: PARTITIONS });
  });
  afterAll(async () => {
    for (const house of houses) await house.stop();
    const first = redises[0];
    if (first !== undefined) await deleteMatching(first.redis, `${prefix}*`);
    for (const redis of redises) await redis.close();
    await postgres.dispose();
  });

  it('is rejected alone and acknowledged off the Redis queue: bids of its partition commit, and a restart never sees it again', async () => {
    const creator = owner();
    await creator.start();
    const auction = await creator.createAuction({
      sellerId: 'seller',
      title: 'Hybrid lot',
      currency: 'USD',
      startingPrice: 1_000,
      increment: { type: 'fixed', amount: 1 },
      endsAt: Date.now() + 3_600_000,
    });
    await creator.stop();
    const partition = partitionOf(auction.id, PARTITIONS);
    const clientPorts = redisAdapters();
    const client = await clientHouse({
      backend: composeBackend({
        store: postgres,
        queue: clientPorts,
        lock: clientPorts,
        broadcaster: clientPorts,
        cache: clientPorts,
      }),
      partitions: PARTITIONS,
      answerTimeoutMs: 10_000,
    });
    houses.push(client);
    const heard = await routedOutcomes(clientPorts.broadcaster, partition);

    // The repro: a create whose title PostgreSQL cannot keep, then bids on an auction of the
    // same partition, queued while no house owns it.
    const poison = poisonCreate(partition, PARTITIONS, client.houseId);
    await clientPorts.queue.enqueue(partition, [poison]);
    const bids = Array.from({ length: 12 }, (_, i) =>
      client.placeBid({ auctionId: auction.id, bidderId: `b${i}`, amount: 2_000 + 100 * i, bidId: `hp-${i}` }),
    );
    await eventually(
      () => clientPorts.queue.depth(partition),
      (depth) => depth === 13,
      5_000,
      'the queued commands',
    );

    const house = owner();
    const events: HealthEvent[] = [];
    house.onHealth((event) => events.push(event));
    await house.start();
    const outcomes = await Promise.all(bids);
    expect(outcomes.map((o) => o.status)).toEqual(Array(12).fill('accepted'));
    expect(outcomes.at(-1)).toMatchObject({ leaderId: 'b11' });
    const ledger = await postgres.store.getLedger(auction.id, { afterSeq: 0, limit: 100 });
    expect(ledger.map((entry) => entry.seq)).toEqual(ledger.map((_, i) => i + 1));

    const rejected = await eventually(
      async () => heard.outcomes.filter((routed) => routed.commandId === poison.commandId),
      (routed) => routed.length > 0,
      5_000,
      'the routed rejection of the poison',
    );
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.outcome).toMatchObject({ status: 'rejected', code: 'STORE_REJECTED' });
    const poisonId = poison.command.type === 'create' ? poison.command.spec.id : '';
    expect(await postgres.store.getMany([poisonId])).toEqual([null]);
    expect(events.filter((event) => event.type === 'refused')).toMatchObject([{ command: 'create', partition }]);
    await eventually(
      () => clientPorts.queue.depth(partition),
      (depth) => depth === 0,
      5_000,
      'an empty queue',
    );

    // A process that takes over after a restart claims what was left unacknowledged: not the poison.
    await house.stop();
    const next = owner();
    await next.start();
    const later = await client.placeBid({ auctionId: auction.id, bidderId: 'late', amount: 9_000, bidId: 'hp-late' });
    expect(later).toMatchObject({ status: 'accepted', leaderId: 'late' });
    expect(next.metrics().sequencer).toMatchObject({ refusedCommands: 0, commitErrors: 0 });
    expect(await clientPorts.queue.depth(partition)).toBe(0);
    expect(heard.outcomes.filter((routed) => routed.commandId === poison.commandId)).toHaveLength(1);
    await heard.off();
  });
});
